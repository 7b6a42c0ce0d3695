"""Annotated articles: the numbering of sentences that annotations point to.

An annotation (corpus/annotations/*.jsonl) names entities, roles and events by their
words and by the number of the sentence they stand in; `split_sentences` is the one
numbering both the annotation batches and the alignment use.
"""
from __future__ import annotations

import bisect
import re

_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+|\n+")


def document_text(title: str | None, body: str) -> str:
    """An article as kg reads it: its title, a blank line, its body (kg.normalize.clean'ed)."""
    from kg.normalize import clean

    body, title = clean(body).strip(), clean(title or "")
    title = " ".join(title.split())
    if not title or body.startswith(title):
        return body
    return f"{title}\n\n{body}"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of every sentence: ends at . ! ? ؟ … before a space, and at line breaks."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# --- Aligning an annotation's words to the text -------------------------------------------

_DROP = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u061c\u200b-\u200f\u202a-\u202e"
                   "\u2060-\u2069\ufeff\u00ad]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
                       "«": '"', "»": '"', "“": '"', "”": '"', "‘": "'", "’": "'"})
KINDS = {"persons": "person", "organizations": "organization", "locations": "location"}


def folded(text: str) -> tuple[str, list[int]]:
    """The text in comparison form (no diacritics or tatweel, one alef, ه for ة, one space for
    any run of white space) and, for each of its characters, the offset it came from."""
    out, where, space = [], [], False
    for i, ch in enumerate(text):
        if _DROP.match(ch):
            continue
        if ch.isspace():
            if not space and out:
                out.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        out.append(ch.translate(_FOLD).lower())
        where.append(i)
    return "".join(out), where


def fold(text: str) -> str:
    return folded(text)[0].strip()


def _pattern(form: str) -> re.Pattern:
    """A form with the clitics that may stand before it (و ف ب ك ل, لل for ل + ال)."""
    f = re.escape(form)
    alts = [rf"(?:[وف]?[بكل]?)(?P<w>{f})"]
    if form.startswith("ال") and len(form) > 3:
        alts.append(rf"[وف]?لل(?P<w2>{re.escape(form[2:])})")
    return re.compile(rf"(?<!\w)(?:{'|'.join(alts)})(?!\w)")


def find_all(form: str, text_folded: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """[start, end) in the folded text of every occurrence of a form (clitics before it left out)."""
    form = fold(form)
    if not form:
        return []
    out = []
    for m in _pattern(form).finditer(text_folded, start, len(text_folded) if end is None else end):
        g = "w" if m.group("w") is not None else "w2"
        out.append((m.start(g), m.end(g)))
    return out


def align(doc_id: str, text: str, ann: dict) -> tuple[dict, list[str]]:
    """An annotation (names, sentence numbers, trigger and title words) turned into offsets.

    Gives the aligned record (see corpus/README.md) and a list of what could not be aligned.
    Every occurrence of every name and alias is a mention, the longest first where two overlap.
    """
    problems: list[str] = []
    sentences = split_sentences(text)
    tf, where = folded(text)

    def to_text(a: int, b: int) -> tuple[int, int]:
        return where[a], where[b - 1] + 1

    def sentence_span(n) -> tuple[int, int] | None:
        if not isinstance(n, int) or not 1 <= n <= len(sentences):
            return None
        s, e = sentences[n - 1]
        return bisect.bisect_left(where, s), bisect.bisect_left(where, e)

    def sentence_of(start: int) -> int:
        return next((i for i, (s, e) in enumerate(sentences) if s <= start < e), 0)

    entities, by_form, candidates = [], {}, []
    for field_name, kind in KINDS.items():
        for item in ann.get(field_name) or []:
            name = (item.get("name") or "").strip()
            if not name:
                problems.append(f"{field_name}: an entry without a name")
                continue
            key = fold(name)
            forms = [name] + [a for a in item.get("aliases") or [] if a and a.strip()]
            entity = {"key": key, "kind": kind, "name": name, "labels": sorted(set(forms) - {name}),
                      "mentions": [], "optional": bool(item.get("optional"))}
            entities.append(entity)
            for form in forms:
                f = fold(form)
                other = by_form.get(f)
                if other is not None and other is not entity:
                    problems.append(f"'{form}' names two entities ({other['name']}, {name})")
                    continue
                by_form[f] = entity
                spans = find_all(f, tf)
                if not spans and not entity["optional"]:
                    problems.append(f"{kind} '{name}': the form '{form}' is not in the text")
                candidates += [(a, b, entity) for a, b in spans]
    taken: list[tuple[int, int]] = []
    for a, b, entity in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if any(a < y and x < b for x, y in taken):
            continue
        taken.append((a, b))
        s, e = to_text(a, b)
        entity["mentions"].append({"start": s, "end": e, "text": text[s:e], "sentence": sentence_of(s)})
    for entity in entities:
        entity["mentions"].sort(key=lambda m: m["start"])

    def key_of(name, what) -> str | None:
        entity = by_form.get(fold(name or ""))
        if entity is None:
            problems.append(f"{what}: '{name}' is not in the entity lists")
            return None
        return entity["key"]

    def mention_in(n, words, what) -> dict | None:
        span = sentence_span(n)
        if span is None:
            problems.append(f"{what}: no sentence [{n}]")
            return None
        hits = find_all(words or "", tf, *span) if words else []
        if not hits:  # words inside a longer word (a trigger with a pronoun on it)
            f = fold(words or "")
            i = tf.find(f, *span) if f else -1
            hits = [(i, i + len(f))] if i >= 0 else []
        if not hits:
            problems.append(f"{what}: '{words}' is not in sentence [{n}]")
            return None
        s, e = to_text(*hits[0])
        return {"start": s, "end": e, "text": text[s:e], "sentence": n - 1}

    roles = []
    for r in ann.get("roles") or []:
        holder = key_of(r.get("person"), "role holder")
        title = (r.get("role") or "").strip()
        if holder is None or not title:
            continue
        of = key_of(r["of"], "role of") if r.get("of") else None
        m = mention_in(r.get("sentence"), r.get("text") or title, f"role '{title}' of '{r.get('person')}'")
        roles.append({"holder": holder, "title": title, "of": of, "former": bool(r.get("former")),
                      "mentions": [m] if m else []})

    events = []
    for ev in ann.get("events") or []:
        roots = ev.get("cameo_root")
        roots = [roots] if isinstance(roots, str) else list(roots or [])
        code = str(ev.get("cameo") or (roots[0] if roots else ""))
        if not roots or not all(isinstance(x, str) and len(x) == 2 and x.isdigit() and 1 <= int(x) <= 20
                                for x in roots) or not code.startswith(roots[0]):
            problems.append(f"event '{ev.get('trigger')}': bad cameo_root {roots!r} / cameo {code!r}")
            continue
        mentions = []
        for t in [ev] + list(ev.get("also") or []):
            m = mention_in(t.get("sentence"), t.get("trigger"), f"event '{t.get('trigger')}'")
            if m:
                mentions.append(m)
        args = {k: [x for x in (key_of(n, f"event '{ev.get('trigger')}' {k}") for n in ev.get(k) or []) if x]
                for k in ("agents", "patients", "locations")}
        date = ev.get("date")
        if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
            problems.append(f"event '{ev.get('trigger')}': bad date {date!r}")
            date = None
        events.append({"cameo": code, "roots": roots, "trigger": ev.get("trigger") or "",
                       "agents": args["agents"], "patients": args["patients"], "places": args["locations"],
                       "date": date, "mentions": mentions})
    record = {"doc_id": doc_id, "sentences": sentences, "entities": entities, "roles": roles, "events": events}
    return record, problems


# --- The aligned corpus -----------------------------------------------------------------------

def text_digest(text: str) -> str:
    import hashlib
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def gold_document(record: dict) -> dict:
    """An aligned record in the form of the evaluation's gold files (everything by name)."""
    name = {e["key"]: e["name"] for e in record["entities"]}
    gold = {"id": record["doc_id"], "published": record.get("published")}
    for field_name, kind in KINDS.items():
        gold[field_name] = [{"name": e["name"], "aliases": e["labels"], **({"optional": True} if e["optional"] else {})}
                            for e in record["entities"] if e["kind"] == kind]
    gold["roles"] = [{"person": name[r["holder"]], "role": r["title"], "former": r["former"],
                      **({"of": name[r["of"]]} if r.get("of") else {})} for r in record["roles"]]
    gold["events"] = [{"cameo_root": e["roots"] if len(e["roots"]) > 1 else e["roots"][0], "trigger": e["trigger"],
                       "agents": [name[k] for k in e["agents"]], "patients": [name[k] for k in e["patients"]],
                       "locations": [name[k] for k in e["places"]], **({"date": e["date"]} if e.get("date") else {})}
                      for e in record["events"]]
    return gold


SOURCES = ("ant/ant-v1.1.jsonl.gz", "kacst/kacst-newspapers.jsonl.gz")


def source_texts(data_dir, ids=None) -> dict[str, str]:
    """Articles of the corpus's sources (ANT, KACST under `data_dir`) as kg reads them, by id."""
    import gzip
    import json
    from pathlib import Path

    texts = {}
    for name in SOURCES:
        path = Path(data_dir) / name
        if not path.exists():
            continue
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                if (ids is None or a["id"] in ids) and a["id"] not in texts:
                    texts[a["id"]] = document_text(a.get("title"), a["text"])
    return texts


def read_corpus(path, texts: dict[str, str] | None = None) -> list[dict]:
    """The records of an aligned corpus file, each with its text: a record that carries none
    (stand-off, KACST) takes it from `texts` (id → text), checked against its digest."""
    import json
    from pathlib import Path

    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if record.get("text") is None:
            text = (texts or {}).get(record["doc_id"])
            if text is None or text_digest(text) != record["text_sha1"]:
                raise ValueError(f"{path}: no text for the stand-off record {record['doc_id']} "
                                 "(its source is read from ../shared/data)")
            record["text"] = text
        out.append(record)
    return out


def record_extraction(record: dict):
    """An aligned record as kg's Extraction (optional entities left out, as a graph would)."""
    import datetime as dt

    from kg.model import Entity, Event, Extraction, Mention, Role

    def mention(m: dict) -> Mention:
        return Mention(m["start"], m["end"], m["text"], m.get("sentence", 0))

    x = Extraction(doc_id=record["doc_id"], text=record.get("text") or "", sentences=[tuple(s) for s in record["sentences"]],
                   published=dt.date.fromisoformat(record["published"]) if record.get("published") else None)
    x.entities = [Entity(e["key"], e["kind"], e["name"], set(e["labels"]), [mention(m) for m in e["mentions"]])
                  for e in record["entities"] if not e["optional"]]
    x.roles = [Role(r["holder"], r["title"], of=r.get("of"), former=r["former"], mentions=[mention(m) for m in r["mentions"]])
               for r in record["roles"]]
    x.events = [Event(e["cameo"], e["trigger"], list(e["agents"]), list(e["patients"]), list(e["places"]),
                      dt.date.fromisoformat(e["date"]) if e.get("date") else None, mentions=[mention(m) for m in e["mentions"]])
                for e in record["events"]]
    return x
