"""rdf: an Extraction → rdflib triples under the kg ontology, one named graph per article.

IRIs are deterministic: entities and roles by their keys (the same name gives the same
IRI in every article, so corpora join on them), events and mentions by the article's
identifier and their offsets. Serializations are byte-stable for the same input.
"""
from __future__ import annotations

import re

from rdflib import BNode, Dataset, Graph, Literal, URIRef

from kg.model import LOCATION, ORGANIZATION, PERSON, Extraction, Mention
from kg.vocab import CAMEO, COUNT_PROPERTIES, DCTERMS, ID, KG, NIF, PROV, RDF, RDFS, SDO, SKOS, XSD

CLASS_OF_KIND = {PERSON: KG.Person, ORGANIZATION: KG.Organization, LOCATION: KG.Location}
FORMATS = {"ttl": "turtle", "turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "json-ld": "json-ld",
           "trig": "trig", "nq": "nquads", "nquads": "nquads"}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}
_UNSAFE = re.compile(r"[^\w\-/.]", re.UNICODE)


def slug(text: str) -> str:
    """A piece of IRI path from any text: word characters, - / and ., the rest as _."""
    return _UNSAFE.sub("_", text.strip()).strip("_") or "_"


_PATH_UNSAFE = re.compile(r"[^\w\-.~]", re.UNICODE)


def doc_path(doc_id: str) -> str:
    """An article identifier as IRI path segments, one to one: every character an IRI path
    cannot hold as it is (and %) percent-encoded, and `.` and `..` segments too, so that no
    two identifiers share a graph and none leaves the article namespace once normalized."""
    def segment(text: str) -> str:
        text = _PATH_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass")),
                                text)
        return text.replace(".", "%2E") if text in (".", "..") else text
    return "/".join(map(segment, doc_id.split("/")))


def article_iri(doc_id: str) -> URIRef:
    return ID[f"article/{doc_path(doc_id)}"]


def event_iri(doc_id: str, n: int) -> URIRef:
    return ID[f"event/{doc_path(doc_id)}/{n}"]


def entity_iri(key: str) -> URIRef:
    return ID[slug(key)]


def title_iri(title: str) -> URIRef:
    return ID[f"title/{slug(title.replace(' ', '_'))}"]


def role_iri(holder: str, title: str, of: str | None, former: bool) -> URIRef:
    parts = ["role", slug(holder.split("/", 1)[-1]), slug(title.replace(" ", "_"))]
    if of:
        parts.append(slug(of.replace("/", "_")))
    if former:
        parts.append("former")
    return ID["/".join(parts)]


def mention_iri(doc_id: str, start: int, end: int) -> URIRef:
    return URIRef(f"{article_iri(doc_id)}#char={start},{end}")


class _Writer:
    def __init__(self, graph: Graph, x: Extraction):
        self.g = graph
        self.x = x
        self.article = article_iri(x.doc_id)

    def mention(self, subject: URIRef, m: Mention) -> None:
        node = mention_iri(self.x.doc_id, m.start, m.end)
        g = self.g
        g.add((subject, KG.mention, node))
        g.add((node, RDF.type, KG.Mention))
        g.add((node, NIF.beginIndex, Literal(m.start, datatype=XSD.nonNegativeInteger)))
        g.add((node, NIF.endIndex, Literal(m.end, datatype=XSD.nonNegativeInteger)))
        g.add((node, NIF.anchorOf, Literal(m.text)))
        g.add((node, KG.mentionedIn, self.article))
        if self.x.sentences and 0 <= m.sentence < len(self.x.sentences):
            start, end = self.x.sentences[m.sentence]
            sentence = mention_iri(self.x.doc_id, start, end)
            g.add((node, NIF.sentence, sentence))
            if (sentence, RDF.type, NIF.Sentence) not in g:
                g.add((sentence, RDF.type, KG.Mention))
                g.add((sentence, RDF.type, NIF.Sentence))
                g.add((sentence, NIF.beginIndex, Literal(start, datatype=XSD.nonNegativeInteger)))
                g.add((sentence, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
                g.add((sentence, NIF.anchorOf, Literal(self.x.text[start:end])))
                g.add((sentence, KG.mentionedIn, self.article))

    def provenance(self, subject: URIRef, confidence: float) -> None:
        self.g.add((subject, PROV.wasDerivedFrom, self.article))
        self.g.add((subject, KG.confidence, Literal(round(confidence, 3), datatype=XSD.double)))


def add_extraction(dataset: Dataset, x: Extraction) -> Graph:
    """Write the extraction into its own named graph of `dataset` (replacing an older one)."""
    article = article_iri(x.doc_id)
    dataset.remove_graph(article)
    g = dataset.graph(article)
    w = _Writer(g, x)
    lang = x.lang
    g.add((article, RDF.type, KG.Article))
    g.add((article, NIF.isString, Literal(x.text)))
    g.add((article, DCTERMS.language, Literal(lang)))
    if x.title:
        g.add((article, DCTERMS.title, Literal(x.title, lang=lang)))
    if x.published:
        g.add((article, SDO.datePublished, Literal(x.published.isoformat(), datatype=XSD.date)))
    if x.source:
        g.add((article, DCTERMS.source, Literal(x.source)))

    for e in x.entities:
        node = entity_iri(e.key)
        g.add((node, RDF.type, CLASS_OF_KIND[e.kind]))
        g.add((node, SKOS.prefLabel, Literal(e.name, lang=lang)))
        for label in sorted(e.labels | {e.name}):
            g.add((node, RDFS.label, Literal(label, lang=lang)))
        if e.country:
            g.add((node, KG.countryCode, Literal(e.country)))
        w.provenance(node, e.confidence)
        for m in e.mentions:
            w.mention(node, m)

    for r in x.roles:
        node = role_iri(r.holder, r.title, r.of, r.former)
        title = title_iri(r.title)
        g.add((node, RDF.type, KG.Role))
        g.add((node, KG.holder, entity_iri(r.holder)))
        g.add((node, KG.roleType, title))
        g.add((node, RDFS.label, Literal(r.title, lang=lang)))
        if r.of:
            g.add((node, KG.roleOf, entity_iri(r.of)))
        g.add((node, KG.former, Literal(r.former)))
        g.add((title, RDF.type, KG.Title))
        g.add((title, SKOS.prefLabel, Literal(r.title, lang=lang)))
        if r.title_en:
            g.add((title, SKOS.prefLabel, Literal(r.title_en, lang="en")))
        w.provenance(node, r.confidence)
        for m in r.mentions:
            w.mention(node, m)

    for n, ev in enumerate(x.events):
        node = event_iri(x.doc_id, n)
        g.add((node, RDF.type, KG.Event))
        g.add((node, KG.eventType, CAMEO[ev.cameo]))
        g.add((node, RDFS.label, Literal(ev.trigger, lang=lang)))
        for prop, keys in ((KG.agent, ev.agents), (KG.patient, ev.patients), (KG.place, ev.places)):
            for key in keys:
                g.add((node, prop, entity_iri(key)))
        if ev.date:
            g.add((node, KG.date, Literal(ev.date.isoformat(), datatype=XSD.date)))
        for what, number in sorted(ev.counts.items()):
            g.add((node, COUNT_PROPERTIES[what], Literal(number, datatype=XSD.integer)))
        for key in ev.reported_by:
            g.add((node, KG.reportedBy, entity_iri(key)))
        w.provenance(node, ev.confidence)
        for m in ev.mentions:
            w.mention(node, m)
    return g


def to_dataset(extractions) -> Dataset:
    """A Dataset of the extractions, a named graph each; queries see the union of the graphs."""
    dataset = Dataset(default_union=True)
    for x in extractions:
        add_extraction(dataset, x)
    return dataset


def serialize(dataset: Dataset, fmt: str) -> bytes:
    """The dataset in one of FORMATS, byte-identical for the same content.

    Turtle, N-Triples and JSON-LD-as-graph hold the union of the named graphs; TriG,
    N-Quads and JSON-LD keep one graph per article."""
    name = FORMATS[fmt]
    _bind(dataset)
    if name in ("nt", "nquads"):
        source = dataset if name == "nquads" else _union(dataset)
        text = source.serialize(format=name, encoding="utf-8").decode("utf-8")
        lines = sorted(set(line for line in text.split("\n") if line.strip()))  # (U+2028 is text)
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    source = dataset if name in QUAD_FORMATS else _union(dataset)
    return source.serialize(format=name, encoding="utf-8")


def _union(dataset: Dataset) -> Graph:
    union = Graph()
    _bind(union)
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        if isinstance(s, BNode) or isinstance(o, BNode):
            continue
        union.add((s, p, o))
    return union


def _bind(graph) -> None:
    for prefix, ns in (("kg", KG._NS), ("cameo", CAMEO), ("id", ID), ("nif", NIF), ("prov", PROV),
                       ("schema", SDO), ("skos", SKOS), ("dcterms", DCTERMS), ("xsd", XSD)):
        graph.bind(prefix, ns, override=True, replace=True)
