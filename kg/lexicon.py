"""Finding the phrases of a lexicon in a token sequence, through Arabic clitics.

A name or trigger often comes glued to a conjunction or preposition (وواشنطن, بكازاخستان,
للجنة) or, at its end, to a pronoun (رئيسه) or the accusative alef (اتصالا). `PhraseLexicon`
matches normalized phrases at a token position, peeling the clitics of the language's
data (kg/lang/*/clitics.tsv) off the first word, and off the last where allowed, and says
how many characters it peeled so that mentions keep exact offsets.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Iterator, Sequence, TypeVar

from kg.lang import LanguageData
from kg.normalize import normalize_text

V = TypeVar("V")


@dataclass(frozen=True)
class Match(Generic[V]):
    start: int  # token index of the first word
    end: int  # token index after the last word
    value: V
    peel: int  # characters of proclitic before the phrase in the first token
    suffix: str  # enclitic left over on the last token ("" if none)


def proclitic_readings(word: str, lang: LanguageData) -> Iterator[tuple[int, str]]:
    """Every way of reading a normalized word as proclitic + stem: (characters peeled, stem).

    The word as it stands comes first; stems shorter than two letters are not offered.
    لل is read as ل + ال (للجنة → اللجنة; peeled: لل, the article's alef being unwritten)
    as well as ل + ل.
    """
    yield 0, word
    for prefix in lang.article_prefixes:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            yield len(prefix), "ال" + word[len(prefix):]
    for prefix in lang.prefixes:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            yield len(prefix), word[len(prefix):]


def restored(text: str, first_norm: str, peel: int, lang: LanguageData) -> str:
    """The surface of a peeled name with its article put back where the clitic swallowed its
    alef: للأمم المتحدة peeled by لل reads أمم المتحدة, and is الأمم المتحدة."""
    return "ال" + text if peel and first_norm[:peel] in lang.article_prefixes else text


def has_article(word: str, peel: int, lang: LanguageData) -> bool:
    """Whether a normalized word read with `peel` characters of proclitic has the article:
    العهد, والإعلام (و + ال), للرئيس (لل = ل + ال)."""
    prefix = word[:peel]
    return word[peel:].startswith("ال") or prefix.endswith("ال") or prefix in lang.article_prefixes


def enclitic_readings(word: str, lang: LanguageData) -> Iterator[tuple[str, str]]:
    """Every way of reading a normalized word as stem + enclitic: (stem, enclitic)."""
    yield word, ""
    if word.endswith("ا") and len(word) > 3:  # accusative tanween: شخصا, اتصالا
        yield word[:-1], ""
    for suffix in lang.suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)]
            yield stem, suffix
            if stem.endswith("ت"):  # ة before a pronoun is written ت: مديرتها
                yield stem[:-1] + "ه", suffix


class PhraseLexicon(Generic[V]):
    """A table of normalized phrases (tuples of words) with a value each."""

    def __init__(self, lang: LanguageData, *, enclitics: bool = False, max_peel: int = 4):
        self.lang = lang
        self.enclitics = enclitics
        self.max_peel = max_peel
        self._by_first: dict[str, list[tuple[tuple[str, ...], V]]] = {}

    def add(self, phrase: str, value: V) -> None:
        words = tuple(normalize_text(phrase).split())
        if not words:
            return
        bucket = self._by_first.setdefault(words[0], [])
        if all(w != words for w, _ in bucket):
            bucket.append((words, value))
            bucket.sort(key=lambda item: -len(item[0]))

    def __contains__(self, phrase: str) -> bool:
        words = tuple(normalize_text(phrase).split())
        return bool(words) and any(w == words for w, _ in self._by_first.get(words[0], []))

    def get(self, phrase: str) -> V | None:
        words = tuple(normalize_text(phrase).split())
        if not words:
            return None
        return next((v for w, v in self._by_first.get(words[0], []) if w == words), None)

    def match_at(self, norms: Sequence[str], i: int, *, proclitics: bool = True) -> Match[V] | None:
        """The longest phrase that starts at token i of `norms` (normalized token texts)."""
        best: Match[V] | None = None
        readings = proclitic_readings(norms[i], self.lang) if proclitics else iter([(0, norms[i])])
        for peel, first in readings:
            if peel > self.max_peel:
                continue
            candidates = [(first, "")]
            if self.enclitics:
                candidates = list(enclitic_readings(first, self.lang))
            for stem, suffix in candidates:
                for words, value in self._by_first.get(stem, ()):
                    n = len(words)
                    if i + n > len(norms) or (best and n <= best.end - best.start):
                        continue
                    if n == 1:
                        best = Match(i, i + 1, value, peel, suffix)
                        continue
                    if suffix:
                        continue  # an enclitic only closes a phrase
                    last = norms[i + n - 1]
                    middle_ok = all(norms[i + k] == words[k] for k in range(1, n - 1))
                    if not middle_ok:
                        continue
                    endings = enclitic_readings(last, self.lang) if self.enclitics else iter([(last, "")])
                    for last_stem, last_suffix in endings:
                        if last_stem == words[-1]:
                            best = Match(i, i + n, value, peel, last_suffix)
                            break
        return best

    def find_all(self, norms: Sequence[str], *, proclitics: bool = True) -> list[Match[V]]:
        """Non-overlapping longest matches, left to right."""
        found, i = [], 0
        while i < len(norms):
            m = self.match_at(norms, i, proclitics=proclitics)
            if m:
                found.append(m)
                i = m.end
            else:
                i += 1
        return found
