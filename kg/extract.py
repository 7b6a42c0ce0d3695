"""extract: one article's text → Extraction (entities, roles, events), through the spaCy pipeline.

An article longer than LONG_ARTICLE characters is extracted in parts of at most PART
characters, cut at paragraph breaks, and the parts' Extractions are joined with their
offsets kept (an entity named in several parts is one entity): spaCy refuses a text of more
than a million characters, and the extraction of one Doc grows faster than its length.
"""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
import re

from spacy.tokens import Span

from kg.calibration import load_calibrator
from kg.dates import resolve_date
from kg.entities import entity_mentions
from kg.event_model import read_events
from kg.events import Actor, preposition_before, extract_events
from kg.gazetteer import gazetteer
from kg.lang import load
from kg.model import LOCATION, PERSON, Entity, Extraction, Mention
from kg.nlp import load_pipeline
from kg.normalize import clean
from kg.resolve import resolve_entities
from kg.roles import extract_roles

REPORT_WINDOW = 6
TITLE_REACH = 12  # a title whose holder is named farther away stands for the holder itself
LONG_ARTICLE = 100_000  # characters: a longer article is extracted in parts
PART = 50_000  # characters of a part, at most
_SENTENCE_END = re.compile(r"[.!?؟…]\s")


def document_id(text: str) -> str:
    """A stable identifier of an article: the start of the SHA-1 of its text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def extract(text: str, published: dt.date | None = None, *, lang: str = "ar", doc_id: str | None = None,
            title: str | None = None, source: str | None = None, nlp=None, calibrate: bool = True) -> Extraction:
    """Entities, roles and events of one article. `published` anchors relative dates. Confidences
    are calibrated (kg.calibration) unless `calibrate` is false or no calibration exists."""
    text = clean(text)
    if len(text) > LONG_ARTICLE:
        pieces = [(offset, extract(part, published, lang=lang, doc_id=doc_id, title=title, source=source, nlp=nlp,
                                   calibrate=False)) for offset, part in parts(text)]
        whole = joined(pieces, Extraction(doc_id=doc_id or document_id(text), text=text, lang=lang,
                                          published=published, title=title, source=source))
        calibrator = load_calibrator(lang) if calibrate else None
        return calibrator.apply(whole) if calibrator else whole
    data = load(lang)
    nlp = nlp or load_pipeline(lang)
    doc = nlp(text)
    # (a sentence of spaces alone, such as a line break before the text, is no sentence)
    sentences = [(s.start, span) for s in doc.sents if (span := _trimmed(text, s.start_char, s.end_char))[0] < span[1]]
    starts = [start for start, _ in sentences]

    def sentence_of(token_index: int) -> int:
        return max(0, bisect.bisect_right(starts, token_index) - 1)

    result = Extraction(doc_id=doc_id or document_id(text), text=text, lang=lang, published=published,
                        title=title, source=source, sentences=[span for _, span in sentences])
    mentions = entity_mentions(doc, sentence_of, data)
    entities, keys = resolve_entities(mentions, data)
    by_tokens = {m.tokens: key for m, key in zip(mentions, keys)}
    by_key = {e.key: e for e in entities}
    result.entities = entities

    def add_country(code: str, mention: Mention) -> str | None:
        """The country a nationality adjective points to (الروسي → روسيا), as an entity."""
        place = gazetteer(lang).countries.get(code)
        if place is None:
            return None
        key = place.ident
        entity = by_key.get(key)
        if entity is None:
            entity = by_key[key] = Entity(key, LOCATION, place.name, {place.name}, [], 0.6, code)
            entities.append(entity)
        if mention not in entity.mentions:
            entity.mentions.append(mention)
            entity.mentions.sort()
        return key

    kinds = {e.key: e.kind for e in entities}
    roles, titles = extract_roles(doc, by_tokens.get, kinds, add_country, sentence_of, data)
    result.roles = roles

    # Actors for events: entity mentions, and titles that stand for their holder.
    owned = set()  # tokens of a title's owner (كازاخستان in رئيس كازاخستان): part of the title
    for span in doc.spans.get("kg_titles", []):
        of = span._.kg_of
        if of and of[0] == "entity":
            owned.update(range(of[1], of[2]))
    # A name after its titles takes the preposition in front of them (بالرئيس الفرنسي إيمانويل ماكرون).
    led_by: dict[tuple[int, int], Span] = {}
    for span in doc.spans.get("kg_titles", []):
        held = span._.kg_holder
        if held and span.start < held[0] and (held not in led_by or span.start < led_by[held].start):
            led_by[held] = span
    actors = []
    for m, key in zip(mentions, keys):
        if m.tokens[0] in owned:
            continue
        peel = m.mention.start - doc[m.tokens[0]].idx
        preposition = preposition_before(doc, m.tokens[0], peel)
        title = led_by.get(m.tokens)
        if not preposition and title is not None:
            preposition = preposition_before(doc, title.start, title._.kg_peel)
        actors.append(Actor(key, kinds.get(key, m.kind), m.tokens[0], m.tokens[1], preposition))
    named = {m.tokens for m in mentions}
    for t in titles:
        holder_span = next((s for s in doc.spans["kg_titles"] if (s.start, s.end) == t.tokens), None)
        if holder_span is None or t.klass == "descriptor" or not t.holder:
            continue
        at = holder_span._.kg_holder  # the holder's name: next to the title, or elsewhere (an epithet alone)
        if at not in named or not (t.tokens[0] - TITLE_REACH <= at[0] <= t.tokens[1] + TITLE_REACH) \
                or doc[at[0]].sent.start != doc[t.tokens[0]].sent.start:
            first = doc[t.tokens[0]]
            peel = len(first.norm_) - len(first.norm_.lstrip("وفبلك")) if first.norm_[:1] in "وفبلك" else 0
            actors.append(Actor(t.holder, PERSON, t.tokens[0], t.tokens[1], preposition_before(doc, t.tokens[0], min(peel, 1))))
    actors.sort(key=lambda a: a.start)

    reported = {}
    for span in doc.spans.get("kg_reporting", []):
        source = next((a for a in actors if span.end <= a.start <= span.end + REPORT_WINDOW
                       and a.preposition != "ل"), None)  # (تصريح لوكالة فرانس برس: told to, not by)
        if source is not None:
            reported.setdefault(doc[span.start].sent.start, source.key)
    day = lambda span, tense: resolve_date(span, published, tense)  # noqa: E731
    if "kg_event_model" in nlp.pipe_names:
        model = nlp.get_pipe("kg_event_model")
        result.events = read_events(doc, actors, model, day, sentence_of, reported)
    else:
        result.events = extract_events(doc, actors, day, sentence_of, reported)
    calibrator = load_calibrator(lang) if calibrate else None
    return calibrator.apply(result) if calibrator else result


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A sentence's offsets without the spaces and line breaks around it."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parts(text: str, size: int | None = None) -> list[tuple[int, str]]:
    """(offset, part) of a text cut into parts of at most `size` (PART) characters: after the
    last line break of each stretch, else after its last sentence end, else after its last
    space (a part at least half as long as `size`), else at `size`."""
    size = size or PART
    out, start = [], 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = window.rfind("\n") + 1
        if cut < size // 2:
            ends = [m.end() for m in _SENTENCE_END.finditer(window, size // 2)]
            cut = ends[-1] if ends else max(window.rfind(" "), window.rfind("\t")) + 1
        if cut < size // 2:
            cut = size
        out.append((start, window[:cut]))
        start += cut
    out.append((start, text[start:]))
    return out


def joined(pieces: list[tuple[int, Extraction]], whole: Extraction) -> Extraction:
    """One Extraction of `whole`'s text from the Extractions of its parts (at their offsets):
    sentences and mentions moved by their part's offset, an entity (a role) found in several
    parts made one, the events of every part in order."""
    entities: dict[str, Entity] = {}
    roles: dict[tuple, object] = {}
    for offset, x in pieces:
        first = len(whole.sentences)
        whole.sentences += [(start + offset, end + offset) for start, end in x.sentences]

        def moved(mentions: list[Mention]) -> list[Mention]:
            return [Mention(m.start + offset, m.end + offset, m.text, m.sentence + first) for m in mentions]

        for e in x.entities:
            known = entities.get(e.key)
            if known is None:
                entities[e.key] = dataclasses.replace(e, labels=set(e.labels), mentions=moved(e.mentions))
            else:
                known.labels |= e.labels | ({e.name} - {known.name})
                known.mentions += moved(e.mentions)
                known.confidence = max(known.confidence, e.confidence)
                known.country = known.country or e.country
        for r in x.roles:
            key = (r.holder, r.title, r.of, r.former)
            known = roles.get(key)
            if known is None:
                roles[key] = dataclasses.replace(r, mentions=moved(r.mentions))
            else:
                known.mentions += moved(r.mentions)
                known.confidence = max(known.confidence, r.confidence)
                known.title_en = known.title_en or r.title_en
        whole.events += [dataclasses.replace(ev, mentions=moved(ev.mentions)) for ev in x.events]
    whole.entities, whole.roles = list(entities.values()), list(roles.values())
    return whole
