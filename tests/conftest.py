import datetime as dt
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "articles" / "kz-2022-01-08-arrests.txt"


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import load_pipeline

    return load_pipeline("ar")


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example_published() -> dt.date:
    meta = json.loads(EXAMPLE.with_suffix(".json").read_text(encoding="utf-8"))
    return dt.date.fromisoformat(meta["published"])


@pytest.fixture(scope="session")
def example(example_text, example_published, nlp):
    from kg.extract import extract

    return extract(example_text, example_published, doc_id="kz-example", nlp=nlp)


@pytest.fixture(scope="session")
def extract_text(nlp):
    from kg.extract import extract

    def run(text, published=dt.date(2023, 3, 10)):
        return extract(text, published, nlp=nlp)

    return run
