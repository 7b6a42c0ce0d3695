"""nquads: an Extraction → N-Quads text, fast, for corpora.

The same mapping as kg/rdf.py (same IRIs, same triples, one named graph per article; a test
checks that the two give the same set of quads), written as text with no rdflib object per
triple, so that a corpus goes to Oxigraph's bulk loader at its speed. Two corpus-level
tables change what is written: `alias` maps an entity key to the key of the entity it is
(a surname to the full name seen elsewhere in the corpus), `event_iris` maps an event's
index in the article to the IRI of the event several articles tell.
"""
from __future__ import annotations

from kg.model import LOCATION, ORGANIZATION, PERSON, Extraction
from kg import rdf
from kg.rdf import article_iri, entity_iri, role_iri, title_iri
from kg.vocab import CAMEO, COUNT_PROPERTIES, DCTERMS, KG, NIF, PROV, RDF, RDFS, SDO, SKOS, XSD

def _iri(term) -> str:
    return f"<{term}>"


def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    text = str(value)
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:  # str.replace is much faster than translate
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    text = f'"{text}"'
    if lang:
        return f"{text}@{lang}"
    return f"{text}^^<{datatype}>" if datatype else text


A = _iri(RDF.type)
_CLASS = {PERSON: _iri(KG.Person), ORGANIZATION: _iri(KG.Organization), LOCATION: _iri(KG.Location)}
_NNI, _DOUBLE, _DATE, _INT, _BOOL = (str(XSD.nonNegativeInteger), str(XSD.double), str(XSD.date),
                                     str(XSD.integer), str(XSD.boolean))
(_MENTION, _MENTION_CLASS, _BEGIN, _END, _ANCHOR, _IN, _SENTENCE, _SENTENCE_CLASS, _DERIVED, _CONFIDENCE,
 _PREF, _LABEL, _AGENT, _PATIENT, _PLACE) = map(_iri, (KG.mention, KG.Mention, NIF.beginIndex, NIF.endIndex, NIF.anchorOf,
                                                    KG.mentionedIn, NIF.sentence, NIF.Sentence, PROV.wasDerivedFrom,
                                                    KG.confidence, SKOS.prefLabel, RDFS.label, KG.agent, KG.patient,
                                                    KG.place))


def event_iri(doc_id: str, n: int) -> str:
    """The IRI kg/rdf.py gives the n-th event of an article."""
    return str(rdf.event_iri(doc_id, n))


def extraction_quads(x: Extraction, alias: dict[str, str] | None = None,
                     event_iris: dict[int, str] | None = None) -> list[str]:
    """The N-Quads lines of one article's named graph (with duplicates; a store keeps one)."""
    graph, statements = extraction_statements(x, alias, event_iris)
    end = f" <{graph}> .\n"
    return [s + end for s in statements]


def extraction_statements(x: Extraction, alias: dict[str, str] | None = None,
                          event_iris: dict[int, str] | None = None) -> tuple[str, list[str]]:
    """One article's named graph: its IRI and its statements, each `subject predicate object` in
    N-Triples syntax without the closing ` .` (with duplicates; a store keeps one). A store
    makes N-Quads or N-Triples lines of them as it needs."""
    alias = alias or {}
    event_iris = event_iris or {}
    article_node = str(article_iri(x.doc_id))
    article = f"<{article_node}>"
    out: list[str] = []
    add = out.append
    lang = x.lang
    written_sentences: set[int] = set()
    nodes: dict[str, str] = {}
    mention_prefix = f"<{article_node}#char="

    def key(k: str) -> str:
        return alias.get(k, k)

    def node_of(k: str) -> str:
        node = nodes.get(k)
        if node is None:
            node = nodes[k] = _iri(entity_iri(key(k)))
        return node

    def mention(subject: str, m) -> None:
        node = f"{mention_prefix}{m.start},{m.end}>"
        add(f"{subject} {_MENTION} {node}")
        add(f"{node} {A} {_MENTION_CLASS}")
        add(f'{node} {_BEGIN} "{m.start}"^^<{_NNI}>')
        add(f'{node} {_END} "{m.end}"^^<{_NNI}>')
        add(f"{node} {_ANCHOR} {literal(m.text)}")
        add(f"{node} {_IN} {article}")
        if x.sentences and 0 <= m.sentence < len(x.sentences):
            start, end = x.sentences[m.sentence]
            sentence = f"{mention_prefix}{start},{end}>"
            add(f"{node} {_SENTENCE} {sentence}")
            if m.sentence not in written_sentences:
                written_sentences.add(m.sentence)
                add(f"{sentence} {A} {_MENTION_CLASS}")
                add(f"{sentence} {A} {_SENTENCE_CLASS}")
                add(f'{sentence} {_BEGIN} "{start}"^^<{_NNI}>')
                add(f'{sentence} {_END} "{end}"^^<{_NNI}>')
                add(f"{sentence} {_ANCHOR} {literal(x.text[start:end])}")
                add(f"{sentence} {_IN} {article}")

    def provenance(subject: str, confidence: float) -> None:
        add(f"{subject} {_DERIVED} {article}")
        add(f"{subject} {_CONFIDENCE} {literal(str(round(confidence, 3)), datatype=_DOUBLE)}")

    add(f"{article} {A} {_iri(KG.Article)}")
    add(f"{article} {_iri(NIF.isString)} {literal(x.text)}")
    add(f"{article} {_iri(DCTERMS.language)} {literal(lang)}")
    if x.title:
        add(f"{article} {_iri(DCTERMS.title)} {literal(x.title, lang=lang)}")
    if x.published:
        add(f"{article} {_iri(SDO.datePublished)} {literal(x.published.isoformat(), datatype=_DATE)}")
    if x.source:
        add(f"{article} {_iri(DCTERMS.source)} {literal(x.source)}")

    for e in x.entities:
        node = node_of(e.key)
        add(f"{node} {A} {_CLASS[e.kind]}")
        add(f"{node} {_PREF} {literal(e.name, lang=lang)}")
        for label in sorted(e.labels | {e.name}):
            add(f"{node} {_LABEL} {literal(label, lang=lang)}")
        if e.country:
            add(f"{node} {_iri(KG.countryCode)} {literal(e.country)}")
        provenance(node, e.confidence)
        for m in e.mentions:
            mention(node, m)

    for r in x.roles:
        node = _iri(role_iri(key(r.holder), r.title, key(r.of) if r.of else None, r.former))
        title = _iri(title_iri(r.title))
        add(f"{node} {A} {_iri(KG.Role)}")
        add(f"{node} {_iri(KG.holder)} {node_of(r.holder)}")
        add(f"{node} {_iri(KG.roleType)} {title}")
        add(f"{node} {_LABEL} {literal(r.title, lang=lang)}")
        if r.of:
            add(f"{node} {_iri(KG.roleOf)} {node_of(r.of)}")
        add(f"{node} {_iri(KG.former)} {literal('true' if r.former else 'false', datatype=_BOOL)}")
        add(f"{title} {A} {_iri(KG.Title)}")
        add(f"{title} {_PREF} {literal(r.title, lang=lang)}")
        if r.title_en:
            add(f"{title} {_PREF} {literal(r.title_en, lang='en')}")
        provenance(node, r.confidence)
        for m in r.mentions:
            mention(node, m)

    for n, ev in enumerate(x.events):
        node = _iri(event_iris.get(n) or event_iri(x.doc_id, n))
        add(f"{node} {A} {_iri(KG.Event)}")
        add(f"{node} {_iri(KG.eventType)} {_iri(CAMEO[ev.cameo])}")
        add(f"{node} {_LABEL} {literal(ev.trigger, lang=lang)}")
        for prop, keys in ((_AGENT, ev.agents), (_PATIENT, ev.patients), (_PLACE, ev.places)):
            for k in keys:
                add(f"{node} {prop} {node_of(k)}")
        if ev.date:
            add(f"{node} {_iri(KG.date)} {literal(ev.date.isoformat(), datatype=_DATE)}")
        for what, number in sorted(ev.counts.items()):
            add(f"{node} {_iri(COUNT_PROPERTIES[what])} {literal(str(number), datatype=_INT)}")
        for k in ev.reported_by:
            add(f"{node} {_iri(KG.reportedBy)} {node_of(k)}")
        provenance(node, ev.confidence)
        for m in ev.mentions:
            mention(node, m)
    return article_node, out
