"""`kg evaluate`: what the pipeline finds, scored against annotated articles.

The matching follows the rules of the annotation guidelines (and of the project's external
scorer): names are compared after Arabic normalization, the article and honorifics dropped,
and a name matches a longer or shorter form that covers at least two thirds of its words;
an entity found twice counts once as found and once as false; a role matches on its holder
and its title words; an event matches a gold event of the same CAMEO root that shares an
agent (where gold names none, a patient; where none, a place; where no participant, the root
alone), the pairs that share most (and the same day) first; an unmatched predicted event of
root 01 is not counted against precision.

Gold documents are dicts in the form of the evaluation's gold files: persons, organizations
and locations as {name, aliases, optional}, roles as {person, role, of, former}, events as
{cameo_root, agents, patients, locations, date}, all by name.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.model import LOCATION, ORGANIZATION, PERSON, Extraction
from kg.normalize import normalize_text

CATEGORIES = {"persons": PERSON, "organizations": ORGANIZATION, "locations": LOCATION}
HONORIFICS = {"الشيخ", "شيخ", "السيد", "سيد", "السيده", "الحاج", "الدكتور", "د", "سمو", "السمو", "جلاله",
              "فخامه"}
TABLE = ("persons", "organizations", "locations", "roles", "events", "event-types")


def _words(name: str) -> tuple[str, ...]:
    out = []
    for w in normalize_text(name).replace("_", " ").split():
        if w in HONORIFICS:
            continue
        out.append(w[2:] if w.startswith("ال") and len(w) > 3 else w)
    return tuple(out)


def _contains(long_: tuple, short: tuple) -> bool:
    return any(long_[i:i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def same_name(a: str, b: str) -> bool:
    """Two names of one entity: equal, or the shorter is a run of at least 2/3 of the longer's words."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    short, long_ = sorted((wa, wb), key=len)
    return len(short) >= 2 and len(short) / len(long_) >= 2 / 3 and _contains(long_, short)


def title_covers(label: str, gold_title: str) -> bool:
    """A role label matches a gold title that it contains, in order (وزير الخارجية المصري ⊇ وزير الخارجية)."""
    g, t = _words(gold_title), _words(label)
    return bool(g) and _contains(t, g)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    @property
    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in TABLE})
    ratios: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in
                                                                   ("roles.of", "roles.former", "events.date")})
    errors: list[str] = field(default_factory=list)
    documents: int = 0
    outcomes: list[tuple] = field(default_factory=list)  # (category, fact, right, extraction) per prediction

    def table(self) -> str:
        lines = [f"{'category':<14} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn"]
        for k in TABLE:
            t = self.tallies[k]
            p, r, f = t.prf
            lines.append(f"{k:<14} {p:6.3f} {r:6.3f} {f:6.3f}   {t.tp}/{t.fp}/{t.fn}")
        for k, (ok, n) in self.ratios.items():
            lines.append(f"{k:<14} {ok}/{n} correct")
        lines.append(f"documents {self.documents}")
        return "\n".join(lines)

    def figures(self) -> dict:
        out = {k: dict(zip(("p", "r", "f1"), (round(x, 4) for x in t.prf)), tp=t.tp, fp=t.fp, fn=t.fn)
               for k, t in self.tallies.items()}
        out.update({k: {"correct": ok, "of": n} for k, (ok, n) in self.ratios.items()})
        out["documents"] = self.documents
        return out


def _roots(value) -> set[str]:
    values = value if isinstance(value, (list, tuple)) else [value]
    return {str(v).zfill(2)[:2] for v in values if v is not None}


def score_document(pred: Extraction, gold: dict, scores: Scores) -> None:
    """Add one article's counts to `scores` (errors are noted as lines of text)."""
    scores.documents += 1
    err = scores.errors.append
    gold_of_key: dict[str, str] = {}  # predicted entity key → the gold name it was matched to
    all_gold = []
    for category, kind in CATEGORIES.items():
        golds = [[g["name"], *g.get("aliases", [])] for g in gold.get(category, [])]
        optional = {i for i, g in enumerate(gold.get(category, [])) if g.get("optional")}
        all_gold += golds
        used: set[int] = set()
        tp = fp = 0
        for entity in sorted((e for e in pred.entities if e.kind == kind), key=lambda e: e.key):
            labels = {entity.name, *entity.labels}
            hit = next((i for i, names in enumerate(golds) if i not in used
                        and any(same_name(a, b) for a in labels for b in names)), None)
            scores.outcomes.append((category, entity, hit is not None, pred))
            if hit is None:
                fp += 1
                err(f"{category} FP: {' | '.join(sorted(labels))}")
                continue
            used.add(hit)
            tp += hit not in optional
            gold_of_key[entity.key] = golds[hit][0]
        missed = [i for i in range(len(golds)) if i not in optional and i not in used]
        for i in missed:
            err(f"{category} FN: {golds[i][0]}")
        scores.tallies[category].add(tp, fp, len(missed))

    by_key = {e.key: e for e in pred.entities}

    def gold_name(key: str | None) -> str | None:
        if key is None:
            return None
        if key in gold_of_key:
            return gold_of_key[key]
        entity = by_key.get(key)
        labels = {entity.name, *entity.labels} if entity else {key}
        return next((names[0] for names in all_gold if any(same_name(a, b) for a in labels for b in names)), None)

    # Roles
    gold_roles = gold.get("roles", [])
    used = set()
    tp = fp = 0
    for role in pred.roles:
        person = gold_name(role.holder)
        of = gold_name(role.of) if role.of else None

        def of_right(g) -> bool:
            return bool(g.get("of")) and of is not None and same_name(of, g["of"])

        candidates = [i for i, g in enumerate(gold_roles) if i not in used and person is not None
                      and same_name(person, g["person"]) and title_covers(role.title, g["role"])]
        hit = next((i for i in candidates if of_right(gold_roles[i])), candidates[0] if candidates else None)
        scores.outcomes.append(("roles", role, hit is not None, pred))
        if hit is None:
            fp += 1
            err(f"roles FP: {person or role.holder} = {role.title}")
            continue
        used.add(hit)
        tp += 1
        g = gold_roles[hit]
        if g.get("of"):
            scores.ratios["roles.of"][1] += 1
            if of_right(g):
                scores.ratios["roles.of"][0] += 1
            else:
                err(f"roles.of wrong: {g['person']} = {g['role']} of {g['of']}, got {of}")
        scores.ratios["roles.former"][0] += int(bool(g.get("former")) == role.former)
        scores.ratios["roles.former"][1] += 1
    for i, g in enumerate(gold_roles):
        if i not in used:
            err(f"roles FN: {g['person']} = {g['role']} of {g.get('of')}")
    scores.tallies["roles"].add(tp, fp, len(gold_roles) - len(used))

    # Events
    gold_events = gold.get("events", [])
    predicted = []
    for event in pred.events:
        names = {part: {gold_name(k) or "?" + k for k in getattr(event, attr)}
                 for part, attr in (("agents", "agents"), ("patients", "patients"), ("locations", "places"))}
        predicted.append((_roots(event.cameo), names, event.date.isoformat() if event.date else None, event))

    def shared(gold_names, pred_names) -> int:
        return sum(1 for a in gold_names if any(not n.startswith("?") and same_name(a, n) for n in pred_names))

    def preference(g, p) -> int | None:
        roots, names, date, _ = p
        if not _roots(g["cameo_root"]) & roots:
            return None
        counts = {part: shared(g.get(part) or [], names[part]) for part in names}
        for part in ("agents", "patients", "locations"):
            if g.get(part):
                if not counts[part]:
                    return None
                break
        return 2 * sum(counts.values()) + int(bool(g.get("date")) and g.get("date") == date)

    pairs = sorted(((s, k, i) for k, p in enumerate(predicted) for i, g in enumerate(gold_events)
                    if (s := preference(g, p)) is not None), key=lambda t: (-t[0], t[1], t[2]))
    match: dict[int, int] = {}
    used = set()
    for _, k, i in pairs:
        if k not in match and i not in used:
            match[k] = i
            used.add(i)
    tp = fp = 0
    for k, (roots, names, date, event) in enumerate(predicted):
        if k not in match and roots <= {"01"}:
            continue  # (an unmatched statement counts neither way)
        scores.outcomes.append(("events", event, k in match, pred))
        if k not in match:
            fp += 1
            err(f"events FP: {event.cameo} '{event.trigger}' agents={sorted(names['agents'])} "
                f"patients={sorted(names['patients'])}")
            continue
        tp += 1
        g = gold_events[match[k]]
        if g.get("date"):
            scores.ratios["events.date"][1] += 1
            scores.ratios["events.date"][0] += int(g["date"] == date)
    for i, g in enumerate(gold_events):
        if i not in used:
            err(f"events FN: {sorted(_roots(g['cameo_root']))} '{g.get('trigger', '')}' agents={g.get('agents')} "
                f"patients={g.get('patients')}")
    scores.tallies["events"].add(tp, fp, len(gold_events) - len(used))
    type_pred = Counter(r for roots, *_ in predicted for r in roots)
    type_gold = Counter(sorted(_roots(g["cameo_root"]))[0] if isinstance(g["cameo_root"], str)
                        else str(g["cameo_root"][0]).zfill(2) for g in gold_events)
    t = sum(min(type_pred[r], n) for r, n in type_gold.items())
    scores.tallies["event-types"].add(t, sum(type_pred.values()) - t, sum(type_gold.values()) - t)



def gold_records(path, data_dir=None) -> list[tuple[dict, str, str | None]]:
    """(gold document, text, published) of every article of a file: kg's aligned corpus
    (corpus/*.jsonl; stand-off texts joined from `data_dir`) or gold files of the evaluation's form."""
    import json
    from pathlib import Path

    from kg.annotation import gold_document, read_corpus, source_texts

    lines = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if lines and "entities" in lines[0]:
        needed = {r["doc_id"] for r in lines if r.get("text") is None}
        texts = source_texts(data_dir, needed) if needed and data_dir else {}
        return [(gold_document(r), r["text"], r.get("published")) for r in read_corpus(path, texts)]
    return [(d, d["text"], d.get("published")) for d in lines]


def evaluate(golds, *, lang: str = "ar", nlp=None, calibrate: bool = True) -> Scores:
    """Run the pipeline on every article and score it."""
    import datetime as dt

    from kg.extract import extract

    scores = Scores()
    for gold, text, published in golds:
        day = dt.date.fromisoformat(published) if published else None
        before = len(scores.errors)
        score_document(extract(text, day, lang=lang, doc_id=gold.get("id"), nlp=nlp, calibrate=calibrate), gold, scores)
        if len(scores.errors) > before:
            scores.errors.insert(before, f"--- {gold.get('id')}")
    return scores


def main(argv=None) -> int:
    import argparse
    import json
    from pathlib import Path

    p = argparse.ArgumentParser(prog="kg evaluate", description="Score the pipeline on annotated articles.")
    p.add_argument("corpus", nargs="+", type=Path, help="aligned corpus files (corpus/test.jsonl) or gold files")
    p.add_argument("--data", type=Path, default=Path("../shared/data"),
                   help="where the stand-off articles' sources are (default ../shared/data)")
    p.add_argument("--show-errors", action="store_true")
    p.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = p.parse_args(argv)
    golds = [g for path in args.corpus for g in gold_records(path, args.data)]
    scores = evaluate(golds)
    if args.show_errors:
        print("\n".join(scores.errors))
    print(scores.table())
    from kg.calibration import reliability

    sure = reliability(scores.outcomes)
    print("confidence >= 0.8: " + ", ".join(f"{c} {right}/{n} right" + (f" ({right / n:.0%})" if n else "")
                                           for c, (n, right) in sure.items()))
    if args.json:
        args.json.write_text(json.dumps(scores.figures(), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
