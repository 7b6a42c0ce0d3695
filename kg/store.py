"""store: where a corpus graph lives — memory, an Oxigraph folder, or a SPARQL 1.1 endpoint.

Stores are chosen by a registered name, as rdflib's plugins are: `open_store("memory")`,
`open_store("corpus.oxigraph/")` (a folder: a persistent pyoxigraph store) or
`open_store("http://127.0.0.1:7878")` (any SPARQL 1.1 endpoint: named graphs are replaced
with the Graph Store Protocol, or with SPARQL Update where no GSP address is known). Every
store holds one named graph per article and, in its default graph, their union with each
triple once, which kg keeps up to date itself, so that queries need no union-default-graph
setting of the store and see each triple once (Oxigraph's own union default graph repeats a
triple once per graph, which multiplies joins over shared nodes: titles, countries, persons).
Queries run on the default graph; GRAPH ?g reaches the articles' graphs.

An Oxigraph folder has one writer at a time (RocksDB's lock), and is not written while `kg
serve` serves it: the server holds a shared lock on `kg-serve.lock` in the folder, a writer
an exclusive one, so that the endpoint always answers from one snapshot. A writer removes the
`bulk-*.sst` files an interrupted bulk load left behind (Oxigraph writes them into the folder
and ingests them; a crash or a full disk leaves them there).
"""
from __future__ import annotations

import http.client
import json
import queue
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from kg.ingest import InputError

STORES: dict[str, Callable[..., "GraphStore"]] = {}
GRAPH_FILES = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".trig": ox.RdfFormat.TRIG,
               ".nq": ox.RdfFormat.N_QUADS, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD}
INDEX_NAME = "kg-index.sqlite"
SERVE_LOCK = "kg-serve.lock"
HTTP_TIMEOUT = 60
LOAD_BATCH = 200_000  # statements an Oxigraph bulk load takes at once (twice as many quads: graph and union)
DROP_BATCH = 500  # graphs removed at once
REMOTE_BATCH = 8 << 20  # bytes of N-Triples sent to an endpoint's default graph at once
DUMP_PAGE = 50_000  # rows read at once from an endpoint without the Graph Store Protocol


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


Graph = tuple[str, list[str]]  # a named graph's IRI and its statements: `s p o` in N-Triples syntax, no final ` .`


class GraphStore:
    """What kg needs of a store. N-Quads lines end with ` <graph> .` and a newline."""

    kind = ""
    index_path: Path | None = None  # where the corpus index lives beside the store, if anywhere

    def drop_graphs(self, graphs: Iterable[str]) -> None:
        """Remove these named graphs, and from the union every triple no other graph states."""
        raise NotImplementedError

    def add_graphs(self, graphs: Iterable[Graph]) -> int:
        """Add named graphs the store does not hold (dropped before), streaming, and their
        triples to the union; the number of statements written."""
        raise NotImplementedError

    def replace_graphs(self, graphs: list[str], nquads: list[str]) -> None:
        """Replace the named graphs `graphs` with what the N-Quads lines say (a graph with no
        lines is only removed)."""
        by_graph: dict[str, list[str]] = {}
        for line in nquads:
            head, _, graph = line.rstrip(" .\n").rpartition(" <")
            by_graph.setdefault(graph.rstrip(">"), []).append(head)
        self.drop_graphs(list(dict.fromkeys([*graphs, *by_graph])))
        self.add_graphs(by_graph.items())

    def optimize(self) -> None:
        """Make the store quick to read after a big write (a no-op where the store sees to it)."""
        return None

    def check_writable(self) -> None:
        """An InputError now, before a build, if the store will refuse the writes."""
        return None

    def select(self, sparql: str) -> list[dict[str, str | None]]:
        """Rows of a SELECT query, values as plain strings."""
        raise NotImplementedError

    def dataset(self):
        """The store as an rdflib Dataset (queries run in the store), named graphs as one."""
        raise NotImplementedError

    def dump_nquads(self) -> bytes:
        raise NotImplementedError

    def identity(self) -> str | None:
        """What tells this store from another (the corpus index records which store it describes)."""
        return None

    def missing_graphs(self, graphs: Iterable[str]) -> set[str]:
        """Those of the named graphs `graphs` the store does not hold."""
        held = {row["g"] for row in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}
        return set(graphs) - held

    def count(self) -> int:
        """Triples in the union of the articles' graphs."""
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"]) if rows else 0

    def close(self) -> None:
        pass


def _batches(items: Iterable, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Oxigraph(GraphStore):
    """A pyoxigraph Store: one named graph per article, their union in the default graph."""

    store: ox.Store

    def drop_graphs(self, graphs):
        store = self.store
        present = [node for node in map(ox.NamedNode, dict.fromkeys(graphs)) if store.contains_named_graph(node)]
        if not present:
            return
        if len(present) == sum(1 for _ in store.named_graphs()):
            store.clear()  # every article's graph goes: so does the union
            return
        default = ox.DefaultGraph()
        for batch in _batches(present, DROP_BATCH):
            old = set()
            for node in batch:
                old.update((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, node))
                store.remove_graph(node)
            for s, p, o in old:  # a triple no article states any more leaves the union
                if not any(not isinstance(q.graph_name, ox.DefaultGraph) for q in store.quads_for_pattern(s, p, o, None)):
                    store.remove(ox.Quad(s, p, o, default))

    def add_graphs(self, graphs):
        """Bulk loads of LOAD_BATCH statements at a time, each statement into its article's graph
        and into the default graph. The next batch is written out (here) while Oxigraph loads
        the last one (in a thread: the load runs without the GIL)."""
        loads: queue.Queue = queue.Queue(maxsize=1)
        failure: list[BaseException] = []

        def load():
            while (data := loads.get()) is not None:
                if not failure:
                    try:
                        self.store.bulk_load(data, ox.RdfFormat.N_QUADS, lenient=True)
                    except BaseException as exc:  # handed to the caller below
                        failure.append(exc)
                del data
                loads.task_done()

        loader = threading.Thread(target=load, name="kg-bulk-load", daemon=True)
        loader.start()
        written = pending = 0
        chunks: list[bytes] = []
        try:
            for graph, statements in graphs:
                end = f" <{graph}> .\n"
                chunks.append("".join(f"{s}{end}{s} .\n" for s in statements).encode("utf-8"))
                pending += len(statements)
                if pending >= LOAD_BATCH:
                    loads.join()  # one batch loading, one being written: no more in memory
                    loads.put(b"".join(chunks))
                    written, pending, chunks = written + pending, 0, []
                if failure:
                    break
            if chunks and not failure:
                loads.put(b"".join(chunks))
                written += pending
        finally:
            loads.put(None)
            loader.join()
        if failure:
            raise failure[0]
        return written

    def optimize(self):
        """A full compaction: bulk loads leave many overlapping files behind, which makes every
        lookup slower (three times, on a corpus store) until RocksDB merges them."""
        self.store.optimize()

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

    def missing_graphs(self, graphs):
        return {g for g in graphs if not self.store.contains_named_graph(ox.NamedNode(g))}

    def named_quads(self):
        return (q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph))

    def dump_nquads(self):
        return ox.serialize(self.named_quads(), format=ox.RdfFormat.N_QUADS)

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
    """A graph file (Turtle, TriG, N-Quads, ...) loaded into memory, for reading; or into a new
    store in `folder` (for `kg serve`, whose query processes open the folder)."""

    def __init__(self, spec: str, *, read_only: bool = True, folder: str | None = None):
        path = Path(spec)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        self.store, self.read_only = (ox.Store(folder), False) if folder else (ox.Store(), True)
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
        self.lock = None
        if not read_only:
            self.lock = _lock(path, shared=False)
            if self.lock is False:
                del self.store
                raise InputError(f"{path}: cannot open the store: `kg serve` is serving it (stop it first, "
                                 f"or build into a copy)")
            for orphan in path.glob("bulk-*.sst"):  # left by a bulk load that did not finish
                orphan.unlink(missing_ok=True)

    def identity(self):
        try:
            return (self.index_path.parent / "IDENTITY").read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def hold_for_serving(self) -> None:
        """Keep writers out while the store is served (a shared lock, released by close)."""
        self.lock = _lock(Path(self.index_path).parent, shared=True)
        if self.lock is False:
            raise InputError(f"{self.index_path.parent}: a build is writing this store; serve it when it ends")

    def close(self):
        super().close()
        if self.lock:
            self.lock.close()
            self.lock = None


def _lock(folder: Path, shared: bool):
    """An open lock file in `folder`, locked shared or exclusive; False when another process
    holds it the other way; None where no lock can be taken (a read-only folder, no flock)."""
    try:
        import fcntl

        handle = open(folder / SERVE_LOCK, "a+b")
    except (ImportError, OSError):
        return None
    try:
        fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False
    except OSError:
        handle.close()
        return None
    return handle


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

    def drop_graphs(self, graphs):
        """Per graph, the union's triples no other graph states are deleted, then the graph dropped."""
        for batch in _batches(dict.fromkeys(graphs), 50):
            self.update(" ;\n".join(
                f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} "
                f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != <{g}>) }} }} ;\n"
                f"DROP SILENT GRAPH <{g}>" for g in batch))

    def add_graphs(self, graphs):
        """Each graph PUT with the Graph Store Protocol; their triples POSTed to the default graph."""
        written, union, size = 0, [], 0
        for graph, statements in graphs:
            body = "".join(f"{s} .\n" for s in statements).encode("utf-8")
            target = f"{self.gsp_url}?graph={urllib.parse.quote(graph, safe='')}"
            self._request(target, body, "PUT", {"Content-Type": "application/n-triples"})
            written += len(statements)
            union.append(body)
            size += len(body)
            if size >= REMOTE_BATCH:
                self._add_to_default(union)
                union, size = [], 0
        if union:
            self._add_to_default(union)
        return written

    def identity(self):
        return self.url

    def _add_to_default(self, bodies: list[bytes]) -> None:
        self._request(f"{self.gsp_url}?default", b"".join(bodies), "POST", {"Content-Type": "application/n-triples"})

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
        """The articles' graphs (the union in the default graph left out): with the Graph Store
        Protocol, or from SPARQL queries a page at a time where the endpoint has none (kg serve)."""
        try:
            body = self._request(self.gsp_url, headers={"Accept": "application/n-quads"})
        except InputError as exc:
            if ": 404 " not in str(exc) and ": 405 " not in str(exc):
                raise
            return self._dump_by_queries()
        quads = ox.parse(body, format=ox.RdfFormat.N_QUADS)
        return ox.serialize((q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)),
                            format=ox.RdfFormat.N_QUADS)

    def _dump_by_queries(self) -> bytes:
        from kg.rdf import literal

        def term(value: dict) -> str:
            if value["type"] == "uri":
                return f"<{value['value']}>"
            if value["type"] == "bnode":
                return f"_:{value['value']}"
            datatype = value.get("datatype")
            return literal(value["value"], value.get("xml:lang"),
                           None if datatype == "http://www.w3.org/2001/XMLSchema#string" else datatype)

        lines, offset = [], 0
        while True:
            rows = self._results(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {DUMP_PAGE} OFFSET {offset}")
            lines += [f"{term(r['s'])} {term(r['p'])} {term(r['o'])} {term(r['g'])} .\n" for r in rows]
            if len(rows) < DUMP_PAGE:
                return "".join(lines).encode("utf-8")
            offset += DUMP_PAGE

    def _results(self, sparql: str) -> list[dict]:
        body = self._request(self.query_url, urllib.parse.urlencode({"query": sparql}).encode("utf-8"), "POST",
                             {"Content-Type": "application/x-www-form-urlencoded",
                              "Accept": "application/sparql-results+json"})
        return json.loads(body)["results"]["bindings"]

    def query(self, sparql: str):
        """An rdflib Result of a query the endpoint runs (its refusals and errors as InputError,
        with the endpoint's reason)."""
        import io

        from rdflib import Graph
        from rdflib.query import Result

        body = self._request(self.query_url, urllib.parse.urlencode({"query": sparql}).encode("utf-8"), "POST",
                             {"Content-Type": "application/x-www-form-urlencoded",
                              "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        if body.lstrip()[:1] == b"{":
            return Result.parse(io.BytesIO(body), format="json")
        result = Result("CONSTRUCT")
        result.graph = Graph().parse(data=body.decode("utf-8"), format="nt")
        return result

    def check_writable(self) -> None:
        """Refused at once by a read-only endpoint (an empty update changes nothing)."""
        self.update("")
