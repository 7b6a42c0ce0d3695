"""The shipped Arabic NER model and the `kg train ner` command that makes it."""
from __future__ import annotations

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from kg.train import main, read_conll, set_norms  # noqa: E402

MODEL = Path(__file__).resolve().parent.parent / "kg" / "models" / "ar_ner"

TINY_CONLL = """\
-DOCSTART- -X- -X- -X- O

وقال O
الرئيس O
المصري O
حسني B-PERS
مبارك I-PERS
في O
القاهرة B-LOC
إن O
الأمم B-ORG
المتحدة I-ORG
تدعم O
مصر B-LOC
. O

\u200f O
واستقبل O
الملك O
عبدالله B-PERS
وفد O
الاتحاد B-ORG
الأوروبي I-ORG
في\u200f O
الرياض B-LOC
. O

وزار O
كوفي B-PERS
أنان I-PERS
بغداد B-LOC
. O
"""


def entities(nlp, text):
    doc = nlp(set_norms(nlp.make_doc(text)))
    return {(ent.text, ent.label_) for ent in doc.ents}


@pytest.fixture(scope="module")
def shipped():
    return spacy.load(MODEL)


def test_shipped_model_loads_small_and_only_has_our_types(shipped):
    assert shipped.pipe_names == ["ner"]
    assert set(shipped.get_pipe("ner").labels) == {"PERS", "LOC", "ORG"}
    size = sum(f.stat().st_size for f in MODEL.rglob("*") if f.is_file())
    assert size < 15_000_000


def test_shipped_model_tags_person_and_country(shipped):
    found = entities(
        shipped,
        "وقال الرئيس الأمريكي جورج بوش في مؤتمر صحفي في واشنطن إن القوات الأمريكية "
        "ستبقى في العراق حتى نهاية العام .",
    )
    labels = {label for _, label in found}
    assert {"PERS", "LOC"} <= labels, found
    assert any("بوش" in text and label == "PERS" for text, label in found), found
    assert any(text in ("العراق", "واشنطن") and label == "LOC" for text, label in found), found


def test_reader_drops_bidi_marks_and_flattens_nesting(tmp_path):
    aner = tmp_path / "a.txt"
    aner.write_text(TINY_CONLL, encoding="utf-8")
    sentences = read_conll(aner)
    assert len(sentences) == 3
    second = sentences[1]
    assert "" not in second.words and "في" in second.words
    assert [(second.words[s], label) for s, _, label in second.spans] == [
        ("عبدالله", "PERS"), ("الاتحاد", "ORG"), ("الرياض", "LOC")]

    wojood = tmp_path / "w.txt"
    wojood.write_text(
        "سكرتير B-OCC\nاللجنة I-OCC B-ORG\nالقومية I-OCC I-ORG\nفي I-OCC\n"
        "نابلس I-OCC B-GPE\n$#$ O\n\nزار O\nمجلس B-ORG\nالأمن I-ORG B-PERS\n",
        encoding="utf-8",
    )
    first, second = read_conll(wojood, "wojood")
    assert first.spans == [(1, 3, "ORG"), (4, 5, "LOC")]  # OCC dropped, GPE read as LOC
    assert second.spans == [(1, 3, "ORG")]  # the longest of overlapping spans


def test_train_one_epoch_writes_loadable_model(tmp_path):
    data = tmp_path / "tiny.txt"
    data.write_text(TINY_CONLL, encoding="utf-8")
    out = tmp_path / "model"
    code = main(["ner", "--train", str(data), "--dev", str(data), "--output", str(out),
                 "--max-epochs", "1"])
    assert code == 0
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["ner"]
    assert set(nlp.get_pipe("ner").labels) <= {"PERS", "LOC", "ORG"}
    nlp(set_norms(nlp.make_doc("زار كوفي أنان بغداد .")))


def test_pretraining_on_raw_text_then_training(tmp_path):
    data = tmp_path / "tiny.txt"
    data.write_text(TINY_CONLL, encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "news.jsonl").write_text(
        '{"text": "قال وزير الخارجية السعودي في الرياض إن المملكة تدعم الحل السياسي في اليمن"}\n'
        '{"text": "وصل رئيس الوزراء العراقي إلى القاهرة في زيارة رسمية تستمر يومين"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "model"
    code = main(["ner", "--train", str(data), "--dev", str(data), "--output", str(out),
                 "--max-epochs", "1", "--pretrain-text", str(raw)])
    assert code == 0
    assert spacy.load(out).pipe_names == ["ner"]


def test_bad_input_exits_2_with_one_line(tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["ner", "--train", str(tmp_path / "missing.txt"), "--dev",
                 str(tmp_path / "missing.txt"), "--output", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not found" in err

    garbage = tmp_path / "garbage.txt"
    garbage.write_text("a,b,c\nd,e,f\n", encoding="utf-8")
    assert main(["ner", "--train", str(garbage), "--dev", str(garbage),
                 "--output", str(out)]) == 2
    assert main(["ner", "--dev", str(garbage)]) == 2
    assert not out.exists()

    not_a_model = tmp_path / "notes"
    not_a_model.mkdir()
    (not_a_model / "keep.txt").write_text("x", encoding="utf-8")
    data = tmp_path / "tiny.txt"
    data.write_text(TINY_CONLL, encoding="utf-8")
    assert main(["ner", "--train", str(data), "--dev", str(data),
                 "--output", str(not_a_model)]) == 2  # never deletes what is not a model
    assert (not_a_model / "keep.txt").exists()


TINY_CARANER = """\
# sent_id = 7
وأكد O
صاحب B-TIT
السمو I-TIT
الأمير I-TIT
خالد B-PER
الفيصل I-PER
أن O
المملكة B-ORG
تدعم O
وزارة B-ORG
الصحة I-ORG
في O
جدة B-LOC
. O

# sent_id = 8
وقالت O
الصين B-ORG
إن O
فيروس B-MIS
كورونا I-MIS
انحسر O
"""


def test_caraner_reader_titles_out_countries_as_places(tmp_path):
    path = tmp_path / "c.conll"
    path.write_text(TINY_CARANER, encoding="utf-8")
    first, second = read_conll(path, "caraner")
    labelled = [(" ".join(first.words[s:e]), label) for s, e, label in first.spans]
    # TIT is no entity, PER is PERS, a country that acts (ORG in CAraNER) is a place, a
    # ministry stays an organization.
    assert labelled == [("خالد الفيصل", "PERS"), ("المملكة", "LOC"), ("وزارة الصحة", "ORG"),
                        ("جدة", "LOC")]
    assert [(second.words[s], label) for s, _, label in second.spans] == [("الصين", "LOC")]


def test_heldout_share_is_stable():
    from kg.train import Sentence, is_heldout

    many = [Sentence([f"كلمة{i}", "و", str(i)]) for i in range(2000)]
    held = [s for s in many if is_heldout(s)]
    assert 300 < len(held) < 500  # about a fifth
    assert held == [s for s in many if is_heldout(Sentence(list(s.words)))]  # the same draw
    assert len([s for s in many if is_heldout(s, 0.5)]) > 900


def test_train_with_heldout_and_extra_jsonl(tmp_path, capsys):
    import json

    data = tmp_path / "tiny.txt"
    data.write_text(TINY_CONLL, encoding="utf-8")
    car = tmp_path / "c.conll"
    car.write_text(TINY_CARANER * 3, encoding="utf-8")
    text = "وزار كوفي أنان بغداد أمس."
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"text": text, "entities": [
        [text.index("كوفي"), text.index("أنان") + 4, "PERS"],
        {"start": text.index("بغداد"), "end": text.index("بغداد") + 5, "label": "GPE"},
        [len(text) + 5, len(text) + 9, "PERS"],  # past the end: on no token
    ]}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    code = main(["ner", "--train", str(data), "--train", str(car), "--format", "anercorp",
                 "--format", "caraner", "--heldout", str(car), "--heldout-share", "1",
                 "--extra", str(extra), "--dev", str(data), "--output", str(out),
                 "--max-epochs", "1"])
    assert code == 0
    err = capsys.readouterr().err
    assert "1 extra documents" in err and "1 entities fall on no token" in err
    training = json.loads((out / "meta.json").read_text(encoding="utf-8"))["kg_training"]
    assert training["extra_documents"] == 1
    assert training["heldout_sentences"] == 6  # all of it, none trained on
    assert set(training["heldout_f1"]) == {"PERS", "LOC", "ORG", "micro"}

    from kg.train import read_extra

    (doc,) = read_extra(extra, spacy.blank("ar").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("كوفي أنان", "PERS"), ("بغداد", "LOC")]
    assert doc[1].norm_ == "كوفي" and doc[2].norm_ == "انان"  # normalized as in the pipeline


def test_bad_extra_and_heldout_exit_2(tmp_path, capsys):
    data = tmp_path / "tiny.txt"
    data.write_text(TINY_CONLL, encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"txt": "no text field"}\n', encoding="utf-8")
    out = tmp_path / "model"
    base = ["ner", "--train", str(data), "--dev", str(data), "--output", str(out)]
    assert main(base + ["--extra", str(bad)]) == 2
    assert main(base + ["--heldout", str(bad)]) == 2
    assert main(base + ["--vectors", str(tmp_path)]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3 and all(e.startswith("kg train: error:") for e in errors)
    assert not out.exists()


def test_vectors_are_reproducible_and_feed_the_ner(tmp_path):
    raw = tmp_path / "raw.jsonl"
    lines = ["قال وزير الخارجية السعودي في الرياض إن المملكة تدعم الحل السياسي في اليمن",
             "وصل رئيس الوزراء العراقي إلى القاهرة في زيارة رسمية تستمر يومين"]
    raw.write_text("".join('{"text": "%s"}\n' % line for line in lines * 20), encoding="utf-8")
    first, second = tmp_path / "v1", tmp_path / "v2"
    for out in (first, second):
        assert main(["vectors", "--text", str(raw), "--output", str(out), "--bucket", "500",
                     "--dim", "16", "--epochs", "2", "--min-count", "1"]) == 0
    assert (first / "vocab" / "vectors").read_bytes() == (second / "vocab" / "vectors").read_bytes()
    vectors = spacy.load(first).vocab.vectors
    assert vectors.mode == "floret" and vectors.shape == (500, 16)

    data = tmp_path / "tiny.txt"
    data.write_text(TINY_CONLL, encoding="utf-8")
    model = tmp_path / "model"
    assert main(["ner", "--train", str(data), "--dev", str(data), "--output", str(model),
                 "--max-epochs", "1", "--vectors", str(first)]) == 0
    nlp = spacy.load(model)
    assert nlp.vocab.vectors.shape == (500, 16) and nlp.vocab.vectors.mode == "floret"
    nlp(set_norms(nlp.make_doc("زار كوفي أنان بغداد .")))
