"""The CAMEO concept scheme in ontology/cameo.ttl (made by ontology/make_cameo.py)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

TTL = Path(__file__).parents[1] / "ontology" / "cameo.ttl"
CAMEO = Namespace("https://w3id.org/kg-news/cameo/")
PLOVER = Namespace("https://w3id.org/kg-news/plover/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
ROOTS = [f"{n:02d}" for n in range(1, 21)]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(TTL, format="turtle")


@pytest.fixture(scope="module")
def concepts(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(SKOS.inScheme, CAMEO.CAMEO))


def labels(graph: Graph, concept: URIRef, lang: str) -> list[str]:
    return [str(o) for o in graph.objects(concept, SKOS.prefLabel) if isinstance(o, Literal) and o.language == lang]


def notation(graph: Graph, concept: URIRef) -> str:
    (value,) = graph.objects(concept, SKOS.notation)
    return str(value)


def test_schemes(graph: Graph) -> None:
    assert (CAMEO.CAMEO, RDF.type, SKOS.ConceptScheme) in graph
    assert (PLOVER.PLOVER, RDF.type, SKOS.ConceptScheme) in graph
    assert labels(graph, CAMEO.CAMEO, "en") == ["CAMEO event codes"]
    assert labels(graph, CAMEO.CAMEO, "ar") == ["رموز أحداث CAMEO"]
    assert (CAMEO.CAMEO, DCTERMS.source, URIRef("https://github.com/openeventdata/PLOVER")) in graph
    assert graph.value(CAMEO.CAMEO, DCTERMS.license) is not None


def test_every_concept_is_complete(graph: Graph, concepts: list[URIRef]) -> None:
    assert len(concepts) > 250
    for concept in concepts:
        assert (concept, RDF.type, SKOS.Concept) in graph, concept
        assert (concept, RDF.type, SEM.EventType) in graph, concept
        code = notation(graph, concept)
        assert code.isdigit() and len(code) in (2, 3, 4), concept
        assert concept == CAMEO[code]
        assert len(labels(graph, concept, "en")) == 1, concept
        assert len(labels(graph, concept, "ar")) == 1, concept


def test_notations_are_unique(graph: Graph, concepts: list[URIRef]) -> None:
    counts = Counter(notation(graph, c) for c in concepts)
    assert [code for code, n in counts.items() if n > 1] == []


def test_roots_are_top_concepts_with_arabic_labels(graph: Graph, concepts: list[URIRef]) -> None:
    tops = set(graph.objects(CAMEO.CAMEO, SKOS.hasTopConcept))
    assert tops == {CAMEO[r] for r in ROOTS}
    for root in ROOTS:
        concept = CAMEO[root]
        assert (concept, SKOS.topConceptOf, CAMEO.CAMEO) in graph
        assert graph.value(concept, SKOS.broader) is None
        assert labels(graph, concept, "ar"), root
    assert labels(graph, CAMEO["17"], "en") == ["Coerce"]
    assert labels(graph, CAMEO["17"], "ar") == ["إكراه"]


def test_every_non_root_has_one_existing_broader(graph: Graph, concepts: list[URIRef]) -> None:
    known = set(concepts)
    for concept in concepts:
        code = notation(graph, concept)
        if code in ROOTS:
            continue
        broader = list(graph.objects(concept, SKOS.broader))
        assert len(broader) == 1, code
        (parent,) = broader
        assert parent in known, code
        # the parent's code is a prefix of the child's: 173 -> 17, 0211 -> 021 (or the root)
        assert code.startswith(notation(graph, parent)), code
        assert (concept, SKOS.topConceptOf, CAMEO.CAMEO) not in graph


def test_three_digit_codes_of_every_root(graph: Graph) -> None:
    for root in ROOTS:
        children = {notation(graph, c) for c in graph.subjects(SKOS.broader, CAMEO[root])}
        assert f"{root}0" in children, root  # the "not specified below" code, 010 .. 200


def test_arrest(graph: Graph) -> None:
    arrest = CAMEO["173"]
    assert graph.value(arrest, SKOS.broader) == CAMEO["17"]
    assert notation(graph, arrest) == "173"
    assert labels(graph, arrest, "en") == ["Arrest, detain, or charge with legal action"]
    assert labels(graph, arrest, "ar")
    # CAMEO2PLOVER-2021: "173: COERCE, arrest, legal"
    assert list(graph.objects(arrest, SKOS.broadMatch)) == [PLOVER.COERCE]
    assert [str(n) for n in graph.objects(arrest, SKOS.scopeNote)] == ["PLOVER mode: arrest; context: legal"]


def test_parents_follow_the_digits_not_the_table_layout(graph: Graph) -> None:
    # in the source table 191 and 192 stand under root 17, and 175 and 201 under 18
    assert graph.value(CAMEO["191"], SKOS.broader) == CAMEO["19"]
    assert graph.value(CAMEO["175"], SKOS.broader) == CAMEO["17"]
    assert graph.value(CAMEO["201"], SKOS.broader) == CAMEO["20"]
    assert graph.value(CAMEO["0211"], SKOS.broader) == CAMEO["021"]
    assert graph.value(CAMEO["0813"], SKOS.broader) == CAMEO["081"]


def test_plover_types(graph: Graph, concepts: list[URIRef]) -> None:
    types = set(graph.subjects(SKOS.inScheme, PLOVER.PLOVER))
    assert PLOVER.COERCE in types and PLOVER.ASSAULT in types
    assert set(graph.objects(PLOVER.PLOVER, SKOS.hasTopConcept)) == types
    for ptype in types:
        name = str(ptype).rsplit("/", 1)[1]
        assert name.isupper()
        assert (ptype, RDF.type, SKOS.Concept) in graph
        assert (ptype, SKOS.topConceptOf, PLOVER.PLOVER) in graph
        assert notation(graph, ptype) == name
        assert labels(graph, ptype, "en") == [name]
        assert len(labels(graph, ptype, "ar")) == 1
    matched = set()
    for concept in concepts:
        for target in graph.objects(concept, SKOS.broadMatch):
            assert target in types, (concept, target)
            matched.add(target)
    assert matched == types
    # root 08 (Yield) maps to two PLOVER types in the source
    assert set(graph.objects(CAMEO["08"], SKOS.broadMatch)) == {PLOVER.CONCEDE, PLOVER.RETREAT}
    # most codes have a PLOVER type; only roots 01 and 02, absent from the table, have none
    unmatched = {notation(graph, c) for c in concepts if graph.value(c, SKOS.broadMatch) is None}
    assert unmatched and all(code[:2] in ("01", "02") for code in unmatched)


def test_leading_zeros_are_kept(graph: Graph) -> None:
    assert notation(graph, CAMEO["01"]) == "01"
    assert notation(graph, CAMEO["010"]) == "010"
    assert notation(graph, CAMEO["0211"]) == "0211"
    assert graph.value(CAMEO["0211"], SKOS.notation).datatype is None


def test_every_trigger_code_is_a_concept_of_the_scheme():
    from kg.lang import load

    g = Graph().parse(Path(__file__).parents[1] / "ontology" / "cameo.ttl")
    notations = {str(o) for o in g.objects(None, SKOS.notation)}
    assert {t.cameo for t in load("ar").triggers.values()} <= notations
