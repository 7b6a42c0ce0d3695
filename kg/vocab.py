"""The kg vocabulary, declared once, mirroring ontology/kg.ttl (a test checks they agree).

A term that is not declared here fails at import time, so the code cannot emit a typo.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = ["KG", "CAMEO", "PLOVER", "SEM", "NIF", "ID", "DCTERMS", "PROV", "RDF", "RDFS", "SDO", "SKOS", "XSD"]


class KG(DefinedNamespace):
    """kg event ontology: https://w3id.org/kg-news/ontology#"""

    _NS = Namespace("https://w3id.org/kg-news/ontology#")
    _fail = True

    # classes
    Article: URIRef
    Actor: URIRef
    Person: URIRef
    Organization: URIRef
    Location: URIRef
    Role: URIRef
    Title: URIRef
    Event: URIRef
    Mention: URIRef
    # event properties
    eventType: URIRef
    agent: URIRef
    patient: URIRef
    place: URIRef
    date: URIRef
    reportedBy: URIRef
    arrestedCount: URIRef
    killedCount: URIRef
    injuredCount: URIRef
    # role properties
    holder: URIRef
    roleType: URIRef
    roleOf: URIRef
    former: URIRef
    # provenance and mentions
    mention: URIRef
    mentionedIn: URIRef
    confidence: URIRef
    countryCode: URIRef


ONTOLOGY = URIRef("https://w3id.org/kg-news/ontology")
CAMEO = Namespace("https://w3id.org/kg-news/cameo/")
PLOVER = Namespace("https://w3id.org/kg-news/plover/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ID = Namespace("https://w3id.org/kg-news/id/")  # instance data: articles, entities, events

# Event counts (Event.counts keys) and the property that carries each.
COUNT_PROPERTIES = {"arrested": KG.arrestedCount, "killed": KG.killedCount, "injured": KG.injuredCount}
