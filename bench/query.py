"""Time the contract queries (examples/queries/{persons,organizations,locations,roles,events}.rq)
on a corpus store: Oxigraph (the store itself) against rdflib's memory store (the same
named graphs loaded into an rdflib Dataset), side by side.

    python bench/build_corpus.py --limit 2000 --store /tmp/snn.oxigraph
    python bench/query.py /tmp/snn.oxigraph [--no-rdflib] [--repeat 3]

Each query runs --repeat times in a row; the first run (cold caches) and the best are shown.
A store that was never compacted (built before kg compacted after a big write) is slow to read:
compact it once with `--optimize`.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CONTRACT = ("persons", "organizations", "locations", "roles", "events")


def timed(run, repeat: int = 1) -> tuple[float, int, float]:
    """(first run's seconds, rows, best run's seconds)."""
    times = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - started)
    return times[0], rows, min(times)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("store", help="an Oxigraph store folder built by kg build --store")
    p.add_argument("--no-rdflib", action="store_true", help="time Oxigraph only (rdflib takes minutes to load)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each query on Oxigraph (default 3)")
    p.add_argument("--optimize", action="store_true", help="compact the store first (it is opened for writing)")
    args = p.parse_args()

    from kg.store import open_store

    if args.optimize:
        started = time.perf_counter()
        writable = open_store(args.store)
        writable.optimize()
        writable.close()
        print(f"compacted in {time.perf_counter() - started:,.1f} s")
    store = open_store(args.store, read_only=True)
    queries = {name: (ROOT / "examples" / "queries" / f"{name}.rq").read_text(encoding="utf-8") for name in CONTRACT}
    print(f"store: {args.store}, {store.count():,} triples")
    oxigraph = {n: timed(lambda q=q: sum(1 for _ in store.store.query(q)), args.repeat) for n, q in queries.items()}
    memory = {}
    if not args.no_rdflib:
        from rdflib import Dataset

        dataset = Dataset(default_union=True)
        load, _, _ = timed(lambda: dataset.parse(data=store.dump_nquads(), format="nquads"))
        print(f"rdflib memory: loaded in {load:,.1f} s")
        memory = {n: timed(lambda q=q: len(list(dataset.query(q)))) for n, q in queries.items()}
    print(f"{'query':15} {'rows':>8} {'oxigraph s':>11} {'best of ' + str(args.repeat):>10} {'rdflib s':>10} "
          f"{'speed-up':>9}")
    for name in CONTRACT:
        seconds, rows, best = oxigraph[name]
        line = f"{name:15} {rows:>8,} {seconds:>11.3f} {best:>10.3f}"
        if name in memory:
            line += f" {memory[name][0]:>10.3f} {memory[name][0] / max(best, 1e-6):>8.1f}×"
            if memory[name][1] != rows:
                line += f"  (rdflib: {memory[name][1]:,} rows)"
        print(line)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
