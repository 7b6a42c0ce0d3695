"""Align the annotations of corpus/annotations/ to their texts and write the corpus splits.

    python corpus/build.py [--shared ../shared]

Reads every first annotation (`*.A.jsonl`), aligns its words to offsets (kg.annotation.align),
and writes corpus/{train,dev,test}.jsonl, one aligned record per article. The split is by
article, fixed by the article's id (test 15%, dev 10%, train the rest). ANT records carry their
text (Apache-2.0, see LICENSE-ANT); KACST records are stand-off (offsets and the text's SHA-1):
kg.annotation.read_corpus joins them with ../shared/data when training or measuring.
Prints the counts, and every word that could not be aligned.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from kg.annotation import align, text_digest  # noqa: E402
from sample import load_texts  # noqa: E402

SPLITS = (("test", 3), ("dev", 2))  # of 20 buckets


def split_of(doc_id: str) -> str:
    bucket = int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 20
    for name, size in SPLITS:
        if bucket < size:
            return name
        bucket -= size
    return "train"


def unreadable(text: str) -> bool:
    """A text whose letters were lost on the way to the source (five KACST articles: all '?')."""
    letters = text.replace(" ", "").replace("\n", "")
    return text.count("?") > 0.2 * max(1, len(letters))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    args = p.parse_args()
    texts = load_texts(args.shared)
    meta = {row.split("\t")[0]: row.split("\t") for row in (HERE / "articles.tsv").read_text(encoding="utf-8").splitlines()[1:]}
    published = {}
    import gzip
    for line in gzip.open(args.shared / "data/ant/ant-v1.1.jsonl.gz", "rt", encoding="utf-8"):
        a = json.loads(line)
        if a["id"] in meta:
            published.setdefault(a["id"], a.get("published"))
    splits: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    counts, problems = Counter(), 0
    for path in sorted((HERE / "annotations").glob("*.A.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            ann = json.loads(line)
            doc_id = ann["id"]
            text = texts[doc_id]
            if unreadable(text):
                counts["unreadable, left out"] += 1
                continue
            record, issues = align(doc_id, text, ann)
            for issue in issues:
                print(f"{path.name} {doc_id}: {issue}")
            problems += len(issues)
            source = meta[doc_id][1]
            record = {"doc_id": doc_id, "source": source, "category": meta[doc_id][2], "country": meta[doc_id][3],
                      "published": published.get(doc_id), "text": text if source == "ant" else None,
                      "text_sha1": text_digest(text), **{k: v for k, v in record.items() if k != "doc_id"}}
            splits[split_of(doc_id)].append(record)
            counts["articles"] += 1
            counts[f"articles.{source}"] += 1
            counts["entities"] += sum(not e["optional"] for e in record["entities"])
            counts["mentions"] += sum(len(e["mentions"]) for e in record["entities"])
            counts["roles"] += len(record["roles"])
            counts["events"] += len(record["events"])
    for name, records in splits.items():
        records.sort(key=lambda r: r["doc_id"])
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for r in records:
                out.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(", ".join(f"{k}: {len(v)} articles" for k, v in splits.items()) + f"; {problems} words not aligned")


if __name__ == "__main__":
    main()
