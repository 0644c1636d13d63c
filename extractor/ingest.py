"""Read articles from .txt, .jsonl/.ndjson, .csv, .html/.htm files, folders and stdin.

Every input article comes out either as an :class:`Article` or as a
:class:`Rejection` naming the file, line and reason, so each one is accounted for.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from .errors import ArticleError, InputError
from .records import Article, Rejection

log = logging.getLogger(__name__)

FORMATS = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
           ".html": "html", ".htm": "html"}
FIELDS = ("id", "text", "title", "published", "source", "url", "language")
# Header keys a .txt file may start with ("published: 2015-08-03"), ended by a blank line.
TXT_HEADER_KEYS = {"id", "title", "published", "source", "url", "language"}
csv.field_size_limit(2**31 - 1)
STREAMED = {"jsonl", "csv"}  # read line by line; a .txt or .html file is one article, read whole
CHUNK = 1 << 18  # bytes read at a time when hashing and checking a streamed file
SPOOL_IN_MEMORY = 1 << 24  # stdin is copied to a temporary file beyond this many bytes
BINARY_PROBE = 8192  # NUL bytes among a file's first bytes mark it as binary
BINARY = "binary file (NUL bytes); give UTF-8 text"
NOT_UTF8 = "%s: not UTF-8 (byte %d), read as Windows-1256; check the Arabic text"


@dataclass(frozen=True)
class Defaults:
    """Values from the command line used where an article does not give its own."""

    published: dt.date | None = None
    source: str = ""
    language: str = ""  # "" = auto; a forced language overrides the article's own


@dataclass
class InputFile:
    """One file read, for the manifest."""

    path: str
    sha256: str
    format: str
    articles: int = 0
    rejected: int = 0


@dataclass
class Reader:
    """Yields articles and rejections from inputs and keeps the file accounting."""

    defaults: Defaults = field(default_factory=Defaults)
    files: list[InputFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def read(self, inputs: list[str]) -> Iterator[Article | Rejection]:
        """All articles of all inputs, in a stable order (folders sorted by path).

        JSONL and CSV files (and stdin) are streamed line by line, so memory does not grow
        with a file's size; a .txt or .html file is one article and is read whole.
        """
        for path in resolve_inputs(inputs, self.skipped):
            if path == "-":
                yield from self._read_stream("<stdin>", None, "jsonl")
                continue
            p = Path(path)
            fmt = FORMATS[p.suffix.lower()]
            if fmt in STREAMED:
                yield from self._read_stream(str(p), p, fmt)
            else:
                yield from self._count(InputFile(str(p), "", fmt), p.read_bytes())

    def _read_stream(self, name: str, path: Path | None, fmt: str
                     ) -> Iterator[Article | Rejection]:
        """A file (or stdin, ``path`` None) in two passes: hash and encoding, then articles."""
        with path.open("rb") if path else _spool(sys.stdin.buffer) as f:
            scan = scan_bytes(f)
            info = InputFile(name, scan.sha256, fmt)
            f.seek(0)
            yield from self._count(info, stream(name, f, fmt, scan))

    def _count(self, info: InputFile, source: bytes | Iterator[Article | Rejection]
               ) -> Iterator[Article | Rejection]:
        """Apply the defaults and count each item; ``source`` may be a whole file's bytes."""
        if isinstance(source, bytes):
            info.sha256 = hashlib.sha256(source).hexdigest()
            source = parse(info.path, source, info.format)
        self.files.append(info)
        for item in source:
            if isinstance(item, Article):
                item = self._apply_defaults(item)
                info.articles += 1
            else:
                info.rejected += 1
            yield item

    def _apply_defaults(self, a: Article) -> Article:
        d = self.defaults
        return replace(a, published=a.published or d.published, source=a.source or d.source,
                       language=d.language or a.language)


def resolve_inputs(inputs: list[str], skipped: list[str]) -> list[str]:
    """Expand folders (recursively, sorted) and check that every named path exists."""
    out: list[str] = []
    for raw in inputs:
        if raw == "-":
            out.append(raw)
            continue
        p = Path(raw)
        if not p.exists():
            raise InputError(f"input {raw!r} does not exist; give a file, a folder or '-' for stdin")
        if p.is_dir():
            for child in sorted(q for q in p.rglob("*") if q.is_file()):
                if child.suffix.lower() in FORMATS and not child.name.startswith("."):
                    out.append(str(child))
                else:
                    skipped.append(str(child))
        elif p.suffix.lower() in FORMATS:
            out.append(str(p))
        else:
            raise InputError(f"input {raw!r} has an unknown type; use one of {sorted(FORMATS)}")
    return out


def decode(name: str, data: bytes) -> str:
    """Text of a file: UTF-8 (with or without BOM), else Windows-1256 with a warning."""
    if b"\x00" in data[:BINARY_PROBE]:
        raise ArticleError(name, BINARY)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1256")
        except UnicodeDecodeError:
            raise ArticleError(name, f"not valid UTF-8 (byte {exc.start}) nor Windows-1256; "
                                     "re-save the file as UTF-8") from None
        log.warning(NOT_UTF8, name, exc.start)
        return text


@dataclass(frozen=True)
class Scan:
    """What a first pass over a streamed file learns before any of its articles is read."""

    sha256: str
    encoding: str = "utf-8-sig"  # the codec of the whole file: "utf-8-sig" or "cp1256"
    problem: str = ""  # why no article can be read from it ("" = none)
    bad_byte: int = -1  # offset of the first byte that is not UTF-8 (-1 = all UTF-8)


def scan_bytes(f: BinaryIO) -> Scan:
    """Hash a binary stream and decide its encoding, :data:`CHUNK` bytes at a time.

    The same rules as :func:`decode`, which sees the whole file: NUL bytes in the first
    8 KiB make it binary; UTF-8 (with or without BOM), else Windows-1256 for the whole file.
    Windows-1256 maps every byte, so a file that is not UTF-8 can always be read with it.
    The stream is left at its end.
    """
    digest = hashlib.sha256()
    head = b""
    pending = b""  # bytes at a chunk's end that may start a UTF-8 sequence cut in two
    checked = 0  # bytes of the stream before ``pending``, all valid UTF-8
    bad = -1
    while chunk := f.read(CHUNK):
        digest.update(chunk)
        if len(head) < BINARY_PROBE:
            head += chunk[:BINARY_PROBE - len(head)]
        if bad < 0:
            data = pending + chunk
            used, bad = _utf8_prefix(data, final=False)
            bad = checked + bad if bad >= 0 else -1
            checked += used
            pending = data[used:]
    if bad < 0 and pending:  # a sequence cut off by the end of the file
        _, bad = _utf8_prefix(pending, final=True)
        bad = checked + bad if bad >= 0 else -1
    sha = digest.hexdigest()
    if b"\x00" in head:
        return Scan(sha, problem=BINARY)
    return Scan(sha, "cp1256", bad_byte=bad) if bad >= 0 else Scan(sha)


def _utf8_prefix(data: bytes, final: bool) -> tuple[int, int]:
    """Bytes of ``data`` decoded as UTF-8 and the offset of the first bad byte (-1 = none)."""
    try:
        return codecs.utf_8_decode(data, "strict", final)[1], -1
    except UnicodeDecodeError as exc:
        return exc.start, exc.start


def stream(name: str, f: BinaryIO, fmt: str, scan: Scan) -> Iterator[Article | Rejection]:
    """Articles of a JSONL or CSV binary stream, line by line, decoded as ``scan`` decided."""
    if scan.problem:
        yield Rejection(name, scan.problem)
        return
    if scan.bad_byte >= 0:
        log.warning(NOT_UTF8, name, scan.bad_byte)
    # JSONL lines end at \n, \r\n or \r, never inside a JSON string (U+2028 and U+0085 may
    # stand there unescaped); the csv module wants newline="" to see quoted line breaks itself.
    text = io.TextIOWrapper(f, encoding=scan.encoding, newline=None if fmt == "jsonl" else "")
    try:
        if fmt == "jsonl":
            yield from parse_jsonl(text, name, _stem(name))
        else:
            yield from parse_csv(text, name, _stem(name))
    except UnicodeDecodeError:  # only if the file changed after it was scanned
        yield Rejection(name, "the file changed while it was being read; convert it again")
    finally:
        text.detach()  # the caller closes ``f``


def _spool(src: BinaryIO) -> BinaryIO:
    """A seekable copy of a one-way stream (stdin): in memory while small, else on disk."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    shutil.copyfileobj(src, spool, CHUNK)
    spool.seek(0)
    return spool  # type: ignore[return-value]


def _stem(name: str) -> str:
    return Path(name).stem if name != "<stdin>" else "stdin"


def parse(name: str, data: bytes, fmt: str) -> Iterator[Article | Rejection]:
    """Articles of one file's bytes in format ``fmt``; bad ones come out as rejections."""
    if fmt in STREAMED:
        f = io.BytesIO(data)
        scan = scan_bytes(f)
        f.seek(0)
        yield from stream(name, f, fmt, scan)
        return
    try:
        text = decode(name, data)
    except ArticleError as exc:
        yield Rejection(exc.origin, exc.reason)
        return
    build = parse_txt if fmt == "txt" else parse_html
    yield _guard(name, lambda: build(text, _stem(name), name))


def _guard(origin: str, build) -> Article | Rejection:
    try:
        return build()
    except ArticleError as exc:
        return Rejection(exc.origin, exc.reason, exc.article_id)


def make_article(record: dict, default_id: str, origin: str) -> Article:
    """An Article from a dict of the documented keys; unknown keys are ignored."""
    art_id = str(record.get("id") or "").strip() or default_id
    text = record.get("text")
    if text is None:
        raise ArticleError(origin, "missing 'text'; every article needs its text", art_id)
    if not isinstance(text, str):
        raise ArticleError(origin, f"'text' must be a string, got {type(text).__name__}", art_id)
    if not text.strip():
        raise ArticleError(origin, "empty text", art_id)
    return Article(
        id=art_id, text=text, title=_str(record.get("title")),
        published=parse_published(record.get("published"), origin, art_id),
        source=_str(record.get("source")), url=_str(record.get("url")),
        language=_str(record.get("language")).lower(), origin=origin)


def _str(v) -> str:
    return "" if v is None else str(v).strip()


def parse_published(value, origin: str = "", art_id: str = "") -> dt.date | None:
    """A publication date from 'YYYY-MM-DD' or an ISO date-time; empty gives None."""
    if value is None or str(value).strip() == "":
        return None
    s = str(value).strip()
    try:
        return dt.date.fromisoformat(s[:10]) if len(s) >= 10 else dt.date.fromisoformat(s)
    except ValueError:
        raise ArticleError(origin, f"unparseable 'published' {s!r}; use YYYY-MM-DD", art_id) from None


def parse_txt(text: str, stem: str, origin: str) -> Article:
    """One article per file; optional 'key: value' header lines, then a blank line."""
    record: dict[str, str] = {"id": stem}
    head, sep, body = text.partition("\n\n")
    lines = [ln for ln in head.splitlines() if ln.strip()]
    if sep and lines and all(ln.split(":", 1)[0].strip().lower() in TXT_HEADER_KEYS
                             and ":" in ln for ln in lines):
        for ln in lines:
            key, value = ln.split(":", 1)
            record[key.strip().lower()] = value.strip()
        text = body
    record["text"] = text.strip("\n")
    return make_article(record, stem, origin)


def parse_jsonl(lines: Iterable[str], name: str, stem: str) -> Iterator[Article | Rejection]:
    """Articles of JSON lines (one object each, line numbers from 1); blank lines are skipped."""
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\n")  # so that a position in an error message stays on its line
        if not line.strip():
            continue
        origin = f"{name}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(origin, f"malformed JSON ({exc.msg} at column {exc.colno}); "
                                    "each line must be one JSON object")
            continue
        if not isinstance(record, dict):
            yield Rejection(origin, "a JSON line must be an object with a 'text' key")
            continue
        yield _guard(origin, lambda: make_article(record, f"{stem}-{lineno}", origin))


def parse_csv(lines: Iterable[str], name: str, stem: str) -> Iterator[Article | Rejection]:
    """Articles of CSV rows with a header naming a 'text' column; origins give the row's last line.

    ``lines`` should keep their line ends (a file opened with ``newline=""``).
    """
    reader = csv.DictReader(lines)
    try:
        if not reader.fieldnames or "text" not in reader.fieldnames:
            yield Rejection(name, f"CSV has no 'text' column (columns: {reader.fieldnames}); "
                                  "name the article text column 'text'")
            return
        for row in reader:
            origin = f"{name}:{reader.line_num}"
            yield _guard(origin, lambda: make_article(row, f"{stem}-{reader.line_num}", origin))
    except csv.Error as exc:  # the rest of the file cannot be split into rows reliably
        # line_num counts the lines read before the one that failed
        yield Rejection(f"{name}:{reader.line_num + 1}", f"unreadable CSV ({exc}); the rest of the "
                                                     "file is skipped")


class _MainText(HTMLParser):
    """Collects the text of a page's main content, dropping scripts and page chrome."""

    DROP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form",
            "button", "svg", "iframe", "template", "select"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section",
             "article", "main", "tr", "blockquote", "figcaption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth_drop = 0
        self.stack: list[str] = []
        self.parts = {"article": [], "main": [], "body": []}
        self.title: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            if key and a.get("content"):
                self.meta[key] = a["content"]
            return
        if tag in self.DROP:
            self.depth_drop += 1
        self.stack.append(tag)
        if tag in self.BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in self.DROP:
                self.depth_drop -= 1
            if top == tag:
                break
        if tag in self.BLOCK:
            self._emit("\n")

    def handle_data(self, data):
        if "title" in self.stack and "body" not in self.stack:
            self.title.append(data)
        elif not self.depth_drop:
            self._emit(data)

    def _emit(self, s: str):
        for key in ("article", "main"):
            if key in self.stack:
                self.parts[key].append(s)
        if "title" not in self.stack:
            self.parts["body"].append(s)

    def main_text(self) -> str:
        for key in ("article", "main", "body"):
            text = "".join(self.parts[key])
            if text.strip():
                lines = [" ".join(ln.split()) for ln in text.splitlines()]
                return "\n\n".join(ln for ln in lines if ln)
        return ""


def parse_html(text: str, stem: str, origin: str) -> Article:
    """The main text of an HTML page (the <article>, else <main>, else <body>)."""
    page = _MainText()
    page.feed(text)
    page.close()
    meta = page.meta
    record = {
        "id": stem, "text": page.main_text(),
        "title": meta.get("og:title") or " ".join("".join(page.title).split()),
        "published": (meta.get("article:published_time") or meta.get("date") or "")[:10] or None,
        "source": meta.get("og:site_name", ""), "url": meta.get("og:url", ""),
        "language": "",
    }
    return make_article(record, stem, origin)
