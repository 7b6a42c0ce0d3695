"""Corpus inputs: folders, globs, JSON Lines, JSON arrays, zip archives, HTML, stdin; bad
records are reported with their reason and skipped."""
import io
import json
import zipfile

from kg.ingest import Article, FieldMap, Rejected, read_corpus

TEXT = "أعلنت وزارة الصحة في الأردن، اليوم الأحد، تسجيل إصابات جديدة."
RECORDS = [{"url": "https://news.example/a/1", "content": TEXT, "date_extracted": "2015-07-21 02:51:32", "title": "أ"},
           {"url": "https://news.example/a/2", "content": TEXT + " ثانية", "date_extracted": "2015-07-22", "title": "ب"}]
FIELDS = FieldMap(text="content", date="date_extracted", id="url", title="title")


def _read(*inputs, fields=FIELDS, stdin=None):
    return list(read_corpus([str(i) for i in inputs], fields, stdin=stdin))


def test_json_array_and_json_lines_with_a_field_mapping(tmp_path):
    array, lines = tmp_path / "a.json", tmp_path / "b.jsonl"
    array.write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), encoding="utf-8")
    for got in (_read(array), _read(lines)):
        assert [a.doc_id for a in got] == ["news.example/a/1", "news.example/a/2"]
        assert got[0].published.isoformat() == "2015-07-21" and got[1].title == "ب"
        assert got[0].source == "https://news.example/a/1"


def test_usual_field_names_need_no_mapping(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "x1", "text": TEXT, "published": "2020-02-02"}, ensure_ascii=False),
                    encoding="utf-8")
    (article,) = _read(path, fields=FieldMap())
    assert article.doc_id == "x1" and article.published.isoformat() == "2020-02-02"


def test_zip_archives_of_json_arrays(tmp_path):
    path = tmp_path / "2015-07-21.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("2015-07-21.json", json.dumps(RECORDS, ensure_ascii=False))
    got = _read(path)
    assert len(got) == 2 and all(isinstance(a, Article) for a in got)


def test_folders_and_globs_skip_sidecars(tmp_path):
    (tmp_path / "one.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps({"published": "2022-01-08"}), encoding="utf-8")
    (tmp_path / "two.txt").write_bytes(TEXT.encode("cp1256"))
    from_folder = _read(tmp_path)
    assert [a.doc_id for a in from_folder] == ["one", "two"]
    assert from_folder[0].published.isoformat() == "2022-01-08" and from_folder[1].text == TEXT
    assert [a.doc_id for a in _read(tmp_path / "t*.txt")] == ["two"]
    (rejected,) = _read(tmp_path / "nothing*.txt")
    assert isinstance(rejected, Rejected) and rejected.reason == "no file matches"


def test_html_pages_give_text_title_and_date(tmp_path):
    page = tmp_path / "story.html"
    page.write_text(f"""<html><head><title>خبر مهم</title>
        <meta property="article:published_time" content="2022-01-08T10:00:00"></head>
        <body><nav>الرئيسية | رياضة</nav><article><h1>خبر مهم</h1><p>{TEXT} {TEXT}</p>
        <p>وقال الرئيس قاسم جومارت توكاييف إن الوضع مستقر الآن في جميع المناطق.</p></article></body></html>""",
                    encoding="utf-8")
    (article,) = _read(page)
    assert "توكاييف" in article.text and "رياضة" not in article.text
    assert article.title == "خبر مهم" and article.published.isoformat() == "2022-01-08"


def test_stdin_json_lines():
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS).encode("utf-8")
    got = _read("-", stdin=io.BytesIO(data))
    assert [a.title for a in got] == ["أ", "ب"]


def test_bad_records_are_rejected_with_a_reason_and_the_rest_is_read(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps(RECORDS[0], ensure_ascii=False), "{broken", "[1, 2]",
                               json.dumps({"url": "u", "content": "", "date_extracted": "2015-01-01"}),
                               json.dumps({"url": "v", "content": TEXT, "date_extracted": "someday"},
                                          ensure_ascii=False)]), encoding="utf-8")
    got = _read(path)
    assert isinstance(got[0], Article)
    reasons = [r.reason for r in got[1:]]
    assert all(isinstance(r, Rejected) for r in got[1:])
    assert "not valid JSON" in reasons[0] and "not a JSON object" in reasons[1]
    assert "no text" in reasons[2] and "not a date" in reasons[3]
    assert got[1].where.endswith("mixed.jsonl:2")
    (bad_zip,) = _read(tmp_path / "mixed.jsonl", tmp_path / "missing.txt")[5:]
    assert bad_zip.reason == "no such file"
