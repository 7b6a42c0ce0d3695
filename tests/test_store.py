"""Stores: a persistent Oxigraph folder and a real Oxigraph server reached over SPARQL 1.1
(Graph Store Protocol), started and stopped by the test on 127.0.0.1 with no union default
graph: kg keeps the union of the articles' graphs in the default graph itself."""
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from kg.ingest import InputError
from kg.store import SparqlEndpointStore, open_store, store_kind

QUERIES = ROOT / "examples" / "queries"
G1, G2 = "https://w3id.org/kg-news/id/article/one", "https://w3id.org/kg-news/id/article/two"
P = "<https://w3id.org/kg-news/ontology#agent>"


def _lines(graph, *objects):
    return [f"<https://w3id.org/kg-news/id/event/x> {P} <https://w3id.org/kg-news/id/{o}> <{graph}> .\n"
            for o in objects]


def test_store_kinds_are_chosen_by_name(tmp_path):
    assert store_kind("memory") == "memory"
    assert store_kind("http://127.0.0.1:7878") == "sparql"
    assert store_kind(str(tmp_path / "corpus")) == "oxigraph"
    (tmp_path / "g.trig").write_text("", encoding="utf-8")
    assert store_kind(str(tmp_path / "g.trig")) == "file"


def test_a_replaced_graph_leaves_no_trace_in_the_union(tmp_path):
    store = open_store(str(tmp_path / "s"))
    store.replace_graphs([G1, G2], _lines(G1, "a", "b") + _lines(G2, "b"))
    assert store.count() == 2
    store.replace_graphs([G1], _lines(G1, "c"))
    objects = {r["o"].rsplit("/", 1)[-1] for r in store.select(f"SELECT ?o WHERE {{ ?s {P} ?o }}")}
    assert objects == {"b", "c"}  # b is still told by graph two, a by nobody
    store.close()
    again = open_store(str(tmp_path / "s"), read_only=True)
    assert again.count() == 2
    again.close()


def test_graphs_stream_into_a_store_in_batches_and_a_failure_stops_the_load(tmp_path, monkeypatch):
    import kg.store

    monkeypatch.setattr(kg.store, "LOAD_BATCH", 2)
    store = open_store(str(tmp_path / "s"))
    graphs = [(f"https://w3id.org/kg-news/id/article/{n}",
               [f"<https://w3id.org/kg-news/id/event/{n}> {P} <https://w3id.org/kg-news/id/{o}>" for o in "abc"])
              for n in range(7)]
    assert store.add_graphs(iter(graphs)) == 21
    assert store.count() == 21
    assert int(store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]) == 21

    def broken():
        yield graphs[0]
        raise RuntimeError("the index went away")

    with pytest.raises(RuntimeError, match="went away"):
        store.add_graphs(broken())
    store.drop_graphs(g for g, _ in graphs)
    assert store.count() == 0
    store.close()


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not an Oxigraph store"):
        open_store(str(tmp_path))
    with pytest.raises(InputError, match="no such store"):
        open_store(str(tmp_path / "missing"), read_only=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def oxigraph_server(tmp_path):
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    assert Path(binary).exists(), "the oxigraph server, a test dependency (pip install -e '.[test]'), is missing"
    port = _free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "server"), "--bind",
                             f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # up to 10 s
            try:
                urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("oxigraph serve exited at start")
                time.sleep(0.1)
        else:
            pytest.fail("oxigraph serve did not answer within 10 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_a_remote_endpoint_takes_graphs_and_answers_queries(oxigraph_server, tmp_path):
    store = open_store(oxigraph_server)
    assert isinstance(store, SparqlEndpointStore)
    store.replace_graphs([G1, G2], _lines(G1, "a", "b") + _lines(G2, "b"))
    store.replace_graphs([G1], _lines(G1, "c"))
    assert store.count() == 2
    rows = store.select(f"SELECT ?o WHERE {{ GRAPH <{G1}> {{ ?s {P} ?o }} }}")
    assert [r["o"].rsplit("/", 1)[-1] for r in rows] == ["c"]
    union = {r["o"].rsplit("/", 1)[-1] for r in store.select(f"SELECT ?o WHERE {{ ?s {P} ?o }}")}
    assert union == {"b", "c"}  # the server's default graph is not the union: kg keeps it so
    nquads = store.dump_nquads().decode("utf-8")
    assert nquads.count("\n") == 2 and f"<{G2}>" in nquads
    store.replace_graphs([G1, G2], [])
    assert store.count() == 0


def test_kg_build_and_query_on_a_remote_endpoint(oxigraph_server, tmp_path, example_text):
    """The contract queries over all the articles' graphs of a server with no union default
    graph give the rows they give on a local store."""
    article = tmp_path / "kz.txt"
    article.write_text(example_text, encoding="utf-8")
    run = [sys.executable, "-m", "kg"]
    for store in (oxigraph_server, str(tmp_path / "local")):
        build = subprocess.run(run + ["build", str(article), "--date", "2022-01-08", "--store", store,
                                      "--jobs", "1", "-q"], capture_output=True, text=True, cwd=ROOT)
        assert build.returncode == 0, build.stderr

    def rows(store, name):
        query = subprocess.run(run + ["query", store, str(QUERIES / f"{name}.rq"), "--format", "csv"],
                               capture_output=True, text=True, cwd=ROOT)
        assert query.returncode == 0, query.stderr
        return sorted(query.stdout.splitlines())

    for name in ("persons", "organizations", "locations", "roles", "events"):
        remote = rows(oxigraph_server, name)
        assert len(remote) > 2 and remote == rows(str(tmp_path / "local"), name), name
    assert any("توكاييف" in row for row in rows(oxigraph_server, "persons"))


def test_an_unreachable_endpoint_is_one_clear_error():
    store = open_store(f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(InputError, match="cannot reach"):
        store.count()
