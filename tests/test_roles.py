"""Roles: title, owner (genitive, adjective, pronoun, للـ), former, holder."""


def roles_by_holder(x):
    out = {}
    for r in x.roles:
        holder = x.entity(r.holder)
        of = x.entity(r.of) if r.of else None
        out.setdefault(holder.name, []).append((r.title, of.name if of else None, r.former))
    return out


def test_title_with_nationality_adjective(extract_text):
    x = extract_text("قال الرئيس الفرنسي إيمانويل ماكرون إن بلاده ستساعد لبنان.")
    assert ("رئيس", "فرنسا", False) in roles_by_holder(x)["إيمانويل ماكرون"]


def test_minister_with_portfolio_and_genitive_country(extract_text):
    x = extract_text("واستقبل الملك وزير خارجية مصر سامح شكري في عمان.")
    assert ("وزير الخارجية", "مصر", False) in roles_by_holder(x)["سامح شكري"]


def test_former_title_of_an_organization(extract_text):
    x = extract_text("اعتقلت السلطات الرئيس السابق لهيئة مكافحة الفساد، أحمد منصور، الأحد.")
    title, of, former = roles_by_holder(x)["أحمد منصور"][0]
    assert title == "رئيس" and former is True
    assert of is not None and "هيئة مكافحة الفساد" in of


def test_every_role_has_a_person_holder(extract_text):
    x = extract_text("وصرح المتحدث باسم وزارة الخارجية ناصر كنعاني بأن الوزير سيزور بغداد.")
    for r in x.roles:
        assert x.entity(r.holder).kind == "person"
        assert r.mentions


def test_a_title_owned_by_a_title_with_no_name(extract_text):
    x = extract_text("وقال مستشار الرئيس للصحفيين إن الوزير سيصل غدا.")
    assert all(x.entity(r.holder) for r in x.roles)


def test_titles_after_a_name_belong_to_it_and_a_definite_title_takes_no_genitive(extract_text):
    # وزير الدفاع is closed by its article: the country after it is the verb's object, not the owner.
    x = extract_text("وصل صاحب السمو الملكي الأمير نايف بن أحمد ولي العهد النائب الأول لرئيس مجلس الوزراء "
                     "وزير الداخلية الأردن أمس في زيارة رسمية تأتي بعد زيارة العاهل الأردني للمملكة.")
    roles = roles_by_holder(x)["نايف بن أحمد"]
    titles = {title: of for title, of, _ in roles}
    assert {"ولي العهد", "نائب", "وزير الداخلية"} <= set(titles)
    assert titles["نائب"] == "مجلس الوزراء"
    assert titles["وزير الداخلية"] == "المملكة العربية السعودية"  # المملكة: the article's own country
    assert "أمير" not in titles  # الأمير before a bare name is a form of address


def test_rank_chain_and_posting_between_titles(extract_text):
    x = extract_text("وكان في استقباله الملحق العسكري الأردني في الرياض العقيد ركن سامي الخالدي "
                     "وسفير خادم الحرمين الشريفين لدى الأردن الأستاذ نايف السديري.")
    roles = roles_by_holder(x)
    assert ("ملحق عسكري", "الأردن", False) in roles["سامي الخالدي"]
    assert any(title.startswith("عقيد") and of is None for title, of, _ in roles["سامي الخالدي"])
    assert ("سفير", "المملكة العربية السعودية", False) in roles["نايف السديري"]


def test_adviser_in_an_organization(extract_text):
    x = extract_text("وحضر اللقاء المستشار في الديوان الملكي الأستاذ فهد الشمري.")
    assert ("مستشار", "الديوان الملكي", False) in roles_by_holder(x)["فهد الشمري"]


def test_minister_with_no_owner_is_of_the_articles_own_country(extract_text):
    x = extract_text("وأكد الرئيس التونسي حرص بلاده على علاقاتها مع المملكة. وحضر اللقاء وزير المالية "
                     "الدكتور إبراهيم العساف ووزير الثقافة والإعلام الدكتور عادل الطريفي.")
    roles = roles_by_holder(x)
    assert ("وزير المالية", "المملكة العربية السعودية", False) in roles["إبراهيم العساف"]
    assert ("وزير الثقافة والإعلام", "المملكة العربية السعودية", False) in roles["عادل الطريفي"]


def test_an_epithet_alone_is_the_person_it_names_elsewhere(extract_text):
    x = extract_text("استقبل خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود في جدة اليوم وزير "
                     "خارجية الأردن ناصر جودة. ونقل الوزير لخادم الحرمين الشريفين تحيات العاهل الأردني.")
    persons = [e for e in x.entities if e.kind == "person"]
    assert not any("خادم" in e.name for e in persons)  # no second person for the epithet
    assert ("ملك", "المملكة العربية السعودية", False) in roles_by_holder(x)["سلمان بن عبدالعزيز آل سعود"]


def test_a_president_with_no_owner_is_of_the_country_the_article_is_about(extract_text):
    # المملكة makes Saudi Arabia the article's home, but a president there is not Saudi
    x = extract_text("وأكد وزير الخارجية عادل الجبير أن المملكة تدعم الشرعية في اليمن، وأن الرئيس "
                     "عبدربه منصور هادي سيعود إلى عدن. وقال إن الحوثيين انسحبوا من صنعاء وتعز.")
    roles = roles_by_holder(x)
    assert ("رئيس", "اليمن", False) in roles["عبدربه منصور هادي"]
    assert ("وزير الخارجية", "المملكة العربية السعودية", False) in roles["عادل الجبير"]


def test_no_title_in_a_name_or_in_a_definite_word(extract_text):
    x = extract_text("نظمت جامعة الملك سعود المؤتمر. وأكد المسؤول أن المحافظة تكرس جهودها للتنمية.")
    assert not x.roles
    assert "جامعة الملك سعود" in {e.name for e in x.entities if e.kind == "organization"}
