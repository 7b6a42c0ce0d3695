"""validate: check a graph against the SHACL shapes of ontology/shapes.ttl (pyshacl)."""
from __future__ import annotations

from importlib import resources

from rdflib import Graph


def ontology_file(name: str) -> str:
    return resources.files("kg.ontology").joinpath(name).read_text(encoding="utf-8")


def ontology_graph() -> Graph:
    """The kg ontology and the CAMEO scheme, as one graph."""
    graph = Graph()
    graph.parse(data=ontology_file("kg.ttl"), format="turtle")
    graph.parse(data=ontology_file("cameo.ttl"), format="turtle")
    return graph


def validate(data: Graph) -> tuple[bool, str]:
    """(conforms, report text) for a graph."""
    from pyshacl import validate as shacl

    shapes = Graph().parse(data=ontology_file("shapes.ttl"), format="turtle")
    union = Graph()
    for triple in data.triples((None, None, None)):
        union.add(triple)
    conforms, _report_graph, text = shacl(union, shacl_graph=shapes, ont_graph=ontology_graph(),
                                          inference="none", advanced=True, allow_warnings=True)
    return bool(conforms), text
