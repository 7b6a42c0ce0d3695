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
