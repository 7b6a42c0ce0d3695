"""Dates: the words that fix a day (اليوم السبت, أمس, الخميس, 8 يناير 2022, 15 شوال 1436هـ),
found by the `kg_dates` component and resolved to days against the publication date.

Hijri dates are converted with hijridate (Umm al-Qura); Gregorian ones, weekdays and relative
words are plain day arithmetic on the publication date. A day and month without a year is the
nearest such day to the publication date that fits the tense of its clause: a future verb
looks forward (سيزور في 8 أغسطس), a past one back (a week's slack: stamps are often late).
"""
from __future__ import annotations

import datetime as dt
import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.lang import load
from kg.lexicon import PhraseLexicon

for _name, _default in (("kg_date_kind", ""), ("kg_date_value", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)

TENSE_SLACK = 7  # days a tense may be wrong by: a publication stamp is often a day or two late
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_HIJRI_MARK = re.compile(r"^(هـ|ه)$")


def _number(text: str) -> int | None:
    text = text.translate(_DIGITS)
    return int(text) if text.isdigit() else None


class DateFinder:
    def __init__(self, lang: str):
        data = load(lang)
        self.words: PhraseLexicon[tuple[str, int]] = PhraseLexicon(data)
        for form, value in data.weekdays.items():
            self.words.add(form, ("weekday", value))
        for form, value in data.relative_days.items():
            self.words.add(form, ("relative", value))
        for form, value in data.months.items():
            self.words.add(form, ("month", value))
        for form, value in data.hijri_months.items():
            self.words.add(form, ("hijri", value))

    def __call__(self, doc: Doc) -> Doc:
        norms = [t.norm_ for t in doc]
        spans = []
        i = 0
        while i < len(doc):
            m = self.words.match_at(norms, i)
            if m is None:
                i += 1
                continue
            kind, value = m.value
            span = None
            if kind in ("month", "hijri"):
                day = _number(doc[i - 1].text) if i > 0 else None
                year = _number(doc[m.end].text) if m.end < len(doc) else None
                end = m.end + (1 if year else 0)
                if year and end < len(doc) and _HIJRI_MARK.match(doc[end].text):
                    end += 1
                if day and 1 <= day <= 31:
                    span = Span(doc, i - 1, end, label="DATE")
                    span._.kg_date_kind = kind
                    span._.kg_date_value = (year or 0, value, day)
            elif kind == "relative":
                nxt = self.words.match_at(norms, m.end) if m.end < len(doc) else None
                end, weekday = m.end, None
                if nxt and nxt.value[0] == "weekday":  # اليوم السبت
                    end, weekday = nxt.end, nxt.value[1]
                span = Span(doc, i, end, label="DATE")
                span._.kg_date_kind = kind
                span._.kg_date_value = (value, weekday)
            else:
                span = Span(doc, i, m.end, label="DATE")
                span._.kg_date_kind = kind
                span._.kg_date_value = value
            if span is not None:
                spans.append(span)
                i = span.end
            else:
                i = m.end
        doc.spans["kg_dates"] = spans
        return doc


@Language.factory("kg_dates", default_config={"lang": "ar"})
def make_date_finder(nlp: Language, name: str, lang: str) -> DateFinder:
    return DateFinder(lang)


def nearest_weekday(anchor: dt.date, weekday: int) -> dt.date:
    """The day with this weekday closest to `anchor` (ties go to the past): اليوم الأربعاء in an
    article stamped Thursday is the Wednesday before."""
    delta = (weekday - anchor.weekday()) % 7
    return anchor + dt.timedelta(days=delta if delta <= 3 else delta - 7)


def last_weekday(anchor: dt.date, weekday: int) -> dt.date:
    """The latest day with this weekday on or before `anchor`: news tells of the past."""
    return anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7)


def resolve_date(span: Span, published: dt.date | None, tense: int = 0) -> dt.date | None:
    """The day a date span names, resolved against the article's publication date; `tense` is
    the clause's: 1 what is to come, -1 what was, 0 cannot tell."""
    kind, value = span._.kg_date_kind, span._.kg_date_value
    if kind == "hijri":
        from hijridate import Hijri

        year, month, day = value
        if not year:
            return None
        try:
            return Hijri(year, month, day).to_gregorian()
        except (ValueError, OverflowError):
            return None
    if kind == "month":
        year, month, day = value
        return _gregorian(day, month, year, published, tense)
    if published is None:
        return None
    if kind == "relative":
        offset, weekday = value
        day = published + dt.timedelta(days=offset)
        return nearest_weekday(day, weekday) if weekday is not None else day
    if kind == "weekday":
        return last_weekday(published, value)
    return None


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 31 April, 29 February of a common year
        return None


def _gregorian(day: int, month: int, year: int, published: dt.date | None, tense: int) -> dt.date | None:
    if year:
        return _day(year, month, day)
    if published is None:
        return None
    days = [d for y in (published.year - 1, published.year, published.year + 1) if (d := _day(y, month, day))]
    days = [d for d in days if tense == 0 or (d - published).days * tense >= -TENSE_SLACK]
    return min(days, key=lambda d: (abs((d - published).days), d > published), default=None)
