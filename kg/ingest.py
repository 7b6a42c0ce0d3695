"""ingest: files → Articles (text, publication date, identifier, source).

Plain text in any common encoding (UTF-8 with or without BOM, UTF-16, Windows-1256,
ISO-8859-6; detected with charset-normalizer). A text file may have a JSON file of the same
name beside it (`article.txt` + `article.json`) giving its `published` date, `title`, `url`.
Each article's language is detected (kg/language.py); one that kg does not read is Rejected.
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
    lang: str | None = "ar"  # as read: a record's lang field or --lang, None when not said; then as detected


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


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or an InputError that says in one line why not."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a failed write leaves the old file."""
    if not path.parent.exists():
        raise InputError(f"{path.parent}: no such folder for the output")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None


def slug_id(path: Path) -> str:
    return re.sub(r"[^\w\-.]", "_", path.stem, flags=re.UNICODE) or "article"


def position_id(where: str) -> str:
    """The identifier of a record that has none: its file and its line or index (news.jsonl:7 →
    news-7, news.json#0 → news-0), so that two such records of one file stay two articles."""
    file, n = re.fullmatch(r"(.*?)(?:[:#](\d+))?", where).groups()
    return f"{slug_id(Path(file))}-{n}" if n else slug_id(Path(file))


def read_article(path: Path, published: dt.date | None = None, lang: str | None = None) -> Article:
    """One article from a text file (and its JSON sidecar, if any)."""
    data = read_bytes(path)
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


# --- corpora: folders, globs, JSON Lines, JSON arrays, zip archives, HTML pages, stdin --------------------

TEXT_SUFFIXES = {".txt", ".text", ""}
RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
CORPUS_SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES | HTML_SUFFIXES | {".zip"}


@dataclass(frozen=True)
class Rejected:
    """An input record kg could not read: where it was and why, one line for the user."""

    where: str
    reason: str


@dataclass(frozen=True)
class FieldMap:
    """Which field of a JSON record holds what; None tries the usual names in order."""

    text: str | None = None
    date: str | None = None
    id: str | None = None
    title: str | None = None

    def pick(self, record: dict, name: str | None, usual: tuple[str, ...]):
        for field_name in ((name,) if name else usual):
            value = record.get(field_name)
            if value not in (None, ""):
                return value
        return None


USUAL_TEXT = ("text", "content", "body", "article")
USUAL_DATE = ("published", "date", "date_published", "datePublished", "date_extracted")
USUAL_ID = ("id", "url", "doc_id", "guid")
USUAL_TITLE = ("title", "headline")


def record_id(value: str) -> str:
    """An article identifier from an id or URL field (its scheme dropped: the IRI stays readable)."""
    return re.sub(r"^[a-z]+://(www\.)?", "", str(value).strip(), flags=re.IGNORECASE).rstrip("/")


def article_of_record(record, where: str, fields: FieldMap, published: dt.date | None, lang: str | None) -> Article:
    if not isinstance(record, dict):
        raise InputError(f"{where}: not a JSON object")
    text = fields.pick(record, fields.text, USUAL_TEXT)
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: no text (field {fields.text or '/'.join(USUAL_TEXT)})")
    date = published
    if date is None:
        value = fields.pick(record, fields.date, USUAL_DATE)
        date = parse_date(value) if value else None
    ident = fields.pick(record, fields.id, USUAL_ID)
    title = fields.pick(record, fields.title, USUAL_TITLE)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    return Article(text=clean(text), doc_id=record_id(ident) if ident else position_id(where),
                   published=date, title=str(title) if title else None, source=url or where,
                   lang=record.get("lang") if record.get("lang") not in (None, "") else lang)


def _records(data: bytes, name: str):
    """JSON records of a file: a JSON array, one object, or JSON Lines. Yields (where, record | Rejected)."""
    text = decode(data, name).lstrip("\ufeff")
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and not name.endswith((".jsonl", ".ndjson"))):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            if stripped.startswith("["):
                yield name, Rejected(name, f"not valid JSON ({exc})")
                return
            value = None  # maybe JSON Lines after all
        if value is not None:
            for n, record in enumerate(value if isinstance(value, list) else [value]):
                yield f"{name}#{n}", record
            return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield f"{name}:{n}", json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"{name}:{n}", Rejected(f"{name}:{n}", f"not valid JSON ({exc.msg})")


def html_article(data: bytes, name: str, published: dt.date | None, lang: str | None) -> Article:
    """The text, title and date of a web page (trafilatura drops menus, ads and footers)."""
    import trafilatura

    page = trafilatura.bare_extraction(decode(data, name), with_metadata=True)
    text = getattr(page, "text", None) if page is not None else None
    if not text or not text.strip():
        raise InputError(f"{name}: no article text in the page")
    date = published or (parse_date(page.date) if getattr(page, "date", None) else None)
    return Article(text=clean(text), doc_id=slug_id(Path(name)), published=date, title=page.title or None,
                   source=getattr(page, "url", None) or name, lang=lang)


def _articles_of_bytes(data: bytes, name: str, fields: FieldMap, published, lang):
    suffix = Path(name).suffix.lower()
    if suffix in RECORD_SUFFIXES or (suffix not in HTML_SUFFIXES and data.lstrip()[:1] in (b"[", b"{")):
        for where, record in _records(data, name):
            if isinstance(record, Rejected):
                yield record
                continue
            try:
                yield article_of_record(record, where, fields, published, lang)
            except InputError as exc:
                yield Rejected(where, str(exc).removeprefix(f"{where}: "))
    elif suffix in HTML_SUFFIXES or data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        yield html_article(data, name, published, lang)
    else:
        text = clean(decode(data, name))
        if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(f"{name}: binary file, not text")
        if not text.strip():
            raise InputError(f"{name}: empty article")
        yield Article(text=text, doc_id=slug_id(Path(name)), published=published, source=name, lang=lang)


def _zip_articles(path: Path, fields: FieldMap, published, lang):
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Rejected(str(path), f"not a zip archive ({exc})")
        return
    with archive:
        for member in sorted(archive.namelist()):
            if member.endswith("/") or Path(member).suffix.lower() not in CORPUS_SUFFIXES - {".zip"}:
                continue
            name = f"{path}!{member}"
            try:
                yield from _articles_of_bytes(archive.read(member), name, fields, published, lang)
            except InputError as exc:
                yield Rejected(name, str(exc).removeprefix(f"{name}: "))


def _files(spec: str) -> list[Path]:
    """The files an input names: a file, a folder (recursively), or a glob pattern."""
    path = Path(spec)
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES
                       and not p.name.startswith("."))
        texts = {p.with_suffix("") for p in found if p.suffix.lower() in TEXT_SUFFIXES}
        return [p for p in found if not (p.suffix.lower() == ".json" and p.with_suffix("") in texts)]  # sidecars
    if path.exists() or not any(c in spec for c in "*?["):
        return [path]
    import glob

    return sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())


def read_corpus(inputs: list[str], fields: FieldMap = FieldMap(), published: dt.date | None = None,
                lang: str | None = None, stdin=None):
    """Every article of the inputs, in order, as Articles; what cannot be read as Rejected. An
    identifier already read in this run is Rejected too: two articles cannot share one graph;
    and so is an article whose language kg does not read, or not `lang` (when given).

    Streams: a JSON Lines file or a folder is read one record at a time."""
    from kg.language import check, language_of

    first: dict[str, str] = {}
    for item in _read_inputs(inputs, fields, published, lang, stdin):
        if isinstance(item, Article):
            where = item.source or item.doc_id
            try:
                item.lang = language_of(item.text, None if item.lang is None else check(item.lang))
            except ValueError as exc:  # an unknown language name, or text in a language kg does not read
                yield Rejected(where, str(exc))
                continue
            if item.doc_id in first:
                item = Rejected(where, f"duplicate id {item.doc_id!r} (first read from {first[item.doc_id]})")
            else:
                first[item.doc_id] = where
        yield item


def _read_inputs(inputs: list[str], fields: FieldMap, published: dt.date | None, lang: str | None, stdin):
    for spec in inputs:
        if spec == "-":
            import sys

            data = (stdin or sys.stdin.buffer).read()
            try:
                yield from _articles_of_bytes(data, "stdin", fields, published, lang)
            except InputError as exc:
                yield Rejected("stdin", str(exc).removeprefix("stdin: "))
            continue
        paths = _files(spec)
        if not paths:
            yield Rejected(spec, "no file matches")
        for path in paths:
            suffix = path.suffix.lower()
            try:
                if suffix == ".zip":
                    yield from _zip_articles(path, fields, published, lang)
                elif suffix in TEXT_SUFFIXES and suffix != "":
                    yield read_article(path, published, lang)
                else:
                    yield from _articles_of_bytes(read_bytes(path), str(path), fields, published, lang)
            except InputError as exc:
                yield Rejected(str(path), str(exc).removeprefix(f"{path}: "))
