"""The agreement of the blind second annotation (`*.B.jsonl`) with the first (`*.A.jsonl`).

    python corpus/agreement.py [--shared ../shared]

The second annotation is scored against the first with kg evaluate's matching rules, as if it
were a system's output: the figures are the ceiling a model of this corpus can aim at.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from kg.annotation import align, gold_document, record_extraction  # noqa: E402
from kg.evaluate import Scores, score_document  # noqa: E402
from sample import load_texts  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    p.add_argument("--show-errors", action="store_true")
    args = p.parse_args()
    texts = load_texts(args.shared)
    scores = Scores()
    for second in sorted((HERE / "annotations").glob("*.B.jsonl")):
        first = second.with_name(second.name.replace(".B.", ".A."))
        a = {json.loads(l)["id"]: json.loads(l) for l in first.read_text(encoding="utf-8").splitlines() if l.strip()}
        for line in second.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            b = json.loads(line)
            if b["id"] not in a:
                continue
            text = texts[b["id"]]
            gold = gold_document(align(b["id"], text, a[b["id"]])[0])
            record = align(b["id"], text, b)[0]
            score_document(record_extraction(dict(record, text=text)), gold, scores)
    if args.show_errors:
        print("\n".join(scores.errors))
    print(scores.table())


if __name__ == "__main__":
    main()
