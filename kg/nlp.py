"""The spaCy pipeline of a language: tokens, sentences, entity spans, titles, triggers, dates.

    kg_normalizer → kg_sentences → ner (statistical, trained by `kg train ner`)
    → kg_entities → kg_titles → kg_names → kg_triggers → kg_dates

Each kg component is registered by name (`@Language.factory`) in the module of its
stage and stores what it finds in `doc.ents` or `doc.spans[...]`; the extractors read
the Doc and never re-tokenize. A user with another statistical NER passes its path
(`ner_model=`, or the environment variable KG_NER_MODEL); `ner_model=""` runs rules only.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.normalize import normalize_word

MODELS = Path(__file__).parent / "models"
SENTENCE_END = {".", "!", "?", "؟", "…"}


@Language.component("kg_normalizer")
def kg_normalizer(doc: Doc) -> Doc:
    """Every token's NORM is its normalized spelling (kg.normalize), for matchers and the NER."""
    for token in doc:
        token.norm_ = normalize_word(token.text)
    return doc


@Language.component("kg_sentences")
def kg_sentences(doc: Doc) -> Doc:
    """Sentences end at . ! ? ؟ and at line breaks (headlines and captions have no full stop)."""
    starts = numpy.empty((len(doc), 1), dtype="int64")  # 1 starts a sentence, -1 does not
    for i, token in enumerate(doc):
        prev = doc[i - 1] if i else None
        start = prev is None or (prev.text in SENTENCE_END or "\n" in prev.text or "\n" in prev.whitespace_
                                 ) and not token.is_space
        starts[i, 0] = 1 if start else -1
    # (set in one go: setting is_sent_start token by token rescans the Doc each time)
    return doc.from_array(["SENT_START"], starts.astype("uint64")) if len(doc) else doc


def default_ner_model(lang: str) -> str | None:
    """The statistical NER to use: $KG_NER_MODEL, else the one shipped in kg/models/."""
    if "KG_NER_MODEL" in os.environ:
        return os.environ["KG_NER_MODEL"] or None
    shipped = MODELS / f"{lang}_ner"
    return str(shipped) if (shipped / "config.cfg").exists() else None


def default_event_model(lang: str) -> str | None:
    """The learned event models: $KG_EVENT_MODEL ("" for the rules alone), else those shipped."""
    if "KG_EVENT_MODEL" in os.environ:
        return os.environ["KG_EVENT_MODEL"] or None
    shipped = MODELS / f"{lang}_events"
    return str(shipped) if (shipped / "meta.json").exists() else None


@functools.lru_cache(maxsize=4)
def load_pipeline(lang: str = "ar", ner_model: str | None = "default", events_model: str | None = "default") -> Language:
    """The pipeline for `lang`, built once per process. `ner_model` and `events_model` name the
    statistical models' folders ("default": kg's own; None or "": none, the rules alone)."""
    # The component modules register their factories on import.
    from kg import dates, entities, events, roles  # noqa: F401
    from kg.language import check

    lang = check(lang)
    if ner_model == "default":
        ner_model = default_ner_model(lang)
    nlp = spacy.blank(lang)
    nlp.add_pipe("kg_normalizer")
    nlp.add_pipe("kg_sentences")
    if ner_model:
        try:
            source = spacy.load(ner_model, exclude=["tokenizer"])
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot load the NER model at {ner_model}: {exc}") from None
        nlp.vocab.vectors = source.vocab.vectors  # the static vectors its tok2vec reads, if any
        for name in source.pipe_names:
            if name in ("kg_normalizer", "kg_sentences"):
                continue
            nlp.add_pipe(name, source=source)
    nlp.add_pipe("kg_entities", config={"lang": lang})
    nlp.add_pipe("kg_titles", config={"lang": lang})
    nlp.add_pipe("kg_names", config={"lang": lang})
    nlp.add_pipe("kg_triggers", config={"lang": lang})
    nlp.add_pipe("kg_dates", config={"lang": lang})
    events = default_event_model(lang) if events_model == "default" else events_model
    if events:
        from kg import event_model  # noqa: F401  (registers kg_event_model)

        nlp.add_pipe("kg_event_model", config={"path": events})
    return nlp
