from kg.normalize import clean, is_passive_form, normalize_text, normalize_word, strip_article


def test_spelling_variants_normalize_to_one_form():
    assert normalize_word("أحمد") == normalize_word("احمد") == normalize_word("إحمد")
    assert normalize_word("مدرسة") == normalize_word("مدرسه")
    assert normalize_word("مصطفى") == normalize_word("مصطفي")
    assert normalize_word("مُحَمَّد") == "محمد"
    assert normalize_word("الـعـربـيـة") == normalize_word("العربية")


def test_clean_drops_invisible_marks_but_keeps_words():
    text = "\u200fوزارة\u200c الداخلية\ufeff"
    assert clean(text) == "وزارة الداخلية"


def test_normalize_text_drops_punctuation():
    assert normalize_text("«الأمم المتحدة»،") == "الامم المتحده"


def test_strip_article_keeps_short_words():
    assert strip_article("الرئيس") == "رئيس"
    assert strip_article("الى") == "الى"


def test_passive_is_read_from_diacritics():
    assert is_passive_form("اعتُقِل")
    assert is_passive_form("قُتل")
    assert not is_passive_form("اعتقل")
    assert not is_passive_form("أعلنت")
