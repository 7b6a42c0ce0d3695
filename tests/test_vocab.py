"""Ontology terms are defined once: kg/vocab.py mirrors ontology/kg.ttl, and everything the code
emits is declared there."""
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg.rdf import to_dataset
from kg.validate import ontology_file, ontology_graph
from kg.vocab import KG


def declared():
    g = Graph().parse(data=ontology_file("kg.ttl"), format="turtle")
    return g, {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(KG._NS))}


def test_vocab_module_and_ontology_file_agree():
    _, terms = declared()
    in_code = {KG[name] for name in KG.__annotations__}
    assert in_code == terms


def test_every_emitted_term_is_declared(example):
    g, terms = declared()
    known_external = set(g.subjects()) | {RDF.type}
    cameo = ontology_graph()
    ds = to_dataset([example])
    for s, p, o, _ in ds.quads((None, None, None, None)):
        assert p in terms or p in known_external, p
        if p == RDF.type:
            assert o in terms or o in known_external, o
        if p == KG.eventType:
            assert (o, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in cameo, o


def test_ontology_aligns_to_the_standards():
    g, _ = declared()
    assert (KG.Event, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
            URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Event")) in g
    assert (KG.Person, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), URIRef("https://schema.org/Person")) in g
    assert (URIRef(str(KG._NS)[:-1]), RDF.type, OWL.Ontology) in g
