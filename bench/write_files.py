"""Write N articles to every file format `kg build -o` knows and print the seconds each took:
the writers must stay linear (rdflib's pretty TriG and Turtle writers were not: 10,000 small
records to .trig did not finish in 10 minutes).

    python bench/write_files.py --articles 10000

The articles are copies of the example article's Extraction (made once, with the pipeline),
each under its own identifier; nothing is written to disk.
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=2000, help="how many articles (default 2000)")
    p.add_argument("--formats", default="nq,nt,trig,ttl,jsonld", help="comma-separated (default: all)")
    args = p.parse_args()

    import datetime as dt

    from kg.extract import extract
    from kg.rdf import graphs_of, serialize

    text = (ROOT / "examples" / "articles" / "kz-2022-01-08-arrests.txt").read_text(encoding="utf-8")
    example = extract(text, dt.date(2022, 1, 8))
    articles = []
    for n in range(args.articles):
        x = copy.copy(example)
        x.doc_id = f"copy-{n}"
        articles.append(x)
    started = time.perf_counter()
    graphs = graphs_of(articles)
    mapping = time.perf_counter() - started
    statements = sum(len(s) for _, s in graphs)
    print(f"articles         {args.articles:,} ({statements:,} statements, mapped in {mapping:.1f} s)")
    for fmt in args.formats.split(","):
        started = time.perf_counter()
        size = len(serialize(graphs, fmt))
        seconds = time.perf_counter() - started
        print(f"{fmt:<16} {seconds:6.1f} s  {size / 1e6:8.1f} MB  {statements / seconds:,.0f} statements/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
