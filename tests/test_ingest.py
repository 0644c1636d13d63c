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


# ---------------------------------------------------------------- streamed JSONL and CSV

def _big_file(path, fmt, n):
    """``n`` Arabic articles of about 700 bytes each, as JSONL or CSV."""
    body = " ".join([AR] * 10)
    with path.open("w", encoding="utf-8", newline="") as f:
        if fmt == "csv":
            f.write("id,text\r\n")
        for i in range(n):
            if fmt == "csv":
                f.write(f'a{i},"{body} {i}"\r\n')
            else:
                f.write(json.dumps({"id": f"a{i}", "text": f"{body} {i}"}, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("name", ["big.jsonl", "big.csv"])
def test_big_file_is_streamed_not_held_in_memory(tmp_path, name):
    import hashlib
    import tracemalloc

    path = tmp_path / name
    _big_file(path, path.suffix[1:], 12_500)
    size = path.stat().st_size
    assert size > 8_000_000
    reader = Reader()
    tracemalloc.start()
    try:
        count = sum(isinstance(item, Article) for item in reader.read([str(path)]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 12_500
    # Reading the file whole held it about three times (bytes, text, lines): 25 MB here;
    # streamed, the peak is a few read chunks (about 1.3 MB), whatever the file's size.
    assert peak < size / 4, f"peak {peak} bytes for a {size}-byte file"
    (info,) = reader.files
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (info.articles, info.rejected) == (12_500, 0)


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_utf8_split_across_chunks_is_still_utf8(tmp_path, monkeypatch, caplog, chunk):
    import extractor.ingest as ingest

    monkeypatch.setattr(ingest, "CHUNK", chunk)
    lines = [json.dumps({"text": AR}, ensure_ascii=False), json.dumps({"text": "é " + AR})]
    items, reader = read(tmp_path, "u.jsonl", b"\xef\xbb\xbf" + "\n".join(lines).encode())
    assert [a.text for a in items] == [AR, "é " + AR]
    assert "Windows-1256" not in caplog.text


@pytest.mark.parametrize("chunk", [4, 1 << 18])
def test_windows_1256_found_late_decodes_the_whole_file(tmp_path, monkeypatch, caplog, chunk):
    import extractor.ingest as ingest

    monkeypatch.setattr(ingest, "CHUNK", chunk)
    # The first line is ASCII, so only a later chunk shows that the file is not UTF-8.
    content = ('{"text": "Clashes in Aleppo."}\n' + json.dumps({"text": AR}, ensure_ascii=False)
               + "\n").encode("cp1256")
    items, reader = read(tmp_path, "w.jsonl", content)
    assert [a.text for a in items] == ["Clashes in Aleppo.", AR]
    assert "Windows-1256" in caplog.text and "(byte 41)" in caplog.text


def test_utf8_cut_off_at_the_end_falls_back_to_windows_1256(tmp_path, caplog):
    content = json.dumps({"text": AR}, ensure_ascii=False).encode() + b"\n\xd8"
    items, _ = read(tmp_path, "cut.jsonl", content)
    assert items[0].text == content.split(b"\n")[0].decode("cp1256")[10:-2]
    assert "Windows-1256" in caplog.text


@pytest.mark.parametrize("name", ["nul.jsonl", "nul.csv"])
def test_binary_streamed_file_is_one_counted_rejection(tmp_path, name):
    items, reader = read(tmp_path, name, b"\xff\xfe{\x00\"\x00")  # UTF-16 with its BOM
    assert items == [Rejection(str(tmp_path / name), "binary file (NUL bytes); give UTF-8 text")]
    assert reader.files[0].rejected == 1 and len(reader.files[0].sha256) == 64


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_inside_a_json_string_do_not_split_the_line(tmp_path, sep):
    lines = [json.dumps({"text": f"one{sep}two"}, ensure_ascii=False), '{"text": ']
    items, _ = read(tmp_path, "s.jsonl", "\r\n".join(lines))
    assert items[0].text == f"one{sep}two"
    assert items[1].origin.endswith("s.jsonl:2") and "column 10" in items[1].reason


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_csv_line_ends_and_quoted_line_breaks(tmp_path, end):
    content = end.join(["id,text", 'c1,"first line', 'second line"', "c2,", "c3,third", ""])
    items, reader = read(tmp_path, "e.csv", content)
    assert items[0].text == f"first line{end}second line"
    assert isinstance(items[1], Rejection) and items[1].origin.endswith("e.csv:4")
    assert items[2].id == "c3" and items[2].origin.endswith("e.csv:5")
    assert (reader.files[0].articles, reader.files[0].rejected) == (2, 1)


def test_csv_error_rejects_the_rest_of_the_file_with_its_line(tmp_path):
    import csv

    old = csv.field_size_limit(40)
    try:
        items, reader = read(tmp_path, "l.csv", "id,text\nc1,short\nc2," + "x" * 50 + "\nc3,y\n")
    finally:
        csv.field_size_limit(old)
    assert items[0].id == "c1"
    assert isinstance(items[1], Rejection) and "unreadable CSV" in items[1].reason
    assert items[1].origin.endswith("l.csv:3") and len(items) == 2


def test_empty_csv_has_no_text_column(tmp_path):
    (rej,), reader = read(tmp_path, "empty.csv", b"")
    assert "no 'text' column" in rej.reason and reader.files[0].rejected == 1


def test_stdin_is_spooled_to_disk_when_large_and_streamed(monkeypatch):
    import hashlib
    import io
    import types

    import extractor.ingest as ingest

    monkeypatch.setattr(ingest, "SPOOL_IN_MEMORY", 100)
    data = "".join(json.dumps({"text": f"{AR} {i}"}, ensure_ascii=False) + "\n"
                   for i in range(50)).encode()
    monkeypatch.setattr(ingest.sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))
    reader = Reader()
    items = list(reader.read(["-"]))
    assert [a.id for a in items] == [f"stdin-{i}" for i in range(1, 51)]
    assert items[49].text == f"{AR} 49" and items[0].origin == "<stdin>:1"
    assert reader.files[0].sha256 == hashlib.sha256(data).hexdigest()


def test_parse_of_bytes_streams_the_same_way():
    from extractor.ingest import parse

    items = list(parse("in.jsonl", b'{"text": "a"}\n\n{"text": 1}\n', "jsonl"))
    assert items[0].id == "in-1" and items[1].origin == "in.jsonl:3"
    assert "must be a string" in items[1].reason
