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
