"""kg: an event knowledge graph from the news.

    import kg, datetime as dt
    x = kg.extract(text, published=dt.date(2022, 1, 8))   # an Extraction (plain dataclasses)
    ds = kg.build(text, published=dt.date(2022, 1, 8))    # an rdflib Dataset, one graph per article
"""
from __future__ import annotations

import datetime as dt
import sys
import types
from typing import Iterable

from kg.model import Entity, Event, Extraction, Mention, Role

__version__ = "0.1.0"
__all__ = ["extract", "build", "Extraction", "Entity", "Event", "Mention", "Role"]


def extract(text: str, published: dt.date | str | None = None, *, lang: str | None = None,
            doc_id: str | None = None, title: str | None = None, source: str | None = None) -> Extraction:
    """Entities, roles and events of one article; relative dates resolve against `published`.
    The language is detected (`lang` says which one the text must be in); a text in a
    language kg does not read raises ValueError saying so."""
    from kg.extract import extract as _extract
    from kg.ingest import parse_date
    from kg.language import check, language_of

    if isinstance(published, str):
        published = parse_date(published)
    lang = language_of(text, None if lang is None else check(lang))
    return _extract(text, published, lang=lang, doc_id=doc_id, title=title, source=source)


def build(articles: str | Extraction | Iterable[str | Extraction], published: dt.date | str | None = None,
          *, lang: str | None = None):
    """An rdflib Dataset of one or more articles (texts or Extractions), a named graph each."""
    from kg.rdf import to_dataset

    if isinstance(articles, (str, Extraction)):
        articles = [articles]
    return to_dataset([a if isinstance(a, Extraction) else extract(a, published, lang=lang) for a in articles])


class _Facade(types.ModuleType):
    """The kg package, whose functions keep their names: importing the submodule kg.extract
    would otherwise set the package's `extract` to that module, and `kg.extract(...)` would
    fail from the second call on."""

    def __setattr__(self, name: str, value) -> None:
        if name in __all__ and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade
