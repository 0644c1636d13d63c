"""The dataset contract: ``schema/events.schema.json`` read once, and what is built from it.

The Frictionless Table Schema in ``schema/`` is the single source of truth. This module
loads it (shipped in the package as ``extractor/resources/schema.json``, a symlink to the
repository file) and derives from it:

* the column order and the polars dtypes of the typed dataset (:func:`typed_dtypes`),
* the pandera ``DataFrameSchema`` that validates a dataset (:func:`pandera_schema`),
* the taxonomy and inter-code maps used to derive fields (:func:`sub_event_map`, ...),
* the human codebook ``schema/codebook.md`` (:func:`codebook_markdown`).

Cross-field rules are declared in the JSON (``x-rules``: id, column, description); each id
has exactly one implementation in :data:`RULES` below, and a test checks both lists agree.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import polars as pl

SCHEMA_RESOURCE = "schema.json"

# Frictionless field types -> polars dtypes of the validation frame.
_BASE_DTYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "date": pl.Date(),
}


class ContractError(Exception):
    """The schema file is malformed (a bug in ``schema/events.schema.json``)."""


@dataclass(frozen=True)
class Field:
    """One column of the contract, as declared in the Table Schema."""

    name: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: its id, the column a failure is reported on, and its text."""

    id: str
    column: str
    uses: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class QualityRule:
    """A data-quality measure checked by ``extractor validate`` against a threshold."""

    id: str
    option: str
    column: str
    description: str


@cache
def raw_schema() -> dict[str, Any]:
    """The Table Schema JSON as a dict (read once from the package resources)."""
    text = resources.files("extractor").joinpath("resources", SCHEMA_RESOURCE).read_text("utf-8")
    return json.loads(text)


def schema_version() -> str:
    """The contract's version string (``version`` in the schema file)."""
    return str(raw_schema()["version"])


@cache
def fields() -> tuple[Field, ...]:
    """The columns in dataset order."""
    out = []
    for f in raw_schema()["fields"]:
        c = f.get("constraints", {})
        if f["type"] not in _BASE_DTYPES:
            raise ContractError(f"field {f['name']!r}: unsupported type {f['type']!r}")
        out.append(
            Field(
                name=f["name"],
                type=f["type"],
                description=f.get("description", ""),
                required=bool(c.get("required", False)),
                unique=bool(c.get("unique", False)),
                enum=tuple(c["enum"]) if "enum" in c else None,
                minimum=c.get("minimum"),
                maximum=c.get("maximum"),
                pattern=c.get("pattern"),
            )
        )
    return tuple(out)


def column_names() -> list[str]:
    """Column names in dataset order."""
    return [f.name for f in fields()]


def field(name: str) -> Field:
    """The field called ``name``."""
    for f in fields():
        if f.name == name:
            return f
    raise KeyError(name)


@cache
def rules() -> tuple[Rule, ...]:
    """Cross-field rules declared in ``x-rules``."""
    return tuple(
        Rule(r["id"], r["column"], tuple(r.get("uses", ())), r["description"])
        for r in raw_schema()["x-rules"]
    )


@cache
def quality_rules() -> tuple[QualityRule, ...]:
    """Data-quality measures declared in ``x-quality``."""
    return tuple(
        QualityRule(q["id"], q["option"], q["column"], q["description"])
        for q in raw_schema()["x-quality"]
    )


@cache
def sub_event_map() -> dict[str, tuple[str, str]]:
    """sub_event_type -> (event_type, disorder_type), from ``x-taxonomy``."""
    out: dict[str, tuple[str, str]] = {}
    for group in raw_schema()["x-taxonomy"]:
        for sub in group["sub_event_types"]:
            out[sub["sub_event_type"]] = (group["event_type"], sub["disorder_type"])
    return out


@cache
def inter_labels() -> dict[int, str]:
    """ACLED inter code -> current text label, from ``x-inter-codes``."""
    return {int(i["code"]): i["label"] for i in raw_schema()["x-inter-codes"]}


@cache
def inter_codes() -> dict[str, int]:
    """Current text label -> ACLED inter code."""
    return {label: code for code, label in inter_labels().items()}


def interaction_label(inter1: str | None, inter2: str | None) -> str | None:
    """ACLED's interaction text for two inter labels (lower code first; "X only" if one-sided).

    Returns None when inter1 is missing or a label is unknown.
    """
    codes = inter_codes()
    if inter1 not in codes:
        return None
    if inter2 is None or inter2 == "":
        return f"{inter1} only"
    if inter2 not in codes:
        return None
    a, b = sorted((inter1, inter2), key=codes.__getitem__)
    return f"{a}-{b}"


@cache
def interaction_map() -> dict[str, str]:
    """"inter1|inter2" -> interaction, for every pair (inter2 "" when one-sided)."""
    labels = list(inter_labels().values())
    out = {}
    for a in labels:
        out[f"{a}|"] = f"{a} only"
        for b in labels:
            out[f"{a}|{b}"] = interaction_label(a, b) or ""
    return out


def enum_columns() -> list[str]:
    """Columns that are closed sets of strings (written as polars Enum)."""
    return [f.name for f in fields() if f.type == "string" and f.enum is not None]


def validation_dtypes() -> dict[str, pl.DataType]:
    """Column -> dtype of the frame pandera validates (closed sets kept as String)."""
    return {f.name: _BASE_DTYPES[f.type] for f in fields()}


def typed_dtypes() -> dict[str, pl.DataType]:
    """Column -> dtype of the published dataset: closed string sets become ``pl.Enum``."""
    out = validation_dtypes()
    for f in fields():
        if f.type == "string" and f.enum is not None:
            out[f.name] = pl.Enum(list(f.enum))
    return out


# ---------------------------------------------------------------- cross-field rules
# Each returns a boolean expression, True where the row passes. Rows whose inputs are
# null pass here: missing required values are reported once, by the not-null check.

def _rule_sub_event_type_in_event_type() -> pl.Expr:
    m = {s: e for s, (e, _) in sub_event_map().items()}
    expected = pl.col("sub_event_type").replace_strict(m, default=None, return_dtype=pl.String)
    # An unknown event or sub-event type is already reported by its enum check.
    known = pl.col("event_type").is_in(sorted(set(m.values())))
    return expected.is_null() | ~known.fill_null(False) | (expected == pl.col("event_type"))


def _rule_disorder_type_from_sub_event_type() -> pl.Expr:
    m = {s: d for s, (_, d) in sub_event_map().items()}
    expected = pl.col("sub_event_type").replace_strict(m, default=None, return_dtype=pl.String)
    return expected.is_null() | (expected == pl.col("disorder_type")).fill_null(False)


def _rule_interaction_from_inter() -> pl.Expr:
    key = pl.col("inter1") + pl.lit("|") + pl.col("inter2").fill_null("")
    expected = key.replace_strict(interaction_map(), default=None, return_dtype=pl.String)
    return expected.is_null() | (expected == pl.col("interaction")).fill_null(False)


def _rule_inter2_with_actor2() -> pl.Expr:
    return pl.col("actor2").is_null() == pl.col("inter2").is_null()


def _rule_civilian_targeting_needs_civilians() -> pl.Expr:
    civilians = inter_labels()[7]
    return pl.col("civilian_targeting").is_null() | (pl.col("inter2") == civilians).fill_null(False)


def _rule_year_of_event_date() -> pl.Expr:
    return (
        pl.col("event_date").is_null()
        | pl.col("year").is_null()
        | (pl.col("event_date").dt.year().cast(pl.Int64) == pl.col("year"))
    )


def _rule_evidence_span_ordered() -> pl.Expr:
    return (
        pl.col("evidence_start").is_null()
        | pl.col("evidence_end").is_null()
        | (pl.col("evidence_end") >= pl.col("evidence_start"))
    )


RULES: dict[str, Callable[[], pl.Expr]] = {
    "sub_event_type_in_event_type": _rule_sub_event_type_in_event_type,
    "disorder_type_from_sub_event_type": _rule_disorder_type_from_sub_event_type,
    "interaction_from_inter": _rule_interaction_from_inter,
    "inter2_with_actor2": _rule_inter2_with_actor2,
    "civilian_targeting_needs_civilians": _rule_civilian_targeting_needs_civilians,
    "year_of_event_date": _rule_year_of_event_date,
    "evidence_span_ordered": _rule_evidence_span_ordered,
}


def rule_expr(rule_id: str) -> pl.Expr:
    """The polars expression for a cross-field rule (True where a row passes)."""
    try:
        return RULES[rule_id]()
    except KeyError:
        raise ContractError(f"x-rules names {rule_id!r}, which has no implementation") from None


# ---------------------------------------------------------------- pandera schema

def _rule_check(rule: Rule):
    import pandera.polars as pa

    expr = rule_expr(rule.id)

    def check(data) -> pl.LazyFrame:
        # A column check sees the whole frame, so the failure is reported on the rule's
        # column with that column's value and the row index.
        return data.lazyframe.select(expr.fill_null(False).alias(data.key))

    return pa.Check(check, name=rule.id, error=rule.id)


def _field_checks(f: Field) -> list:
    import pandera.polars as pa

    checks = []
    if f.enum is not None:
        checks.append(pa.Check.isin(list(f.enum), error="enum"))
    if f.minimum is not None:
        checks.append(pa.Check.ge(f.minimum, error=f"minimum {f.minimum}"))
    if f.maximum is not None:
        checks.append(pa.Check.le(f.maximum, error=f"maximum {f.maximum}"))
    if f.pattern is not None:
        # Frictionless patterns match the whole value.
        checks.append(pa.Check.str_matches(f"^(?:{f.pattern})$", error=f"pattern {f.pattern}"))
    return checks


@cache
def pandera_schema():
    """The pandera (polars) ``DataFrameSchema`` built from the Table Schema.

    Validates a frame with the dtypes of :func:`validation_dtypes` and columns in order:
    required -> not nullable, unique, enum/minimum/maximum/pattern as checks, and each
    ``x-rules`` entry as a check on its column.
    """
    import pandera.polars as pa

    by_column: dict[str, list] = {}
    for rule in rules():
        by_column.setdefault(rule.column, []).append(_rule_check(rule))
    columns = {}
    dtypes = validation_dtypes()
    for f in fields():
        columns[f.name] = pa.Column(
            dtypes[f.name],
            checks=_field_checks(f) + by_column.pop(f.name, []),
            nullable=not f.required,
            unique=f.unique,
        )
    if by_column:
        raise ContractError(f"x-rules report on unknown columns: {sorted(by_column)}")
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=raw_schema()["name"])


# ---------------------------------------------------------------- codebook

def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _constraints_text(f: Field) -> str:
    parts = []
    if f.required:
        parts.append("required")
    if f.unique:
        parts.append("unique")
    if f.minimum is not None:
        parts.append(f"≥ {f.minimum}")
    if f.maximum is not None:
        parts.append(f"≤ {f.maximum}")
    if f.pattern is not None:
        parts.append(f"pattern `{f.pattern}`")
    if f.enum is not None:
        if len(f.enum) <= 8:
            parts.append("one of: " + ", ".join(f"`{v}`" for v in f.enum))
        else:
            parts.append(f"one of {len(f.enum)} values (below)")
    return "; ".join(parts)


def codebook_markdown() -> str:
    """The codebook page (``schema/codebook.md``), generated from the schema JSON."""
    s = raw_schema()
    out = [
        f"# Codebook: {s['title']}",
        "",
        "<!-- GENERATED from schema/events.schema.json by extractor.contract.codebook_markdown();",
        "     do not edit by hand. Regenerate: python -m extractor.contract > schema/codebook.md -->",
        "",
        f"Schema version **{s['version']}**. {s['description']}",
        "",
        "Empty cells are missing values. Dates are ISO `YYYY-MM-DD`.",
        "",
        "## Columns",
        "",
        "| # | column | type | constraints | description |",
        "|---|---|---|---|---|",
    ]
    for i, f in enumerate(fields(), 1):
        out.append(
            f"| {i} | `{f.name}` | {f.type} | {_cell(_constraints_text(f))} | {_cell(f.description)} |"
        )
    out += ["", "## Cross-field rules", "", "| rule | reported on | uses | meaning |", "|---|---|---|---|"]
    for r in rules():
        uses = ", ".join(f"`{u}`" for u in r.uses)
        out.append(f"| `{r.id}` | `{r.column}` | {uses} | {_cell(r.description)} |")
    out += [
        "",
        "## Event types, sub-event types and disorder types",
        "",
        "In ACLED's priority order (when several tactics happen in one event, the higher type wins).",
        "",
        "| event_type | sub_event_type | disorder_type |",
        "|---|---|---|",
    ]
    for group in s["x-taxonomy"]:
        for sub in group["sub_event_types"]:
            out.append(f"| {group['event_type']} | {sub['sub_event_type']} | {sub['disorder_type']} |")
    out += ["", "## Actor types (inter1, inter2)", "", "| code | label | who |", "|---|---|---|"]
    for i in s["x-inter-codes"]:
        out.append(f"| {i['code']} | {i['label']} | {_cell(i['description'])} |")
    out += [
        "",
        "`interaction` joins the two labels, lower code first (\"State forces-Rebel group\"), "
        "or is \"<label> only\" when there is no actor2.",
        "",
        "## Data-quality measures (`extractor validate`)",
        "",
        "Reported for every file; a failure only when a threshold is given.",
        "",
        "| measure | option | meaning |",
        "|---|---|---|",
    ]
    for q in quality_rules():
        out.append(f"| `{q.id}` | `{q.option}` | {_cell(q.description)} |")
    long_enums = [f for f in fields() if f.enum is not None and len(f.enum) > 8]
    if long_enums:
        out += ["", "## Allowed values of long closed sets"]
        for f in long_enums:
            out += ["", f"### `{f.name}`", ""]
            out += [f"- {v}" for v in f.enum]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(codebook_markdown())
