"""Calibrated confidence: how likely each entity, role and event kg finds is right.

The extractors give every fact a raw score (a rule's strength, a model's probability). A small
logistic regression per kind of fact, fitted on the corpus's dev split (`kg train calibration`:
each fact the pipeline finds there, judged right or wrong by kg evaluate's matching), turns the
raw score and what else is known of the fact (how often it is mentioned, how many participants
an event has, whether a role has an owner, ...) into the probability that the fact is right.
That probability is `confidence` in the Extraction and `kg:confidence` in the graph.
"""
from __future__ import annotations

import functools
import json
import math
import os
from pathlib import Path

from kg.model import Entity, Event, Extraction, Role

CATEGORIES = ("entities", "roles", "events")


def _bucket(x: float) -> str:
    return f"{min(9, int(x * 10))}"


def entity_features(entity: Entity, x: Extraction) -> list[str]:
    words = len(entity.name.split())
    n = len(entity.mentions)
    first = min((m.start for m in entity.mentions), default=0) / max(1, len(x.text))
    return ["bias", f"kind={entity.kind}", f"raw={_bucket(entity.confidence)}", f"kind={entity.kind}|raw={_bucket(entity.confidence)}",
            f"mentions={min(n, 5)}", f"kind={entity.kind}|mentions={min(n, 3)}", f"words={min(words, 4)}",
            f"kind={entity.kind}|words={min(words, 4)}", f"labels={min(len(entity.labels), 3)}",
            f"source={entity.key.split('/', 1)[0]}", f"early={first < 0.2}", f"country={entity.country is not None}"]


def role_features(role: Role, x: Extraction) -> list[str]:
    holder = x.entity(role.holder)
    n = len(holder.mentions) if holder else 0
    head = role.title.split()[0] if role.title else ""
    return ["bias", f"raw={_bucket(role.confidence)}", f"of={role.of is not None}", f"former={role.former}",
            f"words={min(len(role.title.split()), 3)}", f"head={head}", f"holder_mentions={min(n, 4)}",
            f"holder_words={min(len(holder.name.split()), 4) if holder else 0}"]


def event_features(event: Event, x: Extraction) -> list[str]:
    root = event.cameo[:2]
    parts = len(event.agents) + len(event.patients)
    return ["bias", f"raw={_bucket(event.confidence)}", f"root={root}", f"root={root}|raw={_bucket(event.confidence)}",
            f"agents={min(len(event.agents), 3)}", f"patients={min(len(event.patients), 2)}",
            f"places={min(len(event.places), 2)}", f"parts={min(parts, 3)}", f"date={event.date is not None}",
            f"mentions={min(len(event.mentions), 3)}", f"counts={bool(event.counts)}", f"specific={not event.cameo.endswith('0')}"]


FEATURES = {"entities": entity_features, "roles": role_features, "events": event_features}


class Calibrator:
    """Per kind of fact, feature weights of a logistic regression of P(right)."""

    def __init__(self, weights: dict[str, dict[str, float]]):
        self.weights = weights

    def probability(self, category: str, features: list[str]) -> float:
        w = self.weights.get(category)
        if not w:
            return 0.5
        z = sum(w.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-z))

    def apply(self, x: Extraction) -> Extraction:
        for category, facts in (("entities", x.entities), ("roles", x.roles), ("events", x.events)):
            for fact in facts:
                fact.confidence = round(self.probability(category, FEATURES[category](fact, x)), 3)
        return x

    def to_disk(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.weights, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")

    @classmethod
    def from_disk(cls, path: Path) -> "Calibrator":
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def fit(cls, examples: dict[str, list[tuple[list[str], bool]]], c: float = 1.0) -> "Calibrator":
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression

        weights = {}
        for category, rows in examples.items():
            if len({right for _, right in rows}) < 2:
                continue
            names = sorted({f for feats, _ in rows for f in feats})
            index = {f: i for i, f in enumerate(names)}
            r, k = zip(*[(i, index[f]) for i, (feats, _) in enumerate(rows) for f in set(feats)])
            x = csr_matrix(([1.0] * len(r), (r, k)), shape=(len(rows), len(names)))
            clf = LogisticRegression(C=c, max_iter=2000).fit(x, [int(right) for _, right in rows])
            w = {f: round(float(clf.coef_[0][i]), 4) for f, i in index.items()}
            w["bias"] = round(w.get("bias", 0.0) + float(clf.intercept_[0]), 4)
            weights[category] = w
        return cls(weights)


MODELS = Path(__file__).parent / "models"


@functools.lru_cache(maxsize=4)
def load_calibrator(lang: str) -> "Calibrator | None":
    """The calibration of `lang`'s pipeline: $KG_CALIBRATION ("" for none), else the one shipped."""
    path = os.environ.get("KG_CALIBRATION")
    if path is None:
        path = MODELS / f"{lang}_calibration" / "calibration.json"
        path = path if path.is_file() else None
    return Calibrator.from_disk(Path(path)) if path else None


ENTITY_CATEGORIES = {"persons": "entities", "organizations": "entities", "locations": "entities"}


def examples_of(outcomes) -> dict[str, list[tuple[list[str], bool]]]:
    """kg evaluate's judgement of each predicted fact, as calibration examples."""
    out: dict[str, list] = {c: [] for c in CATEGORIES}
    for category, fact, right, x in outcomes:
        c = ENTITY_CATEGORIES.get(category, category)
        out[c].append((FEATURES[c](fact, x), right))
    return out


def reliability(outcomes, threshold: float = 0.8) -> dict[str, tuple[int, int]]:
    """Per kind of fact: how many facts have confidence ≥ threshold, and how many of them are right."""
    out: dict[str, list[int]] = {c: [0, 0] for c in CATEGORIES}
    for category, fact, right, _ in outcomes:
        c = ENTITY_CATEGORIES.get(category, category)
        if fact.confidence >= threshold:
            out[c][0] += 1
            out[c][1] += int(right)
    return {c: tuple(v) for c, v in out.items()}
