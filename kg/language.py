"""language: the languages kg reads, and which one an article is written in.

kg reads the languages that have a folder of data under kg/lang/ (`languages()`); any other
name is refused with a line naming those (a name is never used as a path). An article's
language is what an offline detector finds (py3langid, its model inside the package, run on
the start of the text), each language folder's `language.tsv` saying which of the detector's
labels are that language (Arabic and its dialects are one); where the detector is unsure (a
headline, a list of names) the script most of the letters are written in decides. An
article in a language kg has no pipeline for is not read: the caller says which and why.
"""
from __future__ import annotations

import functools
import unicodedata
from importlib import resources

CONFIDENT = 0.5  # the detector's probability (summed over a language's labels) that settles it
SAMPLE = 10_000  # characters of an article the detector and the script count look at


class UnknownLanguage(ValueError):
    """A language name kg has no data for; the message names those it has."""


class NotReadable(ValueError):
    """An article in a language kg does not read, or cannot tell; the message says which."""


@functools.lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The languages kg reads: the folders of kg/lang/ that hold language data."""
    root = resources.files("kg.lang")
    return tuple(sorted(p.name for p in root.iterdir() if p.is_dir() and p.joinpath("language.tsv").is_file()))


def check(name) -> str:
    """`name` as one of `languages()` ("AR", " ar " and "ar-SA" are ar), or UnknownLanguage."""
    code = name.strip().lower().replace("_", "-").split("-")[0] if isinstance(name, str) else None
    if code not in languages():
        shown = repr(name) if isinstance(name, str) else f"{type(name).__name__} {str(name)[:40]}"
        raise UnknownLanguage(f"unknown language {shown[:60]} (kg reads: {', '.join(languages())})")
    return code


@functools.lru_cache(maxsize=1)
def _knowledge() -> tuple[dict[str, str], dict[str, str]]:
    """Detector label → kg language, and kg language → the start of its letters' Unicode names."""
    from kg.lang import read_table

    labels, scripts = {}, {}
    for lang in languages():
        for kind, value in read_table(lang, "language.tsv"):
            if kind == "label":
                labels[value] = lang
            elif kind == "script":
                scripts[lang] = value
    return labels, scripts


@functools.lru_cache(maxsize=1)
def _detector():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def name_of(code: str) -> str:
    """A detector label in English words: en → English (en)."""
    from babel import Locale, UnknownLocaleError

    try:
        return f"{Locale.parse(code).get_display_name('en')} ({code})"
    except (ValueError, UnknownLocaleError):
        return code


def detect(text: str) -> tuple[str | None, str | None]:
    """(the kg language the text is in or None, the detector's label when it is sure of one)."""
    sample = text[:SAMPLE]
    labels, scripts = _knowledge()
    totals: dict[str, float] = {}
    for label, p in _detector().rank(sample):
        group = labels.get(label, label)
        totals[group] = totals.get(group, 0.0) + p
    best = max(totals, key=totals.get) if totals else None
    if best is not None and totals[best] >= CONFIDENT:
        return (best if best in scripts else None), best
    letters = [ch for ch in sample if ch.isalpha()]
    for lang, script in scripts.items():
        if letters and 2 * sum(unicodedata.name(ch, "").startswith(script) for ch in letters) >= len(letters):
            return lang, None
    return None, None


def language_of(text: str, wanted: str | None = None) -> str:
    """The language kg reads `text` in; NotReadable when it is in another one, or in `wanted`'s
    stead another (the --lang option, a record's lang field), or kg cannot tell."""
    lang, label = detect(text)
    if lang is None:
        if label is None:
            raise NotReadable("cannot tell its language (kg reads: " + ", ".join(languages()) + ")")
        raise NotReadable(f"written in {name_of(label)}: kg has no pipeline for it (kg reads: "
                          + ", ".join(languages()) + ")")
    if wanted is not None and lang != wanted:
        raise NotReadable(f"written in {name_of(label or lang)}, not {wanted} as asked")
    return lang
