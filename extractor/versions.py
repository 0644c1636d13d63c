"""Versioned, living datasets in an output directory.

Layout of ``DIR``::

    DIR/v000001/            one complete version (every event so far)
    DIR/v000002-mylabel/    a version with a label
    DIR/latest -> v000002-mylabel
    DIR/.lock               held (flock) while a run writes

Each version folder holds ``events.csv``, ``events.parquet``, ``deletions.csv``,
``rejected.jsonl``, ``datapackage.json`` (Frictionless Data Package) and
``manifest.json``. Folder names sort in creation order.

A new version merges the new run's events with the newest version (see
docs/datasets.md for the rules): events of articles not re-processed are carried over,
events of re-processed articles are matched on their identity key and keep their
``event_id_cnty``; a changed event gets the version's timestamp; an event a
re-processed article no longer yields is deleted and listed in ``deletions.csv``.

Crash safety: the version is written to ``DIR/.tmp-<name>`` and renamed into place;
``latest`` moves last (an atomic symlink replace). A killed run leaves earlier versions
and ``latest`` intact; its temporary folder is removed by the next run.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

import extractor
from extractor import contract, dataset
from extractor.records import Event, Rejection

VERSION_DIGITS = 6
VERSION_RE = re.compile(r"^v(\d{%d,})(?:-([A-Za-z0-9][A-Za-z0-9._-]*))?$" % VERSION_DIGITS)
LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
LATEST = "latest"
LOCK_NAME = ".lock"
TMP_PREFIX = ".tmp-"
MANIFEST = "manifest.json"
PARTS = "parts"  # inside a version's temporary folder: the run's events, batch by batch
BATCH_EVENTS = 5_000  # events per part file
BATCH_IDS = 100_000  # processed article ids per part file (when articles yield few events)
VALIDATE_ROWS = 50_000  # rows of the merged dataset validated at once

# What identifies an event across versions (docs/datasets.md, "Event identity").
KEY_COLUMNS = ["article_id", "event_date", "sub_event_type", "location", "actor1", "actor2"]
# Columns that do not make an event "changed": assigned by the writer, or provenance only.
NOT_COMPARED = {"event_id_cnty", "timestamp", "extractor_version"}
# ACLED's acronym for a country with no ISO 3166-1 alpha-3 code.
_EXTRA_ACRONYMS = {0: "XKX"}

DEFAULT_LICENSE = {
    "name": "notspecified",
    "title": "Licence not specified by the publisher of this dataset; notes and evidence "
    "quote source articles whose rights stay with their publishers",
}


class VersionError(Exception):
    """A version folder, label or output directory is not usable."""


class LockError(VersionError):
    """Another run holds the output directory's lock."""


@dataclass(frozen=True)
class Version:
    """A version folder in an output directory."""

    number: int
    name: str
    label: str | None
    path: Path


# ---------------------------------------------------------------- listing

def list_versions(out_dir: Path) -> list[Version]:
    """Complete versions in ``out_dir``, oldest first (temporary folders are ignored)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    found = []
    for child in out_dir.iterdir():
        m = VERSION_RE.match(child.name)
        if m and child.is_dir() and not child.is_symlink() and (child / MANIFEST).is_file():
            found.append(Version(int(m.group(1)), child.name, m.group(2), child))
    return sorted(found, key=lambda v: v.number)


def resolve_version(out_dir: Path, ref: str) -> Path:
    """The folder of version ``ref`` in ``out_dir``: "latest", a folder name, a label or a number."""
    out_dir = Path(out_dir)
    if ref == LATEST:
        link = out_dir / LATEST
        if not link.exists():
            raise VersionError(f"{out_dir} has no '{LATEST}' version yet")
        return link.resolve()
    for v in list_versions(out_dir):
        if ref in (v.name, v.label) or (ref.isdigit() and int(ref) == v.number):
            return v.path
    names = ", ".join(v.name for v in list_versions(out_dir)) or "none"
    raise VersionError(f"no version {ref!r} in {out_dir} (versions: {names})")


def read_manifest(version_dir: Path) -> dict[str, Any]:
    """The manifest of a version folder."""
    return json.loads((Path(version_dir) / MANIFEST).read_text("utf-8"))


def read_events(version_dir: Path) -> pl.DataFrame:
    """The typed events of a version folder (from its Parquet file)."""
    return pl.read_parquet(Path(version_dir) / "events.parquet")


# ---------------------------------------------------------------- lock

@contextlib.contextmanager
def dir_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the output directory's lock for the duration of the block.

    Uses ``flock`` on ``DIR/.lock``: the kernel releases it when the holder dies, so a
    killed run never leaves a lock behind on a local file system.
    """
    import fcntl

    path = Path(out_dir) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            raise LockError(
                f"{out_dir} is being written by another extractor run ({holder}; lock file "
                f"{path}). Wait for that run to finish. If no such process is running (for "
                f"example the directory is on a network file system), delete {path} and retry."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {os.uname().nodename}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the flock


# ---------------------------------------------------------------- test hook

def _pause(stage: str) -> None:
    """Stop here if a test asked to (``EXTRACTOR_TEST_PAUSE_AT=stage``), so it can kill us.

    The test learns we arrived through the file named by ``EXTRACTOR_TEST_PAUSE_SIGNAL``.
    """
    if os.environ.get("EXTRACTOR_TEST_PAUSE_AT") != stage:
        return
    signal_file = os.environ.get("EXTRACTOR_TEST_PAUSE_SIGNAL")
    if signal_file:
        Path(signal_file).write_text(stage)
    time.sleep(float(os.environ.get("EXTRACTOR_TEST_PAUSE_SECONDS", "60")))


# ---------------------------------------------------------------- ids and keys

@functools.cache
def country_acronym(iso: int | None, country: str | None) -> str:
    """ACLED's three-letter prefix of event ids: ISO 3166-1 alpha-3 of the numeric code."""
    import pycountry

    if iso is not None:
        if iso in _EXTRA_ACRONYMS:
            return _EXTRA_ACRONYMS[iso]
        found = pycountry.countries.get(numeric=f"{iso:03d}")
        if found is not None:
            return found.alpha_3
    letters = re.sub(r"[^A-Za-z]", "", country or "").upper()
    return (letters + "XXX")[:3]


def _key_expr() -> pl.Expr:
    parts = [pl.col(c).cast(pl.String).fill_null("") for c in KEY_COLUMNS]
    return pl.concat_str(parts, separator="\x1f")


def _with_keys(df: pl.LazyFrame) -> pl.LazyFrame:
    """Add ``_key``: the identity key plus an occurrence number for repeated keys.

    Rows sharing a key are numbered in content order, so the numbering does not depend
    on input order.
    """
    content = [c for c in contract.column_names() if c not in NOT_COMPARED]
    ordered = df.with_columns(_k=_key_expr()).sort(
        ["_k", *[pl.col(c).cast(pl.String) for c in content]], nulls_last=False, maintain_order=True
    )
    occurrence = pl.int_range(pl.len()).over("_k").cast(pl.String)
    return ordered.with_columns(_key=pl.col("_k") + "#" + occurrence).drop("_k")


def _max_id_numbers(df: pl.LazyFrame) -> dict[str, int]:
    parts = df.select(
        prefix=pl.col("event_id_cnty").str.slice(0, 3),
        number=pl.col("event_id_cnty").str.slice(3).cast(pl.Int64, strict=False),
    ).group_by("prefix").agg(pl.col("number").max()).collect(engine="streaming")
    return {p: int(n) for p, n in parts.iter_rows() if n is not None}


def _assign_ids(new: pl.LazyFrame, counters: dict[str, int]) -> pl.LazyFrame:
    """Give rows without an id the next numbers of their country, in dataset order
    (``counters`` is updated to the last number used per prefix)."""
    ordered = new.sort([*dataset.SORT_COLUMNS[:-1], "_key"], nulls_last=False, maintain_order=True)
    # the few distinct countries are named in Python (pycountry), the rows numbered by polars
    pairs = ordered.select("iso", "country").unique().collect(engine="streaming")
    prefixes = pl.DataFrame(
        {"iso": pairs.get_column("iso"), "country": pairs.get_column("country"),
         "_prefix": [country_acronym(i, c) for i, c in pairs.iter_rows()]},
        schema={"iso": pairs.schema["iso"], "country": pairs.schema["country"], "_prefix": pl.String})
    base = pl.DataFrame({"_prefix": list(counters), "_base": list(counters.values())},
                        schema={"_prefix": pl.String, "_base": pl.Int64})
    numbered = (
        ordered.with_row_index("_row")
        .join(prefixes.lazy(), on=["iso", "country"], how="left", nulls_equal=True)
        .join(base.lazy(), on="_prefix", how="left")
        .sort("_row")
        .with_columns(_n=pl.col("_base").fill_null(0) + pl.int_range(1, pl.len() + 1).over("_prefix"))
    )
    used = numbered.group_by("_prefix").agg(pl.col("_n").max()).collect(engine="streaming")
    counters.update({p: int(n) for p, n in used.iter_rows()})
    return numbered.with_columns(
        event_id_cnty=pl.col("_prefix") + pl.col("_n").cast(pl.String)
    ).drop("_row", "_prefix", "_base", "_n")


def _height(lf: pl.LazyFrame) -> int:
    return int(lf.select(pl.len()).collect(engine="streaming").item())


# ---------------------------------------------------------------- merge

@dataclass
class Merge:
    """The result of merging a run into the previous version."""

    events: list[Path]  # Parquet files of the validation frame, in dataset order, ids and timestamps set
    deletions: pl.LazyFrame
    counts: dict[str, int]
    id_counters: dict[str, int]
    clock: int


def _run_clock(new: pl.LazyFrame, base_clock: int) -> int:
    """The version's timestamp: 00:00 UTC of the newest article date of the run.

    Uses ``published`` (else ``event_date``) of the run's events, and is always later
    than every timestamp already in the dataset, so a changed row's timestamp grows.
    """
    newest = new.select(pl.coalesce(pl.col("published").max(), pl.col("event_date").max())
                        ).collect(engine="streaming").item()
    clock = dataset.utc_midnight(newest) if newest is not None else 0
    return max(clock, base_clock + 1)


NO_DATE = "none"  # the bucket of events without a date (first: the dataset puts them first)


def month_of() -> pl.Expr:
    """The bucket of an event: the month of its date ("2024-03"), or :data:`NO_DATE`."""
    return pl.col("event_date").dt.strftime("%Y-%m").fill_null(NO_DATE)


def merge(
    base: pl.LazyFrame | None,
    base_manifest: dict[str, Any] | None,
    parts: Path,
) -> Merge:
    """Merge a run's events into the previous version (typed, or None for the first).

    ``parts`` holds the run's events as ``events-<month>-<n>.parquet`` (validation frames,
    see :func:`month_of`) and the ids of every article it read, with or without events, as
    ``articles-<n>.parquet``. The identity key holds the event date and the dataset is
    ordered by date first, so the merge runs month by month: memory holds one month of
    events, never the whole dataset. Each month's merged rows go to ``merged-<k>.parquet``.
    """
    base = dataset.empty_frame().lazy() if base is None else dataset.to_validation(base)
    files = sorted(parts.glob("events-*.parquet"))
    new = pl.scan_parquet(files) if files else dataset.empty_frame().lazy()
    processed_path = parts / "processed.parquet"
    pl.concat([pl.scan_parquet(sorted(parts.glob("articles-*.parquet"))), new.select("article_id")]
              ).drop_nulls().unique().sink_parquet(processed_path)
    processed = pl.scan_parquet(processed_path)
    base_clock = int((base_manifest or {}).get("timestamp", 0))
    newest_stamp = base.select(pl.col("timestamp").max()).collect(engine="streaming").item()
    if newest_stamp is not None:
        base_clock = max(base_clock, int(newest_stamp))
    clock = _run_clock(new, base_clock)
    counters = {k: int(v) for k, v in (base_manifest or {}).get("id_counters", {}).items()}
    for prefix, n in _max_id_numbers(base).items():
        counters[prefix] = max(counters.get(prefix, 0), n)

    months = {p.name.split("-", 1)[1].rsplit("-", 1)[0] for p in parts.glob("events-*.parquet")}
    months |= set(base.select(month_of().unique()).collect(engine="streaming").to_series().to_list())
    counts = dict.fromkeys(["events", "added", "changed", "unchanged", "carried_over", "deleted"], 0)
    events: list[Path] = []
    deletions: list[pl.LazyFrame] = []
    for k, month in enumerate(sorted(months, key=lambda m: (m != NO_DATE, m))):
        files = sorted(parts.glob(f"events-{month}-*.parquet"))
        new_m = pl.scan_parquet(files) if files else dataset.empty_frame().lazy()
        base_m = base.filter(month_of() == month)
        path = parts / f"merged-{k:06d}.parquet"
        removed = _merge_month(base_m, new_m, processed, clock, counters, path, parts / f"joined-{k:06d}.parquet",
                               counts)
        removed_path = parts / f"deleted-{k:06d}.parquet"
        removed.select(
            "event_id_cnty",
            pl.lit(clock, dtype=pl.Int64).alias("deleted_timestamp"),
            "article_id",
            "event_date",
        ).sink_parquet(removed_path)
        events.append(path)
        deletions.append(pl.scan_parquet(removed_path))
    if not events:  # nothing at all: an empty dataset
        events.append(parts / "merged-empty.parquet")
        dataset.empty_frame().write_parquet(events[0])
    deleted = (pl.concat(deletions) if deletions else dataset.empty_frame().lazy().select(
        "event_id_cnty", pl.lit(clock, dtype=pl.Int64).alias("deleted_timestamp"), "article_id", "event_date"))
    return Merge(events, deleted.sort("event_id_cnty"), counts, dict(sorted(counters.items())), clock)


def _merge_month(base: pl.LazyFrame, new: pl.LazyFrame, processed: pl.LazyFrame, clock: int,
                 counters: dict[str, int], out: Path, joined_path: Path, counts: dict[str, int]
                 ) -> pl.LazyFrame:
    """Merge one month: write its rows in dataset order to ``out``, add to ``counts`` and
    ``counters``; returns the removed rows (the month's deletions)."""
    carried = base.join(processed, on="article_id", how="anti", maintain_order="left")
    old = _with_keys(base.join(processed, on="article_id", how="semi", maintain_order="left"))
    fresh = _with_keys(new)

    columns = contract.column_names()
    compared = [c for c in columns if c not in NOT_COMPARED]
    fresh.join(old, on="_key", how="full", suffix="_old", coalesce=False, nulls_equal=False
               ).sink_parquet(joined_path)
    joined = pl.scan_parquet(joined_path)
    has_new = pl.col("_key").is_not_null()
    has_old = pl.col("_key_old").is_not_null()
    differs = pl.any_horizontal([~pl.col(c).eq_missing(pl.col(f"{c}_old")) for c in compared])

    unchanged = joined.filter(has_new & has_old & ~differs).select(
        [pl.col(f"{c}_old").alias(c) for c in columns]
    )
    changed = (
        joined.filter(has_new & has_old & differs)
        .with_columns(event_id_cnty=pl.col("event_id_cnty_old"), timestamp=pl.lit(clock, dtype=pl.Int64))
        .select(columns)
    )
    added = joined.filter(has_new & ~has_old).select([*columns, "_key"]).with_columns(
        timestamp=pl.lit(clock, dtype=pl.Int64)
    )
    removed = joined.filter(~has_new & has_old).select([pl.col(f"{c}_old").alias(c) for c in columns])
    # months are merged in date order, the dataset's first sort key: ids keep dataset order
    added_ids = _assign_ids(added, counters).select(columns)
    dataset.sort_frame(pl.concat([carried, unchanged, changed, added_ids], how="vertical")).sink_parquet(out)
    # the counts in two queries (one over the joined rows), not one per kind of row
    kinds = joined.select(added=(has_new & ~has_old).sum(), changed=(has_new & has_old & differs).sum(),
                          unchanged=(has_new & has_old & ~differs).sum(), deleted=(~has_new & has_old).sum()
                          ).collect(engine="streaming").row(0, named=True)
    kinds["carried_over"] = _height(carried)
    kinds["events"] = kinds["carried_over"] + kinds["unchanged"] + kinds["changed"] + kinds["added"]
    for name, n in kinds.items():
        counts[name] += int(n)
    return removed


def _validate(events: list[Path], rows: int) -> dataset.Report:
    """Validate the merged dataset (a Parquet file) slice by slice: memory stays bounded.

    Row numbers count from 1 over the whole dataset; ids unique within a slice are also
    checked across slices.
    """
    scan = pl.scan_parquet(events)
    failures: list[dataset.Failure] = []
    for offset in range(0, max(rows, 1), VALIDATE_ROWS):
        part = scan.slice(offset, VALIDATE_ROWS).collect(engine="streaming")
        if offset and not part.height:
            break
        failures += [f._replace(row=None if f.row is None else f.row + offset)
                     for f in dataset.schema_failures(part)]
    if rows > VALIDATE_ROWS:
        dup = (scan.select("event_id_cnty").with_row_index("_row", offset=1)
               .filter(pl.col("event_id_cnty").is_duplicated()).collect(engine="streaming"))
        failures += [dataset.Failure("event_id_cnty", r, v, "unique") for r, v in dup.iter_rows()]
    report = dataset.Report(path="new version", rows=rows)
    report.failures = sorted(set(failures), key=dataset._sort_key)
    return report


# ---------------------------------------------------------------- writing

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", "utf-8")


DELETIONS_SCHEMA = {
    "fields": [
        {"name": "event_id_cnty", "type": "string", "description": "Id of the deleted event.", "constraints": {"required": True}},
        {"name": "deleted_timestamp", "type": "integer", "description": "Timestamp of the version that deleted it."},
        {"name": "article_id", "type": "string", "description": "Article the event had been read from."},
        {"name": "event_date", "type": "date", "description": "The deleted event's date."},
    ],
    "missingValues": [""],
    "primaryKey": ["event_id_cnty"],
}


def _datapackage(name: str, files: dict[str, dict[str, Any]], inputs: list[dict], counts: dict, license_: dict) -> dict:
    def resource(res_name: str, path: str, **kw: Any) -> dict:
        return {"name": res_name, "path": path, **kw, "bytes": files[path]["bytes"], "hash": f"sha256:{files[path]['sha256']}"}

    return {
        "profile": "data-package",  # not all resources are tables (parquet, jsonl)
        "name": "extractor-events",
        "title": "Conflict events extracted from news articles (ACLED-style)",
        "version": name,
        "licenses": [license_],
        "sources": [{"title": str(i.get("path", "")), "path": str(i.get("path", ""))} for i in inputs],
        "x-counts": counts,
        "x-manifest": MANIFEST,
        "resources": [
            resource("events", "events.csv", profile="tabular-data-resource", format="csv",
                     mediatype="text/csv", encoding="utf-8", schema=contract.raw_schema()),
            resource("events-parquet", "events.parquet", format="parquet",
                     mediatype="application/vnd.apache.parquet",
                     description="The same rows as events.csv, typed (dates, enums, integers)."),
            resource("deletions", "deletions.csv", profile="tabular-data-resource", format="csv",
                     mediatype="text/csv", encoding="utf-8", schema=DELETIONS_SCHEMA),
            resource("rejected", "rejected.jsonl", format="jsonl", mediatype="application/jsonl",
                     description="Input articles that could not be converted, one JSON object a line."),
        ],
    }


def _next_name(versions: list[Version], label: str | None) -> str:
    number = (versions[-1].number if versions else 0) + 1
    name = f"v{number:0{VERSION_DIGITS}d}"
    return f"{name}-{label}" if label else name


def _check_label(label: str | None, versions: list[Version]) -> None:
    if label is None:
        return
    if not LABEL_RE.match(label) or label == LATEST:
        raise VersionError(f"label {label!r}: use letters, digits, '.', '_' and '-' (not 'latest')")
    if any(v.label == label for v in versions):
        raise VersionError(f"label {label!r} is already used; choose another")


def _clean_temporaries(out_dir: Path) -> None:
    """Remove half-written versions of killed runs (we hold the lock, so none is live)."""
    for child in out_dir.iterdir():
        if child.name.startswith(TMP_PREFIX):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def _move_latest(out_dir: Path, name: str) -> None:
    tmp = out_dir / f"{TMP_PREFIX}{LATEST}"
    tmp.unlink(missing_ok=True)
    os.symlink(name, tmp)
    os.replace(tmp, out_dir / LATEST)  # atomic: readers see the old or the new target
    _fsync(out_dir)


def _rejected_lines(rejected: list[Rejection]) -> str:
    return "".join(
        json.dumps({"origin": r.origin, "reason": r.reason, "article_id": r.article_id}, ensure_ascii=False) + "\n"
        for r in rejected
    )


class RunWriter:
    """A new version of ``out_dir``, written as the run streams its events.

    Use as a context manager: it takes the directory's lock, picks the version's name and
    creates its temporary folder; :meth:`add` writes events in batches of
    :data:`BATCH_EVENTS` to Parquet part files there (never all events in memory);
    :meth:`finish` merges them with the newest version, validates and publishes the version.
    Leaving the block without :meth:`finish` (an error) removes the temporary folder.
    Raises :class:`LockError` when another run is writing to ``out_dir``.
    """

    def __init__(self, out_dir: Path, label: str | None = None):
        self.out_dir = Path(out_dir)
        self.label = label
        self.events_added = 0
        self._events: list[Event] = []
        self._ids: list[str] = []
        self._parts = 0
        self._stack = contextlib.ExitStack()
        self._done: Path | None = None

    def __enter__(self) -> "RunWriter":
        self.out_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._stack.enter_context(dir_lock(self.out_dir))
            _pause("locked")
            _clean_temporaries(self.out_dir)
            self.versions = list_versions(self.out_dir)
            _check_label(self.label, self.versions)
            self.name = _next_name(self.versions, self.label)
            self.tmp = self.out_dir / f"{TMP_PREFIX}{self.name}"
            (self.tmp / PARTS).mkdir(parents=True)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if self._done is None:
                shutil.rmtree(self.tmp, ignore_errors=True)
        finally:
            self._stack.close()

    def add(self, events: Iterable[Event], article_id: str | None = None) -> None:
        """Add events of the run; ``article_id``: an article the run processed (read again,
        so its events in the previous version are replaced, even when it has none now)."""
        if article_id is not None:
            self._ids.append(article_id)
        for e in events:
            self._events.append(e)
            self.events_added += 1
        if len(self._events) >= BATCH_EVENTS or len(self._ids) >= BATCH_IDS:
            self._flush()

    def _flush(self) -> None:
        self._parts += 1
        parts = self.tmp / PARTS
        frame = dataset.events_frame(self._events, extractor.__version__)
        for month in frame.select(month_of().unique()).to_series().to_list():
            frame.filter(month_of() == month).write_parquet(parts / f"events-{month}-{self._parts:06d}.parquet")
        pl.DataFrame({"article_id": self._ids}, schema={"article_id": pl.String}).write_parquet(
            parts / f"articles-{self._parts:06d}.parquet")
        self._events, self._ids = [], []

    def finish(self, *, rejected: list[Rejection], inputs: list[dict], counts: dict[str, int],
               extra: dict | None = None) -> Path:
        """Merge, validate and publish the version; returns its folder.

        Validation runs before anything is published: an invalid dataset raises
        :class:`extractor.dataset.DatasetInvalid` and leaves ``out_dir`` as it was.
        """
        self._flush()
        out_dir, tmp, name, label = self.out_dir, self.tmp, self.name, self.label
        extra = dict(extra or {})
        license_ = extra.pop("license", DEFAULT_LICENSE)
        base_dir = self.versions[-1].path if self.versions else None
        base = pl.scan_parquet(base_dir / "events.parquet") if base_dir else None
        base_manifest = read_manifest(base_dir) if base_dir else None
        merged = merge(base, base_manifest, tmp / PARTS)
        report = _validate(merged.events, merged.counts["events"])
        if not report.ok:
            report.articles = _articles_of_rows(merged.events, report)
            raise dataset.DatasetInvalid(report)
        typed = pl.scan_parquet(merged.events).select(contract.column_names()).cast(contract.typed_dtypes())

        dataset.sink_csv(typed, tmp / "events.csv")
        _pause("csv-written")
        dataset.sink_parquet(typed, tmp / "events.parquet")
        merged.deletions.sink_csv(tmp / "deletions.csv", date_format="%Y-%m-%d", line_terminator="\n")
        shutil.rmtree(tmp / PARTS)
        (tmp / "rejected.jsonl").write_text(_rejected_lines(rejected), "utf-8")
        files = {
            f: {"sha256": _sha256(tmp / f), "bytes": (tmp / f).stat().st_size}
            for f in ("events.csv", "events.parquet", "deletions.csv", "rejected.jsonl")
        }
        all_counts = {**counts, "articles_rejected": counts.get("articles_rejected", len(rejected))}
        dataset_counts = {f"dataset_{k}": v for k, v in merged.counts.items()}
        _write_json(tmp / "datapackage.json",
                    _datapackage(name, files, inputs, {**all_counts, **dataset_counts}, license_))
        manifest = {
            "version": name,
            "label": label,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "base_version": base_dir.name if base_dir else None,
            "schema_version": contract.schema_version(),
            "extractor_version": extractor.__version__,
            "timestamp": merged.clock,
            "inputs": inputs,
            "counts": all_counts,
            "dataset": merged.counts,
            "id_counters": merged.id_counters,
            "files": files,
        }
        clash = sorted(set(extra) & set(manifest))
        if clash:
            raise ValueError(f"extra manifest keys {clash} clash with reserved keys")
        manifest.update(extra)
        # The manifest is written last: a version folder with a manifest is complete.
        _write_json(tmp / MANIFEST, manifest)
        for f in tmp.iterdir():
            _fsync(f)
        _fsync(tmp)
        _pause("tmp-complete")
        final = out_dir / name
        os.rename(tmp, final)
        self._done = final
        _fsync(out_dir)
        _pause("renamed")
        _move_latest(out_dir, name)
        return final


def write_version(
    out_dir: Path,
    events: Iterable[Event],
    *,
    processed_article_ids: Iterable[str],
    rejected: list[Rejection],
    inputs: list[dict],
    counts: dict[str, int],
    label: str | None = None,
    extra: dict | None = None,
) -> Path:
    """Merge a run into ``out_dir``'s newest version and write the result as a new version
    (all at once; a conversion streams through :class:`RunWriter` instead).

    Validation runs before anything is written: an invalid dataset raises
    :class:`extractor.dataset.DatasetInvalid` and leaves ``out_dir`` as it was.
    Raises :class:`LockError` when another run is writing to ``out_dir``.
    Returns the new version folder.
    """
    with RunWriter(out_dir, label) as writer:
        for article_id in processed_article_ids:
            writer.add((), article_id)
        writer.add(events)
        return writer.finish(rejected=rejected, inputs=inputs, counts=counts, extra=extra)


def _articles_of_rows(events: list[Path], report: dataset.Report) -> dict[int, str]:
    rows = sorted({f.row for f in report.failures if f.row is not None})
    found = (pl.scan_parquet(events).select("article_id").with_row_index("_row", offset=1)
             .filter(pl.col("_row").is_in(rows) & pl.col("article_id").is_not_null())
             .collect(engine="streaming"))
    return {int(r): a for r, a in found.iter_rows()}
