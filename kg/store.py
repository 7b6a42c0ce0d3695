"""store: where a corpus graph lives — memory, an Oxigraph folder, or a SPARQL 1.1 endpoint.

Stores are chosen by a registered name, as rdflib's plugins are: `open_store("memory")`,
`open_store("corpus.oxigraph/")` (a folder: a persistent pyoxigraph store) or
`open_store("http://127.0.0.1:7878")` (any SPARQL 1.1 endpoint: named graphs are replaced
with the Graph Store Protocol, or with SPARQL Update where no GSP address is known). Every
store takes N-Quads (one named graph per article) and answers SPARQL, its named graphs
queried as one default graph.
"""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from kg.ingest import InputError

STORES: dict[str, Callable[..., "GraphStore"]] = {}
GRAPH_FILES = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".trig": ox.RdfFormat.TRIG,
               ".nq": ox.RdfFormat.N_QUADS, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD}
INDEX_NAME = "kg-index.sqlite"
HTTP_TIMEOUT = 60


def register(name: str):
    def add(cls):
        STORES[name] = cls
        cls.kind = name
        return cls
    return add


def store_kind(spec: str) -> str:
    """The registered store a `--store` value names."""
    if spec == "memory":
        return "memory"
    if spec.startswith(("http://", "https://")):
        return "sparql"
    suffix = Path(spec).suffix.lower()
    return "file" if suffix in GRAPH_FILES and not Path(spec).is_dir() else "oxigraph"


def open_store(spec: str, *, read_only: bool = False) -> "GraphStore":
    return STORES[store_kind(spec)](spec, read_only=read_only)


class GraphStore:
    """What kg needs of a store. N-Quads lines end with ` <graph> .` and a newline."""

    kind = ""
    index_path: Path | None = None  # where the corpus index lives beside the store, if anywhere

    def replace_graphs(self, graphs: list[str], nquads: list[str]) -> None:
        raise NotImplementedError

    def select(self, sparql: str) -> list[dict[str, str | None]]:
        """Rows of a SELECT query, values as plain strings."""
        raise NotImplementedError

    def dataset(self):
        """The store as an rdflib Dataset (queries run in the store), named graphs as one."""
        raise NotImplementedError

    def dump_nquads(self) -> bytes:
        raise NotImplementedError

    def count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"]) if rows else 0

    def close(self) -> None:
        pass


def triple_lines(nquads: list[str]) -> str:
    """N-Quads lines as N-Triples: the graph name (always last) dropped."""
    return "".join(line.rstrip(" .\n").rpartition(" <")[0] + " .\n" for line in nquads)


class _Oxigraph(GraphStore):
    """A pyoxigraph Store holding one named graph per article and, in its default graph, the
    union of them with each triple once (Oxigraph's own union default graph repeats a triple
    once per graph, which multiplies joins over shared nodes: titles, countries, persons).
    Queries run on the default graph; GRAPH ?g reaches the articles' graphs."""

    store: ox.Store

    def replace_graphs(self, graphs, nquads):
        store = self.store
        old = set()
        for g in graphs:
            node = ox.NamedNode(g)
            if store.contains_named_graph(node):
                old.update((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, node))
                store.remove_graph(node)
        if nquads:
            store.bulk_load("".join(nquads).encode("utf-8"), ox.RdfFormat.N_QUADS, lenient=True)
            store.bulk_load(triple_lines(nquads).encode("utf-8"), ox.RdfFormat.N_TRIPLES, lenient=True)
        default = ox.DefaultGraph()
        for s, p, o in old:  # a triple no article states any more leaves the union
            if not any(not isinstance(q.graph_name, ox.DefaultGraph) for q in store.quads_for_pattern(s, p, o, None)):
                store.remove(ox.Quad(s, p, o, default))

    def materialize_union(self) -> None:
        """Fill the default graph with the union of the named graphs (for a graph file just loaded)."""
        self.store.extend([ox.Quad(q.subject, q.predicate, q.object) for q in self.store
                           if not isinstance(q.graph_name, ox.DefaultGraph)])

    def select(self, sparql):
        result = self.store.query(sparql)
        names = [v.value for v in result.variables]
        return [{n: (None if t is None else t.value) for n, t in zip(names, row)} for row in result]

    def dataset(self):
        from oxrdflib import OxigraphStore
        from rdflib import Dataset

        return Dataset(store=OxigraphStore(store=self.store), default_union=False)

    def named_quads(self):
        return (q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph))

    def dump_nquads(self):
        return ox.serialize(self.named_quads(), format=ox.RdfFormat.N_QUADS)

    def count(self):
        return int(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])

    def close(self):
        if not self.read_only:
            self.store.flush()
        del self.store


@register("memory")
class MemoryStore(_Oxigraph):
    def __init__(self, spec: str = "memory", *, read_only: bool = False):
        self.store = ox.Store()
        self.read_only = False


@register("file")
class FileStore(_Oxigraph):
    """A graph file (Turtle, TriG, N-Quads, ...) loaded into memory, for reading."""

    def __init__(self, spec: str, *, read_only: bool = True):
        path = Path(spec)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        self.store, self.read_only = ox.Store(), True
        try:
            self.store.bulk_load(path=str(path), format=GRAPH_FILES[path.suffix.lower()])
        except (SyntaxError, ValueError, OSError) as exc:
            raise InputError(f"{path}: not a valid graph file ({str(exc).splitlines()[0][:200]})") from None
        if any(True for _ in self.store.named_graphs()):
            self.materialize_union()


@register("oxigraph")
class OxigraphStore(_Oxigraph):
    """A persistent pyoxigraph (RocksDB) store in a folder; kg's corpus index sits beside its files."""

    def __init__(self, spec: str, *, read_only: bool = False):
        path = Path(spec)
        self.read_only = read_only
        if read_only or path.exists():
            if not (path / "CURRENT").exists():
                raise InputError(f"{path}: not an Oxigraph store" if path.exists() else f"{path}: no such store")
        elif not path.parent.exists():
            raise InputError(f"{path.parent}: no such folder for the store")
        try:
            self.store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            message = str(exc).splitlines()[0][:200]
            if "lock" in message.lower():
                message = "in use by another process (a running build or `kg serve`?)"
            raise InputError(f"{path}: cannot open the store: {message}") from None
        self.index_path = path / INDEX_NAME


@register("sparql")
class SparqlEndpointStore(GraphStore):
    """A SPARQL 1.1 endpoint. `http://host:port` is read as an Oxigraph server (/query, /update,
    /store); an address ending in /sparql or /query as Fuseki-like (/update and /data beside it)."""

    def __init__(self, spec: str, *, read_only: bool = False):
        url = spec.rstrip("/")
        parsed = urllib.parse.urlsplit(url)
        try:
            parsed.port  # noqa: B018 (raises ValueError for a port that is not a number)
        except ValueError:
            parsed = None
        if not parsed or not parsed.hostname:
            raise InputError(f"{spec}: not a SPARQL endpoint address")
        if url.endswith("/sparql"):
            base = url[: -len("/sparql")]
            self.query_url, self.update_url, self.gsp_url = url, base + "/update", base + "/data"
        elif url.endswith("/query"):
            base = url[: -len("/query")]
            self.query_url, self.update_url, self.gsp_url = url, base + "/update", base + "/store"
        else:
            self.query_url, self.update_url, self.gsp_url = url + "/query", url + "/update", url + "/store"
        self.url = spec

    def _request(self, url: str, data: bytes | None = None, method: str = "GET",
                 headers: dict[str, str] | None = None) -> bytes:
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()[:1]
            raise InputError(f"{self.url}: {exc.code} {exc.reason}{': ' + detail[0][:200] if detail else ''}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise InputError(f"{self.url}: cannot reach the endpoint ({getattr(exc, 'reason', exc)})") from None
        except http.client.HTTPException as exc:  # a connection dropped mid-answer, a garbled status line
            raise InputError(f"{self.url}: no valid answer from the endpoint ({type(exc).__name__})") from None

    def replace_graphs(self, graphs, nquads):
        by_graph: dict[str, list[str]] = {g: [] for g in graphs}
        for line in nquads:
            head, _, graph = line.rstrip(" .\n").rpartition(" <")
            by_graph.setdefault(graph.rstrip(">"), []).append(head + " .\n")
        for graph, lines in by_graph.items():
            target = f"{self.gsp_url}?graph={urllib.parse.quote(graph, safe='')}"
            if lines:
                self._request(target, "".join(lines).encode("utf-8"), "PUT",
                              {"Content-Type": "application/n-triples"})
            else:
                self.update(f"DROP SILENT GRAPH <{graph}>")

    def update(self, sparql: str) -> None:
        self._request(self.update_url, sparql.encode("utf-8"), "POST",
                      {"Content-Type": "application/sparql-update"})

    def select(self, sparql):
        body = self._request(self.query_url, urllib.parse.urlencode({"query": sparql}).encode("utf-8"), "POST",
                             {"Content-Type": "application/x-www-form-urlencoded",
                              "Accept": "application/sparql-results+json"})
        result = json.loads(body)
        names = result["head"]["vars"]
        return [{n: row[n]["value"] if n in row else None for n in names} for row in result["results"]["bindings"]]

    def dataset(self):
        from rdflib import Dataset
        from rdflib.plugins.stores.sparqlstore import SPARQLStore

        # Reached first with our own client: an endpoint that is down gets its own clear line,
        # not SPARQLWrapper's "you did something wrong formulating the URI or the query".
        self._request(f"{self.query_url}?{urllib.parse.urlencode({'query': 'ASK {}'})}",
                      headers={"Accept": "application/sparql-results+json"})
        return Dataset(store=SPARQLStore(query_endpoint=self.query_url, returnFormat="json"), default_union=True)

    def dump_nquads(self):
        return self._request(self.gsp_url, headers={"Accept": "application/n-quads"})
