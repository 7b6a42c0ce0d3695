"""The RDF mapping, from a hand-made Extraction (no NLP), and its serializers."""
import datetime as dt
import os
import subprocess
import sys

import pyoxigraph as ox
from rdflib import Dataset, Literal

from conftest import ROOT
from kg.model import Entity, Event, Extraction, Mention, Role
from kg.rdf import entity_iri, graphs_of, serialize, statements, to_dataset
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
    for fmt in ("ttl", "nt", "nq", "trig", "jsonld"):
        assert serialize(graphs_of([extraction()]), fmt) == serialize(graphs_of([extraction()]), fmt)


def test_trig_and_jsonld_of_several_articles_do_not_change_with_the_hash_seed(tmp_path):
    articles = []
    for name, text in (("one", "اعتقلت الشرطة أحمد منصور في برلين أمس."), ("two", "التقى الرئيس الروسي فلاديمير بوتين نظيره الكازاخستاني.")):
        articles.append(tmp_path / f"{name}.txt")
        articles[-1].write_text(text, encoding="utf-8")
    outputs = {}
    for seed in ("1", "2"):
        for fmt in ("trig", "jsonld"):
            out = tmp_path / f"{seed}.{fmt}"
            subprocess.run([sys.executable, "-m", "kg", "build", *articles, "-o", out, "--date", "2023-03-10", "-q"],
                           check=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed, "KG_NER_MODEL": ""})
            outputs[seed, fmt] = out.read_bytes()
    assert outputs["1", "trig"] == outputs["2", "trig"] and outputs["1", "jsonld"] == outputs["2", "jsonld"]
    assert b"two" in outputs["1", "trig"] and b"two" in outputs["1", "jsonld"]


def test_quad_files_hold_the_union_as_their_default_graph():
    """So that a store loading the file answers over the whole without a union-default-graph setting."""
    x, y = extraction(), extraction()
    y.doc_id = "t2"
    for fmt, rdf_format in (("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG), ("jsonld", ox.RdfFormat.JSON_LD)):
        store = ox.Store()
        store.load(serialize(graphs_of([x, y]), fmt), rdf_format)
        default = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
        named = {(q.subject, q.predicate, q.object) for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
        assert default == named and len({q.graph_name for q in store}) == 3
        persons = store.query("SELECT ?p WHERE { ?p a <https://w3id.org/kg-news/ontology#Person> }")
        assert len(list(persons)) == 1


def test_large_outputs_are_written_by_a_linear_writer():
    """1,000 articles to TriG and a long article to Turtle (rdflib's pretty writers took minutes)."""
    many = []
    for n in range(1000):
        x = extraction()
        x.doc_id = f"a{n}"
        many.append(x)
    trig = serialize(graphs_of(many), "trig")
    assert trig.count(b"{") >= 1000
    long = extraction()
    long.text = TEXT * 5000
    long.sentences = [(i * len(TEXT), (i + 1) * len(TEXT)) for i in range(5000)]
    long.entities[0].mentions = [Mention(i * len(TEXT) + 14, i * len(TEXT) + 24, "أحمد منصور", i) for i in range(5000)]
    turtle = serialize(graphs_of([long]), "ttl")
    assert len(list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))) > 5000 * 8


def test_building_an_article_again_replaces_its_graph():
    ds = to_dataset([extraction(), extraction()])
    assert len(ds) == len(to_dataset([extraction()]))


def test_text_with_quotes_backslashes_and_line_breaks_survives_every_reader():
    x = Extraction("odd", 'قال "هو"\\ \nثم\r\x1a', title='عنوان "x"', source="C:\\path")
    graph, lines = statements(x)
    text = "".join(f"{s} <{graph}> .\n" for s in lines)
    ours = Dataset(default_union=True)
    ours.parse(data=text, format="nquads")
    assert str(next(ours.objects(None, NIF.isString))) == x.text
    stored = ox.Store()
    stored.load(text.encode("utf-8"), ox.RdfFormat.N_QUADS)
    assert {q.object.value for q in stored.quads_for_pattern(None, ox.NamedNode(str(NIF.isString)), None)} == {x.text}
