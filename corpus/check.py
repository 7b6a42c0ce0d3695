"""Check annotation files: every name, title and trigger found in its article, every participant listed.

    python corpus/check.py corpus/annotations/ant-01.A.jsonl [...] [--shared ../shared]

Prints, per article, what was found (entities, mentions, roles, events) and each problem;
exits 1 when there is a problem.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kg.annotation import align  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sample import load_texts  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = p.parse_args()
    texts = load_texts(args.shared)
    bad = 0
    for path in args.files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                ann = json.loads(line)
            except ValueError as exc:
                print(f"{path}:{n}: not JSON: {exc}")
                bad += 1
                continue
            text = texts.get(ann.get("id"))
            if text is None:
                print(f"{path}:{n}: unknown article id {ann.get('id')!r}")
                bad += 1
                continue
            record, problems = align(ann["id"], text, ann)
            ments = sum(len(e["mentions"]) for e in record["entities"])
            print(f"{path.name}:{n} {ann['id']}: {len(record['entities'])} entities ({ments} mentions), "
                  f"{len(record['roles'])} roles, {len(record['events'])} events"
                  + ("" if not problems else f", {len(problems)} PROBLEMS"))
            for problem in problems:
                print(f"    - {problem}")
            bad += bool(problems)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
