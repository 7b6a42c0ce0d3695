"""The `kg` command: build, query, stats, export, serve, viz, timeline, validate, train.

Bad input gets one clear line on stderr and a non-zero exit, never a traceback; outputs
are written as kg/output.py says (a temporary file renamed, so a failed run leaves older
output intact; `-o -` is standard output). Exit status: 0 done (a build skips the inputs it
cannot read, one line each on stderr, as long as it built one); 1 `kg validate` found the
graph not valid; 2 bad input or arguments, or nothing built; 130 Ctrl-C; 143 SIGTERM; 141
standard output closed early (`kg stats STORE | head -3`).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from kg.ingest import MAX_BYTES, InputError, parse_date, parse_size

EXIT_USAGE = 2
EXIT_PIPE = 141
GRAPH_SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".trig": "trig", ".nq": "nq"}


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that temporary files and stores are cleaned up."""


def _terminate(signum, frame):
    raise Terminated


def output_format(path: Path, given: str | None, suffixes: dict[str, str], names) -> str:
    """The format of an output: --format, else the file's extension; standard output and a
    device without an extension get the first. An unknown extension is refused, never
    guessed (`-o x.xml` used to get Turtle)."""
    if given:
        if given not in names:
            raise InputError(f"unknown format {given!r} (choose from {', '.join(names)})")
        return given
    suffix = path.suffix.lower()
    if suffix in suffixes:
        return suffixes[suffix]
    if not suffix and (str(path) == "-" or (path.exists() and not path.is_file())):
        return next(iter(suffixes.values()))
    raise InputError(f"{path}: unknown output extension {suffix or '(none)'!r}: use "
                     f"{', '.join(suffixes)}, or say --format ({', '.join(names)})")


def _fields(args):
    from kg.ingest import FieldMap

    return FieldMap(text=args.text_field, date=args.date_field, id=args.id_field, title=args.title_field)


def _report(summary, quiet: bool) -> None:
    lines = summary.lines()
    for line in (lines if not quiet else [line for line in lines if line.startswith(("failed", "note", "..."))]):
        print(line, file=sys.stderr)


def cmd_build(args) -> int:
    from kg.corpus import default_jobs, extract_stream
    from kg.ingest import Notice, Rejected, input_files, read_corpus
    from kg.language import check
    from kg.output import check_output, write_output

    published = parse_date(args.date) if args.date else None
    articles = read_corpus(args.inputs, _fields(args), published, check(args.lang) if args.lang else None,
                           max_bytes=args.max_size)
    if args.store:
        return _build_store(args, articles, args.jobs or default_jobs())
    if args.output is None:
        raise InputError("say where the graph goes: -o FILE or --store DIR|URL")
    from kg.rdf import FORMATS, graphs_of, serialize

    fmt = output_format(args.output, args.format, GRAPH_SUFFIXES, list(FORMATS))
    check_output(args.output, input_files(args.inputs))
    failures, extractions = [], []

    def readable():
        for a in articles:
            if isinstance(a, Notice):
                print(f"kg build: {a.where}: {a.message}", file=sys.stderr)
            elif isinstance(a, Rejected):
                failures.append(a)
            else:
                yield a

    for result in extract_stream(readable(), args.jobs or 1):
        (failures if isinstance(result, Rejected) else extractions).append(result)
    if not extractions:
        first = failures[0] if failures else None
        raise InputError(f"{first.where}: {first.reason}" if first else "no articles in the input")
    write_output(args.output, serialize(graphs_of(extractions), fmt))
    for r in failures:
        print(f"kg build: {r.where}: {r.reason} (skipped)", file=sys.stderr)
    if not args.quiet:
        for x in extractions:
            print(f"{x.doc_id}: {len(x.entities)} entities, {len(x.roles)} roles, {len(x.events)} events",
                  file=sys.stderr)
    return 0


def _build_store(args, articles, jobs: int) -> int:
    import sqlite3

    from kg.corpus import build_corpus
    from kg.store import open_store, store_kind

    if args.output is not None:
        raise InputError("give either -o FILE or --store, not both (kg export writes a store to a file)")
    kind = store_kind(args.store)
    if kind not in ("oxigraph", "sparql"):
        raise InputError(f"{args.store}: --store takes a store folder or a SPARQL endpoint URL "
                         f"(to write a graph file, use -o {args.store})")
    if kind == "oxigraph":
        for spec in args.inputs:
            if Path(spec).is_dir() and Path(args.store).exists() and os.path.samefile(spec, args.store):
                raise InputError(f"{args.store}: is an input folder of this run; the store goes elsewhere")
    store = open_store(args.store)
    try:
        store.check_writable()
        summary = build_corpus(articles, store, jobs=jobs, index_path=args.index, progress=not args.quiet)
    except sqlite3.Error as exc:
        raise InputError(f"{args.index or store.index_path}: cannot use the corpus index ({exc})") from None
    except OSError as exc:  # a full disk, a store folder gone
        raise InputError(f"{args.store}: cannot write the store ({str(exc).splitlines()[0][:200]})") from None
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
    from kg.query import answer_in_process, check_query

    from kg.ingest import decode_text, read_bytes

    sparql, note = decode_text(read_bytes(args.query), str(args.query))  # UTF-8, UTF-16, Windows-1256, ...
    if note:  # a query is not guessed at: what cannot be decoded is refused
        raise InputError(f"{args.query}: {note}; the query is not run")
    sparql = sparql.lstrip("\ufeff")
    if args.timeout is not None and args.timeout < 0:
        raise InputError("--timeout must be 0 (no limit) or more")
    check_query(sparql, args.allow_remote)
    sys.stdout.write(answer_in_process(args.graph, sparql, args.format, args.allow_remote, args.timeout))
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

    from kg.output import check_output

    fmt = output_format(args.output, args.format, {f".{f}": f for f in EXPORT_FORMATS}, EXPORT_FORMATS)
    check_output(args.output, [args.graph])
    store = _open_for_reading(args.graph)
    try:
        export(store, fmt, args.output)
    finally:
        store.close()
    if not args.quiet:
        print(f"{args.output}: written ({fmt})", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    import shutil
    import tempfile

    from kg.serve import make_server
    from kg.store import FileStore, OxigraphStore, store_kind

    kind = store_kind(args.graph)
    if kind == "sparql":
        raise InputError(f"{args.graph}: already a SPARQL endpoint")
    scratch = None
    try:
        if kind == "file":  # copied into a store folder, so that its queries run in processes a timeout ends
            scratch = tempfile.mkdtemp(prefix="kg-serve-")
            FileStore(args.graph, folder=scratch).close()
            store = OxigraphStore(scratch, read_only=True)
        else:
            store = _open_for_reading(args.graph)
            if kind == "oxigraph":
                try:
                    store.hold_for_serving()
                except InputError:
                    store.close()
                    raise
        try:
            server = make_server(store, args.host, args.port, args.timeout, quiet=args.quiet,
                                 max_rows=args.max_rows)
        except OSError as exc:
            store.close()
            raise InputError(f"cannot listen on {args.host}:{args.port} ({exc.strerror})") from None
        print(f"kg serve: http://{args.host}:{server.server_address[1]}/sparql (read-only; Ctrl-C stops)",
              file=sys.stderr)
        try:
            server.serve_forever()
        finally:
            server.server_close()
            store.close()
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def cmd_validate(args) -> int:
    from kg.query import load_graph
    from kg.validate import validate

    conforms, report = validate(load_graph(args.graph, args.allow_remote))
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
    b.add_argument("--max-size", type=_size, default=MAX_BYTES, metavar="SIZE",
                   help="the largest file, zip member, stream or JSON Lines record read (default 64M)")
    b.add_argument("-q", "--quiet", action="store_true")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("query", help="run a SPARQL query on a graph file, a store or an endpoint")
    q.add_argument("graph", help="a graph file, an Oxigraph store folder or a SPARQL endpoint URL")
    q.add_argument("query", type=Path, help="a .rq file")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.add_argument("--timeout", type=float, help="seconds the query may run (default: no limit)")
    q.add_argument("--allow-remote", action="store_true",
                   help="let FROM, FROM NAMED, SERVICE and a JSON-LD @context read files and the network")
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
    c.add_argument("--allow-remote", action="store_true", help="let a JSON-LD @context be fetched")
    c.set_defaults(func=cmd_validate)

    # (main() hands `kg train ...` to kg/train.py, whose parser has its own options and --help)
    sub.add_parser("train", help="train a model: kg train ner --train FILE --dev FILE --output DIR", add_help=False)
    return p


def _size(value: str) -> int:
    try:
        return parse_size(value)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:  # its own parser, options and --help included
        from kg import train

        return train.main(argv[1:])
    args = parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
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
    except Terminated:
        print(f"kg {args.command}: terminated", file=sys.stderr)
        return 143
    except BrokenPipeError:  # the reader went away (`| head`): no more output, no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":
    sys.exit(main())
