from kg.lang import load
from kg.lexicon import PhraseLexicon, proclitic_readings, restored

AR = load("ar")


def test_proclitics_are_peeled_from_names():
    readings = dict((stem, peel) for peel, stem in proclitic_readings("وواشنطن", AR))
    assert readings["واشنطن"] == 1
    readings = dict((stem, peel) for peel, stem in proclitic_readings("بكازاخستان", AR))
    assert readings["كازاخستان"] == 1


def test_lil_reads_as_preposition_plus_article():
    stems = {stem for _, stem in proclitic_readings("للجنه", AR)}
    assert "لجنه" in stems  # ل + لجنة
    peel, stem = next((p, s) for p, s in proclitic_readings("للامم", AR) if s == "الامم")
    assert restored("أمم", "للامم", peel, AR) == "الأمم"


def test_phrase_lexicon_matches_multiword_names_through_clitics():
    lex = PhraseLexicon(AR)
    lex.add("الولايات المتحدة", "US")
    lex.add("وزارة الخارجية", "MFA")
    norms = ["اعلنت", "لوزاره", "الخارجيه", "في", "والولايات", "المتحده"]
    found = lex.find_all(norms)
    assert [(m.start, m.end, m.value, m.peel) for m in found] == [(1, 3, "MFA", 1), (4, 6, "US", 1)]


def test_enclitics_close_a_phrase_only_where_allowed():
    titles = PhraseLexicon(AR, enclitics=True)
    titles.add("رئيس", "president")
    m = titles.match_at(["رييسه", "السابق"], 0)
    assert m is not None and m.suffix == "ه"
    plain = PhraseLexicon(AR)
    plain.add("رئيس", "president")
    assert plain.match_at(["رييسه"], 0) is None
