"""The annotated corpus: sentence numbering, alignment of annotated words to offsets, the splits."""
import json

from conftest import ROOT

from kg.annotation import align, document_text, gold_document, read_corpus, record_extraction, split_sentences

TEXT = document_text(
    "دول الخليج تصنف حزب الله منظمة\"إرهابية\"",
    "قررت دول مجلس التعاون لدول الخليج العربية اليوم الأربعاء 02 مارس 2016 اعتبار \"حزب الله\" اللبناني منظمة "
    "\"إرهابية\".\nوصرح الأمين العام لمجلس التعاون عبد اللطيف بن راشد الزياني، أن دول المجلس اتخذت هذا القرار. "
    "وقال الزياني إن دول مجلس التعاون تعتبر ممارسات حزب الله في دول المجلس تهديداً للأمن القومي العربي.")

ANNOTATION = {
    "id": "gcc", "persons": [{"name": "عبد اللطيف بن راشد الزياني", "aliases": ["الزياني"]}],
    "organizations": [{"name": "مجلس التعاون لدول الخليج العربية", "aliases": ["مجلس التعاون"]},
                      {"name": "حزب الله", "aliases": []}],
    "locations": [{"name": "لبنان", "aliases": [], "optional": True}],
    "roles": [{"person": "عبد اللطيف بن راشد الزياني", "role": "أمين عام", "of": "مجلس التعاون لدول الخليج العربية",
               "sentence": 3, "text": "الأمين العام لمجلس التعاون"}],
    "events": [{"cameo_root": "11", "cameo": "112", "sentence": 2, "trigger": "اعتبار",
                "also": [{"sentence": 1, "trigger": "تصنف"}],
                "agents": ["مجلس التعاون لدول الخليج العربية"], "patients": ["حزب الله"], "date": "2016-03-02"}],
}


def test_sentences_end_at_stops_and_line_breaks_and_the_title_is_the_first():
    sentences = [TEXT[s:e] for s, e in split_sentences(TEXT)]
    assert sentences[0].startswith("دول الخليج تصنف")
    assert sentences[1].startswith("قررت") and sentences[1].endswith("\"إرهابية\".")
    assert sentences[2].startswith("وصرح") and sentences[3].startswith("وقال")


def test_every_occurrence_of_a_name_or_alias_is_a_mention_through_clitics_the_longest_first():
    record, problems = align("gcc", TEXT, ANNOTATION)
    assert problems == []
    gcc = next(e for e in record["entities"] if e["name"].startswith("مجلس التعاون"))
    texts = [TEXT[m["start"]:m["end"]] for m in gcc["mentions"]]
    # the full name once, the short name in لمجلس التعاون (ل peeled) and دول مجلس التعاون
    assert texts == ["مجلس التعاون لدول الخليج العربية", "مجلس التعاون", "مجلس التعاون"]
    zayani = next(e for e in record["entities"] if e["kind"] == "person")
    assert [m["text"] for m in zayani["mentions"]] == ["عبد اللطيف بن راشد الزياني", "الزياني"]
    assert [m["sentence"] for m in zayani["mentions"]] == [2, 3]


def test_roles_and_events_point_into_their_sentences_and_to_entity_keys():
    record, _ = align("gcc", TEXT, ANNOTATION)
    role = record["roles"][0]
    assert TEXT[role["mentions"][0]["start"]:role["mentions"][0]["end"]] == "الأمين العام لمجلس التعاون"
    event = record["events"][0]
    assert [TEXT[m["start"]:m["end"]] for m in event["mentions"]] == ["اعتبار", "تصنف"]
    keys = {e["name"]: e["key"] for e in record["entities"]}
    assert event["agents"] == [keys["مجلس التعاون لدول الخليج العربية"]] and event["patients"] == [keys["حزب الله"]]
    gold = gold_document(record)
    assert gold["events"][0]["agents"] == ["مجلس التعاون لدول الخليج العربية"]
    assert gold["locations"] == [{"name": "لبنان", "aliases": [], "optional": True}]


def test_what_cannot_be_aligned_is_reported():
    bad = json.loads(json.dumps(ANNOTATION))
    bad["persons"][0]["aliases"] = ["الزيانى الكبير"]
    bad["events"][0]["sentence"] = 4
    bad["events"][0]["patients"] = ["حزب البعث"]
    bad["events"][0]["cameo_root"] = "21"
    _, problems = align("gcc", TEXT, bad)
    assert any("'الزيانى الكبير' is not in the text" in p for p in problems)
    assert any("bad cameo_root" in p for p in problems)
    bad["events"][0]["cameo_root"] = "11"
    _, problems = align("gcc", TEXT, bad)
    assert any("'اعتبار' is not in sentence [4]" in p for p in problems)
    assert any("'حزب البعث' is not in the entity lists" in p for p in problems)


def test_the_shipped_splits_hold_the_ant_texts_and_stand_off_kacst_records():
    records = [json.loads(line) for name in ("train", "dev", "test")
               for line in (ROOT / "corpus" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 600
    assert {r["source"] for r in records} == {"ant", "kacst"}
    assert all(r["text"] for r in records if r["source"] == "ant")
    assert all(r["text"] is None and len(r["text_sha1"]) == 40 for r in records if r["source"] == "kacst")
    ids = [r["doc_id"] for r in records]
    assert len(ids) == len(set(ids))  # an article is in one split only
    ant = [r for r in records if r["source"] == "ant"][:20]
    for r in ant:  # every mention's offsets give its words
        for e in r["entities"]:
            for m in e["mentions"]:
                assert r["text"][m["start"]:m["end"]] == m["text"]


def test_a_record_reads_back_as_an_extraction(tmp_path):
    record, _ = align("gcc", TEXT, ANNOTATION)
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(dict(record, text=TEXT, published="2016-03-02")) + "\n", encoding="utf-8")
    x = record_extraction(read_corpus(path)[0])
    assert {e.name for e in x.entities} == {"عبد اللطيف بن راشد الزياني", "مجلس التعاون لدول الخليج العربية", "حزب الله"}
    assert x.events[0].cameo == "112" and str(x.events[0].date) == "2016-03-02"
    assert x.roles[0].title == "أمين عام"
