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
