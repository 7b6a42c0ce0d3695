"""Does more annotation still pay? The event models trained on 25%, 50% and 100% of the corpus's
train split (stable draws), each scored on the test split by kg evaluate.

    python bench/learning_curve.py [--corpus corpus] [--data ../shared/data] [--fractions 0.25,0.5,1]

Prints, per share of the train split, its articles and the F1 of events and event types on the
test split (and persons, organizations, locations and roles, which these models do not change,
as a check that only the events move). Nothing is written into the repository.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=str(ROOT / "corpus"))
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    p.add_argument("--fractions", default="0.25,0.5,1")
    args = p.parse_args()
    from kg import train
    from kg.evaluate import evaluate, gold_records
    from kg.nlp import load_pipeline

    test = gold_records(Path(args.corpus) / "test.jsonl", args.data)
    print(f"{'share':>6} {'articles':>8} {'events':>7} {'types':>7} {'persons':>8} {'orgs':>6} {'locs':>6} "
          f"{'roles':>6} {'seconds':>8}")
    for fraction in (float(x) for x in args.fractions.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.monotonic()
            train.main(["events", "--corpus", args.corpus, "--data", args.data, "--output", tmp,
                        "--fraction", str(fraction)])
            seconds = time.monotonic() - started
            import json

            articles = json.loads((Path(tmp) / "meta.json").read_text())["train_articles"]
            load_pipeline.cache_clear()
            scores = evaluate(test, nlp=load_pipeline("ar", events_model=tmp), calibrate=False)
            f = {k: t.prf[2] for k, t in scores.tallies.items()}
            print(f"{fraction:6.2f} {articles:8d} {f['events']:7.3f} {f['event-types']:7.3f} {f['persons']:8.3f} "
                  f"{f['organizations']:6.3f} {f['locations']:6.3f} {f['roles']:6.3f} {seconds:8.0f}", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    main()
