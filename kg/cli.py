"""The `kg` command: build, query, viz, validate, train.

Bad input gets one clear line on stderr and a non-zero exit, never a traceback; outputs
are written to a temporary file and renamed, so a failed run leaves older output intact.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.ingest import InputError, parse_date

EXIT_USAGE = 2


def _atomic_write(path: Path, data: bytes) -> None:
    if not path.parent.exists():
        raise InputError(f"{path.parent}: no such folder for the output")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None


def cmd_build(args) -> int:
    from kg.extract import extract
    from kg.ingest import read_article
    from kg.nlp import load_pipeline
    from kg.rdf import FORMATS, serialize, to_dataset

    fmt = args.format or {".nt": "nt", ".jsonld": "jsonld", ".trig": "trig", ".nq": "nq"}.get(
        args.output.suffix.lower(), "ttl")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (choose from ttl, nt, jsonld, trig, nq)")
    published = parse_date(args.date) if args.date else None
    if not args.output.parent.exists():
        raise InputError(f"{args.output.parent}: no such folder for the output")
    articles = [read_article(Path(f), published) for f in args.files]
    nlp = load_pipeline(articles[0].lang)
    extractions = [extract(a.text, a.published, lang=a.lang, doc_id=a.doc_id, title=a.title, source=a.source,
                           nlp=nlp) for a in articles]
    _atomic_write(args.output, serialize(to_dataset(extractions), fmt))
    if not args.quiet:
        for x in extractions:
            print(f"{x.doc_id}: {len(x.entities)} entities, {len(x.roles)} roles, {len(x.events)} events",
                  file=sys.stderr)
    return 0


def cmd_query(args) -> int:
    from kg.query import format_result, load_graph, run_query

    dataset = load_graph(args.graph)
    try:
        sparql = args.query.read_text(encoding="utf-8")
    except OSError:
        raise InputError(f"{args.query}: no such query file") from None
    sys.stdout.write(format_result(run_query(dataset, sparql), args.format, dataset))
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


def cmd_train(args) -> int:
    from kg import train

    return train.main(args.rest)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="An event knowledge graph from the news.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="articles → RDF graph")
    b.add_argument("files", nargs="+", metavar="FILE", help="article text files (UTF-8 or another encoding)")
    b.add_argument("-o", "--output", required=True, type=Path, help="the graph file to write")
    b.add_argument("--date", help="publication date YYYY-MM-DD (else from FILE.json beside the text)")
    b.add_argument("--format", help="ttl, nt, jsonld, trig or nq (default: from the output's extension)")
    b.add_argument("-q", "--quiet", action="store_true")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("query", help="run a SPARQL query on a graph")
    q.add_argument("graph", type=Path)
    q.add_argument("query", type=Path, help="a .rq file")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.set_defaults(func=cmd_query)

    from kg import viz

    v = sub.add_parser("viz", help="an interactive HTML picture of a graph")
    viz.add_arguments(v)
    v.set_defaults(func=viz.run)

    c = sub.add_parser("validate", help="check a graph against the SHACL shapes")
    c.add_argument("graph", type=Path)
    c.set_defaults(func=cmd_validate)

    t = sub.add_parser("train", help="train a model: kg train ner --train FILE --dev FILE --output DIR",
                       add_help=False)
    t.add_argument("rest", nargs=argparse.REMAINDER)
    t.set_defaults(func=cmd_train)
    return p


def main(argv: list[str] | None = None) -> int:
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
