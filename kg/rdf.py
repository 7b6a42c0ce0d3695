"""rdf: the one mapping from an Extraction to RDF, and the serializers of what it decides.

`statements(x, corpus)` decides every triple of an article's named graph, each written once
as N-Triples text (`subject predicate object`, without the final ` .`), with no rdflib or
pyoxigraph object per triple, so that a corpus goes to Oxigraph's bulk loader at its speed.
Every output serializes those same statements: N-Quads lines for a store (kg/store.py);
Turtle, N-Triples, TriG and JSON-LD files through pyoxigraph's writers, which are linear in
the size of the graph; an rdflib Dataset for the Python API.

IRIs are deterministic: entities and roles by their keys (the same name gives the same IRI
in every article, so corpora join on them), events and mentions by the article's identifier
and their offsets. Literals are written in the form Oxigraph keeps (offsets and counts as
xsd:integer, doubles without a trailing .0), so a graph file and a store hold the same
triples. What several articles state about one node comes from the corpus tables
(kg/resolve_corpus.py), so their union has one preferred name, confidence and CAMEO code.
Files are byte-stable: their statements are sorted.
"""
from __future__ import annotations

import re
from typing import Iterable

import pyoxigraph as ox
from rdflib import URIRef

from kg.model import LOCATION, ORGANIZATION, PERSON, Extraction
from kg.resolve_corpus import Corpus, canonical, corpus_of, role_key
from kg.vocab import CAMEO, COUNT_PROPERTIES, DCTERMS, ID, KG, NIF, PROV, RDF, RDFS, SDO, SKOS, XSD

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
           "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}
QUAD_FORMATS = {"trig", "nq", "jsonld"}  # one named graph per article, and their union as the default graph
PREFIXES = {"kg": str(KG._NS), "cameo": str(CAMEO), "id": str(ID), "nif": str(NIF), "prov": str(PROV),
            "schema": str(SDO), "skos": str(SKOS), "dcterms": str(DCTERMS), "xsd": str(XSD)}
_UNSAFE = re.compile(r"[^\w\-/.]", re.UNICODE)

Graph = tuple[str, list[str]]  # a named graph's IRI and its statements


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
    return URIRef(f"{ID}article/{doc_path(doc_id)}")


def entity_iri(key: str) -> URIRef:
    return URIRef(f"{ID}{slug(key)}")


def title_iri(title: str) -> URIRef:
    return URIRef(f"{ID}title/{slug(title.replace(' ', '_'))}")


def role_iri(holder: str, title: str, of: str | None, former: bool) -> URIRef:
    parts = ["role", slug(holder.split("/", 1)[-1]), slug(title.replace(" ", "_"))]
    if of:
        parts.append(slug(of.replace("/", "_")))
    if former:
        parts.append("former")
    return URIRef(str(ID) + "/".join(parts))


def mention_iri(doc_id: str, start: int, end: int) -> URIRef:
    return URIRef(f"{article_iri(doc_id)}#char={start},{end}")


def event_iri(doc_id: str, n: int) -> URIRef:
    """The IRI of the n-th event of an article (one that several articles tell has another)."""
    return URIRef(f"{ID}event/{doc_path(doc_id)}/{n}")


def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax."""
    text = str(value)
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:  # str.replace is much faster than translate
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    text = f'"{text}"'
    if lang:
        return f"{text}@{lang}"
    return f"{text}^^<{datatype}>" if datatype else text


def double(value: float) -> str:
    """A confidence as an xsd:double literal, in the canonical form Oxigraph keeps (0.8, 1)."""
    text = repr(round(value, 3))
    return literal(text[:-2] if text.endswith(".0") else text, datatype=_DOUBLE)


def _iri(term) -> str:
    return f"<{term}>"


A = _iri(RDF.type)
_CLASS = {PERSON: _iri(KG.Person), ORGANIZATION: _iri(KG.Organization), LOCATION: _iri(KG.Location)}
_INT, _DOUBLE, _DATE, _BOOL = str(XSD.integer), str(XSD.double), str(XSD.date), str(XSD.boolean)
(_MENTION, _MENTION_CLASS, _BEGIN, _END, _ANCHOR, _IN, _SENTENCE, _SENTENCE_CLASS, _DERIVED, _CONFIDENCE,
 _PREF, _LABEL, _AGENT, _PATIENT, _PLACE) = map(_iri, (KG.mention, KG.Mention, NIF.beginIndex, NIF.endIndex,
                                                    NIF.anchorOf, KG.mentionedIn, NIF.sentence, NIF.Sentence,
                                                    PROV.wasDerivedFrom, KG.confidence, SKOS.prefLabel, RDFS.label,
                                                    KG.agent, KG.patient, KG.place))


def statements(x: Extraction, corpus: Corpus | None = None) -> Graph:
    """One article's named graph: its IRI and its statements, each `subject predicate object`
    in N-Triples syntax without the closing ` .` (with duplicates; a store keeps one).
    `corpus` holds what the corpus decides (kg/resolve_corpus.py); None: the article alone."""
    corpus = corpus or Corpus()
    alias = corpus.alias
    article_node = article_iri(x.doc_id)
    article = f"<{article_node}>"
    out: list[str] = []
    add = out.append
    lang = x.lang
    written_sentences: set[int] = set()
    nodes: dict[str, str] = {}
    mention_prefix = f"<{article_node}#char="

    def node_of(k: str) -> str:
        node = nodes.get(k)
        if node is None:
            node = nodes[k] = _iri(entity_iri(canonical(k, alias)))
        return node

    def mention(subject: str, m) -> None:
        node = f"{mention_prefix}{m.start},{m.end}>"
        add(f"{subject} {_MENTION} {node}")
        add(f"{node} {A} {_MENTION_CLASS}")
        add(f'{node} {_BEGIN} "{m.start}"^^<{_INT}>')
        add(f'{node} {_END} "{m.end}"^^<{_INT}>')
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
                add(f'{sentence} {_BEGIN} "{start}"^^<{_INT}>')
                add(f'{sentence} {_END} "{end}"^^<{_INT}>')
                add(f"{sentence} {_ANCHOR} {literal(x.text[start:end])}")
                add(f"{sentence} {_IN} {article}")

    def provenance(subject: str, confidence: float) -> None:
        add(f"{subject} {_DERIVED} {article}")
        add(f"{subject} {_CONFIDENCE} {double(confidence)}")

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
        key = canonical(e.key, alias)
        name = corpus.names.get(key, e.name)
        add(f"{node} {A} {_CLASS[e.kind]}")
        add(f"{node} {_PREF} {literal(name, lang=lang)}")
        for label in sorted(e.labels | {e.name, name}):
            add(f"{node} {_LABEL} {literal(label, lang=lang)}")
        if e.country:
            add(f"{node} {_iri(KG.countryCode)} {literal(e.country)}")
        provenance(node, corpus.entity_confidence.get(key, e.confidence))
        for m in e.mentions:
            mention(node, m)

    for r in x.roles:
        holder, title_text, of, former = key = role_key(r.holder, r.title, r.of, r.former, alias)
        node = _iri(role_iri(holder, title_text, of, former))
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
        provenance(node, corpus.role_confidence.get(key, r.confidence))
        for m in r.mentions:
            mention(node, m)

    for n, ev in enumerate(x.events):
        merged = corpus.events.get((x.doc_id, n))
        node = _iri(merged or event_iri(x.doc_id, n))
        cameo = corpus.event_cameo[merged] if merged else ev.cameo
        counts = corpus.event_counts[merged] if merged else ev.counts
        add(f"{node} {A} {_iri(KG.Event)}")
        add(f"{node} {_iri(KG.eventType)} {_iri(CAMEO[cameo])}")
        add(f"{node} {_LABEL} {literal(ev.trigger, lang=lang)}")
        for prop, keys in ((_AGENT, ev.agents), (_PATIENT, ev.patients), (_PLACE, ev.places)):
            for k in keys:
                add(f"{node} {prop} {node_of(k)}")
        if ev.date:
            add(f"{node} {_iri(KG.date)} {literal(ev.date.isoformat(), datatype=_DATE)}")
        for what, number in sorted(counts.items()):
            add(f'{node} {_iri(COUNT_PROPERTIES[what])} "{number}"^^<{_INT}>')
        for k in ev.reported_by:
            add(f"{node} {_iri(KG.reportedBy)} {node_of(k)}")
        provenance(node, corpus.event_confidence[merged] if merged else ev.confidence)
        for m in ev.mentions:
            mention(node, m)
    return article_node, out


def graphs_of(extractions: Iterable[Extraction]) -> list[Graph]:
    """The named graphs of a few articles built together, the corpus tables made from them
    (names join and events merge as in a store). An article built again replaces the older."""
    latest = {x.doc_id: x for x in extractions}
    corpus = corpus_of(latest.values())
    return [statements(x, corpus) for x in latest.values()]


# --- serializers ---------------------------------------------------------------------------------------------

def quad_text(graphs: dict[str | None, list[str]]) -> str:
    """N-Quads text of statements by graph IRI (None: the default graph), each once, sorted:
    the default graph first, then graph by graph (so TriG writes each graph once)."""
    parts = []
    for graph in sorted(graphs, key=lambda g: g or ""):
        end = f" <{graph}> .\n" if graph else " .\n"
        parts += [s + end for s in sorted(set(graphs[graph]))]
    return "".join(parts)


def nquads(graphs: Iterable[Graph], union: bool = False) -> str:
    """N-Quads text of named graphs; with `union`, their union in the default graph as well."""
    by_graph: dict[str | None, list[str]] = {}
    for graph, stmts in graphs:
        by_graph.setdefault(graph, []).extend(stmts)
        if union:
            by_graph.setdefault(None, []).extend(stmts)
    return quad_text(by_graph)


def ntriples(graphs: Iterable[Graph]) -> str:
    """N-Triples text of the union of named graphs, sorted, each triple once."""
    return "".join(sorted({f"{s} .\n" for _g, stmts in graphs for s in stmts}))


def write(text: str, fmt: str, *, quads: bool) -> bytes:
    """Sorted N-Quads (`quads`) or N-Triples text in one of FORMATS: read and written again by
    pyoxigraph, one statement at a time, in the same order."""
    if fmt in ("nq", "nt"):
        return text.encode("utf-8")
    parsed = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES)
    return ox.serialize(parsed, format=FORMATS[fmt], **({} if fmt == "jsonld" else {"prefixes": PREFIXES}))


def serialize(graphs: Iterable[Graph], fmt: str) -> bytes:
    """Named graphs in one of FORMATS, byte-identical for the same content. Turtle and
    N-Triples hold the union of the graphs; TriG, N-Quads and JSON-LD each named graph and,
    in the default graph, their union (as kg's stores do, so that any store or tool that
    reads the file answers queries over the whole without a union-default-graph setting)."""
    graphs = list(graphs)
    if fmt in QUAD_FORMATS:
        return write(nquads(graphs, union=True), fmt, quads=True)
    return write(ntriples(graphs), fmt, quads=False)


def to_dataset(extractions: Iterable[Extraction]):
    """An rdflib Dataset of the extractions, a named graph each; queries see their union."""
    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    text = nquads(graphs_of(extractions))
    if text:
        dataset.parse(data=text, format="nquads")
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    return dataset
