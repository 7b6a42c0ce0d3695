"""Nothing lost, nothing destroyed, nothing read that should not be (issue 11): kg tried the way
an attacker and a careless user would. Each defect found has its test here; the last one runs
bench/hostile.py, a build over a generated folder of all the hostile inputs at once."""
import errno
import importlib.util
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT
from kg.cli import main
from kg.ingest import Article, Rejected, read_article, read_corpus

QUERIES = ROOT / "examples" / "queries"
BASE = "https://w3id.org/kg-news/id/article/"
TEXT = ("أجرى الرئيس الكازاخستاني قاسم جومارت توكاييف اتصالا هاتفيا مع الرئيس الروسي فلاديمير بوتين، "
        "وبحثا الوضع في كازاخستان. واعتقلت السلطات كريم ماسيموف في نور سلطان أمس.")


def kg(*args, timeout=300, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


def _text(n):
    return f"{TEXT} الخبر رقم {n}."


def _jsonl(path, *records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _graphs(path):
    """The article identifiers (IRI paths) of a graph file's or store's named graphs."""
    import pyoxigraph as ox

    if path.is_dir():
        store = ox.Store.read_only(str(path))
    else:
        store = ox.Store()
        store.bulk_load(path=str(path), format={".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}[path.suffix])
    names = {g.value.removeprefix(BASE) for g in store.named_graphs()}
    del store
    return names


def _one_line(proc, *needles, code=2):
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


# --- data lost or merged without a word ---------------------------------------------------------------------

def test_a_record_whose_id_is_empty_once_normalized_builds_into_a_store_and_again(tmp_path):
    corpus = _jsonl(tmp_path / "feed.jsonl", *({"url": u, "text": _text(i)}
                                               for i, u in enumerate(["http://", "https://www.", "/", "   "])))
    for _ in range(2):  # a rerun once crashed at the same record
        proc = kg("build", corpus, "--store", tmp_path / "store", "-j", "1", "-q")
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert _graphs(tmp_path / "store") == {f"feed-{n}" for n in range(1, 5)}


def test_the_same_file_name_in_two_folders_or_zip_folders_gives_two_articles(tmp_path):
    corpus = tmp_path / "corpus"
    for n, where in enumerate(("a", "b")):
        (corpus / where).mkdir(parents=True)
        (corpus / where / "news.txt").write_text(_text(n), encoding="utf-8")
    with zipfile.ZipFile(corpus / "archive.zip", "w") as z:
        z.writestr("x/news.txt", _text(2))
        z.writestr("y/news.txt", _text(3))
    proc = kg("build", corpus, "-o", tmp_path / "out.trig", "-q")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert _graphs(tmp_path / "out.trig") == {"a/news", "b/news", "archive/x/news", "archive/y/news"}
    # in a store, a later run over one of the folders replaces nothing of the other
    store = tmp_path / "store"
    assert kg("build", corpus / "a", "--store", store, "-j", "1", "-q").returncode == 0
    assert kg("build", corpus, "--store", store, "-j", "1", "-q").returncode == 0
    assert _graphs(store) == {"news", "a/news", "b/news", "archive/x/news", "archive/y/news"}


def test_ids_that_differ_only_in_characters_a_slug_maps_to_underscore_give_two_graphs(tmp_path):
    corpus = _jsonl(tmp_path / "feed.jsonl", {"id": "news one", "text": _text(1)}, {"id": "news_one", "text": _text(2)})
    proc = kg("build", corpus, "-o", tmp_path / "out.trig", "-q")
    assert proc.returncode == 0, proc.stderr
    assert _graphs(tmp_path / "out.trig") == {"news%20one", "news_one"}
    assert kg("build", corpus, "--store", tmp_path / "store", "-j", "1", "-q").returncode == 0
    assert _graphs(tmp_path / "store") == {"news%20one", "news_one"}


def test_ids_with_dot_segments_stay_in_the_article_namespace():
    import rdflib

    from kg.rdf import article_iri, event_iri

    for doc_id in ("../../person/x", "a/./b", "..", "x/.."):
        for iri in (article_iri(doc_id), event_iri(doc_id, 0)):
            normalized = rdflib.URIRef(urllib.parse.urljoin(str(iri), "."))  # what a resolver makes of dot-segments
            assert str(iri).startswith(BASE if iri == article_iri(doc_id) else BASE.replace("article/", "event/"))
            assert "/../" not in str(iri) and "/./" not in str(iri) and not str(iri).endswith(("/..", "/."))
            assert str(normalized).startswith(str(iri).rsplit("/", 1)[0])
    assert len({article_iri(d) for d in ("a b", "a_b", "a%20b", "a?b", "a#b", "a/b")}) == 6


def test_a_repeated_id_with_another_text_is_reported_and_never_merged(tmp_path):
    corpus = _jsonl(tmp_path / "feed.jsonl", {"id": "x", "text": _text(1)}, {"id": "x", "text": _text(2)},
                    {"id": "x", "text": _text(1)})
    got = list(read_corpus([str(corpus)]))
    assert isinstance(got[0], Article) and all(isinstance(r, Rejected) for r in got[1:])
    assert "another text" in got[1].reason and "the same text" in got[2].reason


def test_a_store_whose_index_another_store_used_gets_every_graph(tmp_path):
    corpus = _jsonl(tmp_path / "feed.jsonl", {"id": "one", "text": _text(1)}, {"id": "two", "text": _text(2)})
    index = tmp_path / "index.sqlite"
    for store in ("first", "second"):
        proc = kg("build", corpus, "--store", tmp_path / store, "--index", index, "-j", "1")
        assert proc.returncode == 0, proc.stderr
    assert "2 graphs written" in proc.stderr  # not "0 graphs written" into an empty store
    assert _graphs(tmp_path / "second") == {"one", "two"}
    third = tmp_path / "third"  # a store holding another text of "one": it gets the index's
    assert kg("build", _jsonl(tmp_path / "old.jsonl", {"id": "one", "text": _text(9)}), "--store", third,
              "-j", "1", "-q").returncode == 0
    assert kg("build", corpus, "--store", third, "--index", index, "-j", "1", "-q").returncode == 0
    import pyoxigraph as ox

    store = ox.Store.read_only(str(third))
    texts = {str(row[0].value) for row in store.query(
        f"SELECT ?t WHERE {{ <{BASE}one> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString> ?t }}")}
    del store
    assert texts == {_text(1)}


@pytest.mark.parametrize("target", ["existing.trig", "new.trig", "memory"])
def test_store_option_naming_a_graph_file_is_refused_not_reported_as_written(tmp_path, target):
    if target == "existing.trig":
        assert kg("build", EXAMPLE, "-o", tmp_path / target, "-q").returncode == 0
    spec = target if target == "memory" else tmp_path / target
    _one_line(kg("build", EXAMPLE, "--store", spec, "-q"), "--store takes a store folder")


def test_json_lines_are_split_at_line_feeds_only(tmp_path):
    seps = ("\u2028", "\u2029", "\u0085")
    corpus = tmp_path / "feed.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"r{i}", "text": _text(i) + c + "تتمة."}, ensure_ascii=False) + "\n"
                              for i, c in enumerate(seps)), encoding="utf-8")
    got = list(read_corpus([str(corpus)]))
    assert [a.doc_id for a in got] == ["r0", "r1", "r2"] and all(s in a.text for a, s in zip(got, seps))
    out = tmp_path / "out.nq"  # and a text holding them makes valid N-Quads
    assert kg("build", corpus, "-o", out, "-q").returncode == 0
    assert _graphs(out) == {"r0", "r1", "r2"}


def test_a_bad_byte_is_replaced_counted_and_reported_with_where(tmp_path):
    good = _text(1).encode("utf-8")
    broken = good.replace("الرئيس".encode("utf-8"), b"\xff", 1)
    (tmp_path / "plain.txt").write_bytes(broken)
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + broken)
    plain, bom = read_article(tmp_path / "plain.txt"), read_article(tmp_path / "bom.txt")
    assert plain.text == bom.text and plain.text.count("\ufffd") == 1 and "توكاييف" in plain.text
    records = [json.dumps({"id": f"r{i}", "text": _text(i)}, ensure_ascii=False).encode("utf-8") for i in range(3)]
    records[1] = records[1].replace("الرئيس".encode("utf-8"), b"\xc3\x28\xff", 1)
    (tmp_path / "feed.jsonl").write_bytes(b"\n".join(records) + b"\n")
    got = list(read_corpus([str(tmp_path / "feed.jsonl")]))
    from kg.ingest import Notice

    assert [type(x) for x in got] == [Article, Notice, Article, Article]
    assert got[1].where.endswith("feed.jsonl:2") and got[1].message.startswith("2 characters")
    proc = kg("build", tmp_path / "plain.txt", tmp_path / "feed.jsonl", "-o", tmp_path / "out.trig", "-q")
    assert proc.returncode == 0 and _graphs(tmp_path / "out.trig") == {"plain", "r0", "r1", "r2"}
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2 and all("replaced by U+FFFD" in line for line in lines), proc.stderr
    assert "plain.txt: 1 character that is not valid UTF-8" in lines[0] and "line 1, column" not in lines[0]
    assert "feed.jsonl:2: 2 characters" in lines[1]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_not_called_binary(tmp_path, encoding):
    path = tmp_path / "x.txt"
    path.write_bytes((_text(1) + "\n2022-01-08\n").encode(encoding))
    assert read_article(path).text == _text(1) + "\n2022-01-08\n"


def test_decoding_errors_name_the_file(tmp_path):
    path = tmp_path / "broken-utf16.txt"  # a BOM, then a lone surrogate and an odd byte
    path.write_bytes(b"\xff\xfe" + _text(1).encode("utf-16-le") + b"\x00\xd8" + b"a")
    proc = kg("build", path, "-o", tmp_path / "out.ttl")
    assert proc.returncode == 0, proc.stderr
    assert f"kg build: {path}: 1 character that is not valid UTF-16 replaced" in proc.stderr
    query = tmp_path / "broken.rq"  # UTF-8 with a byte that no reading of it can take
    query.write_bytes("SELECT * WHERE { ?s ?p 'é' }".encode("utf-8").replace(b"'", b"\xff\xfe\x00\xd8", 1))
    _one_line(kg("query", tmp_path / "out.ttl", query), str(query))  # (one line, naming the file)


# --- output that destroys -----------------------------------------------------------------------------------

def test_dash_is_standard_output_not_a_file_named_dash(tmp_path):
    proc = kg("build", EXAMPLE, "-o", "-", "-q", cwd=tmp_path)
    assert proc.returncode == 0 and "@prefix kg:" in proc.stdout and not (tmp_path / "-").exists()


def test_a_fifo_or_device_output_is_written_in_place_never_renamed_over(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "stdout"  # what /dev/stdout is: a link to a device, a pipe or a file
    link.symlink_to(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = kg("build", EXAMPLE, "-o", link, "-q")
    if not got:  # nothing opened the FIFO: let the reader go
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)) if fifo.is_fifo() else None
    reader.join(60)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and fifo.is_fifo() and b"@prefix kg:" in got[0]
    assert kg("build", EXAMPLE, "-o", "/dev/null", "-q").returncode == 0
    assert Path("/dev/null").is_char_device()


def test_a_symlinked_output_keeps_its_link_and_its_target_is_replaced(tmp_path):
    target, link = tmp_path / "real.ttl", tmp_path / "link.ttl"
    target.write_text("old", encoding="utf-8")
    link.symlink_to(target)
    assert kg("build", EXAMPLE, "-o", link, "-q").returncode == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("@prefix")


def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path):
    article, sidecar = tmp_path / "a.txt", tmp_path / "a.json"
    article.write_text(_text(1), encoding="utf-8")
    sidecar.write_text(json.dumps({"published": "2022-01-08"}), encoding="utf-8")
    corpus = _jsonl(tmp_path / "feed.jsonl", {"id": "x", "text": _text(2)})
    before = {p: p.read_bytes() for p in (article, sidecar, corpus)}
    for inputs, output in (([article], article), ([article], sidecar), ([corpus], corpus), ([tmp_path], sidecar),
                           ([tmp_path / "*.jsonl"], corpus)):
        _one_line(kg("build", *inputs, "-o", output, "--format", "ttl", "-q"), "is an input of this run")
    assert kg("build", article, "-o", tmp_path / "g.ttl", "-q").returncode == 0
    graph = (tmp_path / "g.ttl").read_bytes()
    for command in (["export", tmp_path / "g.ttl", "-o", tmp_path / "g.ttl", "--format", "ttl"],
                    ["viz", tmp_path / "g.ttl", "-o", tmp_path / "g.ttl"],
                    ["timeline", tmp_path / "g.ttl", "-o", tmp_path / "g.ttl"]):
        _one_line(kg(*command), "is an input of this run")
    assert (tmp_path / "g.ttl").read_bytes() == graph
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.parametrize("output", ["x.xml", "x.json", "x", "x.html"])
def test_an_unknown_output_extension_is_refused_naming_the_formats(tmp_path, output):
    _one_line(kg("build", EXAMPLE, "-o", tmp_path / output, "-q"), "unknown output extension", ".ttl, .nt, .jsonld")
    assert not (tmp_path / output).exists()
    assert kg("build", EXAMPLE, "-o", tmp_path / output, "--format", "nt", "-q").returncode == 0


SLOW_WRITE = """
import builtins, io, os, sys, time
real_open = io.open

class Slow:  # a temporary file written half, then slowly: a signal arrives in the middle
    def __init__(self, f):
        self.f = f
    def write(self, data):
        half = len(data) // 2
        self.f.write(data[:half])
        self.f.flush()
        print("writing", flush=True)
        time.sleep(60)
        return half + self.f.write(data[half:])
    def __getattr__(self, name):
        return getattr(self.f, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self.f.__exit__(*exc)

def slow_open(file, mode="r", *args, **kwargs):
    f = real_open(file, mode, *args, **kwargs)
    name = os.readlink(f"/proc/self/fd/{file}") if isinstance(file, int) else str(file)
    return Slow(f) if "w" in mode and name.endswith(".tmp") else f

builtins.open = io.open = slow_open
from kg.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_write_leaves_no_temporary_file_and_the_old_output(tmp_path, sig, code):
    out = tmp_path / "out.ttl"
    out.write_text("earlier graph", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, "build", str(EXAMPLE), "-o", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "writing"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # the temporary file is there
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code and "Traceback" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]
    assert out.read_text(encoding="utf-8") == "earlier graph"


def test_orphan_bulk_files_of_a_crashed_load_are_removed_by_the_next_build(tmp_path):
    store = tmp_path / "store"
    assert kg("build", EXAMPLE, "--store", store, "-j", "1", "-q").returncode == 0
    orphan = store / "bulk-123456789.sst"  # the name Oxigraph gives the files of a bulk load
    orphan.write_bytes(b"\0" * 4096)
    assert kg("build", EXAMPLE, "--store", store, "-j", "1", "-q").returncode == 0
    assert not orphan.exists()


def _read_only(monkeypatch, folder):
    """Writes under `folder` fail as on a read-only file system (EROFS), cleanups included."""
    import builtins
    import pathlib

    def refuse(path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    def inside(path):
        return str(path).startswith(str(folder))

    real_open, real_os_open, real_unlink, real_path_unlink = builtins.open, os.open, os.unlink, pathlib.Path.unlink

    def fake_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and inside(file) and any(c in mode for c in "wax+"):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path, flags, *args, **kwargs):
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    monkeypatch.setattr(os, "unlink", lambda p, *a, **k: refuse(p) if inside(p) else real_unlink(p, *a, **k))
    monkeypatch.setattr(pathlib.Path, "unlink",
                        lambda self, missing_ok=False: refuse(self) if inside(self) else real_path_unlink(self, missing_ok))


@pytest.mark.parametrize("command", ["build", "viz", "timeline", "export", "graphml"])
def test_output_on_a_read_only_file_system_is_one_line(tmp_path, monkeypatch, capsys, command):
    graph = tmp_path / "in" / "g.trig"
    graph.parent.mkdir()
    assert main(["build", str(EXAMPLE), "-o", str(graph), "-q"]) == 0
    ro = tmp_path / "ro"
    ro.mkdir()
    capsys.readouterr()
    _read_only(monkeypatch, ro)
    args = {"build": ["build", str(EXAMPLE), "-o", str(ro / "g.ttl"), "-q"],
            "viz": ["viz", str(graph), "-o", str(ro / "g.html")],
            "timeline": ["timeline", str(graph), "-o", str(ro / "t.html")],
            "export": ["export", str(graph), "-o", str(ro / "g.nq"), "-q"],
            "graphml": ["export", str(graph), "-o", str(ro / "g.graphml"), "-q"]}[command]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Read-only file system" in err, err


# --- read or fetched what it should not ---------------------------------------------------------------------

class Listener:
    """An HTTP server that records every request (and answers with a graph, a context or results)."""

    def __init__(self):
        import http.server

        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits.append(self.path)
                body = b'{"@context": {"name": "http://schema.org/name"}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
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


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("graph") / "g.trig"
    assert kg("build", EXAMPLE, "-o", out, "-q").returncode == 0
    return out


def test_kg_query_on_a_graph_file_reads_no_file_and_no_url_it_names(graph_file, tmp_path, listener):
    secret = tmp_path / "secret.nt"
    secret.write_text('<http://x/s> <http://x/p> "SECRET" .\n', encoding="utf-8")
    for n, sparql in enumerate([f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
                                f"SELECT * FROM NAMED <{secret.as_uri()}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                                f"SELECT * FROM <{listener.url}/g.nt> WHERE {{ ?s ?p ?o }}",
                                f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"]):
        query = tmp_path / f"q{n}.rq"
        query.write_text(sparql, encoding="utf-8")
        proc = kg("query", graph_file, query)
        _one_line(proc, "not a graph of this dataset" if n < 3 else "SERVICE is not allowed")
        assert "SECRET" not in proc.stdout + proc.stderr
    assert listener.hits == []
    own = tmp_path / "own.rq"  # the file's own graphs may still be chosen
    own.write_text(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{BASE}kz-2022-01-08-arrests> "
                   "WHERE { GRAPH ?g { ?s ?p ?o } }", encoding="utf-8")
    assert kg("query", graph_file, own, "--format", "csv").stdout.splitlines()[1] != "0"


def test_a_json_ld_graph_remote_context_is_not_fetched(tmp_path, listener):
    graph = tmp_path / "g.jsonld"
    graph.write_text(json.dumps({"@context": f"{listener.url}/context.jsonld", "@id": "http://x/a", "name": "n"}),
                     encoding="utf-8")
    _one_line(kg("query", graph, QUERIES / "persons.rq"), "remote @context")
    _one_line(kg("validate", graph), "remote @context")
    assert listener.hits == []


def test_a_query_nested_3000_deep_is_refused_not_a_crash(tmp_path):
    store = tmp_path / "store"
    assert kg("build", EXAMPLE, "--store", store, "-j", "1", "-q").returncode == 0
    query = tmp_path / "deep.rq"
    query.write_text("SELECT * WHERE " + "{" * 3000 + "}" * 3000, encoding="utf-8")
    _one_line(kg("query", store, query), "nested too deeply")


def test_kg_query_on_a_store_stops_at_its_timeout_and_on_ctrl_c(tmp_path):
    store = tmp_path / "store"
    assert kg("build", EXAMPLE, "--store", store, "-j", "1", "-q").returncode == 0
    query = tmp_path / "endless.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", encoding="utf-8")
    started = time.monotonic()
    _one_line(kg("query", store, query, "--timeout", "2"), "--timeout")
    assert time.monotonic() - started < 30
    proc = subprocess.Popen([sys.executable, "-m", "kg", "query", str(store), str(query)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - started < 3 and proc.returncode == 130 and "Traceback" not in err, err


# --- tracebacks instead of one line -------------------------------------------------------------------------

def test_a_json_line_nested_100000_deep_is_one_bad_record_and_the_rest_builds(tmp_path):
    corpus = _jsonl(tmp_path / "feed.jsonl", {"id": "ok", "text": _text(1)})
    with open(corpus, "a", encoding="utf-8") as f:
        f.write("[" * 100_000 + "]" * 100_000 + "\n")
    array = tmp_path / "deep.json"
    array.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    proc = kg("build", corpus, array, "-o", tmp_path / "out.trig", "-q")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 2 and proc.stderr.count("nested too deeply") == 2
    assert _graphs(tmp_path / "out.trig") == {"ok"}


def test_a_sidecar_that_is_a_list_is_one_bad_article_and_the_rest_builds(tmp_path):
    (tmp_path / "a.txt").write_text(_text(1), encoding="utf-8")
    (tmp_path / "a.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "b.txt").write_text(_text(2), encoding="utf-8")
    proc = kg("build", tmp_path, "-o", tmp_path / "out.trig", "-q")
    assert proc.returncode == 0 and "a.json: not a JSON object" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and _graphs(tmp_path / "out.trig") == {"b"}
    _one_line(kg("build", tmp_path / "a.txt", "-o", tmp_path / "a.trig"), "not a JSON object")


def test_a_full_disk_during_a_store_load_is_one_line(tmp_path, monkeypatch, capsys):
    from kg import store as stores

    def full(self, graphs):
        raise OSError(errno.ENOSPC, "IO error: No space left on device: While appending to file: bulk-1.sst")

    monkeypatch.setattr(stores._Oxigraph, "add_graphs", full)
    code = main(["build", str(EXAMPLE), "--store", str(tmp_path / "store"), "-j", "1", "-q"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "No space left on device" in err, err


@pytest.mark.parametrize("index", ["folder", "text", "missing/index.sqlite"])
def test_a_bad_index_is_one_line(tmp_path, index):
    path = tmp_path / index
    if index == "folder":
        path.mkdir()
    elif index == "text":
        path.write_text("not a database " * 100, encoding="utf-8")
    proc = kg("build", EXAMPLE, "--store", tmp_path / "store", "--index", path, "-j", "1", "-q")
    _one_line(proc, str(path))
    if index == "text":
        assert path.read_text(encoding="utf-8").startswith("not a database")


def test_kg_serve_on_a_busy_port_is_one_line(graph_file):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        _one_line(kg("serve", graph_file, "--port", busy.getsockname()[1], timeout=60), "cannot listen")


def test_stats_into_a_pipe_closed_early_is_silent(tmp_path):
    store = tmp_path / "store"
    assert kg("build", EXAMPLE, "--store", store, "-j", "1", "-q").returncode == 0
    reader, writer = os.pipe()
    os.close(reader)  # like `| head -0`: the reader is gone before kg writes
    proc = subprocess.run([sys.executable, "-m", "kg", "stats", str(store)], stdout=writer, stderr=subprocess.PIPE,
                          text=True, cwd=ROOT, timeout=120)
    os.close(writer)
    assert proc.returncode == 141 and proc.stderr == "", proc.stderr


# --- limits -------------------------------------------------------------------------------------------------

def test_inputs_are_read_up_to_a_size_cap(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.txt", b" " * (100 << 20))  # 100 MiB in a 100 KB zip
        z.writestr("small.txt", _text(1))
    assert bomb.stat().st_size < 1 << 20
    proc = kg("build", bomb, "-o", tmp_path / "out.trig", "-q")
    assert proc.returncode == 0 and "bomb.zip!big.txt: larger than 64M" in proc.stderr, proc.stderr
    assert _graphs(tmp_path / "out.trig") == {"bomb/small"}
    _one_line(kg("build", "/dev/zero", "-o", tmp_path / "z.ttl", "--max-size", "1M"), "/dev/zero: larger than 1M")
    long = _jsonl(tmp_path / "long.jsonl", {"id": "long", "text": _text(1) * 500}, {"id": "ok", "text": _text(2)})
    proc = kg("build", long, "-o", tmp_path / "long.trig", "--max-size", "64K", "-q")
    assert proc.returncode == 0 and "long.jsonl:1: larger than 64K" in proc.stderr
    assert _graphs(tmp_path / "long.trig") == {"ok"}


def test_a_long_article_is_extracted_in_parts_with_its_offsets_kept(monkeypatch, nlp, example_text):
    import importlib

    extraction = importlib.import_module("kg.extract")  # (the module; kg.extract is the facade's function)

    monkeypatch.setattr(extraction, "LONG_ARTICLE", 8_000)
    monkeypatch.setattr(extraction, "PART", 4_000)
    text = "\n\n".join([example_text] * 3)
    assert len(extraction.parts(text)) >= 3
    x = extraction.extract(text, None, nlp=nlp)
    for item in [*x.entities, *x.roles, *x.events]:
        for m in item.mentions:
            assert x.text[m.start:m.end] == m.text and 0 <= m.sentence < len(x.sentences)
    assert max(m.end for e in x.entities for m in e.mentions) > 2 * len(example_text)  # the last copy too
    assert len({e.key for e in x.entities}) == len(x.entities)  # one entity for a name found in every part
    assert [s for s in x.sentences if s[1] > len(text)] == []


@pytest.mark.slow
def test_a_one_million_character_article_builds(tmp_path, example_text):
    text = "\n\n".join([example_text] * 267)
    assert len(text) > 1_000_000
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    proc = kg("build", tmp_path / "long.txt", "-o", tmp_path / "long.nq", "-q", timeout=1200)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert _graphs(tmp_path / "long.nq") == {"long"}


def _serve(graph, *args):
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(graph), "--port", "0", *map(str, args)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    assert "http://" in line, line + proc.stderr.read()
    return proc, line.split()[2]


def _status(url, query, timeout=30):
    try:
        with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode({'query': query})}", timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_kg_serve_over_a_graph_file_survives_slow_queries_and_stops_on_a_signal(graph_file):
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    for sig in (signal.SIGINT, signal.SIGTERM):
        proc, url = _serve(graph_file, "--timeout", "1")
        try:
            statuses = []
            clients = [threading.Thread(target=lambda: statuses.append(_status(url, endless))) for _ in range(4)]
            for c in clients:
                c.start()
            for c in clients:
                c.join(60)
            assert statuses == [503] * 4
            answered = time.monotonic() + 15  # the ended workers are replaced in seconds, not minutes
            while _status(url, "ASK { ?s ?p ?o }") != 200:
                assert time.monotonic() < answered
            clients = [threading.Thread(target=_status, args=(url, endless), daemon=True) for _ in range(2)]
            for c in clients:
                c.start()
            time.sleep(0.3)  # two slow queries running
            proc.send_signal(sig)
            started = time.monotonic()
            proc.wait(10)
            assert time.monotonic() - started < 1.5
            assert "Traceback" not in proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_a_store_served_by_kg_serve_is_not_built_into(tmp_path):
    store = tmp_path / "store"
    assert kg("build", EXAMPLE, "--store", store, "-j", "1", "-q").returncode == 0
    proc, url = _serve(store)
    try:
        corpus = _jsonl(tmp_path / "feed.jsonl", {"id": "new", "text": _text(1)})
        _one_line(kg("build", corpus, "--store", store, "-j", "1", "-q"), "kg serve", "is serving it")
        assert _status(url, "ASK { ?s ?p ?o }") == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
    assert kg("build", corpus, "--store", store, "-j", "1", "-q").returncode == 0  # once it stopped


# --- all of them at once ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_folder_of_hostile_inputs_builds_its_good_articles_and_reports_each_bad_one(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("hostile", ROOT / "bench" / "hostile.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--keep", str(tmp_path)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "PROBLEM" not in out and "no file outside the output touched" in out
