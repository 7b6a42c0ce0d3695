"""Languages: names from a fixed set, each article's language detected, the others skipped."""
import json

import pytest

from conftest import EXAMPLE
from kg.ingest import Article, Rejected, read_corpus
from kg.language import NotReadable, UnknownLanguage, check, detect, language_of, languages

ENGLISH = "Police arrested four people in Berlin yesterday after a demonstration near the parliament building."
PERSIAN = "رئیس جمهور ایران روز دوشنبه در سفری به مسکو با همتای روسی خود دیدار و گفت‌وگو کرد."


def test_the_languages_are_the_folders_of_kg_lang():
    assert languages() == ("ar",)
    assert check("ar") == check(" AR ") == check("ar-SA") == "ar"
    for name in ("en", "../../../some/dir", ["ar"], 7):
        with pytest.raises(UnknownLanguage, match=r"kg reads: ar"):
            check(name)


def test_each_article_is_read_in_the_language_it_is_written_in():
    assert language_of(EXAMPLE.read_text(encoding="utf-8")) == "ar"
    assert detect(ENGLISH) == (None, "en")
    assert detect(PERSIAN) == (None, "fa")
    assert detect("فان غال راموس") == ("ar", None)  # a few names: the detector is unsure, the script is Arabic
    with pytest.raises(NotReadable, match=r"English \(en\).*kg reads: ar"):
        language_of(ENGLISH)
    with pytest.raises(NotReadable, match="Persian"):
        language_of(PERSIAN, "ar")
    with pytest.raises(NotReadable, match="cannot tell"):
        language_of("12345 ...")


def test_a_records_lang_is_a_name_never_a_path_and_a_bad_one_skips_that_record(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")[:300]
    records = [{"id": "path", "text": text, "lang": "../../../some/dir"}, {"id": "list", "text": text, "lang": ["ar"]},
               {"id": "english", "text": ENGLISH}, {"id": "good", "text": text, "lang": "ar"},
               {"id": "unsaid", "text": text}]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    read = list(read_corpus([str(path)]))
    assert [a.doc_id for a in read if isinstance(a, Article)] == ["good", "unsaid"]
    assert all(a.lang == "ar" for a in read if isinstance(a, Article))
    reasons = [r.reason for r in read if isinstance(r, Rejected)]
    assert "unknown language '../../../some/dir' (kg reads: ar)" in reasons
    assert any(r.startswith("unknown language list") for r in reasons)
    assert any("English (en)" in r for r in reasons)


def test_english_is_skipped_with_a_line_and_never_stamped_arabic(tmp_path):
    from test_cli import kg

    english = tmp_path / "english.txt"
    english.write_text(ENGLISH, encoding="utf-8")
    out = tmp_path / "out.nt"
    proc = kg("build", english, EXAMPLE, "-o", out)
    skipped = [line for line in proc.stderr.splitlines() if "english.txt" in line]
    assert len(skipped) == 1 and "English (en)" in skipped[0] and "skipped" in skipped[0]
    languages = {line for line in out.read_text(encoding="utf-8").splitlines() if "/dc/terms/language>" in line}
    assert len(languages) == 1 and languages.pop().endswith('"ar" .')
    alone = kg("build", english, "-o", tmp_path / "alone.ttl", check=False)
    assert alone.returncode == 2 and "English (en)" in alone.stderr and not (tmp_path / "alone.ttl").exists()
    unknown = kg("build", EXAMPLE, "-o", tmp_path / "x.ttl", "--lang", "en", check=False)
    assert unknown.returncode == 2 and unknown.stderr.strip() == "kg build: unknown language 'en' (kg reads: ar)"


def test_the_api_says_which_language_it_does_not_read():
    import kg

    with pytest.raises(ValueError, match="English"):
        kg.extract(ENGLISH)
    with pytest.raises(ValueError, match="kg reads: ar"):
        kg.extract("نص", lang="en")
