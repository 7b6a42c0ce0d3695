"""The kg command, as a user runs it."""
import subprocess
import sys

import pytest

from conftest import EXAMPLE, ROOT

QUERIES = ROOT / "examples" / "queries"


def kg(*args, check=True):
    proc = subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    kg("build", EXAMPLE, "-o", out / "kz.trig", "-q")
    kg("build", EXAMPLE, "-o", out / "kz.ttl", "-q")
    return out


def test_build_query_viz_validate(built, tmp_path):
    result = kg("query", built / "kz.trig", QUERIES / "persons.rq", "--format", "csv").stdout
    assert result.splitlines()[0] == "entity,label"
    assert len(result.splitlines()) > 3
    assert "valid" in kg("validate", built / "kz.ttl").stdout
    kg("viz", built / "kz.trig", "-o", tmp_path / "g.html")
    page = (tmp_path / "g.html").read_text(encoding="utf-8")
    assert "vis-network" in page or "vis.Network" in page
    assert "stabilizationIterationsDone" in page


@pytest.mark.parametrize("name", sorted(p.name for p in QUERIES.glob("*.rq")))
def test_every_example_query_runs(built, name):
    out = kg("query", built / "kz.trig", QUERIES / name, "--format", "json").stdout
    assert out.startswith("[")


def test_every_output_format_parses(tmp_path):
    from kg.query import load_graph

    for ext in ("ttl", "nt", "jsonld", "trig", "nq"):
        kg("build", EXAMPLE, "-o", tmp_path / f"kz.{ext}", "-q")
        assert len(load_graph(tmp_path / f"kz.{ext}")) > 100


@pytest.mark.parametrize("args, message", [
    (["build", EXAMPLE, "-o", "out.ttl", "--date", "yesterday"], "not a date"),
    (["build", "no-such-file.txt", "-o", "out.ttl"], "no such file"),
    (["build", EXAMPLE, "-o", "no/such/folder/out.ttl"], "no such folder"),
    (["build", EXAMPLE, "-o", "x.ttl", "--format", "xml"], "unknown format"),
    (["query", "missing.ttl", QUERIES / "persons.rq"], "no such file"),
])
def test_bad_arguments_get_one_line_and_a_nonzero_exit(tmp_path, args, message):
    proc = kg(*args, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_failed_build_keeps_the_earlier_output(tmp_path):
    out = tmp_path / "kz.ttl"
    kg("build", EXAMPLE, "-o", out, "-q")
    before = out.read_bytes()
    empty = tmp_path / "empty.txt"
    empty.write_text("   ", encoding="utf-8")
    assert kg("build", empty, "-o", out, check=False).returncode == 2
    assert out.read_bytes() == before


def test_bad_sparql_is_reported(built, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT WHERE {", encoding="utf-8")
    proc = kg("query", built / "kz.ttl", bad, check=False)
    assert proc.returncode == 2 and "bad SPARQL" in proc.stderr


def test_version_and_the_help_of_train():
    assert kg("--version").stdout.strip().startswith("kg ")
    assert "--train" in kg("train", "ner", "--help").stdout and "ner" in kg("train", "--help").stdout


@pytest.mark.parametrize("args, message", [
    (["build", EXAMPLE, "-o", "x.ttl", "-j", "-3"], "--jobs: must be at least 1"),
    (["serve", EXAMPLE, "--timeout", "-5"], "--timeout: must be a positive number"),
    (["serve", EXAMPLE, "--timeout", "nan"], "--timeout: must be a positive number"),
    (["build", EXAMPLE, "-o", "x.ttl", "--lang", "en"], "unknown language 'en' (kg reads: ar)"),
    (["nosuchcommand"], "invalid choice"),
])
def test_bad_options_are_refused_in_one_line(args, message):
    proc = kg(*args, check=False)
    assert proc.returncode == 2 and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_query_file_in_utf16_is_read(built, tmp_path):
    query = tmp_path / "q.rq"
    query.write_bytes("SELECT ?l WHERE { ?p a <https://w3id.org/kg-news/ontology#Person> ; "
                      "<http://www.w3.org/2000/01/rdf-schema#label> ?l }".encode("utf-16"))
    assert "توكاييف" in kg("query", built / "kz.ttl", query, "--format", "csv").stdout


def test_the_readme_shows_what_kg_prints(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    built = kg("build", EXAMPLE, "-o", tmp_path / "kz.trig").stderr.strip()
    assert f"\n{built}\n" in readme
    drawn = kg("viz", tmp_path / "kz.trig", "-o", tmp_path / "graph.html").stderr.splitlines()[0]
    assert f"\n{drawn.replace(str(tmp_path), 'out')}\n" in readme
    table = kg("query", tmp_path / "kz.trig", QUERIES / "who-called-whom.rq").stdout
    assert "\n".join(line.rstrip() for line in table.splitlines()) in readme
