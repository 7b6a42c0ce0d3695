"""Entity resolution inside an article."""
from kg.entities import EntityMention
from kg.lang import load
from kg.model import LOCATION, ORGANIZATION, PERSON, Mention
from kg.resolve import resolve_entities

AR = load("ar")


def mention(kind, text, start, confidence=0.7, ident="", name=None):
    return EntityMention(kind, Mention(start, start + len(text), text), text, (start, start + 1), name, ident, None,
                         confidence)


def test_surname_joins_full_name_and_honorific_is_ignored():
    ms = [mention(PERSON, "الشيخ تميم بن حمد آل ثاني", 0), mention(PERSON, "تميم", 40),
          mention(PERSON, "كريم ماسيموف", 60), mention(PERSON, "ماسيموف", 90)]
    entities, keys = resolve_entities(ms, AR)
    assert len(entities) == 2
    assert keys[0] == keys[1] and keys[2] == keys[3] and keys[0] != keys[2]
    tamim = entities[0]
    assert tamim.kind == PERSON and {"تميم", "الشيخ تميم بن حمد آل ثاني"} <= tamim.labels


def test_organization_names_with_other_head_nouns_join():
    ms = [mention(ORGANIZATION, "جهاز الأمن الوطني", 0), mention(ORGANIZATION, "لجنة الأمن الوطنية", 30),
          mention(ORGANIZATION, "لجنة الأمن", 60), mention(ORGANIZATION, "وزارة الخارجية", 80)]
    entities, keys = resolve_entities(ms, AR)
    assert keys[0] == keys[1] == keys[2] != keys[3]


def test_gazetteer_identity_decides_for_places():
    ms = [mention(LOCATION, "ألما آتا", 0, ident="x/1"), mention(LOCATION, "ألماتي", 20, ident="x/1"),
          mention(LOCATION, "قطر", 40, ident="country/QA")]
    entities, keys = resolve_entities(ms, AR)
    assert keys == ["x/1", "x/1", "country/QA"]


def test_a_name_the_ner_mislabels_follows_the_person():
    ms = [mention(PERSON, "فلاديمير بوتين", 0, 0.7), mention(ORGANIZATION, "بوتين", 30, 0.6)]
    entities, keys = resolve_entities(ms, AR)
    assert len(entities) == 1 and entities[0].kind == PERSON


def test_a_short_name_that_fits_two_bodies_is_the_one_just_named(extract_text):
    x = extract_text("أدانت وزارة الخارجية الكويتية الهجوم. وأدانت وزارة الخارجية المصرية التفجير، وقال المتحدث "
                     "باسم وزارة الخارجية أحمد أبو زيد إن مصر تقف مع المملكة.")
    orgs = [e for e in x.entities if e.kind == "organization"]
    assert len(orgs) == 2
    egypt = next(e for e in orgs if "المصرية" in e.name)
    assert "وزارة الخارجية" in egypt.labels
