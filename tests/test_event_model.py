"""The learned event models: their features, the linear model, and the shipped models on real text."""
import datetime as dt

import numpy
import pytest

from kg.event_model import LinearModel, pair_features, stem, word_features
from kg.events import Actor
from kg.nlp import MODELS


def test_stems_lose_the_clitics_glued_to_a_word():
    assert stem("وبالاعتقال") == "اعتقال"
    assert stem("وقال") == "قال"
    assert stem("للجنه") == "جنه"
    assert stem("قصف") == "قصف"  # (three letters stay)


def test_pair_features_read_order_distance_and_the_preposition_before_a_name(nlp):
    doc = nlp.make_doc("التقى الرئيس عبدالفتاح السيسي بوزير الخارجية سامح شكري")
    nlp.get_pipe("kg_normalizer")(doc)
    sisi = Actor("p1", "person", 2, 4, "")
    shoukry = Actor("p2", "person", 7, 9, "ب")
    f1 = pair_features(doc, (0, 1), "04", sisi, [sisi, shoukry])
    f2 = pair_features(doc, (0, 1), "04", shoukry, [sisi, shoukry])
    assert "side=A|near=True" in f1 and "side=A|near=False" in f2
    assert "side=A|prep=-" in f1 and "side=A|prep=ب" in f2
    assert "root=04|side=A|kind=person" in f1


def test_word_features_carry_the_trigger_table_and_the_entity_kinds_around(nlp):
    doc = nlp.make_doc("واعتقلت الشرطة كريم ماسيموف")
    nlp.get_pipe("kg_normalizer")(doc)
    features = word_features(doc, {0: "17"}, {2: "PERS", 3: "PERS"})
    assert "lex=17" in features[0] and "s=اعتقلت" in features[0] and "ent2=PERS" in features[0]
    assert "lex-1=17" in features[1]


def test_a_linear_model_learns_saves_and_loads_the_same_probabilities(tmp_path):
    examples = [(["w=قتل", "ctx=a"], "18")] * 20 + [(["w=زار", "ctx=a"], "04")] * 20 + [(["w=في", "ctx=b"], "O")] * 40
    model = LinearModel.fit(examples, c=10.0)
    p = model.probabilities(["w=قتل", "ctx=a"])
    assert model.labels[int(p.argmax())] == "18" and p.max() > 0.8
    path = tmp_path / "m.npz"
    model.to_disk(path)
    again = LinearModel.from_disk(path)
    assert again.labels == model.labels
    numpy.testing.assert_allclose(again.batch([["w=زار"], ["unseen"]]), model.batch([["w=زار"], ["unseen"]]),
                                  atol=2e-3)  # (weights are kept as float16)


@pytest.mark.skipif(not (MODELS / "ar_events" / "meta.json").exists(), reason="no shipped event models")
def test_the_shipped_models_read_an_arrest_and_who_was_arrested(extract_text):
    x = extract_text("اعتقلت قوات الأمن التركية أمس الخميس رئيس حزب الشعوب الديمقراطي صلاح الدين دميرتاش في "
                     "ديار بكر.", dt.date(2016, 11, 4))
    arrests = [e for e in x.events if e.cameo.startswith("17")]
    assert arrests, [(e.cameo, e.trigger) for e in x.events]
    names = {x.entity(k).name for e in arrests for k in e.patients + e.agents}
    assert any("دميرتاش" in n for n in names)
