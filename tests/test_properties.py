"""Properties that hold for any text: normalization, date resolution, and the whole build never
crash, keep offsets inside the text and emit valid IRIs."""
import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.dates import last_weekday, nearest_weekday
from kg.normalize import clean, normalize_text, normalize_word
from kg.rdf import to_dataset

ARABIC_WORDS = ["الرئيس", "وزير", "الخارجية", "اعتُقل", "أمس", "الخميس", "بكازاخستان", "وواشنطن", "للجنة",
                "الأمن", "محمد", "بن", "آل", "اتصالاً", "هاتفياً", "ب", "و", "،", ".", "\n", "«", "»", "4266",
                "\u200f", "\u200c", "\u202b", "ـ", "ًا", "(", "/", "فرانس", "برس", "السابق", "نظيره"]
text_of_words = st.lists(st.sampled_from(ARABIC_WORDS), max_size=60).map(" ".join)
any_text = st.one_of(st.text(max_size=300), text_of_words,
                     st.tuples(text_of_words, st.text(max_size=40)).map(lambda t: t[0] + t[1]))
IRI_BAD = re.compile(r'[\s<>"{}|\\^`]')


@given(st.text(max_size=200))
def test_normalization_is_idempotent(text):
    once = normalize_word(text)
    assert normalize_word(once) == once
    assert normalize_text(normalize_text(text)) == normalize_text(text)
    assert "\u200f" not in clean(text) and "\ufeff" not in clean(text)


@given(st.dates(min_value=dt.date(1900, 1, 8), max_value=dt.date(2100, 1, 1)), st.integers(0, 6),
       st.integers(-2, 2))
def test_weekdays_resolve_near_the_anchor(published, weekday, offset):
    anchor = published + dt.timedelta(days=offset)
    near = nearest_weekday(anchor, weekday)
    last = last_weekday(published, weekday)
    assert near.weekday() == weekday and abs((near - anchor).days) <= 3
    assert last.weekday() == weekday and 0 <= (published - last).days <= 6


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=any_text)
def test_build_never_crashes_and_stays_inside_the_text(nlp, text):
    from kg.extract import extract

    x = extract(text, dt.date(2022, 1, 8), nlp=nlp)
    for item in [*x.entities, *x.roles, *x.events]:
        for m in item.mentions:
            assert 0 <= m.start < m.end <= len(x.text)
            assert x.text[m.start:m.end] == m.text
    for start, end in x.sentences:
        assert 0 <= start <= end <= len(x.text)
    for s, p, o, g in to_dataset([x]).quads((None, None, None, None)):
        for term in (s, p, g) + ((o,) if type(o).__name__ == "URIRef" else ()):
            assert not IRI_BAD.search(str(term)), term
