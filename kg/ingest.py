"""ingest: files → Articles (text, publication date, identifier, source).

Plain text in any common encoding (UTF-8 with or without BOM, UTF-16 with or without BOM,
Windows-1256, ISO-8859-6; detected with charset-normalizer). What cannot be decoded is
replaced by U+FFFD, record by record, and a Notice says how many characters and where the
first one was. A text file may have a JSON file of the same name beside it (`article.txt` +
`article.json`) giving its `published` date, `title`, `url`. Each article's language is
detected (kg/language.py); one that kg does not read is Rejected.

An article's identifier is a record's id or URL field; else its file's path under the folder
(or glob) it was found in, without the suffix (`2015/07/news`), or its name alone when the
file was named itself (`news`); a record without an id adds its line or position (`news-7`).
Two articles of one run with one identifier are never merged: the second is reported and
skipped. Each file, zip member, stream and JSON Lines record is read up to `max_bytes`, and
refused past it.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kg.normalize import clean

MAX_BYTES = 64 << 20  # the default size cap of a file, zip member, stream or JSON Lines record


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
    where: str | None = None  # where in the input it was read (file, file:line, archive!member), for messages


@dataclass(frozen=True)
class Rejected:
    """An input record kg could not read: where it was and why, one line for the user."""

    where: str
    reason: str


@dataclass(frozen=True)
class Notice:
    """What reading changed in an input that was read all the same (characters that could not
    be decoded): where, and what, one line for the user."""

    where: str
    message: str


def parse_date(value: str) -> dt.date:
    """A YYYY-MM-DD date (a longer ISO timestamp is cut to its day)."""
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"not a date (YYYY-MM-DD): {value!r}") from None


def parse_size(value: str) -> int:
    """A size in bytes: 5000000, 64M, 1G (K, M and G are powers of 1024)."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMG]?)i?B?\s*", str(value), re.IGNORECASE)
    if not match or int(match[1]) == 0:
        raise InputError(f"not a size (like 64M or 1G): {value!r}")
    return int(match[1]) << {"": 0, "K": 10, "M": 20, "G": 30}[match[2].upper()]


def _size(n: int) -> str:
    for unit, shift in (("G", 30), ("M", 20), ("K", 10)):
        if n >= 1 << shift and not n % (1 << shift):
            return f"{n >> shift}{unit}"
    return f"{n:,} bytes"


def too_large(name: str, max_bytes: int) -> InputError:
    return InputError(f"{name}: larger than {_size(max_bytes)} (--max-size sets the limit)")


# --- decoding --------------------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_replaced = threading.local()


def _replace_and_count(exc: UnicodeDecodeError):
    _replaced.at.append(exc.start)
    return "\ufffd", exc.end


codecs.register_error("kg-replace-and-count", _replace_and_count)


def _decode_counted(data: bytes, codec: str) -> tuple[str, list[int]]:
    """The text, with U+FFFD for what does not decode, and the byte offsets of those places."""
    _replaced.at = []
    return data.decode(codec, "kg-replace-and-count"), _replaced.at


def _utf16_without_bom(data: bytes) -> str | None:
    """The byte order of UTF-16 text written without a BOM: the zero bytes of its ASCII
    characters (spaces, digits, line breaks) are all on one side, and it decodes to text."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if max(even, odd) < 4 or min(even, odd) * 20 > max(even, odd):
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    text = data.decode(codec, "replace")
    odd_chars = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in "\t\n\r\f\v"))
    return codec if odd_chars * 100 <= len(text) else None


def _decoded(data: bytes, codec: str) -> tuple[str, str | None]:
    text, bad = _decode_counted(data, codec)
    if not bad:
        return text, None
    before = data[:bad[0]].decode(codec, "replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    at = f"line {line}, column {column}" if "\n" in text else f"character {column}"
    name = codec.upper().replace("-LE", "").replace("-BE", "")
    return text, (f"{len(bad)} character{'s' if len(bad) > 1 else ''} that {'are' if len(bad) > 1 else 'is'} "
                  f"not valid {name} replaced by U+FFFD (the first at {at})")


def decode_text(data: bytes, name: str) -> tuple[str, str | None]:
    """The text of bytes whatever their encoding, and a note saying how many characters could
    not be decoded and where the first was (None when every one could)."""
    if not data.strip():
        raise InputError(f"{name}: empty file")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decoded(data[len(bom):], codec)
    if b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise InputError(f"{name}: binary file, not text")
        return _decoded(data, codec)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    text, bad = _decode_counted(data, "utf-8")
    if len(text) - len(text.encode("ascii", "ignore")) - len(bad) >= 4 * len(bad):  # UTF-8 with a few bad bytes
        return _decoded(data, "utf-8")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1256", "iso8859_6", "utf_16", "cp1252", "latin_1"]).best()
    if best is None:
        raise InputError(f"{name}: cannot tell the text encoding")
    return str(best), None


def decode(data: bytes, name: str) -> str:
    """The text of a file's bytes, whatever their encoding (what cannot be decoded replaced)."""
    return decode_text(data, name)[0]


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A file's bytes, up to `max_bytes`, or an InputError that says in one line why not."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise too_large(str(path), max_bytes)
    return data


def _json(data: bytes | str, name: str):
    try:
        return json.loads(data)
    except RecursionError:
        raise InputError(f"{name}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # JSONDecodeError, and UnicodeDecodeError for bytes
        raise InputError(f"{name}: not valid JSON ({exc})") from None


# --- one article ----------------------------------------------------------------------------------------

def _file_id(path: Path, root: Path | None) -> str:
    """A file's identifier: its path under the folder it was found in, without the suffix, or
    its name without the suffix when it was named itself."""
    if root is None:
        return path.stem or path.name
    return path.relative_to(root).with_suffix("").as_posix()


def _text_file(path: Path, published: dt.date | None, lang: str | None, doc_id: str, max_bytes: int):
    """A text file's Article (and its JSON sidecar's date, title and URL), after a Notice if
    some of it could not be decoded."""
    text, note = decode_text(read_bytes(path, max_bytes), str(path))
    text = clean(text)
    if not text.strip():
        raise InputError(f"{path}: empty article")
    meta = {}
    sidecar = path.with_suffix(".json")
    if sidecar != path and sidecar.is_file():
        meta = _json(read_bytes(sidecar, max_bytes), str(sidecar))
        if not isinstance(meta, dict):
            raise InputError(f"{sidecar}: not a JSON object")
    if published is None and meta.get("published"):
        published = parse_date(meta["published"])
    if note:
        yield Notice(str(path), note)
    title, url = meta.get("title"), meta.get("url")
    yield Article(text=text, doc_id=doc_id, published=published, title=title if isinstance(title, str) else None,
                  source=url if isinstance(url, str) and url else str(path), lang=meta.get("lang", lang),
                  where=str(path))


def read_article(path: Path, published: dt.date | None = None, lang: str | None = None, *,
                 max_bytes: int = MAX_BYTES) -> Article:
    """One article from a text file (and its JSON sidecar, if any)."""
    path = Path(path)
    return next(a for a in _text_file(path, published, lang, _file_id(path, None), max_bytes)
                if isinstance(a, Article))


# --- corpora: folders, globs, JSON Lines, JSON arrays, zip archives, HTML pages, stdin --------------------

TEXT_SUFFIXES = {".txt", ".text", ""}
RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson"}
LINES_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
CORPUS_SUFFIXES = TEXT_SUFFIXES | RECORD_SUFFIXES | HTML_SUFFIXES | {".zip"}


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
    """An article identifier from an id or URL field (its scheme dropped: the IRI stays
    readable); empty when nothing is left (`http://`, `/`)."""
    return re.sub(r"^[a-z]+://(www\.)?", "", str(value).strip(), flags=re.IGNORECASE).rstrip("/")


def article_of_record(record, where: str, fields: FieldMap, published: dt.date | None, lang: str | None,
                      position_id: str | None = None) -> Article:
    """The Article of a JSON record; one without an identifier (or with one that is empty once
    its scheme is dropped) gets `position_id`, its file's identifier and its line or index."""
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
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, (str, int))):
        raise InputError(f"{where}: the id is not a string or a number")
    doc_id = (record_id(ident) if ident is not None else "") or position_id or where
    title = fields.pick(record, fields.title, USUAL_TITLE)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    return Article(text=clean(text), doc_id=doc_id, published=date, title=str(title) if title else None,
                   source=url or where, where=where,
                   lang=record.get("lang") if record.get("lang") not in (None, "") else lang)


def _lines(data: bytes, name: str, max_bytes: int):
    """(line number, bytes) of JSON Lines in memory, split at line feeds only (U+2028, U+2029
    and U+0085 are characters of a record)."""
    for n, line in enumerate(data.split(b"\n"), 1):
        yield n, line if len(line) <= max_bytes else None


def _stream_lines(stream, max_bytes: int):
    """(line number, bytes) of a JSON Lines stream, each line read up to `max_bytes` (None for
    a longer one, whose rest is skipped)."""
    n = 0
    while line := stream.readline(max_bytes + 1):
        n += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            line = None
        yield n, line if line is None else line.rstrip(b"\r\n")


def _line_records(lines, name: str, max_bytes: int):
    """(where, position, record | Rejected) of JSON Lines, after a Notice for each record
    that could not all be decoded: each line is decoded by itself."""
    for n, line in lines:
        where = f"{name}:{n}"
        if line is None:
            yield where, n, Rejected(where, too_large(where, max_bytes).args[0].removeprefix(f"{where}: "))
            continue
        if not line.strip():
            continue
        try:
            text, note = (line, None) if isinstance(line, str) else decode_text(line, where)
            if note:
                yield where, n, Notice(where, note)
            yield where, n, _json(text.lstrip("\ufeff"), where)
        except InputError as exc:
            yield where, n, Rejected(where, str(exc).removeprefix(f"{where}: "))


def _records(data: bytes, name: str, max_bytes: int):
    """(where, position, record | Rejected | Notice) of a file: a JSON array, one object, or
    JSON Lines."""
    head = data.lstrip(b" \t\r\n\xef\xbb\xbf")[:1]
    utf16 = data.startswith(_BOMS[1][0]) or data.startswith(_BOMS[2][0]) or b"\x00" in data[:4096]
    if utf16 or head == b"[" or (head == b"{" and Path(name).suffix.lower() not in LINES_SUFFIXES):
        text, note = decode_text(data, name)
        if note:
            yield name, 0, Notice(name, note)
        stripped = text.lstrip("\ufeff \t\r\n")
        if stripped[:1] == "[" or (stripped[:1] == "{" and Path(name).suffix.lower() not in LINES_SUFFIXES):
            try:
                value = _json(text.lstrip("\ufeff"), name)
            except InputError as exc:
                if stripped[:1] == "[" or "nested too deeply" in str(exc):
                    yield name, 0, Rejected(name, str(exc).removeprefix(f"{name}: "))
                    return
                value = None  # maybe JSON Lines after all
            if value is not None:
                for n, record in enumerate(value if isinstance(value, list) else [value]):
                    yield f"{name}#{n}", n, record
                return
        yield from _line_records(enumerate(text.split("\n"), 1), name, max_bytes)
        return
    yield from _line_records(_lines(data, name, max_bytes), name, max_bytes)


def _articles_of_records(records, base: str, fields: FieldMap, published, lang):
    for where, n, record in records:
        if isinstance(record, (Rejected, Notice)):
            yield record
            continue
        try:
            yield article_of_record(record, where, fields, published, lang, f"{base}-{n}")
        except InputError as exc:
            yield Rejected(where, str(exc).removeprefix(f"{where}: "))


def html_article(data: bytes, name: str, published: dt.date | None, lang: str | None, doc_id: str | None = None):
    """The text, title and date of a web page (trafilatura drops menus, ads and footers)."""
    import trafilatura

    markup, note = decode_text(data, name)
    page = trafilatura.bare_extraction(markup, with_metadata=True)
    text = getattr(page, "text", None) if page is not None else None
    if not text or not text.strip():
        raise InputError(f"{name}: no article text in the page")
    date = published or (parse_date(page.date) if getattr(page, "date", None) else None)
    if note:
        yield Notice(name, note)
    yield Article(text=clean(text), doc_id=doc_id or _file_id(Path(name), None), published=date,
                  title=page.title or None, source=getattr(page, "url", None) or name, lang=lang, where=name)


def _articles_of_bytes(data: bytes, name: str, base: str, fields: FieldMap, published, lang, max_bytes: int):
    suffix = Path(name).suffix.lower()
    if suffix in RECORD_SUFFIXES or (suffix not in HTML_SUFFIXES and data.lstrip()[:1] in (b"[", b"{")):
        yield from _articles_of_records(_records(data, name, max_bytes), base, fields, published, lang)
    elif suffix in HTML_SUFFIXES or data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        yield from html_article(data, name, published, lang, base)
    else:
        text, note = decode_text(data, name)
        text = clean(text)
        if not text.strip():
            raise InputError(f"{name}: empty article")
        if note:
            yield Notice(name, note)
        yield Article(text=text, doc_id=base, published=published, source=name, lang=lang, where=name)


def _json_lines_file(path: Path, base: str, fields: FieldMap, published, lang, max_bytes: int):
    """The articles of a JSON Lines file, streamed a record at a time (a UTF-16 one is read whole)."""
    try:
        stream = open(path, "rb")
    except OSError:
        read_bytes(path, max_bytes)  # says why, in one line
        raise
    with stream:
        head = stream.peek(4)[:4]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
            data = stream.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise too_large(str(path), max_bytes)
            yield from _articles_of_bytes(data, str(path), base, fields, published, lang, max_bytes)
            return
        records = _line_records(_stream_lines(stream, max_bytes), str(path), max_bytes)
        yield from _articles_of_records(records, base, fields, published, lang)


def _zip_articles(path: Path, base: str, fields: FieldMap, published, lang, max_bytes: int):
    import zipfile
    import zlib

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield Rejected(str(path), f"not a zip archive ({exc})")
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            member = info.filename
            if info.is_dir() or Path(member).suffix.lower() not in CORPUS_SUFFIXES - {".zip"}:
                continue
            name = f"{path}!{member}"
            member_id = f"{base}/{PurePosixPath(member).with_suffix('').as_posix().lstrip('/')}"
            try:
                if info.file_size > max_bytes:
                    raise too_large(name, max_bytes)
                with archive.open(info) as stream:
                    data = stream.read(max_bytes + 1)
                if len(data) > max_bytes:
                    raise too_large(name, max_bytes)
                yield from _articles_of_bytes(data, name, member_id, fields, published, lang, max_bytes)
            except InputError as exc:
                yield Rejected(name, str(exc).removeprefix(f"{name}: "))
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
                yield Rejected(name, f"cannot read the archive member ({exc})")


def _glob_root(spec: str) -> Path:
    """The folder a glob pattern starts in: its parts before the first wildcard."""
    parts = []
    for part in Path(spec).parts:
        if any(c in part for c in "*?["):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def _is_store(folder: Path, names: list[str]) -> bool:
    """Whether a folder holds a RocksDB store (an Oxigraph store kg or another tool built)."""
    return "CURRENT" in names and "IDENTITY" in names and any(n.startswith("MANIFEST-") for n in names)


def _files(spec: str) -> list[tuple[Path, Path | None]]:
    """The files an input names, each with the folder its identifier is relative to: a file
    (None), a folder (recursively), or a glob pattern."""
    path = Path(spec)
    if path.is_dir():
        found = []
        for folder, subfolders, names in os.walk(path):
            if _is_store(Path(folder), names):  # an Oxigraph store's files are not articles
                subfolders.clear()
                continue
            found += [Path(folder, n) for n in names if Path(n).suffix.lower() in CORPUS_SUFFIXES
                      and not n.startswith(".") and Path(folder, n).is_file()]
        found.sort()
        texts = {p.with_suffix("") for p in found if p.suffix.lower() in TEXT_SUFFIXES}
        return [(p, path) for p in found
                if not (p.suffix.lower() == ".json" and p.with_suffix("") in texts)]  # sidecars
    if path.exists() or not any(c in spec for c in "*?["):
        return [(path, None)]
    import glob

    root = _glob_root(spec)
    return [(Path(p), root) for p in sorted(glob.glob(spec, recursive=True)) if Path(p).is_file()]


def input_files(inputs: list[str]):
    """Every file reading `inputs` would read: the files, the sidecars beside the text files."""
    for spec in inputs:
        if spec == "-":
            continue
        for path, _root in _files(spec):
            yield path
            if path.suffix.lower() in TEXT_SUFFIXES:
                yield path.with_suffix(".json")


def read_corpus(inputs: list[str], fields: FieldMap = FieldMap(), published: dt.date | None = None,
                lang: str | None = None, stdin=None, max_bytes: int = MAX_BYTES):
    """Every article of the inputs, in order, as Articles; what cannot be read as Rejected;
    what was read with a change (characters that could not be decoded) after a Notice. An
    identifier already read in this run is Rejected too: two articles never share one graph;
    and so is an article whose language kg does not read, or not `lang` (when given).

    Streams: a JSON Lines file or a folder is read one record at a time."""
    from kg.language import check, language_of

    first: dict[str, tuple[str, str]] = {}
    for item in _read_inputs(inputs, fields, published, lang, stdin, max_bytes):
        if isinstance(item, Article):
            where = item.where or item.source or item.doc_id
            try:
                item.lang = language_of(item.text, None if item.lang is None else check(item.lang))
            except ValueError as exc:  # an unknown language name, or text in a language kg does not read
                yield Rejected(where, str(exc))
                continue
            digest = hashlib.sha1(item.text.encode("utf-8", "surrogatepass")).hexdigest()
            if item.doc_id in first:
                earlier, earlier_digest = first[item.doc_id]
                if earlier_digest == digest:
                    item = Rejected(where, f"duplicate id {item.doc_id!r}: the same text as {earlier} (read once)")
                else:
                    item = Rejected(where, f"duplicate id {item.doc_id!r}: {earlier} has it, with another text "
                                           f"(not built: give each article its own id)")
            else:
                first[item.doc_id] = (where, digest)
        yield item


def _guarded(name: str, articles):
    """The items of a generator (a function of no arguments that makes one); an InputError it
    raises becomes a Rejected for `name`."""
    try:
        yield from articles()
    except InputError as exc:
        yield Rejected(name, str(exc).removeprefix(f"{name}: "))


def _read_inputs(inputs: list[str], fields: FieldMap, published: dt.date | None, lang: str | None, stdin,
                 max_bytes: int):
    for spec in inputs:
        if spec == "-":
            import sys

            def from_stdin():
                data = (stdin or sys.stdin.buffer).read(max_bytes + 1)
                if len(data) > max_bytes:
                    raise too_large("stdin", max_bytes)
                yield from _articles_of_bytes(data, "stdin", "stdin", fields, published, lang, max_bytes)

            yield from _guarded("stdin", from_stdin)
            continue
        paths = _files(spec)
        if not paths:
            yield Rejected(spec, "no file matches")
        for path, root in paths:
            base, suffix, name = _file_id(path, root), path.suffix.lower(), str(path)
            if suffix == ".zip":
                yield from _zip_articles(path, base, fields, published, lang, max_bytes)
            elif suffix in LINES_SUFFIXES:
                yield from _guarded(name, lambda: _json_lines_file(path, base, fields, published, lang, max_bytes))
            elif suffix in TEXT_SUFFIXES and suffix != "":
                yield from _guarded(name, lambda: _text_file(path, published, lang, base, max_bytes))
            else:
                yield from _guarded(name, lambda: _articles_of_bytes(read_bytes(path, max_bytes), name, base, fields,
                                                                     published, lang, max_bytes))
