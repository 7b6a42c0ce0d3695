"""Learned event extraction: triggers typed by CAMEO root, and who took part, learned from kg's corpus.

Two linear models (multinomial logistic regression), trained by `kg train events` on the
annotated corpus (corpus/train.jsonl) and shipped as their weights in kg/models/ar_events/:

- the trigger model reads every word with the features a linguist reads a news sentence by
  (the word, its stem without clitics, its prefixes and endings, the words around it, the
  trigger table's root for it and its neighbours, the entity kinds around it) and says whether
  it names an event, and of which CAMEO root;
- the argument model reads every (trigger, entity mention) pair of a sentence (order,
  distance, the preposition or clitic before the name, what stands between, the entity's kind,
  the trigger's word, root, voice and definiteness) as agent, patient, place or nothing.

Applying them needs only numpy and the weights; fitting them needs scikit-learn (the `train`
extra). `read_events` turns their readings into events, with the day, counts and merging of
kg.events. The models were measured against a spaCy tagger trained by `spacy train` on the same
corpus (see kg/models/ar_events/README.md): with a few hundred articles the linear models win.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from kg.events import Actor
from kg.normalize import is_passive_form

NONE = "O"
ARGUMENT_LABELS = ("none", "agent", "patient", "place")
TRIGGER_KEY = "kg_trigger_model"
CLAUSE_MARKS = {",", "،", ":", "؛", ";", "(", ")", "-", '"', "«", "»"}
CLAUSE_WORDS = {"فيما", "بينما", "حيث", "بعدما", "عندما", "حين", "لكن", "ولكن", "كما", "ان", "انه", "انها", "بان",
                "وان", "انهم", "قال", "وقال", "واضاف", "اضاف", "واكد", "اكد", "الذي", "التي", "الذين"}
PASSIVE_AUXILIARIES = {"تم", "يتم", "جري", "يجري", "وتم"}
# Clitics a word may begin with, longest first (stems are compared without them).
PROCLITICS = ("وبال", "فبال", "وال", "فال", "بال", "لل", "ال", "وب", "ول", "و", "ف", "ب", "ل")


class LinearModel:
    """A multinomial logistic regression over string features: probabilities of its labels."""

    def __init__(self, labels: list[str], features: list[str], weights: numpy.ndarray, bias: numpy.ndarray):
        self.labels = list(labels)
        self.index = {f: i for i, f in enumerate(features)}
        self.weights = weights.astype(numpy.float32)
        self.bias = bias.astype(numpy.float32)

    def probabilities(self, features: list[str]) -> numpy.ndarray:
        return self.batch([features])[0]

    def batch(self, examples: list[list[str]]) -> numpy.ndarray:
        """The probabilities of many examples at once (one gather and sum over the weights)."""
        index = self.index
        rows, starts = [], []
        for features in examples:
            starts.append(len(rows))
            rows += [index[f] for f in features if f in index]
            rows.append(0)  # (a row of its own, taken back out below: no example is empty)
        rows = numpy.asarray(rows, dtype=numpy.int64)
        scores = numpy.add.reduceat(self.weights[rows], numpy.asarray(starts, dtype=numpy.int64), axis=0)
        scores -= self.weights[0]
        scores += self.bias
        scores = numpy.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def to_disk(self, path: Path) -> None:
        features = sorted(self.index, key=self.index.get)
        with open(path, "wb") as f:
            numpy.savez_compressed(f, labels=numpy.array(self.labels), features=numpy.array(features),
                                   weights=self.weights.astype(numpy.float16), bias=self.bias)

    @classmethod
    def from_disk(cls, path: Path) -> "LinearModel":
        with numpy.load(path, allow_pickle=False) as data:
            return cls([str(x) for x in data["labels"]], [str(x) for x in data["features"]],
                       data["weights"].astype(numpy.float32), data["bias"])

    @classmethod
    def fit(cls, examples: list[tuple[list[str], str]], c: float = 1.0, min_count: int = 1) -> "LinearModel":
        """Fit on (features, label) pairs (scikit-learn's LogisticRegression, L2, lbfgs)."""
        from collections import Counter

        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression

        counts = Counter(f for feats, _ in examples for f in set(feats))
        features = sorted(f for f, n in counts.items() if n >= min_count)
        index = {f: i for i, f in enumerate(features)}
        rows, cols = [], []
        for r, (feats, _) in enumerate(examples):
            js = sorted({index[f] for f in feats if f in index})
            rows += [r] * len(js)
            cols += js
        x = csr_matrix((numpy.ones(len(rows), dtype=numpy.float32), (rows, cols)), shape=(len(examples), len(features)))
        labels = sorted({label for _, label in examples})
        y = [labels.index(label) for _, label in examples]
        clf = LogisticRegression(C=c, max_iter=5000)
        clf.fit(x, y)
        coef, bias = clf.coef_, clf.intercept_
        if len(labels) == 2:  # one row of weights for two labels
            coef, bias = numpy.vstack([-coef[0] / 2, coef[0] / 2]), numpy.array([-bias[0] / 2, bias[0] / 2])
        return cls(labels, features, numpy.asarray(coef).T, numpy.asarray(bias))


# --- Features ------------------------------------------------------------------------------------

def stem(norm: str) -> str:
    """A word without the conjunctions, prepositions and article glued to it (وبالاعتقال → اعتقال)."""
    for p in PROCLITICS:
        if norm.startswith(p) and len(norm) - len(p) >= 3:
            return norm[len(p):]
    return norm


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-5" if n < 6 else "6-8" if n < 9 else "9-12" if n < 13 else "13+"


def word_features(doc: Doc, table: dict[int, str], kinds: dict[int, str]) -> list[list[str]]:
    """For every word of a Doc, what tells whether it names an event: the word, its stem and
    shape, its neighbours, the trigger table's root for it and them (`table`), the entity kinds
    around it (`kinds`)."""
    norms = [t.norm_ for t in doc]
    stems = [stem(n) for n in norms]
    n_tokens = len(doc)
    out = []
    for i in range(n_tokens):
        n, s = norms[i], stems[i]
        f = ["bias", "n=" + n, "s=" + s, "p2=" + s[:2], "p3=" + s[:3], "x3=" + s[-3:], "x2=" + s[-2:], "x1=" + s[-1:],
             f"len={min(len(s), 8)}", f"art={n != s and 'ال' in n[:4]}", "lex=" + table.get(i, "-"),
             f"lexany={i in table}", "ent=" + kinds.get(i, "-"), f"start={doc[i].is_sent_start}"]
        for k in (-3, -2, -1, 1, 2, 3):
            j = i + k
            inside = 0 <= j < n_tokens
            f.append(f"w{k}={norms[j] if inside else '<>'}")
            if abs(k) <= 2:
                f += [f"w{k}s={stems[j] if inside else '<>'}", f"lex{k}=" + table.get(j, "-"), f"ent{k}=" + kinds.get(j, "-")]
        nxt = stems[i + 1] if i + 1 < n_tokens else "<>"
        f += [f"s|w1={s}|{nxt}", f"s|ent1={s}|{kinds.get(i + 1, '-')}"]
        out.append(f)
    return out


def pair_features(doc: Doc, trigger: tuple[int, int], root: str, cand: Actor, others: list[Actor]) -> list[str]:
    """What a reader of the clause looks at to say how an entity takes part in an event."""
    ts, te = trigger
    after = cand.start >= te
    side = "A" if after else "B"
    lo, hi = (te, cand.start) if after else (cand.end, ts)
    gap = max(0, hi - lo)
    between = [doc[i].norm_ for i in range(lo, hi)]
    n_between = sum(1 for o in others if o is not cand and lo <= o.start and o.end <= hi)
    nearest = not n_between
    marks = sum(1 for w in between if w in CLAUSE_MARKS)
    words = sum(1 for w in between if w in CLAUSE_WORDS)
    first = doc[ts]
    tw = stem(first.norm_) if first.norm_[:1] in "وف" else first.norm_
    definite = first.norm_ != stem(first.norm_) and "ال" in first.norm_[:4]
    passive = is_passive_form(first.text) or (ts > 0 and doc[ts - 1].norm_ in PASSIVE_AUXILIARIES)
    verbish = not definite and tw[:1] in "يتنا" and not tw.endswith("ه")
    prep = cand.preposition or "-"
    prev = doc[cand.start - 1].norm_ if cand.start > 0 else "^"
    d = _bucket(gap)
    k = cand.kind
    f = [
        "bias", f"side={side}", f"side={side}|d={d}", f"side={side}|n={min(n_between, 3)}", f"side={side}|near={nearest}",
        f"side={side}|marks={min(marks, 2)}", f"side={side}|cw={min(words, 2)}",
        f"side={side}|prep={prep}", f"side={side}|prep={prep}|near={nearest}", f"side={side}|kind={k}",
        f"side={side}|kind={k}|prep={prep}", f"side={side}|kind={k}|near={nearest}",
        f"root={root}", f"root={root}|side={side}", f"root={root}|side={side}|prep={prep}",
        f"root={root}|side={side}|kind={k}", f"root={root}|side={side}|near={nearest}", f"root={root}|side={side}|d={d}",
        f"tw={tw}|side={side}", f"tw={tw}|side={side}|prep={prep}", f"tw={tw}|side={side}|kind={k}",
        f"def={definite}|side={side}", f"def={definite}|side={side}|d={d}", f"def={definite}|side={side}|prep={prep}",
        f"pass={passive}|side={side}", f"pass={passive}|side={side}|near={nearest}",
        f"verb={verbish}|side={side}|near={nearest}", f"verb={verbish}|side={side}|d={d}",
        f"prev={prev}|side={side}", f"kind={k}|prev={prev}",
        f"genitive={after and gap == 0 and prep == '-'}|def={definite}|root={root}",
    ]
    if gap <= 3:
        f += [f"btw={w}|side={side}" for w in between]
    if te - ts > 1:
        f.append(f"tw2={doc[ts + 1].norm_}|side={side}")
    return f


def earlier_features(doc: Doc, trigger: tuple[int, int], root: str, cand: Actor, earlier: list[Actor],
                     here: list[Actor]) -> list[str]:
    """An entity of the sentence before the trigger's: the story's actor going on (وأضاف ...)."""
    ts = trigger[0]
    sent_start = doc[ts].sent.start
    opening = ts - sent_start <= 1
    first = cand is next((a for a in earlier if a.kind == cand.kind), None)
    last = cand is earlier[-1]
    k, actors_here = cand.kind, min(len(here), 2)
    tw = stem(doc[ts].norm_)
    return ["far", f"far|kind={k}", f"far|kind={k}|open={opening}", f"far|kind={k}|here={actors_here}",
            f"far|root={root}|kind={k}", f"far|root={root}|open={opening}|here={actors_here}", f"far|first={first}|kind={k}",
            f"far|last={last}|kind={k}", f"far|prep={cand.preposition or '-'}", f"far|tw={tw}", f"far|tw={tw}|kind={k}"]


def sentence_actors(doc: Doc, actors: list[Actor], start: int, end: int) -> tuple[list[Actor], list[Actor]]:
    """The actors of a trigger's sentence (but the trigger's own words), and of the sentence before."""
    sent = doc[start].sent
    here = [a for a in actors if sent.start <= a.start and a.end <= sent.end and not (a.start < end and start < a.end)]
    before = doc[sent.start - 1].sent if sent.start > 0 else None
    earlier = [a for a in actors if before is not None and before.start <= a.start and a.end <= before.end]
    return here, earlier


def table_roots(doc: Doc) -> dict[int, str]:
    """The root the trigger table (kg_triggers) gives the words that begin a trigger."""
    return {s.start: s.label_[:2] for s in doc.spans.get("kg_triggers", [])}


def entity_kinds(doc: Doc) -> dict[int, str]:
    return {i: e.label_ for e in doc.ents for i in range(e.start, e.end)}


def candidate_tokens(doc: Doc):
    return (t.i for t in doc if not (t.is_space or t.is_punct or t.like_num))


# --- The component ------------------------------------------------------------------------------

class EventModel:
    """spaCy component "kg_event_model": the trained models of a folder (triggers.npz,
    arguments.npz). On a Doc it marks the words the trigger model reads as events (label: the
    CAMEO root) in doc.spans["kg_trigger_model"], their probabilities in attrs["scores"]; the
    extractor then reads the events with `read_events`."""

    def __init__(self, path: str, threshold: float | None = None):
        self.path = Path(path)
        self.triggers = LinearModel.from_disk(self.path / "triggers.npz")
        self.arguments = LinearModel.from_disk(self.path / "arguments.npz")
        meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        self.threshold = threshold if threshold is not None else meta["trigger_threshold"]
        self.argument_threshold = meta["argument_threshold"]
        self.none = self.triggers.labels.index(NONE)

    def __call__(self, doc: Doc) -> Doc:
        table, kinds = table_roots(doc), entity_kinds(doc)
        spans, scores = [], []
        tokens = list(candidate_tokens(doc))
        features = word_features(doc, table, kinds)
        probs = self.triggers.batch([features[i] for i in tokens]) if tokens else []
        for i, p in zip(tokens, probs):
            p_event = 1.0 - float(p[self.none])
            if p_event >= self.threshold:
                p[self.none] = -1.0
                spans.append(Span(doc, i, i + 1, label=self.triggers.labels[int(p.argmax())]))
                scores.append(round(p_event, 4))
        doc.spans[TRIGGER_KEY] = SpanGroup(doc, name=TRIGGER_KEY, attrs={"scores": scores}, spans=spans)
        return doc


@Language.factory("kg_event_model", default_config={"path": None, "threshold": None})
def make_event_model(nlp: Language, name: str, path: str, threshold: float | None) -> EventModel:
    return EventModel(path, threshold)


def read_events(doc: Doc, actors: list[Actor], model: EventModel, resolve_date, sentence_of, reported: dict[int, str]):
    """Events of a Doc from the trigger model's spans, their participants read by the argument model."""
    from kg.events import COUNTED, SAID, _count, _merge, _Told, event_day
    from kg.lang import load
    from kg.model import Event, Mention

    group = doc.spans.get(TRIGGER_KEY, [])
    codes = {s.start: s.label_ for s in doc.spans.get("kg_triggers", [])}  # the table's full code
    labels = model.arguments.labels
    told = []
    for span, p_trigger in zip(group, group.attrs.get("scores", []) if group else []):
        start, end, root = span.start, span.end, span.label_
        sent = doc[start].sent
        here, earlier = sentence_actors(doc, actors, start, end)
        pairs = [(a, pair_features(doc, (start, end), root, a, here)) for a in here]
        pairs += [(a, earlier_features(doc, (start, end), root, a, earlier, here)) for a in earlier]
        roles: dict[str, tuple[str, float]] = {}
        for (a, _), p in zip(pairs, model.arguments.batch([f for _, f in pairs]) if pairs else []):
            best = int(p.argmax())
            label = labels[best]
            if label != "none" and p[best] >= model.argument_threshold and (
                    a.key not in roles or p[best] > roles[a.key][1]):
                roles[a.key] = (label, float(p[best]))
        agents, patients, places = ([k for k, (lab, _) in roles.items() if lab == part]
                                    for part in ("agent", "patient", "place"))
        code = codes.get(start, "")
        code = code if code[:2] == root else root + "0"
        day, strength = event_day(doc, span, resolve_date, sentence_of)
        confidence = p_trigger * max((p for _, p in roles.values()), default=0.5)
        event = Event(cameo=code, trigger=span.text, agents=agents, patients=patients, places=places, date=day,
                      mentions=[Mention(span.start_char, span.end_char, span.text, sentence_of(start))],
                      confidence=round(confidence, 3))
        count = _count(doc, span, load(doc.lang_).multipliers)
        if count and root in COUNTED:
            event.counts[COUNTED[root]] = count
        source = reported.get(sent.start)
        if source and not agents and root in SAID and source not in patients:
            agents.append(source)
        told.append(_Told(event, root, strength, {source} if source else set()))
    return _merge(told)


# --- Training data from the annotated corpus ------------------------------------------------------

def _token_span(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return (span.start, span.end) if span is not None and len(span) else None


def training_examples(doc: Doc, record: dict) -> tuple[list, list]:
    """The trigger and argument examples of one annotated article, read on the Doc the pipeline
    made of its text (so the features are those seen at run time; the entities and triggers are
    the annotation's)."""
    from kg.events import preposition_before

    gold: dict[int, tuple[str, dict]] = {}
    for event in record["events"]:
        for m in event["mentions"]:
            span = _token_span(doc, m["start"], m["end"])
            if span is not None:
                gold.setdefault(span[0], (event["roots"][0], event))
    table, kinds = table_roots(doc), entity_kinds(doc)
    features = word_features(doc, table, kinds)
    triggers = [(features[i], gold[i][0] if i in gold else NONE) for i in candidate_tokens(doc)]
    actors = []
    for entity in record["entities"]:
        for m in entity["mentions"]:
            span = _token_span(doc, m["start"], m["end"])
            if span is not None:
                actors.append(Actor(entity["key"], entity["kind"], span[0], span[1],
                                    preposition_before(doc, span[0], m["start"] - doc[span[0]].idx)))
    actors.sort(key=lambda a: (a.start, a.end))
    arguments = []
    for i, (root, event) in sorted(gold.items()):
        here, earlier = sentence_actors(doc, actors, i, i + 1)
        for a in here + earlier:
            label = ("agent" if a.key in event["agents"] else "patient" if a.key in event["patients"]
                     else "place" if a.key in event["places"] else "none")
            features = pair_features(doc, (i, i + 1), root, a, here) if a in here else \
                earlier_features(doc, (i, i + 1), root, a, earlier, here)
            arguments.append((features, label))
    return triggers, arguments


# --- Training ---------------------------------------------------------------------------------------

def train(train_records: list[dict], dev_records: list[dict], output: Path, *, c_triggers: float = 0.3,
          c_arguments: float = 1.0, log=print) -> dict:
    """Fit both models on the train records, choose their thresholds on the dev records (the
    events F1 of kg evaluate), and write them with their meta.json to `output`."""
    import datetime as dt
    import time

    from kg.annotation import gold_document
    from kg.evaluate import evaluate
    from kg.nlp import load_pipeline

    started = time.monotonic()
    nlp = load_pipeline("ar", events_model="")
    triggers, arguments = [], []
    for record in train_records:
        t, a = training_examples(nlp(record["text"]), record)
        triggers += t
        arguments += a
    log(f"{len(triggers)} words ({sum(label != NONE for _, label in triggers)} triggers), {len(arguments)} pairs")
    output.mkdir(parents=True, exist_ok=True)
    LinearModel.fit(triggers, c=c_triggers).to_disk(output / "triggers.npz")
    LinearModel.fit(arguments, c=c_arguments).to_disk(output / "arguments.npz")
    golds = [(gold_document(r), r["text"], r.get("published")) for r in dev_records]
    (output / "meta.json").write_text(json.dumps({"trigger_threshold": 0.5, "argument_threshold": 0.5}), encoding="utf-8")
    scoring = load_pipeline("ar", events_model=str(output))
    component = scoring.get_pipe("kg_event_model")
    best = None
    for t_threshold in (0.2, 0.3, 0.4, 0.5):
        for a_threshold in (0.3, 0.4, 0.5):
            component.threshold, component.argument_threshold = t_threshold, a_threshold
            f1 = evaluate(golds, nlp=scoring).tallies["events"].prf[2]
            log(f"thresholds trigger {t_threshold} argument {a_threshold}: events F1 {f1:.3f}")
            if best is None or f1 > best[0]:
                best = (f1, {"trigger_threshold": t_threshold, "argument_threshold": a_threshold})
    load_pipeline.cache_clear()
    meta = dict(best[1], dev_events_f1=round(best[0], 4), train_articles=len(train_records),
                dev_articles=len(dev_records), c_triggers=c_triggers, c_arguments=c_arguments,
                seconds=round(time.monotonic() - started), trained=dt.date.today().isoformat())
    (output / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta
