"""Events as a typed polars frame: building, reading, validating and writing it.

Two frame shapes exist, both with the contract's columns in order
(:mod:`extractor.contract`):

* the *validation frame*: closed sets as ``String``, so an unknown value is reported
  with its row instead of failing a cast;
* the *typed frame*: closed sets as ``pl.Enum``; this is what is written to Parquet.

Empty strings are missing values everywhere (as in Frictionless ``missingValues``),
so CSV and Parquet hold the same data and round-trip to equal frames.

Row numbers in failure reports count data rows from 1: row N is line N+1 of a CSV.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from extractor import contract
from extractor.records import Event

# Deterministic row order of a published dataset (event_id_cnty last: ids are unique).
SORT_COLUMNS = [
    "event_date", "country", "admin1", "location", "event_type", "sub_event_type",
    "actor1", "actor2", "article_id", "event_id_cnty",
]

# What each pandera check name means, for people.
_CHECK_TEXT = {
    "not_nullable": "required",
    "field_uniqueness": "unique",
}


class Failure(NamedTuple):
    """One failed rule: column (None for file-level), 1-based data row (None for
    column- or file-level), the offending value as text, and the rule."""

    column: str | None
    row: int | None
    value: str | None
    rule: str


class DatasetError(Exception):
    """A dataset file cannot be read at all (missing, unreadable, unknown format)."""


class DatasetInvalid(Exception):
    """A dataset breaks the contract; ``report`` lists every failure."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.to_text(limit=20))


@dataclass
class Report:
    """The outcome of validating one dataset."""

    path: str
    rows: int
    failures: list[Failure] = field(default_factory=list)
    quality: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Row -> article id, when the rows are not in a file yet (a conversion's new version).
    articles: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (the JSON report format of docs/datasets.md)."""
        out = {
            "path": self.path,
            "ok": self.ok,
            "schema_version": contract.schema_version(),
            "rows": self.rows,
            "failure_count": len(self.failures),
            "failures": [f._asdict() for f in self.failures],
            "quality": self.quality,
        }
        if self.articles:
            out["articles"] = {str(k): v for k, v in self.articles.items()}
        return out

    def to_json(self) -> str:
        """The report as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self, limit: int | None = None) -> str:
        """A report for people: a summary line, then one line per failure.

        ``limit`` caps the failure lines (the summary still counts them all).
        """
        name = self.path or "dataset"
        if self.ok:
            head = f"{name}: valid, {self.rows} rows (schema {contract.schema_version()})"
        else:
            head = (
                f"{name}: INVALID, {len(self.failures)} failure(s) in {self.rows} rows "
                f"(schema {contract.schema_version()})"
            )
        lines = [head]
        shown = self.failures if limit is None else self.failures[:limit]
        width = 6
        if shown:
            width = 6 + max((len(a) + 11 for a in self.articles.values()), default=0)
            lines.append(f"  {'row':>{width}}  {'column':<20} {'value':<32} rule")
        for f in shown:
            row = "-" if f.row is None else str(f.row)
            if f.row in self.articles:
                row = f"{row} (article {self.articles[f.row]})"
            value = "" if f.value is None else repr(_shorten(f.value, 30))
            lines.append(f"  {row:>{width}}  {f.column or '-':<20} {value:<32} {f.rule}")
        if limit is not None and len(self.failures) > limit:
            lines.append(f"  ... and {len(self.failures) - limit} more")
        if self.quality:
            lines.append("  quality:")
            for name_, q in self.quality.items():
                limit_text = "no threshold" if q["threshold"] is None else f"max {q['threshold']}"
                verdict = "" if q["threshold"] is None else ("  ok" if q["ok"] else "  FAILED")
                lines.append(
                    f"    {name_:<24} {q['share']:.3f} ({q['rows']} rows)  {limit_text}{verdict}"
                )
        return "\n".join(lines)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------- building rows

def _blank(value: str | None) -> str | None:
    return value if value else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def event_row(event: Event, extractor_version: str) -> dict[str, Any]:
    """One Event as a row dict of the validation frame.

    Derived here: year, disorder_type (from sub_event_type), inter labels and
    interaction (from the inter codes), location fields (from ``event.place``).
    ``event_id_cnty`` and ``timestamp`` are left empty: the version writer assigns them.
    """
    labels = contract.inter_labels()
    subs = contract.sub_event_map()

    def inter(code: int | None) -> str | None:
        # An unknown code is kept as text so validation reports it with its row.
        return None if code is None else labels.get(code, str(code))

    inter1, inter2 = inter(event.inter1), inter(event.inter2)
    place = event.place
    resolved = place is not None and place.resolved
    return {
        "event_id_cnty": None,
        "event_date": event.event_date,
        "year": event.event_date.year if event.event_date else None,
        "time_precision": event.time_precision,
        "disorder_type": subs.get(event.sub_event_type, (None, None))[1],
        "event_type": _blank(event.event_type),
        "sub_event_type": _blank(event.sub_event_type),
        "actor1": _blank(event.actor1),
        "assoc_actor_1": _blank(event.assoc_actor_1),
        "inter1": inter1,
        "actor2": _blank(event.actor2),
        "assoc_actor_2": _blank(event.assoc_actor_2),
        "inter2": inter2,
        "interaction": contract.interaction_label(inter1, inter2),
        "civilian_targeting": _blank(event.civilian_targeting),
        "iso": place.iso if resolved else None,
        "region": _blank(place.region) if resolved else None,
        "country": _blank(place.country) if resolved else None,
        "admin1": _blank(place.admin1) if resolved else None,
        "admin2": _blank(place.admin2) if resolved else None,
        "admin3": _blank(place.admin3) if resolved else None,
        "location": _blank(place.location) if resolved else None,
        "latitude": _round(place.latitude, 4) if resolved else None,
        "longitude": _round(place.longitude, 4) if resolved else None,
        "geo_precision": place.geo_precision if resolved else None,
        "source": _blank(event.source),
        "source_scale": _blank(event.source_scale),
        "notes": _blank(event.notes),
        "fatalities": event.fatalities,
        "tags": _blank(event.tags),
        "timestamp": None,
        "article_id": _blank(event.article_id),
        "url": _blank(event.url),
        "published": event.published,
        "language": _blank(event.language),
        "confidence": _round(event.confidence, 4),
        "evidence": _blank(event.evidence),
        "evidence_start": event.evidence_start,
        "evidence_end": event.evidence_end,
        "extractor_version": extractor_version,
    }


def empty_frame() -> pl.DataFrame:
    """A validation frame with no rows."""
    return pl.DataFrame(schema=contract.validation_dtypes())


def events_frame(events: Iterable[Event], extractor_version: str) -> pl.DataFrame:
    """Events as a validation frame (ids and timestamps empty)."""
    rows = [event_row(e, extractor_version) for e in events]
    if not rows:
        return empty_frame()
    return pl.DataFrame(rows, schema=contract.validation_dtypes(), orient="row")


def blank_to_null(df: pl.DataFrame) -> pl.DataFrame:
    """Empty strings become nulls in every string column."""
    exprs = [
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
        for c, t in df.schema.items()
        if t == pl.String
    ]
    return df.with_columns(exprs) if exprs else df


def to_validation(df: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """Typed frame -> validation frame (closed sets back to String), eager or lazy."""
    schema = df.collect_schema()
    return df.cast({c: pl.String for c, t in schema.items() if isinstance(t, (pl.Enum, pl.Categorical))})


def to_typed(df: pl.DataFrame) -> pl.DataFrame:
    """Validated frame -> typed frame (closed sets as ``pl.Enum``); columns in order."""
    return df.select(contract.column_names()).cast(contract.typed_dtypes())


def sort_frame(df: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """Rows in the dataset's defined order (nulls first, so the order is total)."""
    schema = df.collect_schema()
    keys = [pl.col(c).cast(pl.String) if isinstance(schema[c], pl.Enum) else pl.col(c) for c in SORT_COLUMNS]
    return df.sort(keys, nulls_last=False, maintain_order=True)


# ---------------------------------------------------------------- validation

@functools.cache
def _column_order() -> dict[str, int]:
    return {c: i for i, c in enumerate(contract.column_names())}


def _sort_key(f: Failure) -> tuple:
    return (f.row is not None, f.row or 0, _column_order().get(f.column or "", -1), f.rule)


def schema_failures(df: pl.DataFrame) -> list[Failure]:
    """Failures of the contract's column and cross-field rules on a validation frame."""
    import pandera.errors as pe

    try:
        contract.pandera_schema().validate(df, lazy=True)
    except pe.SchemaErrors as err:
        cases = err.failure_cases
    else:
        return []
    out = []
    for case in cases.iter_rows(named=True):
        check = str(case["check"])
        row = case["index"]
        out.append(
            Failure(
                column=case["column"],
                row=None if row is None else int(row) + 1,
                value=case["failure_case"],
                rule=_CHECK_TEXT.get(check, check),
            )
        )
    return out


def validate_frame(df: pl.DataFrame, path: str = "") -> Report:
    """Validate a validation frame against the contract (no data-quality thresholds)."""
    failures = sorted(set(schema_failures(df)), key=_sort_key)
    return Report(path=path, rows=df.height, failures=failures)


# ---------------------------------------------------------------- reading files

def _coerce(raw: pl.DataFrame) -> tuple[pl.DataFrame, list[Failure]]:
    """Cast every column to its validation dtype; values that do not cast are failures."""
    dtypes = contract.validation_dtypes()
    failures: list[Failure] = []
    exprs = []
    for name, target in dtypes.items():
        source = raw.schema[name]
        col = pl.col(name)
        if source == target:
            exprs.append(col)
            continue
        if isinstance(source, (pl.Enum, pl.Categorical)):
            col = col.cast(pl.String)
            source = pl.String()
        if target == pl.Date and source == pl.String:
            cast = col.str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
        elif source == pl.String and target != pl.String:
            cast = col.str.strip_chars().cast(target, strict=False)
        else:
            cast = col.cast(target, strict=False)
        exprs.append(cast.alias(name))
        bad = raw.with_row_index("_row").filter(pl.col(name).is_not_null() & cast.is_null())
        for row, value in bad.select("_row", pl.col(name).cast(pl.String)).iter_rows():
            failures.append(Failure(name, row + 1, value, f"type {contract.field(name).type}"))
    return raw.select(exprs), failures


def read_raw(path: Path) -> pl.DataFrame:
    """Read a CSV (all columns as text) or Parquet file as it is."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            # Text first: types are checked per value so a bad cell names its row.
            df = pl.read_csv(path, infer_schema=False, encoding="utf8")
            if df.columns and df.columns[0].startswith("\ufeff"):
                df = df.rename({df.columns[0]: df.columns[0].lstrip("\ufeff")})
            return df
        if suffix == ".parquet":
            return pl.read_parquet(path)
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except (pl.exceptions.PolarsError, OSError) as err:
        raise DatasetError(f"{path}: cannot read as {suffix[1:]}: {err}") from None
    raise DatasetError(f"{path}: unknown format {suffix!r}; give a .csv or .parquet file")


@dataclass
class _Read:
    frame: pl.DataFrame  # validation frame
    raw: pl.DataFrame  # the file's cells as text, contract columns in order
    failures: list[Failure]
    missing: list[str]

    def finish(self, failures: Iterable[Failure], quality: Iterable[Failure] = ()) -> list[Failure]:
        """Merge schema and quality failures with the read failures: drop rows blamed on
        a missing column (reported once already) and show each schema failure's value
        as written in the file."""
        out = set(self.failures) | set(quality)
        for f in failures:
            if f.column in self.missing:
                continue
            if f.row is not None and f.column in self.raw.columns and 0 < f.row <= self.raw.height:
                f = f._replace(value=self.raw[f.row - 1, f.column])
            out.add(f)
        return sorted(out, key=_sort_key)


def _read(path: Path) -> _Read:
    raw = blank_to_null(read_raw(path))
    expected = contract.column_names()
    failures: list[Failure] = []
    missing = [c for c in expected if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in expected]
    failures += [Failure(c, None, None, "missing column") for c in missing]
    failures += [Failure(c, None, None, "unknown column") for c in unknown]
    present = [c for c in raw.columns if c in expected]
    if not missing and present != expected:
        failures.append(Failure(None, None, ", ".join(present), "column order differs from the schema"))
    raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing).select(expected)
    df, type_failures = _coerce(raw)
    text = raw.select(pl.col(c).cast(pl.String) for c in raw.columns)
    return _Read(df, text, failures + type_failures, missing)


def read_dataset(path: Path) -> tuple[pl.DataFrame, list[Failure]]:
    """Read a dataset file into a validation frame, with file- and type-level failures.

    Missing columns are added empty (their failure is reported once, not per row);
    unknown columns are dropped and reported.
    """
    read = _read(path)
    return read.frame, read.failures


def read_typed(path: Path) -> pl.DataFrame:
    """Read a dataset written by this project (CSV or Parquet) as a typed frame.

    Raises DatasetInvalid when the file breaks the contract.
    """
    read = _read(path)
    df = read.frame
    report = validate_frame(df, str(path))
    report.failures = read.finish(report.failures)
    if not report.ok:
        raise DatasetInvalid(report)
    return to_typed(df)


# ---------------------------------------------------------------- data quality

def _quality_rows(df: pl.DataFrame) -> dict[str, tuple[str, pl.DataFrame]]:
    """Per quality measure: (column, frame of offending rows with ``_row`` and ``_value``)."""
    n = df.with_row_index("_row", offset=1)
    dup_keys = ["event_date", "country", "admin1", "location", "actor1", "actor2", "event_type"]
    first = pl.col("_row").first().over(dup_keys)
    needs_actor2 = ["Battles", "Violence against civilians"]
    return {
        "geo_precision_3_share": (
            "geo_precision",
            n.filter(pl.col("geo_precision") == 3).select("_row", _value=pl.col("geo_precision").cast(pl.String)),
        ),
        "time_precision_3_share": (
            "time_precision",
            n.filter(pl.col("time_precision") == 3).select("_row", _value=pl.col("time_precision").cast(pl.String)),
        ),
        "duplicate_events": (
            "event_date",
            n.with_columns(_first=first)
            .filter(pl.col("_row") != pl.col("_first"))
            .select("_row", _value=pl.lit("same event as row ") + pl.col("_first").cast(pl.String)),
        ),
        "dated_after_article": (
            "event_date",
            n.filter(pl.col("event_date") > pl.col("published")).select(
                "_row", _value=pl.col("event_date").cast(pl.String) + " > published " + pl.col("published").cast(pl.String)
            ),
        ),
        "missing_actor2": (
            "actor2",
            n.filter(pl.col("event_type").is_in(needs_actor2) & pl.col("actor2").is_null()).select(
                "_row", _value=pl.col("event_type")
            ),
        ),
    }


def quality_report(df: pl.DataFrame, thresholds: dict[str, float] | None = None) -> tuple[dict, list[Failure]]:
    """Data-quality measures (x-quality) and the failures of those over their threshold.

    ``thresholds`` maps a measure id (``geo_precision_3_share``, ...) to the largest
    share of rows allowed (0..1). A measure without a threshold is reported, never failed.
    """
    thresholds = dict(thresholds or {})
    known = {q.id: q for q in contract.quality_rules()}
    unknown = sorted(set(thresholds) - set(known))
    if unknown:
        raise ValueError(f"unknown quality measure(s) {unknown}; known: {sorted(known)}")
    measures: dict[str, dict[str, Any]] = {}
    failures: list[Failure] = []
    for qid, (column, rows) in _quality_rows(df).items():
        share = rows.height / df.height if df.height else 0.0
        limit = thresholds.get(qid)
        ok = limit is None or share <= limit
        measures[qid] = {"share": round(share, 6), "rows": rows.height, "threshold": limit, "ok": ok}
        if ok:
            continue
        rule = f"{qid}: share {share:.3f} > {limit} ({known[qid].option})"
        if qid.endswith("_share"):
            # A share of region-level rows is a property of the file, not of a row.
            failures.append(Failure(column, None, f"{share:.6f}", rule))
        else:
            failures += [Failure(column, r, v, rule) for r, v in rows.iter_rows()]
    return measures, failures


def validate_file(path: Path, thresholds: dict[str, float] | None = None) -> Report:
    """Validate a CSV or Parquet dataset: schema, cross-field rules and data quality.

    Raises DatasetError only when the file cannot be read at all.
    """
    path = Path(path)
    read = _read(path)
    report = validate_frame(read.frame, str(path))
    measures, quality_failures = quality_report(read.frame, thresholds)
    report.failures = read.finish(report.failures, quality_failures)
    report.quality = measures
    return report


# ---------------------------------------------------------------- writing

CSV_OPTIONS = {"date_format": "%Y-%m-%d", "line_terminator": "\n", "null_value": ""}
# Row groups of a fixed size: a streamed write would otherwise follow its sources' chunks.
PARQUET_OPTIONS = {"compression": "zstd", "statistics": True, "row_group_size": 100_000}


def write_csv(df: pl.DataFrame, path: Path) -> None:
    """Write UTF-8 CSV with a header, ISO dates and empty cells for missing values."""
    df.write_csv(path, **CSV_OPTIONS)


def write_parquet(df: pl.DataFrame, path: Path) -> None:
    """Write typed Parquet (Date, Enum as dictionary, Int64, Float64), deterministically."""
    df.write_parquet(path, **PARQUET_OPTIONS)


def sink_csv(lf: pl.LazyFrame, path: Path) -> None:
    """:func:`write_csv` from a lazy frame, streamed (the same bytes)."""
    lf.sink_csv(path, **CSV_OPTIONS)


def sink_parquet(lf: pl.LazyFrame, path: Path) -> None:
    """:func:`write_parquet` from a lazy frame, streamed (the same bytes)."""
    lf.sink_parquet(path, **PARQUET_OPTIONS)


def utc_midnight(day: dt.date) -> int:
    """Unix seconds of 00:00 UTC on ``day``."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())
