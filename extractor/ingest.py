"""Read articles from .txt, .jsonl/.ndjson, .csv, .html/.htm files, folders and stdin.

Every input article comes out either as an :class:`Article` or as a
:class:`Rejection` naming the file, line and reason, so each one is accounted for.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

from .errors import ArticleError, InputError
from .records import Article, Rejection

log = logging.getLogger(__name__)

FORMATS = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
           ".html": "html", ".htm": "html"}
FIELDS = ("id", "text", "title", "published", "source", "url", "language")
# Header keys a .txt file may start with ("published: 2015-08-03"), ended by a blank line.
TXT_HEADER_KEYS = {"id", "title", "published", "source", "url", "language"}
csv.field_size_limit(2**31 - 1)


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
        """All articles of all inputs, in a stable order (folders sorted by path)."""
        for path in resolve_inputs(inputs, self.skipped):
            if path == "-":
                data = sys.stdin.buffer.read()
                yield from self._read_bytes("<stdin>", data, "jsonl")
            else:
                p = Path(path)
                yield from self._read_bytes(str(p), p.read_bytes(), FORMATS[p.suffix.lower()])

    def _read_bytes(self, name: str, data: bytes, fmt: str) -> Iterator[Article | Rejection]:
        info = InputFile(name, hashlib.sha256(data).hexdigest(), fmt)
        self.files.append(info)
        for item in parse(name, data, fmt):
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
    if b"\x00" in data[:8192]:
        raise ArticleError(name, "binary file (NUL bytes); give UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1256")
        except UnicodeDecodeError:
            raise ArticleError(name, f"not valid UTF-8 (byte {exc.start}) nor Windows-1256; "
                                     "re-save the file as UTF-8") from None
        log.warning("%s: not UTF-8, read as Windows-1256; check the Arabic text", name)
        return text


def parse(name: str, data: bytes, fmt: str) -> Iterator[Article | Rejection]:
    """Articles of one file's bytes in format ``fmt``; bad ones come out as rejections."""
    try:
        text = decode(name, data)
    except ArticleError as exc:
        yield Rejection(exc.origin, exc.reason)
        return
    stem = Path(name).stem if name != "<stdin>" else "stdin"
    if fmt == "txt":
        yield _guard(name, lambda: parse_txt(text, stem, name))
    elif fmt == "html":
        yield _guard(name, lambda: parse_html(text, stem, name))
    elif fmt == "jsonl":
        yield from parse_jsonl(text, name, stem)
    elif fmt == "csv":
        yield from parse_csv(text, name, stem)


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


def parse_jsonl(text: str, name: str, stem: str) -> Iterator[Article | Rejection]:
    for lineno, line in enumerate(text.splitlines(), 1):
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


def parse_csv(text: str, name: str, stem: str) -> Iterator[Article | Rejection]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        yield Rejection(name, f"CSV has no 'text' column (columns: {reader.fieldnames}); "
                              "name the article text column 'text'")
        return
    for row in reader:
        origin = f"{name}:{reader.line_num}"
        yield _guard(origin, lambda: make_article(row, f"{stem}-{reader.line_num}", origin))


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
