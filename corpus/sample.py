"""Draw the articles of kg's annotated corpus from ANT and KACST, and write annotation batches.

    python corpus/sample.py --shared ../shared --out /work/annot/batches

The draw is fixed (seeded): ANT articles are deduplicated by text, then drawn per category
(politic, internationalNews, localNews, economy) among those of 60-260 words; KACST articles
(politics, economy) of 300-800 words are drawn round-robin over the 19 countries. Each batch
file shows an article's id, day and numbered sentences, which the annotations point to
(`kg.annotation.split_sentences` makes the same numbering). SaudiNewsNet is never drawn.
The list of drawn ids is written to corpus/articles.tsv (id, source, category, country, batch).
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kg.annotation import document_text, source_texts, split_sentences  # noqa: E402

ANT_QUOTA = {"politic": 150, "internationalNews": 140, "localNews": 110, "economy": 50}
KACST_QUOTA = {"politics": 130, "economy": 70}
# Later draws, each made after the one before and appended to it (the earlier stay as they were):
# articles of the same pools that the first left, for the corpus to reach its 6,000 entities.
KACST_MORE = {"politics": 14, "economy": 6}
KACST_MORE_2 = {"politics": 7, "economy": 3}  # a third, after the second
ANT_BATCH, KACST_BATCH = 30, 10


def draw(shared: Path, seed: int = 2026):
    rng = random.Random(seed)
    ant = [json.loads(line) for line in gzip.open(shared / "data/ant/ant-v1.1.jsonl.gz", "rt", encoding="utf-8")]
    seen, by_cat = set(), defaultdict(list)
    for a in sorted(ant, key=lambda a: a["id"]):
        key = " ".join(a["text"].split())
        if key in seen:
            continue
        seen.add(key)
        if a["category"] in ANT_QUOTA and 60 <= len(a["text"].split()) <= 260:
            by_cat[a["category"]].append(a)
    picked_ant = []
    for cat, n in ANT_QUOTA.items():
        picked_ant += [dict(a, source="ant", country="TN") for a in rng.sample(by_cat[cat], n)]
    rng.shuffle(picked_ant)

    kacst = [json.loads(line) for line in gzip.open(shared / "data/kacst/kacst-newspapers.jsonl.gz", "rt", encoding="utf-8")]
    picked_kacst, left = [], {}
    for cat, n in KACST_QUOTA.items():
        by_country = defaultdict(list)
        for a in sorted(kacst, key=lambda a: a["id"]):
            if a["category"] == cat and 300 <= len(a["text"].split()) <= 800:
                by_country[a["country"]].append(a)
        for pool in by_country.values():
            rng.shuffle(pool)
        picked_kacst += [dict(a, source="kacst", published=None) for a in _round_robin(by_country, n)]
        left[cat] = by_country
    rng.shuffle(picked_kacst)
    more = []
    for quota in (KACST_MORE, KACST_MORE_2):
        draw_ = [dict(a, source="kacst", published=None) for cat, n in quota.items() for a in _round_robin(left[cat], n)]
        rng.shuffle(draw_)
        more += draw_
    return picked_ant, picked_kacst + more


def _round_robin(by_country: dict[str, list], n: int) -> list:
    """n articles taken in turn from each country's pool (in the order of the countries' codes)."""
    countries = sorted(by_country)
    taken = []
    while len(taken) < n and any(by_country.values()):
        for c in countries:
            if by_country[c] and len(taken) < n:
                taken.append(by_country[c].pop())
    return taken


def write_batch(path: Path, articles) -> None:
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            text = document_text(a.get("title"), a["text"])
            out.write(f"=== ARTICLE {a['id']}  (source {a['source']}, category {a['category']}, "
                      f"country {a.get('country') or '?'}, published {a.get('published') or 'unknown'})\n")
            for i, (s, e) in enumerate(split_sentences(text), 1):
                out.write(f"[{i}] {text[s:e]}\n")
            out.write("\n")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, default=Path("../shared"))
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    ant, kacst = draw(args.shared)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for prefix, arts, size in (("ant", ant, ANT_BATCH), ("kacst", kacst, KACST_BATCH)):
        for b in range(0, len(arts), size):
            name = f"{prefix}-{b // size + 1:02d}"
            write_batch(args.out / f"{name}.txt", arts[b:b + size])
            rows += [(a["id"], a["source"], a["category"], a.get("country") or "", name) for a in arts[b:b + size]]
    listing = Path(__file__).parent / "articles.tsv"
    listing.write_text("id\tsource\tcategory\tcountry\tbatch\n" + "".join("\t".join(r) + "\n" for r in rows),
                       encoding="utf-8")
    print(f"{len(ant)} ANT and {len(kacst)} KACST articles in {len({r[4] for r in rows})} batches under {args.out}")


if __name__ == "__main__":
    main()


def load_texts(shared: Path) -> dict[str, str]:
    """Every drawn article's text as kg reads it (title, blank line, body), by id."""
    listing = (Path(__file__).parent / "articles.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return source_texts(shared / "data", {line.split("\t")[0] for line in listing})
