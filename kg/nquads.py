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
from kg.rdf import article_iri, entity_iri, mention_iri, role_iri, slug, title_iri
from kg.vocab import CAMEO, COUNT_PROPERTIES, DCTERMS, ID, KG, NIF, PROV, RDF, RDFS, SDO, SKOS, XSD

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _iri(term) -> str:
    return f"<{term}>"


def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    text = '"' + str(value).translate(_ESCAPES) + '"'
    if lang:
        return f"{text}@{lang}"
    return f"{text}^^<{datatype}>" if datatype else text


A = _iri(RDF.type)
_CLASS = {PERSON: _iri(KG.Person), ORGANIZATION: _iri(KG.Organization), LOCATION: _iri(KG.Location)}
_NNI, _DOUBLE, _DATE, _INT, _BOOL = (str(XSD.nonNegativeInteger), str(XSD.double), str(XSD.date),
                                     str(XSD.integer), str(XSD.boolean))
(_MENTION, _MENTION_CLASS, _BEGIN, _END, _ANCHOR, _IN, _SENTENCE, _SENTENCE_CLASS, _DERIVED, _CONFIDENCE,
 _PREF, _LABEL) = map(_iri, (KG.mention, KG.Mention, NIF.beginIndex, NIF.endIndex, NIF.anchorOf, KG.mentionedIn,
                             NIF.sentence, NIF.Sentence, PROV.wasDerivedFrom, KG.confidence, SKOS.prefLabel,
                             RDFS.label))


def event_iri(doc_id: str, n: int) -> str:
    """The IRI kg/rdf.py gives the n-th event of an article."""
    return str(ID[f"event/{slug(doc_id)}/{n}"])


def extraction_quads(x: Extraction, alias: dict[str, str] | None = None,
                     event_iris: dict[int, str] | None = None) -> list[str]:
    """The N-Quads lines of one article's named graph (with duplicates; a store keeps one)."""
    alias = alias or {}
    event_iris = event_iris or {}
    article = _iri(article_iri(x.doc_id))
    graph = f" {article} .\n"
    out: list[str] = []
    add = out.append
    lang = x.lang
    written_sentences: set[int] = set()

    def key(k: str) -> str:
        return alias.get(k, k)

    def node_of(k: str) -> str:
        return _iri(entity_iri(key(k)))

    def mention(subject: str, m) -> None:
        node = _iri(mention_iri(x.doc_id, m.start, m.end))
        add(f"{subject} {_MENTION} {node}{graph}")
        add(f"{node} {A} {_MENTION_CLASS}{graph}")
        add(f"{node} {_BEGIN} {literal(m.start, datatype=_NNI)}{graph}")
        add(f"{node} {_END} {literal(m.end, datatype=_NNI)}{graph}")
        add(f"{node} {_ANCHOR} {literal(m.text)}{graph}")
        add(f"{node} {_IN} {article}{graph}")
        if x.sentences and 0 <= m.sentence < len(x.sentences):
            start, end = x.sentences[m.sentence]
            sentence = _iri(mention_iri(x.doc_id, start, end))
            add(f"{node} {_SENTENCE} {sentence}{graph}")
            if m.sentence not in written_sentences:
                written_sentences.add(m.sentence)
                add(f"{sentence} {A} {_MENTION_CLASS}{graph}")
                add(f"{sentence} {A} {_SENTENCE_CLASS}{graph}")
                add(f"{sentence} {_BEGIN} {literal(start, datatype=_NNI)}{graph}")
                add(f"{sentence} {_END} {literal(end, datatype=_NNI)}{graph}")
                add(f"{sentence} {_ANCHOR} {literal(x.text[start:end])}{graph}")
                add(f"{sentence} {_IN} {article}{graph}")

    def provenance(subject: str, confidence: float) -> None:
        add(f"{subject} {_DERIVED} {article}{graph}")
        add(f"{subject} {_CONFIDENCE} {literal(str(round(confidence, 3)), datatype=_DOUBLE)}{graph}")

    add(f"{article} {A} {_iri(KG.Article)}{graph}")
    add(f"{article} {_iri(NIF.isString)} {literal(x.text)}{graph}")
    add(f"{article} {_iri(DCTERMS.language)} {literal(lang)}{graph}")
    if x.title:
        add(f"{article} {_iri(DCTERMS.title)} {literal(x.title, lang=lang)}{graph}")
    if x.published:
        add(f"{article} {_iri(SDO.datePublished)} {literal(x.published.isoformat(), datatype=_DATE)}{graph}")
    if x.source:
        add(f"{article} {_iri(DCTERMS.source)} {literal(x.source)}{graph}")

    for e in x.entities:
        node = node_of(e.key)
        add(f"{node} {A} {_CLASS[e.kind]}{graph}")
        add(f"{node} {_PREF} {literal(e.name, lang=lang)}{graph}")
        for label in sorted(e.labels | {e.name}):
            add(f"{node} {_LABEL} {literal(label, lang=lang)}{graph}")
        if e.country:
            add(f"{node} {_iri(KG.countryCode)} {literal(e.country)}{graph}")
        provenance(node, e.confidence)
        for m in e.mentions:
            mention(node, m)

    for r in x.roles:
        node = _iri(role_iri(key(r.holder), r.title, key(r.of) if r.of else None, r.former))
        title = _iri(title_iri(r.title))
        add(f"{node} {A} {_iri(KG.Role)}{graph}")
        add(f"{node} {_iri(KG.holder)} {node_of(r.holder)}{graph}")
        add(f"{node} {_iri(KG.roleType)} {title}{graph}")
        add(f"{node} {_LABEL} {literal(r.title, lang=lang)}{graph}")
        if r.of:
            add(f"{node} {_iri(KG.roleOf)} {node_of(r.of)}{graph}")
        add(f"{node} {_iri(KG.former)} {literal('true' if r.former else 'false', datatype=_BOOL)}{graph}")
        add(f"{title} {A} {_iri(KG.Title)}{graph}")
        add(f"{title} {_PREF} {literal(r.title, lang=lang)}{graph}")
        if r.title_en:
            add(f"{title} {_PREF} {literal(r.title_en, lang='en')}{graph}")
        provenance(node, r.confidence)
        for m in r.mentions:
            mention(node, m)

    for n, ev in enumerate(x.events):
        node = _iri(event_iris.get(n) or event_iri(x.doc_id, n))
        add(f"{node} {A} {_iri(KG.Event)}{graph}")
        add(f"{node} {_iri(KG.eventType)} {_iri(CAMEO[ev.cameo])}{graph}")
        add(f"{node} {_LABEL} {literal(ev.trigger, lang=lang)}{graph}")
        for prop, keys in ((KG.agent, ev.agents), (KG.patient, ev.patients), (KG.place, ev.places)):
            for k in keys:
                add(f"{node} {_iri(prop)} {node_of(k)}{graph}")
        if ev.date:
            add(f"{node} {_iri(KG.date)} {literal(ev.date.isoformat(), datatype=_DATE)}{graph}")
        for what, number in sorted(ev.counts.items()):
            add(f"{node} {_iri(COUNT_PROPERTIES[what])} {literal(str(number), datatype=str(XSD.integer))}{graph}")
        for k in ev.reported_by:
            add(f"{node} {_iri(KG.reportedBy)} {node_of(k)}{graph}")
        provenance(node, ev.confidence)
        for m in ev.mentions:
            mention(node, m)
    return out
