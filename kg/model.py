"""The Extraction: what `extract` finds in one article, as plain data.

Free of spaCy and of RDF, so that extractors are tested without RDF and the RDF
mapping without NLP. Offsets are character offsets into `Extraction.text`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PERSON, ORGANIZATION, LOCATION = "person", "organization", "location"
KINDS = (PERSON, ORGANIZATION, LOCATION)


@dataclass(frozen=True, order=True)
class Mention:
    """A span of the source text: [start, end) and the words found there."""

    start: int
    end: int
    text: str
    sentence: int = 0  # index into Extraction.sentences


@dataclass
class Entity:
    """A person, organization or location, with every mention of it in the article."""

    key: str  # stable within a document: the normalized canonical name
    kind: str  # one of KINDS
    name: str  # the canonical (longest, most complete) surface form
    labels: set[str] = field(default_factory=set)  # every other surface form
    mentions: list[Mention] = field(default_factory=list)
    confidence: float = 0.5
    country: str | None = None  # ISO 3166 code when the entity is a country

    def add_mention(self, mention: Mention, label: str | None = None) -> None:
        if mention not in self.mentions:
            self.mentions.append(mention)
            self.mentions.sort()
        self.labels.add(label or mention.text)


@dataclass
class Role:
    """A person holding a title (رئيس, وزير الخارجية), of a country, organization or person."""

    holder: str  # Entity.key of a person
    title: str  # the title as written, without the article: "رئيس", "وزير الخارجية"
    title_en: str | None = None
    of: str | None = None  # Entity.key of the country, organization or person
    former: bool = False
    mentions: list[Mention] = field(default_factory=list)
    confidence: float = 0.5


@dataclass
class Event:
    """Something that happened, typed by a CAMEO code, with its participants and day."""

    cameo: str  # CAMEO code, e.g. "173"
    trigger: str  # the words that name it
    agents: list[str] = field(default_factory=list)  # Entity keys
    patients: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    date: dt.date | None = None
    counts: dict[str, int] = field(default_factory=dict)  # e.g. {"arrested": 4266}
    reported_by: list[str] = field(default_factory=list)  # Entity keys of the sources it is attributed to
    mentions: list[Mention] = field(default_factory=list)
    confidence: float = 0.5


@dataclass
class Extraction:
    """Everything found in one article."""

    doc_id: str
    text: str
    lang: str = "ar"
    published: dt.date | None = None
    title: str | None = None
    source: str | None = None  # where the article came from: a path or URL
    sentences: list[tuple[int, int]] = field(default_factory=list)  # [start, end) offsets
    entities: list[Entity] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def entity(self, key: str) -> Entity | None:
        return next((e for e in self.entities if e.key == key), None)

    def sentence_text(self, index: int) -> str:
        start, end = self.sentences[index]
        return self.text[start:end]
