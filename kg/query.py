"""query: load a graph file and run SPARQL on it, results as a table, CSV or JSON.

`kg query` reads only the graph it is given, as `kg serve` does: FROM and FROM NAMED must
name graphs of it, SERVICE and LOAD are refused, and a JSON-LD file's remote `@context` is
not fetched (`allow_remote=True`, the option `--allow-remote`, lets rdflib read files and
the network as it would). A query runs in a process of its own (`answer_in_process`), which
a timeout or Ctrl-C ends: Oxigraph cannot stop a running query, and a stack overflow in its
parser would take the command down with it.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.namespace import NamespaceManager

from kg.ingest import InputError
from kg.rdf import PREFIXES
from kg.vocab import ID

PARSE_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld", ".trig": "trig",
                 ".nq": "nquads"}


def load_graph(path: Path, allow_remote: bool = False) -> Dataset:
    """A graph file written by `kg build` (any of its formats), its named graphs queried as one;
    or a store folder built by `kg build --store`, read in place. A JSON-LD file is read by
    Oxigraph, which loads no remote context, unless `allow_remote`."""
    if path.is_dir():
        from kg.store import open_store

        return open_store(str(path), read_only=True).dataset()
    fmt = PARSE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown graph format (expected one of {', '.join(PARSE_FORMATS)})")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    dataset = Dataset(default_union=True)
    try:
        if fmt == "json-ld" and not allow_remote:
            import pyoxigraph as ox

            quads = ox.parse(path=str(path), format=ox.RdfFormat.JSON_LD)
            dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format="nquads")
        else:
            dataset.parse(path, format=fmt)
    except Exception as exc:  # rdflib and Oxigraph raise many kinds of parse errors
        message = str(exc).splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        if "remote context" in message:
            message = "it names a remote @context, which kg does not fetch (--allow-remote does)"
        raise InputError(f"{path}: not valid {fmt}: {message}") from None
    return dataset


def run_query(dataset: Dataset, sparql: str):
    try:
        return dataset.query(sparql)
    except Exception as exc:  # pyparsing and rdflib errors
        raise InputError(f"bad SPARQL query: {str(exc).splitlines()[0][:200]}") from None


def check_query(sparql: str, allow_remote: bool = False) -> None:
    """Refuse what no query of a graph kg reads needs: nesting deeper than Oxigraph's parser
    can take (kg.serve.MAX_NESTING), updates, LOAD,
    and (unless `allow_remote`) SERVICE."""
    from kg.serve import MAX_NESTING, nesting_depth, refused_keyword

    depth = nesting_depth(sparql)
    if depth > MAX_NESTING:
        raise InputError(f"query nested too deeply ({depth:,} brackets; at most {MAX_NESTING})")
    keyword = refused_keyword(sparql)
    if keyword == "SERVICE" and not allow_remote:
        raise InputError("SERVICE is not allowed: kg query reads only the graph it is given "
                         "(--allow-remote lets a query reach files and the network)")
    if keyword and keyword != "SERVICE":
        raise InputError(f"{keyword} is not allowed: kg query is read-only")


def _check_dataset(sparql: str, holds) -> None:
    """Refuse a FROM or FROM NAMED naming a graph the dataset does not hold (`holds(iri)`)."""
    from kg.serve import Refused, dataset_graphs

    try:
        graphs = dataset_graphs(sparql)
    except Refused as exc:
        raise InputError(str(exc)) from None
    for iri in graphs:
        if not holds(iri):
            raise InputError(f"FROM <{iri}>: not a graph of this dataset (kg query reads only the graph it is "
                             f"given: no file, no network; --allow-remote lets it)")


def answer(graph: str, sparql: str, fmt: str = "table", allow_remote: bool = False) -> str:
    """The result of a query on a graph file, a store folder or an endpoint, formatted."""
    from kg.store import open_store, store_kind

    check_query(sparql, allow_remote)
    kind = store_kind(graph)
    if kind == "file":
        import rdflib.plugins.sparql

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = allow_remote
        dataset = load_graph(Path(graph), allow_remote)
        if not allow_remote:
            _check_dataset(sparql, {str(g.identifier) for g in dataset.graphs()}.__contains__)
        return format_result(run_query(dataset, sparql), fmt, dataset)
    if kind == "oxigraph" and not Path(graph).exists():
        raise InputError(f"{graph}: no such file or store")
    store = open_store(graph, read_only=True)
    try:
        dataset = store.dataset()
        if kind == "oxigraph" and not allow_remote:
            _check_dataset(sparql, lambda iri: store.missing_graphs([iri]) == set())
        try:
            # an endpoint's refusals come back with its reason (a 403's "SERVICE is not allowed")
            result = store.query(sparql) if kind == "sparql" else dataset.query(sparql)
            return format_result(result, fmt, dataset)
        except InputError:
            raise
        except Exception as exc:  # the store's parse and evaluation errors
            raise InputError(f"bad SPARQL query: {str(exc).splitlines()[0][:200]}") from None
    finally:
        store.close()


def _answer_to(conn, *job) -> None:
    """In the query's own process: the answer, or the one line that says why not, to `conn`."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the command, which ends this process
    try:
        conn.send((True, answer(*job)))
    except (InputError, ValueError) as exc:
        conn.send((False, str(exc)))
    except Exception as exc:  # noqa: BLE001 (one line, never a traceback)
        detail = (str(exc).strip().splitlines() or [""])[0][:200]
        conn.send((False, f"the query failed: {type(exc).__name__}: {detail}"))
    conn.close()


def answer_in_process(graph: str, sparql: str, fmt: str = "table", allow_remote: bool = False,
                      timeout: float | None = None) -> str:
    """`answer` in a process of its own, ended at `timeout` seconds (None: no limit) or on
    Ctrl-C; a crash of the engine is one line too."""
    import multiprocessing
    import time

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_answer_to, args=(child, graph, sparql, fmt, allow_remote), daemon=True,
                              name="kg-query")
    process.start()
    child.close()
    deadline = None if not timeout else time.monotonic() + timeout
    ended = "the query engine ended without an answer (exit status {}); the query may be too much for it"
    try:
        while not parent.poll(0.1):
            if not process.is_alive() and not parent.poll(0):
                process.join()
                raise InputError(ended.format(process.exitcode))
            if deadline and time.monotonic() > deadline:
                raise InputError(f"the query ran past --timeout ({timeout:g} s) and was stopped")
        ok, text = parent.recv()
    except EOFError:
        process.join()
        raise InputError(ended.format(process.exitcode)) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    if not ok:
        raise InputError(text)
    return text


MAX_CELL = 90


def _cell(value, names: NamespaceManager) -> str:
    """A value as a table shows it: kg's own IRIs by their path, others as prefixed names,
    text on one line and cut to MAX_CELL characters."""
    if value is None:
        return ""
    if isinstance(value, URIRef):
        if str(value).startswith(str(ID)):
            return str(value)[len(str(ID)):]
        text = names.normalizeUri(value)
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def format_result(result, fmt: str, dataset: Dataset) -> str:
    if result.type != "SELECT":
        if result.type == "ASK":
            return ("true" if result.askAnswer else "false") + "\n"
        return result.serialize(format="turtle").decode("utf-8")
    names = dataset.namespace_manager
    for prefix, namespace in PREFIXES.items():
        names.bind(prefix, namespace, override=True, replace=True)
    variables = [str(v) for v in result.vars]
    rows = [[row[v] for v in result.vars] for row in result]
    if fmt == "json":
        return json.dumps([{v: (None if c is None else str(c)) for v, c in zip(variables, r)} for r in rows],
                          ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(variables)
        for r in rows:
            writer.writerow(["" if c is None else str(c) for c in r])
        return out.getvalue()
    cells = [[_cell(c, names) for c in r] for r in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


