"""The whole path on the example article: text → extraction → RDF → SPARQL → SHACL."""
import datetime as dt

from kg.rdf import to_dataset
from kg.validate import validate


def names(x, keys):
    return {x.entity(k).name for k in keys}


def test_offsets_of_every_mention_point_into_the_text(example):
    for item in [*example.entities, *example.roles, *example.events]:
        for m in item.mentions:
            assert example.text[m.start:m.end] == m.text


def test_phone_calls_and_their_participants(example):
    calls = [e for e in example.events if e.cameo == "041"]
    assert len(calls) >= 2
    participants = [names(example, e.agents + e.patients) for e in calls]
    assert any({"فلاديمير بوتين", "قاسم جومارت توكاييف"} <= p for p in participants)
    assert any(any("تميم" in n for n in p) and "قاسم جومارت توكاييف" in p for p in participants)
    assert all(e.date == dt.date(2022, 1, 8) for e in calls)


def test_the_arrest_of_the_former_security_chief(example):
    arrests = [e for e in example.events if e.cameo.startswith("17") and "كريم ماسيموف" in names(example, e.patients)]
    assert len(arrests) == 1, "the arrest told three times is one event"
    assert arrests[0].date == dt.date(2022, 1, 6)
    assert len(arrests[0].mentions) >= 2


def test_roles_of_presidents(example):
    roles = {(example.entity(r.holder).name, r.title, example.entity(r.of).name if r.of else None, r.former)
             for r in example.roles}
    assert ("فلاديمير بوتين", "رئيس", "روسيا", False) in roles
    assert ("قاسم جومارت توكاييف", "رئيس", "كازاخستان", False) in roles


def test_the_example_graph_is_valid(example):
    conforms, report = validate(to_dataset([example]))
    assert conforms, report


def test_the_api_answers_every_call(example_text, example_published):
    """`kg.extract` and `kg.build` keep working after the first call (the submodule kg.extract
    once took the function's place)."""
    import kg

    for _ in range(3):
        x = kg.extract(example_text, published=example_published)
        assert any(e.cameo == "041" for e in x.events)
    for _ in range(3):
        assert len(kg.build(example_text, published="2022-01-08")) > 500


def test_an_article_that_starts_with_a_line_break_has_no_empty_sentence(extract_text, example_text):
    x = extract_text("\n\n" + example_text[:600])
    assert x.sentences and all(start < end for start, end in x.sentences)
    assert all(0 <= m.sentence < len(x.sentences) and x.text[slice(*x.sentences[m.sentence])].find(m.text) >= 0
               for e in x.entities for m in e.mentions)
    conforms, report = validate(to_dataset([x]))
    assert conforms, report
