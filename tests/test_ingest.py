"""Input formats and bad input: every article comes out as an Article or a Rejection."""
import datetime as dt
import json

import pytest

from extractor.errors import InputError
from extractor.ingest import Defaults, Reader, parse_published
from extractor.records import Article, Rejection

AR = "اشتباكات عنيفة في مدينة الموصل أمس."


def read(tmp_path, name, content, **defaults):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    reader = Reader(Defaults(**defaults))
    return list(reader.read([str(path)])), reader


def test_txt_id_is_stem_and_header_is_read(tmp_path):
    items, reader = read(tmp_path, "a1.txt", f"published: 2015-08-03\nsource: okaz\n\n{AR}\n")
    (art,) = items
    assert art == Article(id="a1", text=AR, published=dt.date(2015, 8, 3), source="okaz",
                          origin=str(tmp_path / "a1.txt"))
    assert reader.files[0].articles == 1 and len(reader.files[0].sha256) == 64


def test_txt_without_header_keeps_all_text(tmp_path):
    (art,), _ = read(tmp_path, "b.txt", "Title line: not a header\n\nBody.")
    assert art.text.startswith("Title line: not a header")


def test_jsonl_fields_defaults_and_unknown_keys(tmp_path):
    lines = [json.dumps({"id": "x", "text": AR, "extra": 1, "language": "AR"}, ensure_ascii=False),
             json.dumps({"text": "Clashes.", "published": "2020-05-09T10:00:00"})]
    items, _ = read(tmp_path, "in.jsonl", "\n".join(lines), source="cli", published=dt.date(2020, 1, 1))
    assert [a.id for a in items] == ["x", "in-2"]
    assert items[0].language == "ar" and items[0].source == "cli"
    assert items[0].published == dt.date(2020, 1, 1)
    assert items[1].published == dt.date(2020, 5, 9)


def test_forced_language_overrides_article(tmp_path):
    line = json.dumps({"text": "x y z", "language": "ar"})
    (art,), _ = read(tmp_path, "in.ndjson", line, language="en")
    assert art.language == "en"


@pytest.mark.parametrize("line, reason", [
    ('{"text": ', "malformed JSON"),
    ('{"id": "n1"}', "missing 'text'"),
    ('{"text": "   "}', "empty text"),
    ('{"text": "ok", "published": "yesterday"}', "unparseable 'published'"),
    ('["text"]', "must be an object"),
])
def test_bad_jsonl_lines_are_rejected_with_line_and_reason(tmp_path, line, reason):
    good = json.dumps({"text": "Clashes in Aleppo."})
    items, reader = read(tmp_path, "bad.jsonl", good + "\n" + line + "\n" + good)
    assert [type(i) for i in items] == [Article, Rejection, Article]
    rej = items[1]
    assert rej.origin == f"{tmp_path / 'bad.jsonl'}:2" and reason in rej.reason
    assert reader.files[0].rejected == 1 and reader.files[0].articles == 2


def test_csv_rows_and_line_numbers(tmp_path):
    content = 'id,text,published\nc1,"Clashes, heavy",2020-05-01\nc2,,2020-05-01\n'
    items, _ = read(tmp_path, "in.csv", content)
    assert items[0].id == "c1" and items[0].text == "Clashes, heavy"
    assert isinstance(items[1], Rejection) and items[1].origin.endswith("in.csv:3")


def test_csv_without_text_column(tmp_path):
    (rej,), _ = read(tmp_path, "in.csv", "id,body\n1,x\n")
    assert isinstance(rej, Rejection) and "no 'text' column" in rej.reason


def test_html_main_text_drops_chrome(tmp_path):
    page = ("<html><head><title>T</title><meta property='article:published_time' "
            "content='2017-04-07T10:00'></head><body><nav>Home | World</nav><article>"
            "<h1>Strike</h1><p>US missiles hit Shayrat.</p><script>var x=1;</script></article>"
            "<footer>© 2017</footer></body></html>")
    (art,), _ = read(tmp_path, "p.html", page)
    assert art.text == "Strike\n\nUS missiles hit Shayrat."
    assert art.title == "T" and art.published == dt.date(2017, 4, 7)


def test_windows_1256_is_read_with_warning(tmp_path, caplog):
    (art,), _ = read(tmp_path, "w.txt", AR.encode("cp1256"))
    assert art.text == AR
    assert "Windows-1256" in caplog.text


def test_utf8_bom(tmp_path):
    (art,), _ = read(tmp_path, "bom.txt", b"\xef\xbb\xbf" + AR.encode())
    assert art.text == AR


@pytest.mark.parametrize("content, reason", [
    (b"\x00\x01\x02binary", "binary"),
    (b"", "empty text"),
    (b"  \n\n ", "empty text"),
])
def test_bad_txt_files(tmp_path, content, reason):
    (rej,), _ = read(tmp_path, "bad.txt", content)
    assert isinstance(rej, Rejection) and reason in rej.reason


def test_folder_is_recursive_sorted_and_counts_skipped(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("B text")
    (tmp_path / "a.txt").write_text("A text")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    reader = Reader()
    items = list(reader.read([str(tmp_path)]))
    assert [a.id for a in items] == ["a", "b"]
    assert reader.skipped == [str(tmp_path / "notes.pdf")]


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        list(Reader().read([str(tmp_path / "nope.txt")]))


def test_parse_published_accepts_date_and_datetime():
    assert parse_published("2015-08-03") == dt.date(2015, 8, 3)
    assert parse_published("2015-08-03T23:59:00Z") == dt.date(2015, 8, 3)
    assert parse_published("") is None
