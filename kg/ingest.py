"""ingest: files → Articles (text, publication date, identifier, source).

Plain text in any common encoding (UTF-8 with or without BOM, UTF-16, Windows-1256,
ISO-8859-6; detected with charset-normalizer). A text file may have a JSON file of the same
name beside it (`article.txt` + `article.json`) giving its `published` date, `title`, `url`.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from kg.normalize import clean


class InputError(ValueError):
    """An input that kg cannot read; the message is one line for the user."""


@dataclass
class Article:
    text: str
    doc_id: str
    published: dt.date | None = None
    title: str | None = None
    source: str | None = None
    lang: str = "ar"


def parse_date(value: str) -> dt.date:
    """A YYYY-MM-DD date (a longer ISO timestamp is cut to its day)."""
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"not a date (YYYY-MM-DD): {value!r}") from None


def decode(data: bytes, name: str) -> str:
    """The text of a file's bytes, whatever their encoding."""
    if not data.strip():
        raise InputError(f"{name}: empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise InputError(f"{name}: binary file, not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1256", "iso8859_6", "utf_16", "cp1252", "latin_1"]).best()
    if best is None:
        raise InputError(f"{name}: cannot tell the text encoding")
    return str(best)


def slug_id(path: Path) -> str:
    return re.sub(r"[^\w\-.]", "_", path.stem, flags=re.UNICODE) or "article"


def read_article(path: Path, published: dt.date | None = None, lang: str = "ar") -> Article:
    """One article from a text file (and its JSON sidecar, if any)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text = clean(decode(data, str(path)))
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: binary file, not text")
    if not text.strip():
        raise InputError(f"{path}: empty article")
    meta = {}
    sidecar = path.with_suffix(".json")
    if sidecar.exists() and sidecar != path:
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{sidecar}: not valid JSON ({exc})") from None
    if published is None and meta.get("published"):
        published = parse_date(meta["published"])
    return Article(text=text, doc_id=slug_id(path), published=published, title=meta.get("title"),
                   source=meta.get("url") or str(path), lang=meta.get("lang", lang))
