"""kg: an event knowledge graph from the news.

    import kg, datetime as dt
    x = kg.extract(text, published=dt.date(2022, 1, 8))   # an Extraction (plain dataclasses)
    ds = kg.build(text, published=dt.date(2022, 1, 8))    # an rdflib Dataset, one graph per article
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from kg.model import Entity, Event, Extraction, Mention, Role

__version__ = "0.1.0"
__all__ = ["extract", "build", "Extraction", "Entity", "Event", "Mention", "Role"]


def extract(text: str, published: dt.date | str | None = None, *, lang: str = "ar", doc_id: str | None = None,
            title: str | None = None, source: str | None = None) -> Extraction:
    """Entities, roles and events of one article; relative dates resolve against `published`."""
    from kg.extract import extract as _extract
    from kg.ingest import parse_date

    if isinstance(published, str):
        published = parse_date(published)
    return _extract(text, published, lang=lang, doc_id=doc_id, title=title, source=source)


def build(articles: str | Extraction | Iterable[str | Extraction], published: dt.date | str | None = None,
          *, lang: str = "ar"):
    """An rdflib Dataset of one or more articles (texts or Extractions), a named graph each."""
    from kg.rdf import to_dataset

    if isinstance(articles, (str, Extraction)):
        articles = [articles]
    return to_dataset(a if isinstance(a, Extraction) else extract(a, published, lang=lang) for a in articles)
