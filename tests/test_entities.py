"""The entity layer on real news sentences: gazetteer names through clitics, organizations by
head noun, persons after titles and honorifics."""
from kg.model import LOCATION, ORGANIZATION, PERSON


def names(x, kind):
    return {label for e in x.entities if e.kind == kind for label in e.labels}


def test_places_are_found_through_clitics(extract_text):
    x = extract_text("وصل الوفد إلى بغداد وبيروت، ثم توجه إلى دمشق بعد زيارة لكازاخستان.")
    assert {"بغداد", "بيروت", "دمشق", "كازاخستان"} <= names(x, LOCATION)
    kz = next(e for e in x.entities if e.country == "KZ")
    assert x.text[kz.mentions[0].start:kz.mentions[0].end] == "كازاخستان"  # the ل is peeled off


def test_organizations_by_head_noun_and_known_agencies(extract_text):
    x = extract_text("أعلنت وزارة الدفاع الروسية أن حلف شمال الأطلسي يحشد قواته، بحسب وكالة رويترز.")
    orgs = names(x, ORGANIZATION)
    assert "وزارة الدفاع الروسية" in orgs
    assert "حلف شمال الأطلسي" in orgs
    assert any("رويترز" in o for o in orgs)


def test_generic_references_are_not_organizations(extract_text):
    x = extract_text("قالت الحكومة إن الشرطة وقوات الأمن انتشرت في الشوارع.")
    assert not names(x, ORGANIZATION)


def test_persons_after_titles_and_honorifics(extract_text):
    x = extract_text("استقبل الرئيس المصري عبد الفتاح السيسي في القاهرة الشيخ محمد بن زايد آل نهيان.")
    persons = names(x, PERSON)
    assert "عبد الفتاح السيسي" in persons
    assert "محمد بن زايد آل نهيان" in persons
    assert "القاهرة" in names(x, LOCATION)


def test_mentions_point_at_their_words(extract_text):
    x = extract_text("والتقى وزير الخارجية الأردني أيمن الصفدي نظيره العراقي في عمان.")
    for e in x.entities:
        for m in e.mentions:
            assert x.text[m.start:m.end] == m.text
            assert 0 <= m.start < m.end <= len(x.text)
        assert 0 < e.confidence <= 1


def test_a_place_named_by_a_rare_word_after_its_head_and_not_by_a_common_adjective(extract_text):
    x = extract_text("سيطرت القوات على قاعدة الحبانية العسكرية، فيما قصفت الطائرات قاعدة عسكرية قرب المدينة.")
    places = names(x, LOCATION)
    assert "قاعدة الحبانية العسكرية" in places
    assert "قاعدة عسكرية" not in places


def test_a_surname_is_a_person_even_where_geonames_has_a_town_of_that_name(extract_text):
    x = extract_text("قال الرئيس النيجيري محمد بخاري إن الهجوم لن يمر. وأضاف بخاري أن الجيش سيرد.")
    assert not any(e.kind == LOCATION for e in x.entities if "بخار" in e.name)
    buhari = next(e for e in x.entities if e.kind == PERSON and "بخاري" in e.name)
    assert len(buhari.mentions) == 2


def test_an_army_with_a_nationality_is_an_organization(extract_text):
    x = extract_text("قصف الجيش التركي مواقع للتنظيم قرب الحدود.")
    assert "الجيش التركي" in names(x, ORGANIZATION)


def test_common_words_the_ner_takes_for_names_are_dropped(extract_text):
    # an adjective after a definite noun, a noun in the accusative, a verb in the plural
    x = extract_text("وجدد الرئيس حرص الدولة على تحقيق السلام المستدام. كما سيلتقي كارتر جنودا "
                     "في القاعدة. وقال المحامي إن موكليه رفعوا شكوى.")
    persons = names(x, PERSON)
    assert not {"المستدام", "كارتر جنودا", "رفعوا"} & persons


def test_a_regional_adjective_ends_the_name_of_a_body(extract_text):
    x = extract_text("أدان البرلمان العربي التفجير الإرهابي. ودعت منظمة التعاون الإسلامي الاتحاد الأوروبي إلى "
                     "التحرك، فيما استعاد التحالف العربي مدينة عدن.")
    orgs = {e.name for e in x.entities if e.kind == ORGANIZATION}
    assert {"البرلمان العربي", "منظمة التعاون الإسلامي", "الاتحاد الأوروبي", "التحالف العربي"} <= orgs
