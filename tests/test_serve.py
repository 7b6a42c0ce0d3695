"""kg serve: a read-only SPARQL 1.1 Protocol endpoint, as SPARQLWrapper and curl use it."""
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg.serve import refused_keyword, serve_in_thread
from kg.store import open_store

G = "https://w3id.org/kg-news/id/article/one"


@pytest.fixture(scope="module")
def endpoint():
    store = open_store("memory")
    store.replace_graphs([G], [f'<https://w3id.org/kg-news/id/person/x> <http://www.w3.org/2000/01/rdf-schema#label> '
                               f'"س{i}"@ar <{G}> .\n' for i in range(3)])
    server, url = serve_in_thread(store.store, port=0, timeout=5)
    yield url
    server.shutdown()
    server.server_close()


def _get(url, query, accept=None, **params):
    full = url + "?" + urllib.parse.urlencode({"query": query, **params})
    request = urllib.request.Request(full, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.status, r.headers["Content-Type"], r.read().decode("utf-8")


def _status(request):
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


SELECT = "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l"


def test_results_as_json_csv_and_tsv(endpoint):
    status, media, body = _get(endpoint, SELECT)
    assert status == 200 and media == "application/sparql-results+json"
    assert [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["س0", "س1", "س2"]
    _, media, body = _get(endpoint, SELECT, accept="text/csv")
    assert media.startswith("text/csv") and body.splitlines()[0] == "l" and len(body.splitlines()) == 4
    _, media, body = _get(endpoint, SELECT, format="tsv")
    assert media.startswith("text/tab-separated-values") and body.splitlines()[1] == '"س0"@ar'


def test_post_forms_and_sparql_query_bodies(endpoint):
    form = urllib.request.Request(endpoint, data=urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode(),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(form, timeout=10) as r:
        assert json.loads(r.read())["boolean"] is True
    direct = urllib.request.Request(endpoint, data=SELECT.encode(), headers={"Content-Type": "application/sparql-query"})
    assert _status(direct) == 200


def test_updates_load_and_service_are_refused(endpoint):
    update = urllib.request.Request(endpoint, data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert _status(update) == 403
    form = urllib.request.Request(endpoint, data=urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert _status(form) == 403
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    assert _status(endpoint + "?" + urllib.parse.urlencode({"query": service})) == 403
    assert _status(endpoint + "?" + urllib.parse.urlencode({"query": "SELECT WHERE {"})) == 400
    _, _, body = _get(endpoint, SELECT)
    assert len(json.loads(body)["results"]["bindings"]) == 3  # nothing changed


def test_keywords_in_strings_iris_and_variables_are_not_refused():
    assert refused_keyword('SELECT ?load ?add WHERE { ?s ?p "DELETE me" . ?s <http://x/service> ?add }') is None
    assert refused_keyword("SELECT * { SERVICE <http://x> { ?s ?p ?o } }") == "SERVICE"


def test_sparqlwrapper_can_use_it(endpoint):
    SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
    client = SPARQLWrapper.SPARQLWrapper(endpoint)
    client.setQuery(SELECT)
    client.setReturnFormat(SPARQLWrapper.JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["l"]["value"] for r in rows] == ["س0", "س1", "س2"]


# --- nothing outside the store is read ---------------------------------------------------

SECRET = "kg-secret-7f3a9c"
X = "http://x/"
XSD = "http://www.w3.org/2001/XMLSchema#"


class Listener:
    """A stand-in for any server a query might reach, on 127.0.0.1: it counts the requests it
    gets and answers each with the secret, as SPARQL results and as N-Triples."""

    def __init__(self):
        import http.server
        import threading

        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                sparql = "sparql" in self.path
                body = (json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
                    {"s": {"type": "literal", "value": SECRET}}]}}) if sparql
                    else f'<{X}s> <{X}p> "{SECRET}" .\n').encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json" if sparql
                                 else "application/n-triples")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.nt"  # a valid graph file, should an engine load it
    path.write_text(f'<{X}s> <{X}p> "{SECRET}" .\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def guarded():
    """An endpoint whose store has the terms the evasions below need before SERVICE."""
    store = open_store("memory")
    store.replace_graphs([G], [f'<{X}a> <{X}label> "س"@ar <{G}> .\n', f'<{X}a> <{X}n> "1"^^<{XSD}integer> <{G}> .\n',
                               f'<{X}a> <{X}b> "true"^^<{XSD}boolean> <{G}> .\n', f"<{X}a> <{X}i> <{X}a#b> <{G}> .\n"])
    server, url = serve_in_thread(store.store, port=0, timeout=5)
    yield store, url
    server.shutdown()
    server.server_close()


def _fetch(url, query=None, **params):
    """Status and body of a GET, errors included."""
    full = url + "?" + urllib.parse.urlencode({**({"query": query} if query else {}), **params}, doseq=True)
    try:
        with urllib.request.urlopen(full, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_dataset_clauses_naming_files_or_the_network_are_refused(guarded, secret_file, listener):
    _, url = guarded
    file_iri, folder, net = secret_file.as_uri(), secret_file.parent.as_uri() + "/", listener.url + "/data.nt"
    queries = [f"SELECT * FROM <{file_iri}> WHERE {{ ?s ?p ?o }}",
               f"SELECT * FROM NAMED <{file_iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
               f"select * from <{net}> where {{ ?s ?p ?o }}",
               f"SELECT * FROM NAMED <{net}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
               f"PREFIX f: <{folder}> SELECT * FROM f:secret.nt WHERE {{ ?s ?p ?o }}",
               f"BASE <{folder}> SELECT * FROM <secret.nt> WHERE {{ ?s ?p ?o }}",
               f"CONSTRUCT {{ ?s ?p ?o }} FROM <{file_iri}> WHERE {{ ?s ?p ?o }}",
               f"ASK FROM <{G}> FROM <{net}> {{ ?s ?p ?o }}"]
    for query in queries:
        status, body = _fetch(url, query)
        assert status == 400 and "not a graph of this store" in body, (query, status, body)
        assert SECRET not in body
    for param, iri in (("default-graph-uri", file_iri), ("named-graph-uri", net), ("default-graph-uri", "not an iri")):
        status, body = _fetch(url, "SELECT * WHERE { ?s ?p ?o }", **{param: iri})
        assert status == 400 and iri in body and SECRET not in body
    assert listener.hits == []


def test_patterns_naming_files_or_the_network_read_nothing(guarded, secret_file, listener):
    _, url = guarded
    for query in (f"SELECT * WHERE {{ GRAPH <{secret_file.as_uri()}> {{ ?s ?p ?o }} }}",
                  f"DESCRIBE <{listener.url}/data.nt>", f"SELECT * WHERE {{ <{secret_file.as_uri()}> ?p ?o }}"):
        status, body = _fetch(url, query)
        assert status == 200 and SECRET not in body
    assert listener.hits == []


def test_the_store_own_graphs_may_still_be_chosen(guarded):
    _, url = guarded
    status, body = _fetch(url, f"SELECT ?o FROM <{G}> WHERE {{ <{X}a> <{X}n> ?o }}")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["o"]["value"] == "1"
    status, body = _fetch(url, f"PREFIX a: <{G.rsplit('/', 1)[0]}/> SELECT (COUNT(*) AS ?n) FROM NAMED a:one "
                               "WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "4"
    status, body = _fetch(url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                          **{"default-graph-uri": G, "named-graph-uri": G})
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "4"


EVASIONS = {  # SERVICE written as Oxigraph still reads it; each must be refused
    "plain": "SELECT * WHERE {{ SERVICE SILENT <{u}> {{ ?s ?p ?o }} }}",
    "lower case": "select * where {{ service silent <{u}> {{ ?s ?p ?o }} }}",
    "after a comment ended by CR": "SELECT * WHERE {{ # note\rSERVICE SILENT <{u}> {{ ?s ?p ?o }} }}",
    "glued to a number": f"SELECT * WHERE {{{{ ?s <{X}n> 1SERVICE SILENT <{{u}}> {{{{ ?s ?p ?o }}}} }}}}",
    "glued to true": f"SELECT * WHERE {{{{ ?s <{X}b> trueSERVICE SILENT <{{u}}> {{{{ ?s ?p ?o }}}} }}}}",
    "after a variable and a dot": "SELECT * WHERE {{ ?s ?p ?o.SERVICE SILENT <{u}> {{ ?s ?p ?o }} }}",
    "after an escaped # in a name": f"PREFIX x: <{X}> SELECT * WHERE {{{{ ?s <{X}i> x:a\\#b . "
                                    "SERVICE SILENT <{u}> {{ ?s ?p ?o }} }}",
    "its IRI as a prefixed name": "PREFIX e: <{base}> SELECT * WHERE {{ SERVICE SILENT e:sparql {{ ?s ?p ?o }} }}",
    "glued to its prefixed name": "PREFIX : <{base}> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
    "inside FILTER EXISTS": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT <{u}> {{ ?a ?b ?c }} }} }}",
    "in a CONSTRUCT": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE SILENT <{u}> {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("name", sorted(EVASIONS))
def test_service_is_refused_however_it_is_written(guarded, listener, name):
    store, url = guarded
    query = EVASIONS[name].format(u=listener.url + "/sparql", base=listener.url + "/")
    try:  # the engine itself calls the service: the refusal is what stands in the way
        list(store.store.query(query))
    except RuntimeError:
        pass
    assert listener.hits, "the evasion is not one: Oxigraph did not call the service"
    listener.hits.clear()
    status, body = _fetch(url, query)
    assert status == 403 and "SERVICE is not allowed" in body
    assert listener.hits == [] and SECRET not in body


def test_escaped_keywords_and_names_that_merely_contain_them():
    assert refused_keyword("SELECT * WHERE { \\u0053ERVICE <http://x> { ?s ?p ?o } }") == "SERVICE"
    assert refused_keyword('SELECT * WHERE { ?s ?p "x\\q" . SERVICE <http://x> {} }') == "SERVICE"
    assert refused_keyword("PREFIX svc: <http://x/> PREFIX addr: <http://y/> "
                           "SELECT * { ?s svc:service addr:load . ?s ?p '''SERVICE''' } # SERVICE") is None
    assert refused_keyword("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }") is None


# --- result size ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_limit():
    store = open_store("memory")
    store.replace_graphs([G], [f"<{X}s{i}> <{X}p> _:b{i} <{G}> .\n" for i in range(3)])
    server, url = serve_in_thread(store.store, port=0, timeout=5, max_rows=2)
    yield url
    server.shutdown()
    server.server_close()


def test_a_result_longer_than_max_rows_is_refused_never_cut(small_limit):
    for query in ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE ?s WHERE { ?s ?p ?o }"):
        status, body = _fetch(small_limit, query)
        assert status == 422 and "more than 2 rows" in body and "LIMIT" in body
    status, body = _fetch(small_limit, "SELECT * WHERE { ?s ?p ?o } LIMIT 2", format="csv")
    assert status == 200 and len(body.splitlines()) == 3
    assert _fetch(small_limit, "ASK { ?s ?p ?o }")[0] == 200


def test_no_limit_and_results_identical_to_the_engine_own(tmp_path):
    import sys

    import pyoxigraph as ox

    from kg.serve import Endpoint, Refused

    store = ox.Store()
    store.bulk_load(f'<{X}a> <{X}p> "tab\\there\\nنص \\"q\\""@ar .\n_:b <{X}p> "5"^^<http://www.w3.org/2001/'
                    f'XMLSchema#integer> .\n<{X}c> <{X}p> <<( <{X}a> <{X}p> <{X}c> )>> .\n'.encode(),
                    ox.RdfFormat.N_TRIPLES)
    query = f"SELECT ?s ?o ?none WHERE {{ ?s <{X}p> ?o OPTIONAL {{ ?s <{X}q> ?none }} }} ORDER BY ?s"
    unlimited = Endpoint(store, 5, max_rows=0)
    for fmt in ("json", "xml", "csv", "tsv"):
        expected = store.query(query).serialize(format=ox.QueryResultsFormat.from_extension(fmt))
        assert unlimited.answer(query, "", fmt, [])[1] == expected, fmt
    assert unlimited.answer("SELECT * WHERE {}", "", "json", [])[1] == store.query(
        "SELECT * WHERE {}").serialize(format=ox.QueryResultsFormat.JSON)
    unraisable = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        with pytest.raises(Refused, match="more than 1 rows"):
            Endpoint(store, 5, max_rows=1).answer(query, "", None, [])
        import gc

        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert unraisable == []  # the engine's results died in the thread that made them
    with pytest.raises(ValueError, match="max-rows"):
        Endpoint(store, max_rows=-1)


def test_malformed_requests_get_a_status_not_a_traceback(endpoint):
    request = urllib.request.Request(endpoint, data=b"query=ASK%7B%7D", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              "Content-Length": "-5"})
    assert _status(request) == 400
    assert _fetch(endpoint, SELECT, format="pdf")[0] == 406
    assert _fetch(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", **{"default-graph-uri": "urn:nope"})[0] == 400


def test_kg_serve_refuses_a_negative_max_rows(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    graph = tmp_path / "g.nt"
    graph.write_text(f'<{X}s> <{X}p> "o" .\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kg", "serve", str(graph), "--port", "0", "--max-rows", "-1"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "max-rows" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_small_load_on_kg_serve_gives_no_error(capsys):
    """bench/serve_load.py, small: 4 clients, 20 requests, every example query; no timing asserted."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("serve_load", ROOT / "bench" / "serve_load.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--clients", "4", "--queries", "20"]) == 0
    out = capsys.readouterr().out
    assert "20 requests" in out and "errors: 0" in out


def test_a_query_past_its_timeout_is_stopped_and_its_worker_replaced(tmp_path):
    """Over a store folder, queries run in processes: a timeout ends the query, not only the wait."""
    writer = open_store(str(tmp_path / "store"))
    writer.replace_graphs([G], [f"<{X}s{i}> <{X}p> <{X}o{i}> <{G}> .\n" for i in range(200)])
    writer.close()
    store = open_store(str(tmp_path / "store"), read_only=True)
    server, url = serve_in_thread(store, port=0, timeout=1, workers=1)
    try:
        (first,) = server.endpoint.processes.processes
        endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 200⁴ rows
        status, body = _fetch(url, endless)
        assert status == 503 and "timeout" in body
        assert not first.is_alive()  # ended, not left running
        status, body = _fetch(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # the one worker is free
        assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "200"
        assert _fetch(url, "SELECT * WHERE { ?s ?p ?o }", format="csv")[1].count("\n") == 201
    finally:
        server.shutdown()
        server.server_close()
        store.close()
    assert not server.endpoint.processes.processes


def test_kg_exports_builds_and_queries_against_its_own_endpoint(endpoint, tmp_path, capsys):
    from conftest import EXAMPLE
    from kg.cli import main

    assert main(["export", endpoint, "-o", str(tmp_path / "out.nq"), "-q"]) == 0
    lines = (tmp_path / "out.nq").read_text(encoding="utf-8").splitlines()
    assert len([line for line in lines if line.endswith(f"<{G}> .")]) == 3
    capsys.readouterr()
    assert main(["build", str(EXAMPLE), "--store", endpoint, "-q"]) == 2
    refused = capsys.readouterr().err
    assert "403" in refused and "read-only" in refused and len(refused.splitlines()) == 1
    query = tmp_path / "service.rq"
    query.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", encoding="utf-8")
    assert main(["query", endpoint, str(query)]) == 2
    assert "SERVICE is not allowed" in capsys.readouterr().err
