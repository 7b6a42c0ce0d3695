"""Hard inputs: long articles, mixed scripts, invisible marks inside names, JSON records with
fields missing, a store held by another process or an endpoint that does not answer. Each
gets a result or one clear line and a non-zero exit; none a traceback.

(Encodings, empty and binary files, broken JSON lines, bad arguments, atomic writes and
arbitrary text are covered in test_ingest.py, test_ingest_formats.py, test_cli.py and
test_properties.py; the SPARQL endpoint's refusals in test_serve.py.)"""
import datetime as dt
import json
import socket
import subprocess
import sys

import pytest

from conftest import EXAMPLE, ROOT
from kg.cli import main
from kg.ingest import read_article
from kg.normalize import normalize_text

DAY = dt.date(2022, 1, 8)
NAMES = ("أجرى الرئيس الكازاخستاني قاسم جومارت توكاييف اتصالا هاتفيا مع الرئيس الروسي فلاديمير بوتين، "
         "وبحثا الوضع في كازاخستان. واعتقلت السلطات كريم ماسيموف في نور سلطان أمس.")


def _offsets_inside(x):
    for item in [*x.entities, *x.roles, *x.events]:
        for m in item.mentions:
            assert 0 <= m.start < m.end <= len(x.text) and x.text[m.start:m.end] == m.text
    for start, end in x.sentences:
        assert 0 <= start <= end <= len(x.text)


def _entities(extract_text, text):
    """(kind, IRI key, name in comparison form) of each entity of a text."""
    x = extract_text(text, DAY)
    return sorted((e.kind, e.key, normalize_text(e.name)) for e in x.entities)


# --- size ------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "cp1256", "utf-16"])
def test_a_one_megabyte_file_is_read_whole(tmp_path, example_text, encoding):
    text = "\n\n".join([example_text] * 150)  # 1.0 MB in UTF-8
    path = tmp_path / "big.txt"
    path.write_bytes(text.encode(encoding))
    assert read_article(path).text == text


def test_a_long_article_builds_with_every_offset_inside_its_text(extract_text, example_text):
    from kg.rdf import graphs_of, serialize

    text = "\n\n".join([example_text] * 10)  # 68 KB: 3 s (a million characters: test_hostile.py)
    x = extract_text(text, DAY)
    _offsets_inside(x)
    assert len(x.sentences) >= 10 * 15 and "person/قاسم_جومارت_توكاييف" in {e.key for e in x.entities}
    assert max(m.end for e in x.entities for m in e.mentions) > len(text) - len(example_text)  # the last copy too
    assert serialize(graphs_of([x]), "nq")


# --- scripts and marks -----------------------------------------------------------------------

def test_mixed_arabic_and_english_text(extract_text):
    text = ("قال الرئيس الروسي فلاديمير بوتين في اتصال هاتفي مع الرئيس الكازاخستاني قاسم جومارت توكاييف إن الوضع "
            "في كازاخستان مستقر. President Joe Biden said on Friday in Washington that the United States "
            "supports Kazakhstan. وأعلنت وزارة الخارجية الأميركية عبر حسابها @StateDept والموقع "
            "https://www.state.gov/kz?x=1&y=2 أن الوزير Antony Blinken سيزور ألما آتا. 😀 #Kazakhstan "
            "Email: press@example.com; tel. +7 727 123 4567. The CSTO sent 2,500 troops.\n"
            "I.B.M. Corp. and U.N. ... Mr. O'Neil's 'quote' \"double\" — done.")
    x = extract_text(text, DAY)
    _offsets_inside(x)
    keys = {e.key for e in x.entities}
    assert {"person/فلاديمير_بوتين", "person/قاسم_جومارت_توكاييف", "country/KZ"} <= keys
    calls = [e for e in x.events if e.cameo == "041"]
    assert calls and "person/قاسم_جومارت_توكاييف" in calls[0].agents + calls[0].patients


def test_a_latin_gloss_after_a_name_leaves_the_person_the_agent(extract_text):
    x = extract_text("قال الرئيس الروسي فلاديمير بوتين (Vladimir Putin) في اتصال هاتفي مع الرئيس الكازاخستاني "
                     "قاسم جومارت توكاييف إن الوضع مستقر.", DAY)
    (call,) = [e for e in x.events if e.cameo == "041"]
    assert "person/فلاديمير_بوتين" in call.agents


def _inside(text, word, mark, at=2):
    return text.replace(word, word[:at] + mark + word[at:])


MARKED = {  # the same article with marks that must not change what it says
    "zero-width joiner": _inside(NAMES, "توكاييف", "\u200d"),
    "zero-width non-joiner": _inside(NAMES, "بوتين", "\u200c"),
    "zero-width space": _inside(NAMES, "ماسيموف", "\u200b"),
    "left-to-right mark": _inside(NAMES, "جومارت", "\u200e"),
    "right-to-left mark": _inside(NAMES, "فلاديمير", "\u200f"),
    "soft hyphen": _inside(NAMES, "كازاخستان", "\u00ad"),
    "embedding RLE…PDF": NAMES.replace("قاسم جومارت توكاييف", "\u202bقاسم جومارت توكاييف\u202c"),
    "isolate RLI…PDI": NAMES.replace("فلاديمير بوتين", "\u2067فلاديمير بوتين\u2069"),
    "tatweel": _inside(_inside(NAMES, "توكاييف", "ـ", 3), "كازاخستان", "ـــ", 4),
    "no-break space in a name": NAMES.replace("فلاديمير بوتين", "فلاديمير\u00a0بوتين"),
    "tanween outside names": NAMES.replace("اتصالا هاتفيا", "اتصالاً هاتفياً"),
    "Arabic letter mark (U+061C)": _inside(NAMES, "توكاييف", "\u061c"),
    "harakat on surnames": NAMES.replace("بوتين", "بُوتِين").replace("ماسيموف", "مَاسِيمُوف"),
    "kasra on a first name": NAMES.replace("قاسم", "قاسِم"),
}


@pytest.mark.parametrize("name", list(MARKED))
def test_invisible_marks_and_tatweel_inside_names_change_no_entity(extract_text, name):
    assert _entities(extract_text, MARKED[name]) == _entities(extract_text, NAMES)


# --- JSON records with fields missing --------------------------------------------------------

def _jsonl(path, *records):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                    encoding="utf-8")
    return path


def kg(*args):
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def _graphs(path):
    from kg.query import load_graph

    return {str(g.identifier).rsplit("/", 1)[-1] for g in load_graph(path).graphs()
            if "/article/" in str(g.identifier)}


def test_records_missing_fields_are_reported_and_the_rest_is_built(tmp_path):
    second = NAMES.replace("أمس", "اليوم")
    records = _jsonl(tmp_path / "feed.jsonl",
                     {"id": "good", "text": NAMES, "published": "2022-01-08"},
                     {"id": "no-text", "published": "2022-01-08"},  # 2
                     {},  # 3
                     {"id": "null-text", "text": None},  # 4
                     {"id": "number-text", "text": 42},  # 5
                     {"id": "object-text", "text": {"ar": NAMES}},  # 6
                     {"id": "list-date", "text": NAMES, "published": ["2022-01-08"]},  # 7
                     {"text": second},  # 8: no id, no date
                     {"text": second + " ثانية"},  # 9: no id either, another article
                     {"id": "good", "text": second, "published": "2022-01-09"})  # 10: an id already read
    out = tmp_path / "feed.trig"
    proc = kg("build", records, "-o", out, "-q")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    errors = proc.stderr.strip().splitlines()
    assert [line.split(": ", 2)[1].rsplit(":", 1)[1] for line in errors] == ["2", "3", "4", "5", "6", "7", "10"]
    assert all(line.endswith("(skipped)") for line in errors)
    assert "no text" in errors[0] and "not a date" in errors[5] and "duplicate id 'good'" in errors[6]
    assert _graphs(out) == {"good", "feed-8", "feed-9"}

    store = tmp_path / "store"  # the same in a store, where a repeated id once crashed the build
    proc = kg("build", records, "--store", store, "-j", "1", "-q")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 7
    from kg.store import open_store

    s = open_store(str(store), read_only=True)
    try:
        rows = s.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    finally:
        s.close()
    assert {r["g"].rsplit("/", 1)[-1] for r in rows} == {"good", "feed-8", "feed-9"}


# --- stores that cannot be used --------------------------------------------------------------

def _one_line(capsys, code, *needles):
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    for needle in needles:
        assert needle in err, err


def test_a_store_another_process_holds_is_one_clear_line(tmp_path, capsys):
    store = tmp_path / "held"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); "
                               "print('held', flush=True); sys.stdin.read()", str(store)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        _one_line(capsys, main(["build", str(EXAMPLE), "--store", str(store), "-j", "1", "-q"]),
                  "cannot open the store", "in use by another process")
        assert main(["stats", str(store)]) == 0  # readers open it read-only, beside the writer
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", ["build", "query", "stats", "export"])
def test_an_endpoint_that_does_not_answer_is_one_clear_line(tmp_path, capsys, command):
    url = f"http://127.0.0.1:{_closed_port()}"
    args = {"build": ["build", str(EXAMPLE), "--store", url, "-j", "1", "-q"],
            "query": ["query", url, str(ROOT / "examples" / "queries" / "persons.rq")],
            "stats": ["stats", url], "export": ["export", url, "-o", str(tmp_path / "x.nq")]}[command]
    _one_line(capsys, main(args), url, "cannot reach the endpoint")
    assert not (tmp_path / "x.nq").exists()


@pytest.mark.parametrize("url", ["http://127.0.0.1:port/sparql", "http://127.0.0.1:99999", "http://"])
def test_an_endpoint_address_that_is_not_one_is_one_clear_line(capsys, url):
    _one_line(capsys, main(["query", url, str(ROOT / "examples" / "queries" / "persons.rq")]),
              "not a SPARQL endpoint address")
