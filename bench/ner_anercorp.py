"""Benchmark kg's Arabic NER model on the ANERcorp dev split (or another CoNLL file).

    python bench/ner_anercorp.py [--model kg/models/ar_ner] [--dev ../shared/data/anercorp/dev.txt]
    python bench/ner_anercorp.py --dev ../shared/data/caraner/caraner.conll --format caraner --heldout

Prints entity-level precision, recall and F1 (exact span match) per type and the micro
average over PERS, LOC and ORG, twice:

1. on the gold CoNLL tokens (the set-up the model is trained and selected on);
2. on the raw sentence text (gold tokens joined by spaces) run through the pipeline's own
   tokenizer, spans matched by character offsets: how the model is used in kg.

Both runs set token.norm_ = kg.normalize.normalize_word(token.text) before "ner", as the
kg pipeline does. Throughput is tokens per second of setting the norms and running "ner" on one core.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.train import (  # noqa: E402
    DEFAULT_LABELS, FORMATS, HELDOUT_SHARE, Sentence, is_heldout, read_conll, score_sentences,
    set_norms)
from kg.train import prf as train_prf  # noqa: E402

Span = tuple[int, int, str]


def prf(gold: set, pred: set) -> tuple[float, float, float, int]:
    return (*train_prf(gold, pred), len(gold))


def report(title: str, gold: set, pred: set) -> None:
    print(f"\n{title}")
    print(f"  {'type':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
    for label in DEFAULT_LABELS:
        p, r, f, n = prf({s for s in gold if s[-1] == label}, {s for s in pred if s[-1] == label})
        print(f"  {label:<6} {p:6.3f} {r:6.3f} {f:6.3f} {n:6d}")
    keep = set(DEFAULT_LABELS)
    p, r, f, n = prf({s for s in gold if s[-1] in keep}, {s for s in pred if s[-1] in keep})
    print(f"  {'micro':<6} {p:6.3f} {r:6.3f} {f:6.3f} {n:6d}")


def gold_token_run(nlp, sentences: list[Sentence]) -> tuple[set, set, int, float]:
    started = time.perf_counter()
    gold, pred = score_sentences(nlp, sentences)
    seconds = time.perf_counter() - started
    return gold, pred, sum(len(s.words) for s in sentences), seconds


def raw_text_run(nlp, sentences: list[Sentence]) -> tuple[set, set]:
    gold, pred, docs = set(), set(), []
    for i, sentence in enumerate(sentences):
        offsets, pos = [], 0
        for word in sentence.words:
            offsets.append((pos, pos + len(word)))
            pos += len(word) + 1
        gold.update(
            (i, offsets[start][0], offsets[end - 1][1], label)
            for start, end, label in sentence.spans
        )
        docs.append(set_norms(nlp.make_doc(" ".join(sentence.words))))
    for i, doc in enumerate(nlp.pipe(docs, batch_size=256)):
        pred.update((i, ent.start_char, ent.end_char, ent.label_) for ent in doc.ents)
    return gold, pred


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(REPO / "kg" / "models" / "ar_ner"))
    parser.add_argument("--dev", default=str(REPO.parent / "shared" / "data" / "anercorp" / "dev.txt"))
    parser.add_argument("--format", default="anercorp", choices=FORMATS)
    parser.add_argument("--heldout", action="store_true",
                        help="score only the sentences `kg train ner --heldout` leaves out")
    parser.add_argument("--heldout-share", type=float, default=HELDOUT_SHARE)
    args = parser.parse_args(argv)

    import spacy

    if not Path(args.dev).is_file():
        print(f"ner_anercorp: dev file not found: {args.dev}", file=sys.stderr)
        return 2
    nlp = spacy.load(args.model)
    sentences = read_conll(args.dev, args.format)
    if args.heldout:
        sentences = [s for s in sentences if is_heldout(s, args.heldout_share)]
    print(f"model {args.model} ({', '.join(nlp.pipe_names)}); dev {args.dev}: "
          f"{len(sentences)} sentences")

    gold, pred, tokens, seconds = gold_token_run(nlp, sentences)
    report("1. gold CoNLL tokens, exact token-span match", gold, pred)
    print(f"  throughput: {tokens} tokens in {seconds:.2f} s = {tokens / seconds:,.0f} tokens/s")

    gold, pred = raw_text_run(nlp, sentences)
    report("2. raw sentence text through the pipeline tokenizer, exact character-span match",
           gold, pred)
    return 0


if __name__ == "__main__":
    sys.exit(main())
