"""Build SaudiNewsNet (or any corpus of JSON article archives) into an Oxigraph store and print
articles/s, words/s, triples/s and peak RSS, with the bare spaCy tokenizer's words/s on the
same articles as the ceiling.

    python bench/build_corpus.py --limit 2000 --jobs 2
    python bench/build_corpus.py --store /tmp/snn.oxigraph        # the whole corpus, kept

Peak RSS is sampled from /proc every 0.2 s over this process and all its descendants (the
worker processes), summed. Nothing is written into the repository.
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _tree_rss_kib(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


class PeakRss:
    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss_kib(os.getpid()))
            self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data", nargs="?", default=str(ROOT.parent / "shared" / "data" / "saudinewsnet"),
                   help="a folder of .zip archives (default: ../shared/data/saudinewsnet)")
    p.add_argument("--limit", type=int, help="only the first N articles")
    p.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    p.add_argument("--store", help="the store folder to build into (default: a temporary one, removed)")
    p.add_argument("--tokenizer-sample", type=int, default=2000, help="articles the tokenizer ceiling is timed on")
    args = p.parse_args()

    from kg.corpus import build_corpus, default_jobs
    from kg.ingest import Article, FieldMap, read_corpus
    from kg.store import open_store

    data = Path(args.data)
    if not data.exists():
        print(f"{data}: no such corpus folder", file=sys.stderr)
        return 2
    fields = FieldMap(text="content", date="date_extracted", id="url", title="title")
    jobs = args.jobs or default_jobs()
    tmp = None
    if args.store:
        store_dir = args.store
    else:
        tmp = tempfile.mkdtemp(prefix="kg-bench-")
        store_dir = os.path.join(tmp, "store")
    try:
        store = open_store(store_dir)
        articles = itertools.islice(read_corpus([str(data)], fields), args.limit)
        started = time.perf_counter()
        with PeakRss() as rss:
            summary = build_corpus(articles, store, jobs=jobs, progress=True)
            store.close()
        seconds = time.perf_counter() - started

        sample = [a for a in itertools.islice(read_corpus([str(data)], fields), args.tokenizer_sample)
                  if isinstance(a, Article)]
        from kg.nlp import load_pipeline

        tokenizer = load_pipeline("ar").tokenizer
        t0 = time.perf_counter()
        words = 0
        for a in sample:
            tokenizer(a.text)
            words += len(a.text.split())
        tokenizer_rate = words / (time.perf_counter() - t0)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    n = summary.extracted
    print(f"corpus           {data} (limit {args.limit or 'none'}), {jobs} worker processes")
    print(f"articles         {n:,} extracted, {summary.unchanged:,} unchanged, {len(summary.failures)} failed")
    print(f"time             {seconds:,.1f} s (extraction {summary.seconds:,.1f} s, "
          f"writing {seconds - summary.seconds:,.1f} s, of which compacting the store {summary.compacting:,.1f} s)")
    print(f"articles/s       {n / seconds:,.1f}")
    print(f"words/s          {summary.words / seconds:,.0f}   (bare spaCy tokenizer, one process: "
          f"{tokenizer_rate:,.0f})")
    print(f"triples          {summary.triples:,} ({summary.triples / seconds:,.0f}/s overall)")
    print(f"entities         {summary.entities:,}; events {summary.events:,} "
          f"({summary.corroborated:,} told by several articles); {summary.aliases:,} names joined")
    print(f"peak RSS         {rss.peak / 1024:,.0f} MiB (this process and its workers, summed)")
    if summary.failures:
        reasons = {}
        for r in summary.failures:
            reasons[r.reason.split(" (")[0]] = reasons.get(r.reason.split(" (")[0], 0) + 1
        print("failures         " + "; ".join(f"{k}: {v}" for k, v in sorted(reasons.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
