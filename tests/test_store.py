"""Stores: a persistent Oxigraph folder and a real Oxigraph server reached over SPARQL 1.1
(Graph Store Protocol), started and stopped by the test on 127.0.0.1."""
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
    if not Path(binary).exists():
        pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
    port = _free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "server"), "--bind",
                             f"127.0.0.1:{port}", "--union-default-graph"],
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
    nquads = store.dump_nquads().decode("utf-8")
    assert nquads.count("\n") == 2 and f"<{G2}>" in nquads


def test_kg_build_and_query_on_a_remote_endpoint(oxigraph_server, tmp_path, example_text):
    article = tmp_path / "kz.txt"
    article.write_text(example_text, encoding="utf-8")
    run = [sys.executable, "-m", "kg"]
    build = subprocess.run(run + ["build", str(article), "--date", "2022-01-08", "--store", oxigraph_server,
                                  "--jobs", "1", "-q"], capture_output=True, text=True, cwd=ROOT)
    assert build.returncode == 0, build.stderr
    query = subprocess.run(run + ["query", oxigraph_server, str(QUERIES / "persons.rq"), "--format", "csv"],
                           capture_output=True, text=True, cwd=ROOT)
    assert query.returncode == 0, query.stderr
    assert "توكاييف" in query.stdout


def test_an_unreachable_endpoint_is_one_clear_error():
    store = open_store(f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(InputError, match="cannot reach"):
        store.count()
