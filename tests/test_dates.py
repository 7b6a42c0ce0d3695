import datetime as dt

import pytest

from kg.dates import last_weekday, nearest_weekday, resolve_date

FRIDAY = dt.date(2023, 3, 10)


def date_spans(nlp, text):
    doc = nlp(text)
    date_spans.keep = doc  # the spans live as long as their Doc
    return list(doc.spans["kg_dates"])


@pytest.mark.parametrize("text, expected", [
    ("أعلنت الشرطة اليوم الجمعة", dt.date(2023, 3, 10)),
    ("وقع الانفجار أمس الخميس", dt.date(2023, 3, 9)),
    ("اجتمع الوزراء الثلاثاء", dt.date(2023, 3, 7)),
    ("سيصل الوفد غدا", dt.date(2023, 3, 11)),
    ("وقع الحادث في 5 مارس 2023", dt.date(2023, 3, 5)),
    ("وقع الحادث في 5 آذار", dt.date(2023, 3, 5)),
    ("صدر القرار في 15 شوال 1436 هـ", dt.date(2015, 7, 31)),
])
def test_date_words_resolve_against_the_publication_date(nlp, text, expected):
    spans = date_spans(nlp, text)
    assert len(spans) == 1
    assert resolve_date(spans[0], FRIDAY) == expected


def test_weekday_wins_over_today_when_the_stamp_is_a_day_late(nlp):
    # "اليوم الأربعاء" in an article stamped Thursday: the Wednesday
    span = date_spans(nlp, "يلتئم اليوم الأربعاء اجتماع")[0]
    assert resolve_date(span, dt.date(2015, 8, 6)) == dt.date(2015, 8, 5)


def test_relative_dates_need_a_publication_date(nlp):
    assert resolve_date(date_spans(nlp, "وصل أمس")[0], None) is None


def test_weekday_arithmetic():
    assert last_weekday(FRIDAY, 4) == FRIDAY
    assert last_weekday(FRIDAY, 5) == dt.date(2023, 3, 4)
    assert nearest_weekday(FRIDAY, 5) == dt.date(2023, 3, 11)
