"""Arabic spelling normalization, done once and in one place.

Every comparison of Arabic words in kg (gazetteer look-ups, trigger and title
matching, entity resolution, IRI slugs) goes through these functions, so that
أ/إ/آ/ا, ة/ه, ى/ي, diacritics, tatweel, zero-width and bidi marks never make two
spellings of one word differ.
"""
from __future__ import annotations

import re
import unicodedata

# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks, tatweel.
DIACRITICS = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
# Zero-width and bidirectional control characters that news sites leave in text.
INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_DAMMA = "\u064f"


def clean(text: str) -> str:
    """Text as kg keeps it: NFC, no invisible marks. Offsets refer to this form."""
    return INVISIBLE.sub("", unicodedata.normalize("NFC", text))


def normalize_word(word: str) -> str:
    """One word in its comparison form: no diacritics or tatweel, one alef, ه for ة, ي for ى."""
    word = INVISIBLE.sub("", unicodedata.normalize("NFKC", word))
    return DIACRITICS.sub("", word).translate(_ALEF).lower()


def normalize_text(text: str) -> str:
    """A phrase in comparison form: words normalized, punctuation dropped, single spaces."""
    words = re.sub(r"[^\w\s]", " ", normalize_word(text)).split()
    return " ".join(words)


def strip_article(word: str) -> str:
    """The word without the definite article ال, if what remains is still a word."""
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


def is_passive_form(word: str) -> bool:
    """True when the diacritics mark a passive past verb (اعتُقِل, أُوقِف, قُتل): a damma on one
    of the first three letters. Undiacritized text says nothing, and gives False."""
    letters = 0
    for ch in INVISIBLE.sub("", unicodedata.normalize("NFC", word)):
        if unicodedata.combining(ch) or ch == "\u0640":
            if ch == _DAMMA:
                return True
            continue
        letters += 1
        if letters > 3:
            return False
    return False
