"""Resolution across a corpus: one node per person however many articles name them, one event
however many articles tell it.

kg/resolve.py joins a surname to the full name inside one article; here the whole corpus
is the context. Entity IRIs are already global by key, so the same name is one node
everywhere; what is left is
- an alias table: a person key that is the end of exactly one longer person name in the
  corpus (`person/توكاييف` → `person/قاسم_جومارت_توكاييف`) becomes that name, and
- corroborated events: events of different articles with the same CAMEO root, day, agents
  and patients are one event, with an IRI of its own made from what they share, derived
  from every article that tells it, and
- one value of what a node has once (`Corpus`): a node that several articles state gets,
  in every one of their graphs, the same preferred name (the one most articles give it),
  the same confidence (the highest) and, for a corroborated event, one CAMEO code (the
  commonest) and one of each count (the highest), so that the union of the graphs keeps
  SKOS's one prefLabel a language and the shapes' one value.
All are functions of the set of articles, not of the order they came in.
"""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from kg.model import PERSON, Extraction
from kg.vocab import ID

PATRONYMIC = {"بن", "ابن", "بنت"}
MIN_SURNAME_LETTERS = 3  # a shorter "surname" is more likely a particle (بن) than a name


def _words(key: str) -> list[str]:
    return [w for w in key.split("/", 1)[-1].split("_") if w]


def alias_table(keys: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Person keys that stand for a longer name, mapped to it. `keys` holds (key, kind) pairs.

    Words must agree exactly (فيصل is a given name, الفيصل a family's), and a name after بن
    is the father's (حمد آل ثاني in تميم بن حمد آل ثاني), not the same person."""
    persons = sorted({k for k, kind in keys if kind == PERSON and k.startswith(PERSON + "/")})
    by_last: dict[str, list[str]] = defaultdict(list)
    words = {k: _words(k) for k in persons}
    for k in persons:
        if words[k]:
            by_last[words[k][-1]].append(k)
    alias: dict[str, str] = {}
    for k in persons:
        w = words[k]
        if not w or len(w[-1]) < MIN_SURNAME_LETTERS:
            continue
        longer = [o for o in by_last[w[-1]] if len(words[o]) > len(w) and words[o][-len(w):] == w
                  and words[o][-len(w) - 1] not in PATRONYMIC]
        if len(longer) == 1:
            alias[k] = longer[0]
    return alias


def canonical(key: str, alias: dict[str, str]) -> str:
    seen = set()
    while key in alias and key not in seen:
        seen.add(key)
        key = alias[key]
    return key


def event_signature(cameo: str, date: str | None, agents: list[str], patients: list[str],
                    alias: dict[str, str]) -> tuple | None:
    """What makes two reports the same event; None when there is too little to tell."""
    if not date or not (agents or patients):
        return None
    return (cameo[:2], date, tuple(sorted({canonical(k, alias) for k in agents})),
            tuple(sorted({canonical(k, alias) for k in patients})))


def merged_event_iri(signature: tuple) -> str:
    root, date, agents, patients = signature
    digest = hashlib.sha1(repr((agents, patients)).encode("utf-8")).hexdigest()[:12]
    return str(ID[f"event/{date}/{root}/{digest}"])


def corroborated_events(events: Iterable[tuple[str, int, str, str | None, list[str], list[str]]],
                        alias: dict[str, str]) -> dict[tuple[str, int], str]:
    """(doc_id, n) → merged event IRI for every event that more than one article tells.
    `events` holds (doc_id, n, cameo, date, agents, patients)."""
    groups: dict[tuple, list[tuple[str, int]]] = defaultdict(list)
    for doc_id, n, cameo, date, agents, patients in events:
        signature = event_signature(cameo, date, agents, patients, alias)
        if signature is not None:
            groups[signature].append((doc_id, n))
    merged = {}
    for signature, members in groups.items():
        if len({doc for doc, _ in members}) > 1:
            iri = merged_event_iri(signature)
            for member in members:
                merged[member] = iri
    return merged


# What the corpus tables are made of, one row per entity, role and event of an article (the
# corpus index keeps them; a file build makes them from its Extractions).
EntityRow = tuple[str, str, str, str, float]  # doc_id, key, kind, name, confidence
RoleRow = tuple[str, str, str, str | None, bool, float]  # doc_id, holder, title, of, former, confidence
EventRow = tuple[str, int, str, str | None, list[str], list[str], dict[str, int], float]
# (doc_id, n, cameo, date, agents, patients, counts, confidence)


def rows(x: Extraction) -> tuple[list[EntityRow], list[RoleRow], list[EventRow]]:
    """The rows of one article."""
    return ([(x.doc_id, e.key, e.kind, e.name, e.confidence) for e in x.entities],
            [(x.doc_id, r.holder, r.title, r.of, r.former, r.confidence) for r in x.roles],
            [(x.doc_id, n, ev.cameo, ev.date.isoformat() if ev.date else None, ev.agents, ev.patients, ev.counts,
              ev.confidence) for n, ev in enumerate(x.events)])


def role_key(holder: str, title: str, of: str | None, former: bool, alias: dict[str, str]) -> tuple:
    """What makes two roles one node (kg/rdf.py's role IRI is made of it)."""
    return canonical(holder, alias), title, canonical(of, alias) if of else None, former


@dataclass
class Corpus:
    """What the whole corpus decides about an article's graph."""

    alias: dict[str, str] = field(default_factory=dict)  # entity key → the key of the entity it is
    events: dict[tuple[str, int], str] = field(default_factory=dict)  # (doc_id, n) → corroborated event IRI
    names: dict[str, str] = field(default_factory=dict)  # canonical entity key → its preferred name
    entity_confidence: dict[str, float] = field(default_factory=dict)  # canonical key → the highest
    role_confidence: dict[tuple, float] = field(default_factory=dict)  # role_key → the highest
    event_cameo: dict[str, str] = field(default_factory=dict)  # corroborated event IRI → its CAMEO code
    event_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # ... → the highest of each count
    event_confidence: dict[str, float] = field(default_factory=dict)  # ... → the highest

    def decisions(self, entities: Iterable[EntityRow], roles: Iterable[RoleRow], events: Iterable[EventRow]) -> list:
        """What the corpus decides for the graph of the article with these rows (a graph is
        written again when this changes)."""
        out = []
        for _doc, key, _kind, _name, _conf in entities:
            k = canonical(key, self.alias)
            out.append((key, k, self.names.get(k), self.entity_confidence.get(k)))
        for _doc, holder, title, of, former, _conf in roles:
            k = role_key(holder, title, of, former, self.alias)
            out.append((list(k), self.role_confidence.get(k)))
        for doc, n, *_ in events:
            iri = self.events.get((doc, n))
            if iri:
                out.append((n, iri, self.event_cameo[iri], sorted(self.event_counts[iri].items()),
                            self.event_confidence[iri]))
        return out


def corpus_tables(entities: Iterable[EntityRow], roles: Iterable[RoleRow], events: Iterable[EventRow]) -> Corpus:
    """The corpus's decisions from the rows of all its articles."""
    entities, roles, events = list(entities), list(roles), list(events)
    alias = alias_table((key, kind) for _d, key, kind, _n, _c in entities)
    corpus = Corpus(alias=alias)
    corpus.events = corroborated_events(((d, n, c, date, a, p) for d, n, c, date, a, p, _counts, _conf in events),
                                        alias)
    own: dict[str, Counter] = defaultdict(Counter)  # names an entity is given under its own key
    other: dict[str, Counter] = defaultdict(Counter)  # names of the entities that are it (a surname)
    for _d, key, _kind, name, confidence in entities:
        k = canonical(key, alias)
        (own if k == key else other)[k][name] += 1
        corpus.entity_confidence[k] = max(confidence, corpus.entity_confidence.get(k, 0.0))
    for k in own.keys() | other.keys():
        counts = own.get(k) or other[k]
        corpus.names[k] = min(counts, key=lambda name: (-counts[name], name))
    for _d, holder, title, of, former, confidence in roles:
        k = role_key(holder, title, of, former, alias)
        corpus.role_confidence[k] = max(confidence, corpus.role_confidence.get(k, 0.0))
    codes: dict[str, Counter] = defaultdict(Counter)
    for d, n, cameo, _date, _a, _p, counts, confidence in events:
        iri = corpus.events.get((d, n))
        if iri is None:
            continue
        codes[iri][cameo] += 1
        best = corpus.event_counts.setdefault(iri, {})
        for what, number in counts.items():
            best[what] = max(number, best.get(what, 0))
        corpus.event_confidence[iri] = max(confidence, corpus.event_confidence.get(iri, 0.0))
    for iri, counter in codes.items():
        corpus.event_cameo[iri] = min(counter, key=lambda code: (-counter[code], code))
    return corpus


def corpus_of(extractions: Iterable[Extraction]) -> Corpus:
    """The corpus tables of a few Extractions held in memory (a file build)."""
    entities, roles, events = [], [], []
    for x in extractions:
        e, r, v = rows(x)
        entities += e
        roles += r
        events += v
    return corpus_tables(entities, roles, events)
