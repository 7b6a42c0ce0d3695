import datetime as dt
import json

import pytest

from kg.ingest import InputError, decode, parse_date, read_article

TEXT = "أعلنت وزارة الصحة في الأردن، اليوم الأحد، تسجيل إصابات جديدة."


def test_utf8_with_and_without_bom_read_the_same(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(TEXT.encode("utf-8"))
    b.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert read_article(a).text == read_article(b).text == TEXT


@pytest.mark.parametrize("encoding", ["utf-16", "cp1256"])
def test_other_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "x.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_article(path).text == TEXT


def test_sidecar_gives_the_publication_date_and_title(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(TEXT, encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps({"published": "2021-05-02", "title": "خبر"}), encoding="utf-8")
    article = read_article(path)
    assert article.published == dt.date(2021, 5, 2)
    assert article.title == "خبر"
    assert article.doc_id == "story"
    assert read_article(path, dt.date(2020, 1, 1)).published == dt.date(2020, 1, 1)


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"  \n\t ", "empty"),
                                              (b"\x00\x01\x02\xff\xfe\x00abc\x00", "binary")])
def test_unreadable_files_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_article(path)


def test_missing_file_and_bad_date_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="not a date"):
        parse_date("08/01/2022")
    assert parse_date("2022-01-08T10:00:00") == dt.date(2022, 1, 8)


def test_decode_refuses_empty_bytes():
    with pytest.raises(InputError):
        decode(b"", "x")
