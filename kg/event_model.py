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
from pathlib import Path

from spacy.tokens import Doc

from kg.events import Actor
from kg.normalize import is_passive_form

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


# --- Training data from the annotated corpus ---------------------------------------------------

TRIGGER_KEY = "kg_trigger_model"
TRIGGER_WIDTH = 2  # tokens of a trigger the span model learns (the verb or noun that heads it)


def _token_span(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return (span.start, span.end) if span is not None and len(span) else None


def gold_doc(nlp, record: dict) -> tuple[Doc, list[Actor], list[tuple[tuple[int, int], str, dict]]]:
    """A corpus record as a Doc (norms set, trigger spans in doc.spans[TRIGGER_KEY]), its entity
    mentions as candidates, and its event mentions as (token span, root, event)."""
    from spacy.tokens import Span

    from kg.events import preposition_before

    doc = nlp.make_doc(record["text"])
    for token in nlp.get_pipe("kg_normalizer")(doc):
        pass
    candidates = []
    for entity in record["entities"]:
        for m in entity["mentions"]:
            span = _token_span(doc, m["start"], m["end"])
            if span is None:
                continue
            peel = m["start"] - doc[span[0]].idx
            candidates.append(Actor(entity["key"], entity["kind"], span[0], span[1],
                                        preposition_before(doc, span[0], peel)))
    candidates.sort(key=lambda c: (c.start, c.end))
    mentions, spans, seen = [], [], set()
    for event in record["events"]:
        for m in event["mentions"]:
            span = _token_span(doc, m["start"], m["end"])
            if span is None:
                continue
            span = (span[0], min(span[1], span[0] + TRIGGER_WIDTH))
            mentions.append((span, event["roots"][0], event))
            if span not in seen:
                seen.add(span)
                spans.append(Span(doc, span[0], span[1], label=event["roots"][0]))
    doc.spans[TRIGGER_KEY] = sorted(spans, key=lambda s: (s.start, s.end))
    return doc, candidates, mentions


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


def argument_examples(doc: Doc, candidates: list[Actor], mentions) -> list[tuple[list[str], str]]:
    """(features, label) of every (event mention, entity mention) pair of one sentence."""
    sentence = _sentence_bounds(doc)
    out = []
    for (ts, te), root, event in mentions:
        here = [c for c in candidates if sentence[c.start] == sentence[ts] and not (c.start < te and ts < c.end)]
        for c in here:
            label = ("agent" if c.key in event["agents"] else "patient" if c.key in event["patients"]
                     else "place" if c.key in event["places"] else "none")
            out.append((pair_features(doc, (ts, te), root, c, here), label))
    return out


# --- Training ---------------------------------------------------------------------------------

TRIGGER_CONFIG = Path(__file__).parent / "lang" / "ar" / "triggers.cfg"


def corpus_docs(nlp, records: list[dict]):
    return [gold_doc(nlp, r) for r in records]


def train_triggers(train_docs: list[Doc], dev_docs: list[Doc], output: Path, *, seed: int = 0,
                   max_epochs: int | None = None, vectors: str | None = None) -> dict:
    """Train the trigger span model with spaCy's training loop; save the best to `output`."""
    import shutil
    import tempfile

    import spacy
    from spacy.cli.train import train as spacy_train
    from spacy.tokens import DocBin

    from kg.train import register_spacy_functions

    register_spacy_functions()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, docs in (("train", train_docs), ("dev", dev_docs)):
            DocBin(docs=docs, attrs=["ORTH", "NORM"]).to_disk(tmp / f"{name}.spacy")
        overrides = {"paths.train": str(tmp / "train.spacy"), "paths.dev": str(tmp / "dev.spacy"),
                     "system.seed": seed}
        if max_epochs is not None:
            overrides["training.max_epochs"] = max_epochs
        if vectors:
            overrides["paths.vectors"] = vectors
            overrides["components.kg_trigger_model.model.tok2vec.embed.include_static_vectors"] = True
        spacy_train(TRIGGER_CONFIG, tmp / "out", use_gpu=-1, overrides=overrides)
        best = tmp / "out" / "model-best"
        trained = spacy.load(best)
        config = trained.config
        for key in ("train", "dev"):
            config["paths"][key] = None
        if output.exists():
            shutil.rmtree(output)
        trained.to_disk(output)
        return dict(trained.meta.get("performance", {}))


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
