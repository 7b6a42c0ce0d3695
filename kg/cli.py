"""The `kg` command: build, query, stats, export, serve, viz, timeline, validate, train.

Bad input gets one clear line on stderr and a non-zero exit, never a traceback; outputs
are written to a temporary file and renamed, so a failed run leaves older output intact.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.ingest import InputError, parse_date, write_atomically

EXIT_USAGE = 2


def _fields(args):
    from kg.ingest import FieldMap

    return FieldMap(text=args.text_field, date=args.date_field, id=args.id_field, title=args.title_field)


def _report(summary, quiet: bool) -> None:
    lines = summary.lines()
    for line in (lines if not quiet else [line for line in lines if line.startswith("failed")]):
        print(line, file=sys.stderr)


def cmd_build(args) -> int:
    from kg.corpus import default_jobs, extract_stream
    from kg.ingest import Rejected, read_corpus
    from kg.language import check

    published = parse_date(args.date) if args.date else None
    articles = read_corpus(args.inputs, _fields(args), published, check(args.lang) if args.lang else None)
    if args.store:
        return _build_store(args, articles, args.jobs or default_jobs())
    if args.output is None:
        raise InputError("say where the graph goes: -o FILE or --store DIR|URL")
    from kg.rdf import FORMATS, graphs_of, serialize

    fmt = args.format or {".nt": "nt", ".jsonld": "jsonld", ".trig": "trig", ".nq": "nq"}.get(
        args.output.suffix.lower(), "ttl")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (choose from ttl, nt, jsonld, trig, nq)")
    if not args.output.parent.exists():
        raise InputError(f"{args.output.parent}: no such folder for the output")
    failures, extractions = [], []

    def readable():
        for a in articles:
            if isinstance(a, Rejected):
                failures.append(a)
            else:
                yield a

    for result in extract_stream(readable(), args.jobs or 1):
        (failures if isinstance(result, Rejected) else extractions).append(result)
    if not extractions:
        first = failures[0] if failures else None
        raise InputError(f"{first.where}: {first.reason}" if first else "no articles in the input")
    write_atomically(args.output, serialize(graphs_of(extractions), fmt))
    for r in failures:
        print(f"kg build: {r.where}: {r.reason} (skipped)", file=sys.stderr)
    if not args.quiet:
        for x in extractions:
            print(f"{x.doc_id}: {len(x.entities)} entities, {len(x.roles)} roles, {len(x.events)} events",
                  file=sys.stderr)
    return 0


def _build_store(args, articles, jobs: int) -> int:
    from kg.corpus import build_corpus
    from kg.store import open_store

    if args.output is not None:
        raise InputError("give either -o FILE or --store, not both (kg export writes a store to a file)")
    store = open_store(args.store)
    try:
        store.check_writable()
        summary = build_corpus(articles, store, jobs=jobs, index_path=args.index, progress=not args.quiet)
    finally:
        store.close()
    _report(summary, args.quiet)
    if summary.articles == 0 and summary.failures:
        return EXIT_USAGE
    return 0


def _open_for_reading(spec: str):
    from kg.store import open_store, store_kind

    if store_kind(spec) == "oxigraph" and not Path(spec).exists():
        raise InputError(f"{spec}: no such file or store")
    return open_store(spec, read_only=True)


def cmd_query(args) -> int:
    from kg.query import format_result, load_graph, run_query
    from kg.store import store_kind

    from kg.ingest import decode, read_bytes

    sparql = decode(read_bytes(args.query), str(args.query)).lstrip("\ufeff")  # UTF-8, UTF-16, ...
    if store_kind(args.graph) == "file":
        dataset = load_graph(Path(args.graph))
        sys.stdout.write(format_result(run_query(dataset, sparql), args.format, dataset))
        return 0
    store = _open_for_reading(args.graph)
    dataset = store.dataset()
    try:
        try:
            # an endpoint's refusals come back with its reason (a 403's "SERVICE is not allowed")
            result = store.query(sparql) if store_kind(args.graph) == "sparql" else dataset.query(sparql)
            text = format_result(result, args.format, dataset)
        except InputError:
            raise
        except Exception as exc:  # the store's parse and evaluation errors
            raise InputError(f"bad SPARQL query: {str(exc).splitlines()[0][:200]}") from None
        sys.stdout.write(text)
    finally:
        store.close()
    return 0


def cmd_stats(args) -> int:
    from kg.export import stats

    store = _open_for_reading(args.graph)
    try:
        counts = stats(store)
    finally:
        store.close()
    width = max(map(len, counts))
    for name, n in counts.items():
        print(f"{name.ljust(width)}  {n:>12,}")
    return 0


def cmd_export(args) -> int:
    from kg.export import EXPORT_FORMATS, export

    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    store = _open_for_reading(args.graph)
    try:
        export(store, fmt, args.output)
    finally:
        store.close()
    if not args.quiet:
        print(f"{args.output}: written ({fmt})", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    from kg.serve import make_server
    from kg.store import store_kind

    if store_kind(args.graph) == "sparql":
        raise InputError(f"{args.graph}: already a SPARQL endpoint")
    store = _open_for_reading(args.graph)
    try:
        server = make_server(store, args.host, args.port, args.timeout, quiet=args.quiet,
                             max_rows=args.max_rows)
    except OSError as exc:
        raise InputError(f"cannot listen on {args.host}:{args.port} ({exc.strerror})") from None
    print(f"kg serve: http://{args.host}:{server.server_address[1]}/sparql (read-only; Ctrl-C stops)",
          file=sys.stderr)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        store.close()
    return 0


def cmd_validate(args) -> int:
    from kg.query import load_graph
    from kg.validate import validate

    conforms, report = validate(load_graph(args.graph))
    if conforms:
        print(f"{args.graph}: valid")
        return 0
    print(report)
    print(f"{args.graph}: NOT valid", file=sys.stderr)
    return 1


def _count(minimum: int):
    """An argparse type: a whole number, at least `minimum`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}: {text}")
        return value
    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text}")
    return value


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line (and exit 2), as every other error of kg."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


def parser() -> argparse.ArgumentParser:
    import kg

    p = _Parser(prog="kg", description="An event knowledge graph from the news.")
    p.add_argument("--version", action="version", version=f"kg {kg.__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    b = sub.add_parser("build", help="articles → RDF graph (a file, or a store for a corpus)")
    b.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="text, HTML, JSON, JSON Lines or zip files, folders, glob patterns, or - for stdin")
    b.add_argument("-o", "--output", type=Path, help="the graph file to write")
    b.add_argument("--store", help="a store to build into: a folder (Oxigraph) or a SPARQL endpoint URL")
    b.add_argument("--index", type=Path, help="the corpus index (default: inside the store folder)")
    b.add_argument("--date", help="publication date YYYY-MM-DD (else from the record or FILE.json beside the text)")
    b.add_argument("--format", help="ttl, nt, jsonld, trig or nq (default: from the output's extension)")
    b.add_argument("-j", "--jobs", type=_count(1), help="worker processes (default: one per core)")
    b.add_argument("--lang", help="build only the articles in this language (default: any kg reads; each "
                                  "article's language is detected)")
    b.add_argument("--text-field", help="JSON field of the text (default: text, content, body)")
    b.add_argument("--date-field", help="JSON field of the date (default: published, date, date_extracted)")
    b.add_argument("--id-field", help="JSON field of the identifier (default: id, url)")
    b.add_argument("--title-field", help="JSON field of the title (default: title, headline)")
    b.add_argument("-q", "--quiet", action="store_true")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("query", help="run a SPARQL query on a graph file, a store or an endpoint")
    q.add_argument("graph", help="a graph file, an Oxigraph store folder or a SPARQL endpoint URL")
    q.add_argument("query", type=Path, help="a .rq file")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.set_defaults(func=cmd_query)

    s = sub.add_parser("stats", help="what a graph or store holds")
    s.add_argument("graph", help="a graph file, an Oxigraph store folder or a SPARQL endpoint URL")
    s.set_defaults(func=cmd_stats)

    e = sub.add_parser("export", help="a graph or store → ttl, nq, trig, jsonld, csv (events), graphml, gexf")
    e.add_argument("graph", help="a graph file, an Oxigraph store folder or a SPARQL endpoint URL")
    e.add_argument("-o", "--output", type=Path, required=True)
    e.add_argument("--format", help="ttl, nq, trig, jsonld, nt, csv, graphml or gexf (default: the extension)")
    e.add_argument("-q", "--quiet", action="store_true")
    e.set_defaults(func=cmd_export)

    r = sub.add_parser("serve", help="a read-only SPARQL endpoint over a store or graph file")
    r.add_argument("graph", help="an Oxigraph store folder or a graph file")
    r.add_argument("--host", default="127.0.0.1")
    r.add_argument("--port", type=_count(0), default=7878)
    r.add_argument("--timeout", type=_seconds, default=30.0, help="seconds a query may run (default 30)")
    r.add_argument("--max-rows", type=_count(0), default=100_000,
                   help="refuse (HTTP 422) a result longer than this many rows (default 100000; 0: no limit)")
    r.add_argument("-q", "--quiet", action="store_true", help="no request log")
    r.set_defaults(func=cmd_serve)

    from kg import viz

    v = sub.add_parser("viz", help="an interactive HTML picture of a graph")
    viz.add_arguments(v)
    v.set_defaults(func=viz.run)

    from kg import timeline

    tl = sub.add_parser("timeline", help="an HTML timeline of a graph's events by day and CAMEO type")
    timeline.add_arguments(tl)
    tl.set_defaults(func=timeline.run)

    c = sub.add_parser("validate", help="check a graph against the SHACL shapes")
    c.add_argument("graph", type=Path)
    c.set_defaults(func=cmd_validate)

    # (main() hands `kg train ...` to kg/train.py, whose parser has its own options and --help)
    sub.add_parser("train", help="train a model: kg train ner --train FILE --dev FILE --output DIR", add_help=False)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:  # its own parser, options and --help included
        from kg import train

        return train.main(argv[1:])
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"kg {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"kg {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
