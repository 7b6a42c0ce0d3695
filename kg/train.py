"""`kg train ner`: train the statistical Arabic NER model from CoNLL files.

The CoNLL tokens become the words of spaCy Docs (clitics stay attached, as the inference
tokenizer leaves them), every token's ``norm_`` is set with :func:`kg.normalize.normalize_word`
exactly as the inference pipeline does before ``ner``, and spaCy's own config-driven
training loop (``kg/lang/ar/ner.cfg``) trains the model. With ``--pretrain-text`` the
tok2vec is first pretrained on raw news text (``spacy pretrain``, characters objective).
The best checkpoint on the dev set is written to ``--output`` as one self-contained
``ner`` component (its tok2vec folded in), stripped to what ``spacy.load`` needs.

Two input formats are read:

* ``anercorp``: ``token TAG`` per line (``B-``/``I-`` PERS LOC ORG MISC), blank lines and
  ``-DOCSTART-`` between sentences.
* ``wojood``: ``token TAG [TAG ...]``, one tag column per nesting level, ``$#$ O`` and blank
  lines between segments. Nested spans are flattened by keeping the longest.
* ``caraner``: ``token TAG`` per line, ``# sent_id = N`` before each sentence; PER is read as
  PERS, TIT (titles) and MIS become ``O``, and an ORG that is a whole place name of kg's
  gazetteer (a country acting, المملكة, الصين) is read as LOC, as in ANERcorp and kg.

Only PERS, LOC and ORG are kept by default (GPE is read as LOC); other types become ``O``.

Extra training documents (``--extra``) are spaCy DocBin files (``.spacy``, entities set) or
JSON Lines (``{"text": ..., "entities": [[start, end, label], ...]}``, character offsets),
tokenized by the pipeline's own tokenizer.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from kg.normalize import clean, normalize_word

CONFIG_PATH = Path(__file__).parent / "lang" / "ar" / "ner.cfg"
DEFAULT_LABELS = ("PERS", "LOC", "ORG")
LABEL_MAP = {"GPE": "LOC", "PER": "PERS"}
FORMATS = ("anercorp", "wojood", "caraner")
HELDOUT_SHARE = 0.2
VECTORS_RECORD = "kg_vectors.json"  # how `kg train vectors` made a vectors pipeline

_TAG = re.compile(r"^(?:O|[BIES]-[A-Za-z_]+)$")
_SEGMENT_END = {"-DOCSTART-", "$#$"}
# Files are not CoNLL NER if more than this share of their tag cells is unreadable.
_MAX_BAD_TAG_RATIO = 0.01


class InputError(Exception):
    """Input the trainer cannot use; its message is shown to the user as one line."""


@dataclass
class Sentence:
    words: list[str]
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # token start, end, label


# --------------------------------------------------------------------------- reading


def _bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Spans of one BIO (or BIOES) tag column; a stray I- opens a new span."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, typ = tag.partition("-")
        continues = prefix in ("I", "E") and typ == label and start >= 0
        if not continues and start >= 0:
            spans.append((start, i, label))
            start, label = -1, ""
        if prefix in ("B", "S") or (prefix in ("I", "E") and not continues):
            start, label = i, typ
        if prefix in ("E", "S") and start >= 0:
            spans.append((start, i + 1, label))
            start, label = -1, ""
    return spans


def _flatten(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans, the longest (then the earliest) winning."""
    chosen: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for start, end, label in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):
        if not taken.intersection(range(start, end)):
            chosen.append((start, end, label))
            taken.update(range(start, end))
    return sorted(chosen)


def _make_sentence(
    raw_words: list[str], columns: list[list[str]], labels: frozenset[str]
) -> Sentence | None:
    spans = []
    for column in columns:
        for start, end, label in _bio_spans(column):
            label = LABEL_MAP.get(label, label)
            if label in labels:
                spans.append((start, end, label))
    # Tokens that are nothing but invisible marks (U+200F...) disappear, as in cleaned text.
    new_index, words = [], []
    for word in raw_words:
        new_index.append(len(words))
        if word:
            words.append(word)
    new_index.append(len(words))
    if not words:
        return None
    kept = []
    for start, end, label in _flatten(spans):
        start, end = new_index[start], new_index[end]
        if end > start:
            kept.append((start, end, label))
    return Sentence(words, kept)


def read_conll(
    path: str | Path, fmt: str = "anercorp", labels: Iterable[str] = DEFAULT_LABELS
) -> list[Sentence]:
    """Sentences of a CoNLL NER file; raises InputError when it cannot be read as one."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    wanted = frozenset(labels)
    sentences: list[Sentence] = []
    words: list[str] = []
    columns: list[list[str]] = []
    cells = bad = 0

    def flush() -> None:
        if words:
            sentence = _make_sentence(words, columns, wanted)
            if sentence is not None:
                sentences.append(sentence)
        words.clear()
        columns.clear()

    for lineno, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts or clean(line).strip() == "":
            flush()
            continue
        if parts[0] in _SEGMENT_END or (fmt == "caraner" and parts[0] == "#"):
            flush()
            continue
        if len(parts) < 2:
            raise InputError(f"{path}:{lineno}: expected 'token TAG', got {line.strip()[:60]!r}")
        tags = parts[1:] if fmt == "wojood" else parts[-1:]
        cleaned = []
        for tag in tags:
            tag = clean(tag).strip()
            cells += 1
            if not tag:  # a tag that was only a bidi mark: read as O
                tag = "O"
            elif not _TAG.match(tag):
                bad += 1
                tag = "O"
            cleaned.append(tag)
        while len(columns) < len(cleaned):
            columns.append(["O"] * len(words))
        for i, column in enumerate(columns):
            column.append(cleaned[i] if i < len(cleaned) else "O")
        words.append(clean(parts[0]))
    flush()
    if cells and bad / cells > _MAX_BAD_TAG_RATIO:
        raise InputError(
            f"{path}: {bad} of {cells} tags are not BIO tags: is this a CoNLL NER file "
            f"in {fmt} format?"
        )
    if not sentences:
        raise InputError(f"{path}: no sentences found")
    if fmt == "caraner" and "LOC" in wanted:
        places_as_loc(sentences)
    return sentences


def places_as_loc(sentences: list[Sentence]) -> int:
    """Read as LOC every ORG span that is, whole, a place of kg's gazetteer (a proclitic
    allowed): CAraNER tags a country that acts as ORG, ANERcorp and kg as LOC. Returns how
    many spans changed."""
    from kg.gazetteer import gazetteer
    from kg.model import LOCATION

    names = gazetteer("ar").names
    changed = 0
    for sentence in sentences:
        for k, (start, end, label) in enumerate(sentence.spans):
            if label != "ORG":
                continue
            norms = [normalize_word(w) for w in sentence.words[start:end]]
            found = names.match_at(norms, 0)
            if found and found.end == len(norms) and found.value.kind == LOCATION:
                sentence.spans[k] = (start, end, "LOC")
                changed += 1
    return changed


def is_heldout(sentence: Sentence, share: float = HELDOUT_SHARE) -> bool:
    """Whether a sentence of a corpus with no split of its own is held out for measuring:
    drawn by a stable hash of its words, so every run and every bench holds out the same."""
    digest = hashlib.sha256(" ".join(sentence.words).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") < share * 2**32


def read_extra(path: str | Path, vocab, labels: Iterable[str] = DEFAULT_LABELS) -> list:
    """Docs of extra training documents: a spaCy DocBin (.spacy) or JSON Lines with "text"
    and "entities" ([start, end, label] character offsets, or {"start", "end", "label"})."""
    from spacy.tokens import DocBin

    path = Path(path)
    if not path.is_file():
        raise InputError(f"--extra not found: {path}")
    wanted = frozenset(labels)
    if path.suffix == ".spacy":
        try:
            docs = list(DocBin().from_disk(path).get_docs(vocab))
        except Exception as err:  # DocBin raises bare ValueErrors and msgpack errors
            raise InputError(f"{path}: not a spaCy DocBin ({err})") from None
        for doc in docs:
            doc.ents = [e for e in doc.ents if LABEL_MAP.get(e.label_, e.label_) in wanted]
        return [set_norms(doc) for doc in docs]
    if not path.name.endswith((".jsonl", ".jsonl.gz")):
        raise InputError(f"--extra {path}: expected a .spacy DocBin or a .jsonl file")
    import spacy
    from spacy.util import filter_spans

    tokenizer = spacy.blank("ar").tokenizer
    docs, unaligned = [], 0
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = clean(record["text"])
                if len(text) != len(record["text"]):
                    raise ValueError("the text holds invisible marks: give offsets in clean text")
                spans = [(e["start"], e["end"], e["label"]) if isinstance(e, dict) else tuple(e)
                         for e in record.get("entities", [])]
            except (ValueError, KeyError, TypeError) as err:
                raise InputError(f"{path}:{lineno}: not a text with entities ({err})") from None
            doc = tokenizer(text)
            ents = []
            for start, end, label in spans:
                label = LABEL_MAP.get(label, label)
                if label not in wanted:
                    continue
                span = doc.char_span(start, end, label=label, alignment_mode="expand")
                if span is None:
                    unaligned += 1
                else:
                    ents.append(span)
            doc.ents = filter_spans(ents)
            docs.append(set_norms(doc))
    if unaligned:
        print(f"kg train ner: {path}: {unaligned} entities fall on no token, left out",
              file=sys.stderr)
    return docs


def corpus_docs(records: list[dict], vocab, labels: Iterable[str] = DEFAULT_LABELS) -> list:
    """Docs of annotated corpus records (kg.annotation), their entity mentions as entities."""
    import spacy
    from spacy.tokens import Doc
    from spacy.util import filter_spans

    tokenizer = spacy.blank("ar").tokenizer
    wanted = frozenset(labels)
    docs = []
    for record in records:
        doc = tokenizer(record["text"])
        doc = Doc(vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
        spans = [doc.char_span(m["start"], m["end"], label=CORPUS_LABELS[e["kind"]], alignment_mode="expand")
                 for e in record["entities"] for m in e["mentions"] if CORPUS_LABELS[e["kind"]] in wanted]
        doc.ents = filter_spans([s for s in spans if s is not None])
        docs.append(set_norms(doc))
    return docs


CORPUS_LABELS = {"person": "PERS", "organization": "ORG", "location": "LOC"}


# --------------------------------------------------------------------------- Docs


def set_norms(doc):
    """Give every token the normalized spelling the inference pipeline gives it."""
    for token in doc:
        token.norm_ = normalize_word(token.text)
    return doc


def norm_augmenter():
    """spaCy augmenter "kg.set_norms.v1": sets the normalized norm_ on each training and dev
    example's predicted Doc, which spaCy's Corpus builds afresh (without the norms saved in
    the DocBin), so the model sees NORM exactly as at inference."""

    def augment(nlp, example):
        set_norms(example.predicted)
        yield example

    return augment


def iter_raw_text(path: str | Path) -> Iterator[str]:
    """Paragraphs of raw text: from SaudiNewsNet-style zips or .json files (arrays of
    articles with a "content" field), .jsonl or .jsonl.gz files ({"text": ...} per line) or
    .txt files (a paragraph a line); a directory is read file by file in name order."""

    def contents(articles) -> Iterator[str]:
        for article in articles if isinstance(articles, list) else []:
            if isinstance(article, dict):
                yield from str(article.get("content") or "").splitlines()

    path = Path(path)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if file.suffix == ".zip":
            with zipfile.ZipFile(file) as archive:
                for name in sorted(archive.namelist()):
                    if name.endswith(".json"):
                        yield from contents(json.loads(archive.read(name)))
        elif file.suffix == ".json":
            yield from contents(json.loads(file.read_text(encoding="utf-8")))
        elif file.name.endswith((".jsonl", ".jsonl.gz")):
            opener = gzip.open if file.suffix == ".gz" else open
            with opener(file, "rt", encoding="utf-8") as lines:
                for line in lines:
                    record = json.loads(line) if line.strip() else None
                    if isinstance(record, dict):
                        yield from str(record.get("text") or "").splitlines()
        elif file.suffix == ".txt":
            with file.open(encoding="utf-8") as lines:
                yield from lines


def raw_text_reader(path, min_words: int = 5, max_words: int = 0):
    """spaCy reader "kg.raw_text.v1": Docs of raw text paragraphs for `spacy pretrain`,
    tokenized by the pipeline's own tokenizer and normalized like every kg Doc."""

    def read(nlp):
        seen = 0
        for paragraph in iter_raw_text(path):
            paragraph = clean(paragraph).strip()
            if len(paragraph.split()) < min_words:
                continue
            doc = set_norms(nlp.make_doc(paragraph))
            yield doc
            seen += len(doc)
            if max_words and seen >= max_words:
                break

    return read


def register_spacy_functions() -> None:
    import spacy

    spacy.registry.augmenters.register("kg.set_norms.v1", func=norm_augmenter)
    spacy.registry.readers.register("kg.raw_text.v1", func=raw_text_reader)


def pretrain_tok2vec(config: Path, text: Path, out_dir: Path, overrides: dict) -> Path:
    """Pretrain the NER model's tok2vec on raw text (spaCy's characters objective) and
    return the weights file for [initialize] init_tok2vec."""
    from spacy.training.pretrain import pretrain
    from spacy.util import load_config

    cfg = load_config(config, overrides={**overrides, "paths.raw_text": str(text)},
                      interpolate=False).interpolate()
    out_dir.mkdir(parents=True, exist_ok=True)
    if next(iter_raw_text(text), None) is None:
        raise InputError(f"--pretrain-text {text}: no .zip, .json, .jsonl or .txt text found")
    try:
        pretrain(cfg, out_dir, use_gpu=-1, silent=False, skip_last=False)
    except (json.JSONDecodeError, UnicodeDecodeError, zipfile.BadZipFile) as err:
        raise InputError(f"--pretrain-text {text}: cannot read it as raw text ({err})") from None
    return out_dir / "model-last.bin"


def make_doc(vocab, sentence: Sentence):
    from spacy.tokens import Doc

    ents = ["O"] * len(sentence.words)
    for start, end, label in sentence.spans:
        ents[start] = f"B-{label}"
        for i in range(start + 1, end):
            ents[i] = f"I-{label}"
    return set_norms(Doc(vocab, words=sentence.words, ents=ents))


def write_docbin(sentences: Iterable[Sentence], path: Path, vocab, docs: Iterable = ()) -> int:
    from spacy.tokens import DocBin

    docbin = DocBin(attrs=["ORTH", "NORM", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    for sentence in sentences:
        docbin.add(make_doc(vocab, sentence))
    for doc in docs:
        docbin.add(doc)
    docbin.to_disk(path)
    return len(docbin)


# --------------------------------------------------------------------------- model


def save_stripped(model_dir: Path, output: Path, extra_meta: dict) -> None:
    """Save the trained pipeline as the single component "ner" (its tok2vec inside) with a
    fresh vocab: only the labels' strings and the static vectors, no lexemes."""
    import spacy

    trained = spacy.load(model_dir)
    if "tok2vec" in trained.pipe_names:  # one self-contained "ner": no listener to wire up
        trained.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    config = trained.config.interpolate()
    if "tok2vec" in trained.pipe_names:
        config["nlp"]["pipeline"] = [n for n in config["nlp"]["pipeline"] if n != "tok2vec"]
        del config["components"]["tok2vec"]
        config["pretraining"]["component"] = "ner"  # what init_tok2vec would now address
        config["pretraining"]["layer"] = "tok2vec"
    for key in ("train", "dev", "init_tok2vec", "raw_text", "vectors"):  # read, not needed now
        config["paths"][key] = None
    config["initialize"]["init_tok2vec"] = None
    for corpus in ("train", "dev", "pretrain"):
        if corpus in config["corpora"]:
            config["corpora"][corpus]["path"] = None
    config["initialize"]["vectors"] = None
    fresh = spacy.util.load_model_from_config(config, auto_fill=False, validate=False)
    if trained.vocab.vectors.shape[0]:  # static vectors ship in the model (not their strings)
        vectors = trained.vocab.vectors.to_bytes(exclude=["strings"])
        fresh.vocab.vectors.from_bytes(vectors, exclude=["strings"])
    for name in fresh.pipe_names:
        data = trained.get_pipe(name).to_bytes(exclude=["vocab"])
        fresh.get_pipe(name).from_bytes(data, exclude=["vocab"])
    meta = {k: v for k, v in trained.meta.items()
            if k not in ("pipeline", "components", "disabled", "labels")}
    meta.update(extra_meta)
    fresh.meta.update(meta)
    card = output / "README.md"  # the model card is written by hand: keep it
    card_text = card.read_bytes() if card.is_file() else None
    if output.exists():
        shutil.rmtree(output)
    fresh.to_disk(output)
    if card_text is not None:
        card.write_bytes(card_text)


def prf(gold: set, pred: set) -> tuple[float, float, float]:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_sentences(nlp, sentences: list[Sentence], labels: Iterable[str] = DEFAULT_LABELS
                    ) -> tuple[set, set]:
    """Gold and predicted entities (sentence, start, end, label) of `nlp` on the sentences'
    own tokens, norms set as in the pipeline."""
    from spacy.tokens import Doc

    keep = set(labels)
    docs = nlp.pipe((set_norms(Doc(nlp.vocab, words=s.words)) for s in sentences), batch_size=256)
    gold, pred = set(), set()
    for i, (sentence, doc) in enumerate(zip(sentences, docs)):
        gold.update((i, start, end, label) for start, end, label in sentence.spans if label in keep)
        pred.update((i, e.start, e.end, e.label_) for e in doc.ents if e.label_ in keep)
    return gold, pred


def f1_table(gold: set, pred: set, labels: Iterable[str] = DEFAULT_LABELS) -> dict[str, float]:
    """F1 per type and micro over all, rounded: {"PERS": .., "LOC": .., "ORG": .., "micro": ..}."""
    table = {label: round(prf({g for g in gold if g[-1] == label},
                              {p for p in pred if p[-1] == label})[2], 4) for label in labels}
    table["micro"] = round(prf(gold, pred)[2], 4)
    return table


def _entity_counts(sentences: list[Sentence]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sentence in sentences:
        for _, _, label in sentence.spans:
            counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))


def train_ner(args: argparse.Namespace) -> int:
    import spacy
    from confection import ConfigValidationError
    from spacy.cli.train import train as spacy_train

    labels = tuple(label.strip() for label in args.labels.split(",") if label.strip())
    formats = args.format or ["anercorp"]
    if len(formats) not in (1, len(args.train)):
        raise InputError("give one --format, or one per --train file")
    formats = formats * len(args.train) if len(formats) == 1 else formats
    config = Path(args.config) if args.config else CONFIG_PATH
    if not config.is_file():
        raise InputError(f"config not found: {config}")

    output = Path(args.output)
    if output.exists() and not (output.is_dir() and (
            not any(output.iterdir()) or (output / "config.cfg").is_file())):
        raise InputError(f"--output {output} exists and is not a spaCy model directory")
    for option, value in (("--pretrain-text", args.pretrain_text),
                          ("--init-tok2vec", args.init_tok2vec)):
        if value and not Path(value).exists():
            raise InputError(f"{option} not found: {value}")
    for option, value in (("--vectors", args.vectors),):
        if value and not (Path(value) / VECTORS_RECORD).is_file():
            raise InputError(f"{option} {value}: not a directory written by `kg train vectors`")
    heldout_paths = {Path(p).resolve() for p in args.heldout or []}
    unknown = heldout_paths - {Path(p).resolve() for p in args.train}
    if unknown:
        raise InputError(f"--heldout {sorted(unknown)[0]}: not one of the --train files")
    train: list[Sentence] = []
    heldout: list[Sentence] = []
    for path, fmt in zip(args.train, formats):
        sentences = read_conll(path, fmt, labels)
        if Path(path).resolve() in heldout_paths:
            heldout.extend(s for s in sentences if is_heldout(s, args.heldout_share))
            sentences = [s for s in sentences if not is_heldout(s, args.heldout_share)]
        train.extend(sentences)
    dev = read_conll(args.dev, args.dev_format or formats[0], labels)
    vocab = spacy.blank("ar").vocab
    extra = [doc for path in args.extra or [] for doc in read_extra(path, vocab, labels)]
    if args.corpus:  # kg's annotated corpus: its train split's entity mentions
        extra += corpus_docs(_corpus_split(args, "train"), vocab, labels)
    if not any(s.spans for s in train) and not any(d.ents for d in extra):
        raise InputError("the training files hold no entities of types " + ", ".join(labels))
    print(
        f"kg train ner: {len(train)} training sentences {_entity_counts(train)}, "
        f"{len(extra)} extra documents, {len(dev)} dev sentences {_entity_counts(dev)}, "
        f"{len(heldout)} held-out sentences {_entity_counts(heldout)}",
        file=sys.stderr,
    )

    with tempfile.TemporaryDirectory(prefix="kg-train-") as tmp:
        tmp_dir = Path(tmp)
        write_docbin(train, tmp_dir / "train.spacy", vocab, extra)
        write_docbin(dev, tmp_dir / "dev.spacy", vocab)
        overrides = {
            "paths.train": str(tmp_dir / "train.spacy"),
            "paths.dev": str(tmp_dir / "dev.spacy"),
            "system.seed": args.seed,
        }
        if args.vectors:
            overrides["paths.vectors"] = str(args.vectors)
            overrides["components.tok2vec.model.embed.include_static_vectors"] = True
        if args.max_epochs is not None:
            overrides["training.max_epochs"] = args.max_epochs
        register_spacy_functions()
        started = time.monotonic()
        if args.pretrain_text:
            pretrain_overrides = {"system.seed": args.seed}
            if args.pretrain_max_words is not None:
                pretrain_overrides["corpora.pretrain.max_words"] = args.pretrain_max_words
            if args.pretrain_epochs is not None:
                pretrain_overrides["pretraining.max_epochs"] = args.pretrain_epochs
            overrides["paths.init_tok2vec"] = str(
                pretrain_tok2vec(config, Path(args.pretrain_text), tmp_dir / "pretrain",
                                 pretrain_overrides)
            )
        elif args.init_tok2vec:
            overrides["paths.init_tok2vec"] = str(args.init_tok2vec)
        try:
            spacy_train(config, tmp_dir / "out", use_gpu=-1, overrides=overrides)
        except ConfigValidationError as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else "invalid"
            raise InputError(f"config {config}: {first}") from None
        seconds = round(time.monotonic() - started)
        heldout_f1 = {}
        best = tmp_dir / "out" / "model-best"
        if not best.is_dir():
            best = tmp_dir / "out" / "model-last"
        if heldout:
            heldout_f1 = f1_table(*score_sentences(spacy.load(best), heldout, labels))
        command = ["kg", "train", *(args.argv or [])]
        save_stripped(
            best,
            output,
            {
                "name": "ar_ner",
                "version": "1.0.0",
                "description": "Arabic news NER (PERS, LOC, ORG) for kg; expects token.norm_ "
                "= kg.normalize.normalize_word(token.text) before 'ner'.",
                "license": "research only (weights derived from ANERcorp)",
                "kg_training": {
                    "command": " ".join(command),
                    "train_sentences": len(train),
                    "dev_sentences": len(dev),
                    "train_entities": _entity_counts(train),
                    "extra_documents": len(extra),
                    "heldout_sentences": len(heldout),
                    "heldout_f1": heldout_f1,
                    "seconds": seconds,
                },
            },
        )
    scores = json.loads((output / "meta.json").read_text(encoding="utf-8")).get("performance", {})
    print(
        f"kg train ner: wrote {output} in {seconds} s; dev ents_f {scores.get('ents_f', 0):.4f}"
        + (f"; held-out F1 {heldout_f1}" if heldout_f1 else ""),
        file=sys.stderr,
    )
    return 0


# --------------------------------------------------------------------------- vectors


def write_token_text(paths: Iterable[Path], out, min_words: int = 5) -> int:
    """Write raw text as kg's pipeline sees it, a paragraph a line: the spaCy tokenizer's
    tokens, each normalized (the NORM the NER reads), joined by spaces. Returns the tokens."""
    import spacy

    tokenizer = spacy.blank("ar").tokenizer
    tokens = 0
    for path in paths:
        paragraphs = (clean(p).strip() for p in iter_raw_text(path))
        paragraphs = (p for p in paragraphs if len(p.split()) >= min_words)
        for doc in tokenizer.pipe(paragraphs, batch_size=1000):
            words = [normalize_word(t.text) for t in doc if not t.is_space]
            out.write(" ".join(words) + "\n")
            tokens += len(words)
    return tokens


def train_vectors(args: argparse.Namespace) -> int:
    """`kg train vectors`: floret vectors of normalized tokens from unlabelled news, as a
    spaCy vectors directory (floret mode, looked up by NORM) for `kg train ner --vectors`."""
    import floret
    import spacy
    from spacy.training.initialize import convert_vectors

    texts = [Path(t) for t in args.text]
    for text in texts:
        if not text.exists():
            raise InputError(f"--text not found: {text}")
    output = Path(args.output)
    if output.exists() and not (output.is_dir() and (
            not any(output.iterdir()) or (output / VECTORS_RECORD).is_file())):
        raise InputError(f"--output {output} exists and is not a `kg train vectors` directory")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kg-vectors-") as tmp:
        corpus = Path(tmp) / "tokens.txt"
        try:
            with corpus.open("w", encoding="utf-8") as out:
                tokens = write_token_text(texts, out)
        except (json.JSONDecodeError, UnicodeDecodeError, zipfile.BadZipFile, gzip.BadGzipFile,
                EOFError) as err:
            raise InputError(f"--text: cannot read it as raw text ({err})") from None
        if not tokens:
            raise InputError("--text: no .zip, .json, .jsonl(.gz) or .txt text found")
        print(f"kg train vectors: {tokens:,} tokens of text", file=sys.stderr)
        # One thread (floret's own fixed seed): the same text gives the same vectors.
        model = floret.train_unsupervised(
            str(corpus), model="cbow", mode="floret", hashCount=2, bucket=args.bucket,
            dim=args.dim, minn=args.minn, maxn=args.maxn, epoch=args.epochs,
            minCount=args.min_count, thread=1, verbose=0,
        )
        floret_file = Path(tmp) / "vectors.floret"
        model.save_floret_vectors(str(floret_file))
        nlp = spacy.blank("ar")
        convert_vectors(nlp, floret_file, truncate=0, prune=-1, mode="floret", attr="NORM")
        staged = Path(tmp) / "out"
        nlp.to_disk(staged)  # a blank pipeline holding the vectors, as `spacy init vectors`
        (staged / VECTORS_RECORD).write_text(json.dumps({
            "command": " ".join(["kg", "train", *(args.argv or [])]),
            "tokens": tokens, "seconds": round(time.monotonic() - started),
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(staged, output)
    print(f"kg train vectors: wrote {output} ({args.bucket} x {args.dim}) in "
          f"{round(time.monotonic() - started)} s", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- CLI


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # no usage dump and no SystemExit: main() reports one line
        raise _ArgumentError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kg train", description="Train kg's statistical models.")
    sub = parser.add_subparsers(dest="what", required=True, parser_class=_Parser)
    ner = sub.add_parser("ner", help="train the Arabic NER model from CoNLL files")
    ner.add_argument("--train", action="append", required=True, metavar="PATH",
                     help="CoNLL training file (repeatable)")
    ner.add_argument("--dev", required=True, metavar="PATH", help="CoNLL dev file (model selection)")
    ner.add_argument("--output", required=True, metavar="DIR", help="where the model is written")
    ner.add_argument("--format", action="append", choices=FORMATS,
                     help="format of the --train files: one for all, or one per file "
                     "(default anercorp)")
    ner.add_argument("--dev-format", choices=FORMATS, help="format of --dev (default: first --format)")
    ner.add_argument("--max-epochs", type=int, metavar="N", help="override training.max_epochs")
    ner.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    ner.add_argument("--labels", default=",".join(DEFAULT_LABELS),
                     help="entity types to keep (default PERS,LOC,ORG)")
    ner.add_argument("--config", metavar="PATH", help=f"spaCy config (default {CONFIG_PATH.name})")
    ner.add_argument("--pretrain-text", metavar="PATH",
                     help="raw text (SaudiNewsNet zips dir, .jsonl or .txt) to pretrain the "
                     "tok2vec on first (spaCy pretrain, characters objective)")
    ner.add_argument("--pretrain-epochs", type=int, metavar="N",
                     help="override pretraining.max_epochs")
    ner.add_argument("--pretrain-max-words", type=int, metavar="N",
                     help="override corpora.pretrain.max_words (0: all)")
    ner.add_argument("--init-tok2vec", metavar="PATH",
                     help="tok2vec weights from an earlier `spacy pretrain` (.bin)")
    ner.add_argument("--vectors", metavar="DIR",
                     help="static vectors from `kg train vectors`, read by the tok2vec")
    ner.add_argument("--heldout", action="append", metavar="PATH",
                     help="a --train file with no split of its own: a share of its sentences "
                     "(by a stable hash) is left out of training and scored at the end")
    ner.add_argument("--heldout-share", type=float, default=HELDOUT_SHARE, metavar="X",
                     help=f"the share held out of each --heldout file (default {HELDOUT_SHARE})")
    ner.add_argument("--corpus", metavar="DIR", help="also train on the train split of kg's annotated corpus "
                     "(corpus/: train.jsonl, its stand-off articles joined from --data)")
    ner.add_argument("--data", default="../shared/data", metavar="DIR",
                     help="where the corpus's stand-off articles' sources are (default ../shared/data)")
    ner.add_argument("--extra", action="append", metavar="PATH",
                     help="extra training documents: a spaCy DocBin (.spacy) or JSON Lines "
                     "(text + entities as character offsets) (repeatable)")
    vec = sub.add_parser("vectors", help="train floret vectors on unlabelled text for the NER")
    vec.add_argument("--text", action="append", required=True, metavar="PATH",
                     help="raw text: a folder of SaudiNewsNet zips, .jsonl(.gz) or .txt (repeatable)")
    vec.add_argument("--output", required=True, metavar="DIR", help="where the vectors are written")
    vec.add_argument("--dim", type=int, default=100, metavar="N", help="dimensions (default 100)")
    vec.add_argument("--bucket", type=int, default=50000, metavar="N",
                     help="hash buckets, the rows of the table (default 50000)")
    vec.add_argument("--minn", type=int, default=3, metavar="N", help="shortest character n-gram (3)")
    vec.add_argument("--maxn", type=int, default=5, metavar="N", help="longest character n-gram (5)")
    vec.add_argument("--epochs", type=int, default=5, metavar="N", help="passes over the text (5)")
    vec.add_argument("--min-count", type=int, default=5, metavar="N",
                     help="words seen fewer times are learnt from their n-grams only (5)")
    corpus_help = "kg's annotated corpus: the folder with train.jsonl and dev.jsonl (default corpus)"
    data_help = "where the stand-off articles' sources are (default ../shared/data)"
    ev = sub.add_parser("events", help="train the trigger and argument models on kg's annotated corpus")
    ev.add_argument("--corpus", default="corpus", metavar="DIR", help=corpus_help)
    ev.add_argument("--data", default="../shared/data", metavar="DIR", help=data_help)
    ev.add_argument("--output", required=True, metavar="DIR", help="where the models are written")
    ev.add_argument("--fraction", type=float, default=1.0, metavar="X",
                    help="train on this share of the train split (a stable draw), for a learning curve")
    cal = sub.add_parser("calibration", help="fit the confidence calibration on the corpus's dev split")
    cal.add_argument("--corpus", default="corpus", metavar="DIR", help=corpus_help)
    cal.add_argument("--data", default="../shared/data", metavar="DIR", help=data_help)
    cal.add_argument("--output", required=True, metavar="DIR", help="where the calibration is written")
    return parser


def _corpus_split(args, name: str) -> list[dict]:
    from kg.annotation import read_corpus, source_texts

    path = Path(args.corpus) / f"{name}.jsonl"
    if not path.is_file():
        raise InputError(f"no corpus split at {path}")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    needed = {r["doc_id"] for r in lines if r.get("text") is None}
    texts = source_texts(args.data, needed) if needed else {}
    try:
        return read_corpus(path, texts)
    except ValueError as err:
        raise InputError(str(err)) from None


def _share(records: list[dict], fraction: float) -> list[dict]:
    """A stable draw of a share of the records (by a hash of their ids), for learning curves."""
    import hashlib

    if not 0 < fraction <= 1:
        raise InputError(f"--fraction must be in (0, 1], not {fraction}")
    ranked = sorted(records, key=lambda r: hashlib.sha1(r["doc_id"].encode("utf-8")).hexdigest())
    return ranked[:max(1, round(len(ranked) * fraction))]


def train_events(args) -> int:
    from kg.event_model import train

    train_records = _share(_corpus_split(args, "train"), args.fraction)
    meta = train(train_records, _corpus_split(args, "dev"), Path(args.output),
                 log=lambda line: print(f"kg train events: {line}", file=sys.stderr))
    meta["kg_training"] = {"command": " ".join(["kg", "train", *args.argv])}
    (Path(args.output) / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    print(f"kg train events: {args.output}: dev events F1 {meta['dev_events_f1']:.3f}")
    return 0


def train_calibration(args) -> int:
    from kg.calibration import Calibrator, examples_of
    from kg.evaluate import evaluate
    from kg.annotation import gold_document

    dev = _corpus_split(args, "dev")
    scores = evaluate([(gold_document(r), r["text"], r.get("published")) for r in dev], calibrate=False)
    examples = examples_of(scores.outcomes)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    Calibrator.fit(examples).to_disk(output / "calibration.json")
    counts = ", ".join(f"{k} {len(v)}" for k, v in examples.items())
    print(f"kg train calibration: {output}: fitted on the dev split's facts ({counts})")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        args.argv = argv
        if args.what == "ner":
            return train_ner(args)
        if args.what == "vectors":
            return train_vectors(args)
        if args.what == "events":
            return train_events(args)
        if args.what == "calibration":
            return train_calibration(args)
    except _ArgumentError as err:
        print(f"kg train: error: {err}", file=sys.stderr)
        return 2
    except InputError as err:
        print(f"kg train: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # unreadable input, unwritable output
        print(f"kg train: error: {err}", file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    sys.exit(main())
