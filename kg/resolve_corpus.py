"""Resolution across a corpus: one node per person however many articles name them, one event
however many articles tell it.

kg/resolve.py joins a surname to the full name inside one article; here the whole corpus
is the context. Entity IRIs are already global by key, so the same name is one node
everywhere; what is left is
- an alias table: a person key that is the end of exactly one longer person name in the
  corpus (`person/توكاييف` → `person/قاسم_جومارت_توكاييف`) becomes that name, and
- corroborated events: events of different articles with the same CAMEO root, day, agents
  and patients are one event, with an IRI of its own made from what they share, derived
  from every article that tells it.
Both are functions of the set of articles, not of the order they came in.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Iterable

from kg.model import PERSON
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
