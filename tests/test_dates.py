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


def test_a_day_and_month_without_a_year_is_the_nearest_that_fits_the_tense(nlp):
    written = dt.date(2015, 7, 21)
    ends = date_spans(nlp, "والتي تنتهي بتاريخ 8 أغسطس")[0]
    assert resolve_date(ends, written) == dt.date(2015, 8, 8)  # was 2014-08-08: dates preferred the past
    assert resolve_date(ends, written, 1) == dt.date(2015, 8, 8)
    assert resolve_date(ends, written, -1) == dt.date(2014, 8, 8)
    christmas = date_spans(nlp, "في 25 ديسمبر")[0]
    assert resolve_date(christmas, dt.date(2015, 1, 5)) == dt.date(2014, 12, 25)
    assert resolve_date(christmas, dt.date(2015, 1, 5), 1) == dt.date(2015, 12, 25)
    visit = date_spans(nlp, "سيزور القاهرة في 20 يوليو")[0]
    assert resolve_date(visit, written, 1) == dt.date(2015, 7, 20)  # a stamp a day late: not next year


def test_a_day_named_in_another_clause_is_not_the_events(extract_text):
    x = extract_text("وغادرت بعثة النادي الأهلي على متن طائرة خاصة إلى مدينة ميلان الإيطالية، ومن ثم ستنطلق برا "
                     "إلى مدينة سان موريتز، وسوف يستكمل الفريق الفترة الثانية من المعسكر في مدينة لوزان والتي تنتهي "
                     "بتاريخ 8 أغسطس، حيث سيجري الفريق هناك مباريات ودية.", dt.date(2015, 7, 21))
    left = [e for e in x.events if e.trigger == "وغادرت"]
    assert left and left[0].date is None  # 8 August is when the camp ends (was 2014-08-08)
