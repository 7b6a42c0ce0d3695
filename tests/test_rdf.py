"""The RDF mapping, from a hand-made Extraction (no NLP)."""
import datetime as dt

from rdflib import Literal

from kg.model import Entity, Event, Extraction, Mention, Role
from kg.rdf import entity_iri, serialize, to_dataset
from kg.vocab import CAMEO, KG, NIF, RDF, XSD

TEXT = "اعتقلت الشرطة أحمد منصور في برلين أمس."


def extraction():
    x = Extraction(doc_id="t1", text=TEXT, published=dt.date(2023, 3, 10), sentences=[(0, len(TEXT))])
    x.entities = [Entity("person/احمد_منصور", "person", "أحمد منصور", {"أحمد منصور"}, [Mention(14, 24, "أحمد منصور")], 0.8),
                  Entity("geonames/2950159", "location", "برلين", {"برلين"}, [Mention(28, 33, "برلين")], 0.9)]
    x.roles = [Role("person/احمد_منصور", "صحفي", "journalist", None, True, [Mention(14, 24, "أحمد منصور")], 0.6)]
    x.events = [Event("173", "اعتقلت", [], ["person/احمد_منصور"], ["geonames/2950159"], dt.date(2023, 3, 9),
                      {"arrested": 1}, mentions=[Mention(0, 6, "اعتقلت")], confidence=0.7)]
    return x


def test_every_article_is_its_own_named_graph():
    ds = to_dataset([extraction()])
    graphs = [g for g in ds.graphs() if len(g)]
    assert len(graphs) == 1
    event = next(graphs[0].subjects(RDF.type, KG.Event))
    g = graphs[0]
    assert (event, KG.eventType, CAMEO["173"]) in g
    assert (event, KG.patient, entity_iri("person/احمد_منصور")) in g
    assert (event, KG.date, Literal("2023-03-09", datatype=XSD.date)) in g
    assert (event, KG.arrestedCount, Literal(1, datatype=XSD.integer)) in g


def test_mentions_carry_nif_offsets_and_their_sentence():
    g = to_dataset([extraction()])
    person = entity_iri("person/احمد_منصور")
    mention = next(g.objects(person, KG.mention))
    assert int(next(g.objects(mention, NIF.beginIndex))) == 14
    assert str(next(g.objects(mention, NIF.anchorOf))) == "أحمد منصور"
    sentence = next(g.objects(mention, NIF.sentence))
    assert str(next(g.objects(sentence, NIF.anchorOf))) == TEXT


def test_serializations_are_byte_identical_across_runs():
    for fmt in ("ttl", "nt", "nq", "trig"):
        assert serialize(to_dataset([extraction()]), fmt) == serialize(to_dataset([extraction()]), fmt)


def test_building_an_article_again_replaces_its_graph():
    ds = to_dataset([extraction(), extraction()])
    assert len(ds) == len(to_dataset([extraction()]))
