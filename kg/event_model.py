"""Learned event extraction: triggers typed by CAMEO root, and who took part, learned from kg's corpus.

Two models, both trained by `kg train events` on the annotated corpus (corpus/train.jsonl,
measured on corpus/dev.jsonl):

- the trigger model, a spaCy span categorizer (kg/lang/ar/triggers.cfg) that marks the words
  naming an event with its CAMEO root, in doc.spans["kg_trigger_model"];
- the argument model, a logistic regression over the features a linguist reads a clause by
  (order, distance, the preposition or clitic before a name, what stands between, the kind of
  entity, the trigger's word, root, voice and definiteness), that reads every (trigger, entity
  mention) pair of a sentence as agent, patient, place or nothing. It is trained with
  scikit-learn and shipped as its weights (JSON); applying it needs only the weights.
"""
from __future__ import annotations

import json
import math

import numpy
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.events import Actor
from kg.normalize import is_passive_form, normalize_word

LABELS = ("none", "agent", "patient", "place")
CLAUSE_MARKS = {",", "،", ":", "؛", ";", "(", ")", "-", '"', "«", "»"}
CLAUSE_WORDS = {"فيما", "بينما", "حيث", "بعدما", "عندما", "حين", "لكن", "ولكن", "كما", "ان", "انه", "انها", "بان",
                "وان", "انهم", "قال", "وقال", "واضاف", "اضاف", "واكد", "اكد", "الذي", "التي", "الذين"}
PASSIVE_AUXILIARIES = {"تم", "يتم", "جري", "يجري", "وتم"}
PROCLITICS = "وف"


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-5" if n < 6 else "6-8" if n < 9 else "9-12" if n < 13 else "13+"


def _stem(norm: str) -> str:
    """A trigger word without the conjunction glued to it (وأعلنت → اعلنت)."""
    return norm[1:] if len(norm) > 3 and norm[0] in PROCLITICS else norm


def pair_features(doc: Doc, trigger: tuple[int, int], root: str, cand: Actor,
                  others: list[Actor]) -> list[str]:
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
    tw = _stem(first.norm_)
    definite = tw.startswith("ال") or tw.startswith("بال") or tw.startswith("لل")
    passive = is_passive_form(first.text) or (ts > 0 and doc[ts - 1].norm_ in PASSIVE_AUXILIARIES)
    verbish = not definite and tw[:1] in "يتناا" and not tw.endswith("ه")
    prep = cand.preposition or "-"
    prev = doc[cand.start - 1].norm_ if cand.start > 0 else "^"
    d = _bucket(gap)
    f = [
        f"side={side}", f"side={side}|d={d}", f"side={side}|n={min(n_between, 3)}", f"side={side}|near={nearest}",
        f"side={side}|marks={min(marks, 2)}", f"side={side}|cw={min(words, 2)}",
        f"side={side}|prep={prep}", f"side={side}|prep={prep}|near={nearest}", f"side={side}|kind={cand.kind}",
        f"side={side}|kind={cand.kind}|prep={prep}", f"side={side}|kind={cand.kind}|near={nearest}",
        f"root={root}", f"root={root}|side={side}", f"root={root}|side={side}|prep={prep}",
        f"root={root}|side={side}|kind={cand.kind}", f"root={root}|side={side}|near={nearest}",
        f"root={root}|side={side}|d={d}",
        f"tw={tw}|side={side}", f"tw={tw}|side={side}|prep={prep}", f"tw={tw}|side={side}|kind={cand.kind}",
        f"def={definite}|side={side}", f"def={definite}|side={side}|d={d}", f"def={definite}|side={side}|prep={prep}",
        f"pass={passive}|side={side}", f"pass={passive}|side={side}|near={nearest}",
        f"verb={verbish}|side={side}|near={nearest}", f"verb={verbish}|side={side}|d={d}",
        f"prev={prev}|side={side}", f"kind={cand.kind}|prev={prev}",
        f"genitive={after and gap == 0 and prep == '-'}|def={definite}|root={root}",
    ]
    if gap <= 3:
        f += [f"btw={w}|side={side}" for w in between]
    if te - ts > 1:
        f.append(f"tw2={doc[ts + 1].norm_}|side={side}")
    return f


class ArgumentModel:
    """Multinomial logistic regression over pair features; weights as {feature: [w per label]}."""

    def __init__(self, weights: dict[str, list[float]], bias: list[float], labels=LABELS):
        self.weights, self.bias, self.labels = weights, bias, tuple(labels)

    def probabilities(self, features: list[str]) -> dict[str, float]:
        scores = list(self.bias)
        for f in features:
            w = self.weights.get(f)
            if w is not None:
                scores = [s + x for s, x in zip(scores, w)]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {label: e / total for label, e in zip(self.labels, exp)}

    def to_disk(self, path: Path) -> None:
        Path(path).write_text(json.dumps({"labels": self.labels, "bias": self.bias, "weights": self.weights},
                                         ensure_ascii=False, sort_keys=True), encoding="utf-8")

    @classmethod
    def from_disk(cls, path: Path) -> "ArgumentModel":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["weights"], data["bias"], data["labels"])


def train_argument_model(examples: list[tuple[list[str], str]], c: float = 1.0) -> ArgumentModel:
    """Fit the argument model on (features, label) pairs (needs scikit-learn, a training extra)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([{f: 1 for f in feats} for feats, _ in examples])
    y = [LABELS.index(label) for _, label in examples]
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(x, y)
    classes = list(clf.classes_)
    coef = clf.coef_
    if len(classes) == 2:  # (binary: one row of weights)
        coef = [-coef[0] / 2, coef[0] / 2]
        bias = [-clf.intercept_[0] / 2, clf.intercept_[0] / 2]
    else:
        bias = list(clf.intercept_)
    weights = {}
    for j, name in enumerate(vec.get_feature_names_out()):
        row = [0.0] * len(LABELS)
        for ci, cls in enumerate(classes):
            row[cls] = round(float(coef[ci][j]), 4)
        if any(abs(w) >= 1e-3 for w in row):
            weights[name] = row
    full_bias = [-30.0] * len(LABELS)
    for ci, cls in enumerate(classes):
        full_bias[cls] = round(float(bias[ci]), 4)
    return ArgumentModel(weights, full_bias)


# --- The trigger model -------------------------------------------------------------------------

TRIGGER_KEY = "kg_trigger_model"
TRIGGER_WIDTH = 2  # tokens of a trigger's words kept as its mention (the head the model tags, and the next)


def lexicon_roots(doc: Doc) -> dict[int, str]:
    """The CAMEO code the trigger table gives the words of a Doc that begin a trigger (kg_triggers)."""
    return {s.start: s.label_ for s in doc.spans.get("kg_triggers", [])}


def set_trigger_features(doc: Doc, finder) -> Doc:
    """NORM as kg_normalizer sets it, LEMMA the table's root (T17) for words that begin a trigger."""
    for token in doc:
        token.norm_ = normalize_word(token.text)
    norms = [t.norm_ for t in doc]
    hits = {m.start: m.value.cameo[:2] for m in finder.triggers.find_all(norms)}
    for token in doc:
        token.lemma_ = f"T{hits[token.i]}" if token.i in hits else ""
    return doc


class EventModel:
    """spaCy component "kg_event_model": the trained models of a folder (triggers/: the trigger
    tagger, arguments.json: the argument model). On a Doc it marks the trigger spans (label: the
    CAMEO root) in doc.spans["kg_trigger_model"], their probabilities in attrs["scores"]; the
    extractor then reads the events with `read_events` and the argument model."""

    def __init__(self, path: str, threshold: float = 0.5):
        import spacy

        self.path = Path(path)
        self.tagger = spacy.load(self.path / "triggers").get_pipe(TRIGGER_KEY)
        self.arguments = ArgumentModel.from_disk(self.path / "arguments.json")
        self.labels = list(self.tagger.labels)
        self.none = self.labels.index("O")
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import SpanGroup

        spans, probs = [], []
        if len(doc):
            hits = lexicon_roots(doc)
            for token in doc:
                token.lemma_ = f"T{hits[token.i][:2]}" if token.i in hits else ""
            scores = numpy.asarray(self.tagger.model.predict([doc])[0])  # logits (Tagger.v2, normalize=false)
            scores = numpy.exp(scores - scores.max(axis=1, keepdims=True))
            scores /= scores.sum(axis=1, keepdims=True)
            for i, row in enumerate(scores):
                p_event = 1.0 - float(row[self.none])
                if p_event >= self.threshold:
                    row = row.copy()
                    row[self.none] = -1
                    best = int(row.argmax())
                    spans.append(Span(doc, i, i + 1, label=self.labels[best][1:]))
                    probs.append(p_event)
        doc.spans[TRIGGER_KEY] = SpanGroup(doc, name=TRIGGER_KEY, attrs={"scores": probs}, spans=spans)
        return doc


@Language.factory("kg_event_model", default_config={"path": None, "threshold": 0.5})
def make_event_model(nlp: Language, name: str, path: str, threshold: float) -> EventModel:
    return EventModel(path, threshold)


# --- Training data from the annotated corpus ---------------------------------------------------


def _token_span(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return (span.start, span.end) if span is not None and len(span) else None


def gold_doc(nlp, finder, record: dict) -> tuple[Doc, list[Actor], list[tuple[tuple[int, int], str, dict]]]:
    """A corpus record as a Doc (features set, every token tagged R<root> or O), its entity
    mentions as actors, and its event mentions as (token span, root, event)."""
    from kg.events import preposition_before

    doc = set_trigger_features(nlp.make_doc(record["text"]), finder)
    actors = []
    for entity in record["entities"]:
        for m in entity["mentions"]:
            span = _token_span(doc, m["start"], m["end"])
            if span is None:
                continue
            peel = m["start"] - doc[span[0]].idx
            actors.append(Actor(entity["key"], entity["kind"], span[0], span[1],
                                preposition_before(doc, span[0], peel)))
    actors.sort(key=lambda c: (c.start, c.end))
    mentions = []
    tags = ["O"] * len(doc)
    for event in record["events"]:
        for m in event["mentions"]:
            span = _token_span(doc, m["start"], m["end"])
            if span is None:
                continue
            span = (span[0], min(span[1], span[0] + TRIGGER_WIDTH))
            mentions.append((span, event["roots"][0], event))
            tags[span[0]] = "R" + event["roots"][0]
    for token, tag in zip(doc, tags):
        token.tag_ = tag
    return doc, actors, mentions


def _sentence_bounds(doc: Doc) -> list[int]:
    """The sentence index of every token, by the corpus's own sentence numbering."""
    from kg.annotation import split_sentences

    ends = [e for _, e in split_sentences(doc.text)]
    out, k = [], 0
    for token in doc:
        while k < len(ends) - 1 and token.idx >= ends[k]:
            k += 1
        out.append(k)
    return out


def argument_examples(doc: Doc, actors: list[Actor], mentions) -> list[tuple[list[str], str]]:
    """(features, label) of every (event mention, entity mention) pair of one sentence."""
    sentence = _sentence_bounds(doc)
    out = []
    for (ts, te), root, event in mentions:
        here = [c for c in actors if sentence[c.start] == sentence[ts] and not (c.start < te and ts < c.end)]
        for c in here:
            label = ("agent" if c.key in event["agents"] else "patient" if c.key in event["patients"]
                     else "place" if c.key in event["places"] else "none")
            out.append((pair_features(doc, (ts, te), root, c, here), label))
    return out


# --- Training ---------------------------------------------------------------------------------

TRIGGER_CONFIG = Path(__file__).parent / "lang" / "ar" / "triggers.cfg"


def trigger_augmenter():
    """spaCy augmenter "kg.trigger_features.v1": the trigger model's input features (NORM, LEMMA)
    on each example's predicted Doc, which spaCy's Corpus builds afresh."""
    import spacy

    from kg.events import TriggerFinder

    finder = TriggerFinder(spacy.blank("ar"), "ar")

    def augment(nlp, example):
        set_trigger_features(example.predicted, finder)
        yield example

    return augment


def train_triggers(train_docs: list[Doc], dev_docs: list[Doc], output: Path, *, seed: int = 0,
                   max_epochs: int | None = None, vectors: str | None = None) -> None:
    """Train the trigger tagger with spaCy's training loop; save the best model to `output`."""
    import shutil
    import tempfile

    import spacy
    from spacy.cli.train import train as spacy_train
    from spacy.tokens import DocBin

    if "kg.trigger_features.v1" not in spacy.registry.augmenters:
        spacy.registry.augmenters.register("kg.trigger_features.v1", func=trigger_augmenter)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, docs in (("train", train_docs), ("dev", dev_docs)):
            DocBin(docs=docs, attrs=["ORTH", "TAG"]).to_disk(tmp / f"{name}.spacy")
        overrides = {"paths.train": str(tmp / "train.spacy"), "paths.dev": str(tmp / "dev.spacy"),
                     "system.seed": seed}
        if max_epochs is not None:
            overrides["training.max_epochs"] = max_epochs
        if vectors:
            overrides["paths.vectors"] = vectors
            overrides["components.kg_trigger_model.model.tok2vec.embed.include_static_vectors"] = True
        spacy_train(TRIGGER_CONFIG, tmp / "out", use_gpu=-1, overrides=overrides)
        best = tmp / "out" / "model-best"
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(best, output)


# --- Reading events with the models -----------------------------------------------------------

THRESHOLDS = {"agent": 0.5, "patient": 0.5, "place": 0.5}


def predicted_triggers(doc: Doc) -> list[tuple[int, int, str, float]]:
    """(start, end, root, probability) of every trigger the trigger model marked in the Doc."""
    group = doc.spans.get(TRIGGER_KEY)
    if group is None:
        return []
    scores = group.attrs.get("scores") or [1.0] * len(group)
    return [(s.start, s.end, s.label_, float(p)) for s, p in zip(group, scores)]


def read_events(doc: Doc, actors: list[Actor], model: ArgumentModel, lexicon_codes: dict[int, str],
                resolve_date, sentence_of, reported: dict[int, str], thresholds=THRESHOLDS):
    """Events of a Doc from its predicted triggers, their participants read by the argument model.
    `lexicon_codes[token]`: the full CAMEO code the trigger table gives a word (else root + "0")."""
    from kg.events import COUNTED, INTENT, SAID, _count, _merge, _Told, event_day
    from kg.lang import load
    from kg.model import Event, Mention

    told = []
    for start, end, root, p_trigger in predicted_triggers(doc):
        sent = doc[start].sent
        here = [a for a in actors if sent.start <= a.start and a.end <= sent.end
                and not (a.start < end and start < a.end)]
        roles: dict[str, tuple[str, float]] = {}
        for a in here:
            probs = model.probabilities(pair_features(doc, (start, end), root, a, here))
            label = max(probs, key=probs.get)
            if label != "none" and probs[label] >= thresholds[label]:
                if a.key not in roles or probs[label] > roles[a.key][1]:
                    roles[a.key] = (label, probs[label])
        agents = [k for k, (lab, _) in roles.items() if lab == "agent"]
        patients = [k for k, (lab, _) in roles.items() if lab == "patient"]
        places = [k for k, (lab, _) in roles.items() if lab == "place"]
        code = lexicon_codes.get(start, "")
        code = code if code[:2] == root else root + "0"
        day, strength = event_day(doc, doc[start:end], resolve_date, sentence_of)
        confidence = p_trigger * (max((p for _, p in roles.values()), default=0.5))
        event = Event(cameo=code, trigger=doc[start:end].text, agents=agents, patients=patients, places=places,
                      date=day, mentions=[Mention(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text),
                                                  doc[start:end].text, sentence_of(start))],
                      confidence=round(confidence, 3))
        count = _count(doc, doc[start:end], load(doc.lang_).multipliers)
        if count and root in COUNTED:
            event.counts[COUNTED[root]] = count
        source = reported.get(sent.start)
        if source and not agents and root in SAID and source not in patients:
            agents.append(source)
        told.append(_Told(event, root, strength, {source} if source else set()))
    return _merge(told)
