"""A corpus into one graph: a store holds what a file of the same articles holds, names and
events join across articles, and building again changes nothing."""
import datetime as dt
import json

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from conftest import EXAMPLE
from kg.corpus import CorpusIndex, Summary, build_corpus, write_graphs
from kg.ingest import read_corpus
from kg.model import PERSON, Entity, Event, Extraction, Mention
from kg.rdf import graphs_of, serialize
from kg.resolve_corpus import alias_table, canonical
from kg.store import open_store


def test_a_store_and_a_file_of_the_same_article_hold_the_same_triples(example, tmp_path):
    store = open_store(str(tmp_path / "store"))
    _write([example], store)
    stored = {(q.subject, q.predicate, q.object) for q in store.store.quads_for_pattern(None, None, None, None)
              if not isinstance(q.graph_name, ox.DefaultGraph)}
    store.close()
    in_file = {(q.subject, q.predicate, q.object)
               for q in ox.parse(serialize(graphs_of([example]), "nq"), format=ox.RdfFormat.N_QUADS)}
    assert stored == in_file and len(stored) > 500


def test_a_corpus_store_passes_the_shapes(corpus, tmp_path):
    """Two articles naming one person (a surname and the full name, spelt two ways) and telling one
    event: the union has one preferred name, one confidence, one CAMEO code, one count."""
    from kg.query import load_graph
    from kg.validate import validate

    corpus[1].entities[1].name = "بوتن"  # a spelling of بوتين that another article gives too
    corpus[0].events[0].counts = {"arrested": 3}
    corpus[1].events[0].counts = {"arrested": 5}
    corpus[1].entities[0].confidence = 0.3
    store = open_store(str(tmp_path / "store"))
    _write(corpus, store)
    store.close()
    conforms, report = validate(load_graph(tmp_path / "store"))
    assert conforms, report


def test_a_surname_joins_the_one_full_name_that_ends_with_it():
    keys = [("person/قاسم_جومارت_توكاييف", PERSON), ("person/توكاييف", PERSON), ("person/بوتين", PERSON),
            ("person/فلاديمير_بوتين", PERSON), ("person/فيصل", PERSON), ("person/خالد_الفيصل", PERSON),
            ("person/ثاني", PERSON), ("person/تميم_بن_حمد_ال_ثاني", PERSON), ("person/حمد_ال_ثاني", PERSON),
            ("person/محمد", PERSON), ("person/محمد_مرسي", PERSON), ("organization/بوتين", "organization")]
    alias = alias_table(keys)
    assert alias["person/توكاييف"] == "person/قاسم_جومارت_توكاييف"
    assert alias["person/بوتين"] == "person/فلاديمير_بوتين"
    assert "person/فيصل" not in alias  # a given name is not the family name الفيصل
    assert "person/ثاني" not in alias  # two persons end so: ambiguous
    assert "person/محمد" not in alias and "organization/بوتين" not in alias
    assert canonical("person/حمد_ال_ثاني", alias) == "person/حمد_ال_ثاني"


def _article(doc_id, text, persons, events, day=dt.date(2022, 1, 9)):
    x = Extraction(doc_id, text, published=day, sentences=[(0, len(text))])
    for key, name in persons:
        start = text.index(name)
        x.entities.append(Entity(key, PERSON, name, {name}, [Mention(start, start + len(name), name)], 0.9))
    for cameo, agents, patients in events:
        x.events.append(Event(cameo, "اتصل", agents, patients, date=day, mentions=[Mention(0, 4, text[:4])]))
    return x


@pytest.fixture
def corpus():
    a = _article("a", "اتصل قاسم جومارت توكاييف بفلاديمير بوتين",
                 [("person/قاسم_جومارت_توكاييف", "قاسم جومارت توكاييف"), ("person/فلاديمير_بوتين", "فلاديمير بوتين")],
                 [("041", ["person/قاسم_جومارت_توكاييف"], ["person/فلاديمير_بوتين"])])
    b = _article("b", "اتصل توكاييف ببوتين", [("person/توكاييف", "توكاييف"), ("person/بوتين", "بوتين")],
                 [("042", ["person/توكاييف"], ["person/بوتين"])])
    c = _article("c", "اتصل توكاييف ببوتين أمس", [("person/توكاييف", "توكاييف"), ("person/بوتين", "بوتين")],
                 [("041", ["person/توكاييف"], ["person/بوتين"])], day=dt.date(2022, 1, 8))
    return [a, b, c]


def _write(extractions, store, index=None):
    index = index or CorpusIndex(None)
    for x in extractions:
        index.put(x, x.doc_id + "-hash")
    summary = Summary()
    write_graphs(index, store, summary)
    return index, summary


def test_names_and_events_join_across_articles(corpus):
    store = open_store("memory")
    _, summary = _write(corpus, store)
    persons = {r["p"] for r in store.select(
        "SELECT DISTINCT ?p WHERE { ?p a <https://w3id.org/kg-news/ontology#Person> }")}
    assert persons == {"https://w3id.org/kg-news/id/person/قاسم_جومارت_توكاييف",
                       "https://w3id.org/kg-news/id/person/فلاديمير_بوتين"}
    labels = {r["l"] for r in store.select("SELECT ?l WHERE { <https://w3id.org/kg-news/id/person/"
                                           "قاسم_جومارت_توكاييف> <http://www.w3.org/2000/01/rdf-schema#label> ?l }")}
    assert labels == {"قاسم جومارت توكاييف", "توكاييف"}
    sources = store.select("SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE { ?e a <https://w3id.org/kg-news/ontology#Event> ;"
                           " <http://www.w3.org/ns/prov#wasDerivedFrom> ?a } GROUP BY ?e ORDER BY ?n")
    assert sorted(int(r["n"]) for r in sources) == [1, 2]  # a and b told one call; c another day
    assert summary.corroborated == 1 and summary.events == 2 and summary.aliases == 2


def test_the_graph_does_not_depend_on_the_order_of_articles(corpus):
    first, second = open_store("memory"), open_store("memory")
    _write(corpus, first)
    _write(list(reversed(corpus)), second)
    assert first.dump_nquads() and sorted(first.dump_nquads().splitlines()) == sorted(second.dump_nquads().splitlines())


def test_a_new_article_rewrites_the_older_ones_it_joins(corpus):
    store = open_store("memory")
    index, _ = _write(corpus[1:], store)  # only surnames: nothing to join yet
    before = store.select("SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/kg-news/id/person/توكاييف> ?p ?o }")
    assert before[0]["n"] != "0"
    _, summary = _write(corpus[:1], store, index)
    assert summary.written == 3
    left = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { <https://w3id.org/kg-news/id/person/توكاييف> ?p ?o } }")
    assert left[0]["n"] == "0"
    union = store.select("SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/kg-news/id/person/توكاييف> ?p ?o }")
    assert union[0]["n"] == "0"


def _texts(tmp_path, n=3):
    text = EXAMPLE.read_text(encoding="utf-8")
    records = [{"url": f"https://news.example/{i}", "content": text if i == 0 else text.split("\n\n")[i % 3],
                "date_extracted": "2022-01-08 10:00:00", "title": f"خبر {i}"} for i in range(n)]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_building_twice_changes_nothing_and_a_changed_article_replaces_its_graph(tmp_path):
    corpus = _texts(tmp_path)
    store_dir = tmp_path / "store"
    store = open_store(str(store_dir))
    first = build_corpus(read_corpus([str(corpus)]), store, jobs=1)
    assert first.extracted == 3 and first.failures == []
    triples = store.count()
    again = build_corpus(read_corpus([str(corpus)]), store, jobs=1)
    assert again.extracted == 0 and again.unchanged == 3 and again.written == 0
    assert store.count() == triples
    lines = corpus.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("خبر 2", "خبر معدل")
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    changed = build_corpus(read_corpus([str(corpus)]), store, jobs=1)
    assert changed.extracted == 1 and changed.unchanged == 2
    titles = {r["t"] for r in store.select("SELECT ?t WHERE { ?a <http://purl.org/dc/terms/title> ?t }")}
    assert "خبر معدل" in titles and "خبر 2" not in titles
    assert store.count() == triples  # the same graph but its title
    store.close()


def test_bad_records_are_reported_and_the_rest_builds(tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = {"id": "ok", "text": EXAMPLE.read_text(encoding="utf-8")[:400], "date": "2022-01-08"}
    path.write_text("\n".join([json.dumps(good, ensure_ascii=False), "{not json", json.dumps({"id": "empty"}),
                               json.dumps({"text": "نص", "date": "yesterday"})]) + "\n", encoding="utf-8")
    summary = build_corpus(read_corpus([str(path)]), open_store("memory"), jobs=1)
    assert summary.extracted == 1
    reasons = sorted(r.reason for r in summary.failures)
    assert len(reasons) == 3
    assert any("not valid JSON" in r for r in reasons) and any("no text" in r for r in reasons)
    assert any("not a date" in r for r in reasons)


def test_worker_processes_give_the_same_graph(tmp_path):
    corpus = _texts(tmp_path, 4)
    one, two = open_store("memory"), open_store("memory")
    build_corpus(read_corpus([str(corpus)]), one, jobs=1)
    build_corpus(read_corpus([str(corpus)]), two, jobs=2)
    assert sorted(one.dump_nquads().splitlines()) == sorted(two.dump_nquads().splitlines())


def test_the_command_builds_a_store_then_queries_counts_and_exports_it(tmp_path):
    import csv
    import subprocess
    import sys

    from conftest import ROOT

    corpus = _texts(tmp_path)
    store = tmp_path / "store"

    def kg(*args):
        proc = subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        return proc

    built = kg("build", corpus, "--store", store, "--jobs", "1", "--text-field", "content", "--date-field",
               "date_extracted", "--id-field", "url")
    assert "3 articles extracted" in built.stderr and "0 failed" in built.stderr
    persons = kg("query", store, ROOT / "examples" / "queries" / "persons.rq", "--format", "csv").stdout
    assert "قاسم جومارت توكاييف" in persons
    stats = kg("stats", store).stdout
    assert "named graphs" in stats and "3" in stats.split("articles")[1].split()[0]
    for fmt in ("ttl", "nq", "trig", "jsonld", "csv", "graphml", "gexf"):
        kg("export", store, "-o", tmp_path / f"out.{fmt}", "-q")
        assert (tmp_path / f"out.{fmt}").stat().st_size > 100
    quads = Dataset()
    quads.parse(tmp_path / "out.nq", format="nquads")
    assert len({str(g.identifier) for g in quads.graphs()} - {"urn:x-rdflib:default"}) == 3
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert rows and rows[0]["SQLDATE"].startswith("2022") and all(r["EventRootCode"] for r in rows)
    again = kg("query", tmp_path / "out.nq", ROOT / "examples" / "queries" / "persons.rq", "--format", "csv").stdout
    assert sorted(again.splitlines()) == sorted(persons.splitlines())


def test_the_extractor_version_follows_the_model_kg_nlp_loads(monkeypatch):
    from kg.corpus import ner_model_path
    from kg.nlp import default_ner_model

    assert ner_model_path("ar") == default_ner_model("ar")
    monkeypatch.setenv("KG_NER_MODEL", "")
    assert ner_model_path("ar") is None and default_ner_model("ar") is None


def test_changed_extraction_code_extracts_again_and_changed_mapping_writes_again(tmp_path, monkeypatch):
    import kg.corpus

    corpus = _texts(tmp_path)
    store = open_store(str(tmp_path / "store"))
    first = build_corpus(read_corpus([str(corpus)]), store, jobs=1)
    triples = store.count()
    assert first.extracted == 3 and triples > 100
    monkeypatch.setattr(kg.corpus, "writer_version", lambda: "another mapping")
    rewritten = build_corpus(read_corpus([str(corpus)]), store, jobs=1)
    assert rewritten.extracted == 0 and rewritten.written == 3 and store.count() == triples
    monkeypatch.setattr(kg.corpus, "extractor_version", lambda lang: "other lexicons")
    again = build_corpus(read_corpus([str(corpus)]), store, jobs=1)
    assert again.extracted == 3 and again.unchanged == 0 and store.count() == triples
    store.close()


def test_a_chunk_parsed_together_gives_what_each_article_alone_gives(tmp_path):
    import pickle

    from kg.corpus import extract_chunk
    from kg.extract import extract
    from kg.ingest import Article

    articles = [a for a in read_corpus([str(_texts(tmp_path, 4))]) if isinstance(a, Article)]
    together = extract_chunk(articles)
    alone = [extract(a.text, a.published, lang=a.lang, doc_id=a.doc_id, title=a.title, source=a.source)
             for a in articles]
    assert len(together) == 4 and pickle.dumps(together) == pickle.dumps(alone)


def test_an_index_of_an_older_kg_gets_its_rows_again_from_its_extractions(corpus, tmp_path):
    import pickle
    import sqlite3
    import zlib

    path = tmp_path / "kg-index.sqlite"
    old = sqlite3.connect(path)  # the tables of kg's index before roles, names and confidences
    old.executescript("CREATE TABLE articles (doc_id TEXT PRIMARY KEY, hash TEXT NOT NULL, written TEXT, "
                      "extraction BLOB NOT NULL, words INTEGER NOT NULL);"
                      "CREATE TABLE entities (doc_id TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL);")
    old.executemany("INSERT INTO articles VALUES (?, ?, 'done', ?, 1)",
                    [(x.doc_id, "h", zlib.compress(pickle.dumps(x))) for x in corpus])
    old.commit()
    old.close()
    store = open_store("memory")
    summary = Summary()
    write_graphs(CorpusIndex(path), store, summary)
    assert summary.written == 3 and summary.aliases == 2
