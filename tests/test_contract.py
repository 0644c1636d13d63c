"""The contract in schema/: one JSON file, and everything built from it stays in step."""
import json
from pathlib import Path

import polars as pl
import pytest

from extractor import contract

ROOT = Path(__file__).resolve().parents[1]

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]
EXTRA_COLUMNS = [
    "article_id", "url", "published", "language", "confidence", "evidence", "evidence_start",
    "evidence_end", "extractor_version",
]
FRICTIONLESS_TYPES = {"string", "integer", "number", "date"}
FRICTIONLESS_CONSTRAINTS = {"required", "unique", "enum", "minimum", "maximum", "pattern"}


def test_columns_are_acled_order_then_extras():
    assert contract.column_names() == ACLED_COLUMNS + EXTRA_COLUMNS


def test_packaged_schema_is_the_repository_file():
    packaged = contract.raw_schema()
    assert packaged == json.loads((ROOT / "schema" / "events.schema.json").read_text("utf-8"))


def test_codebook_is_current():
    # Regenerate with: python -m extractor.contract > schema/codebook.md
    assert (ROOT / "schema" / "codebook.md").read_text("utf-8") == contract.codebook_markdown()


def test_schema_is_a_plain_table_schema():
    raw = contract.raw_schema()
    assert raw["version"] and raw["primaryKey"] == ["event_id_cnty"]
    for f in raw["fields"]:
        assert set(f) <= {"name", "type", "description", "format", "constraints"}, f["name"]
        assert f["type"] in FRICTIONLESS_TYPES and f["description"]
        assert set(f.get("constraints", {})) <= FRICTIONLESS_CONSTRAINTS, f["name"]


def test_every_rule_has_one_implementation():
    assert {r.id for r in contract.rules()} == set(contract.RULES)
    for r in contract.rules():
        assert r.column in contract.column_names()
        assert set(r.uses) <= set(contract.column_names())


def test_taxonomy_matches_the_enums():
    subs = contract.sub_event_map()
    assert set(subs) == set(contract.field("sub_event_type").enum)
    assert {e for e, _ in subs.values()} == set(contract.field("event_type").enum)
    assert {d for _, d in subs.values()} == set(contract.field("disorder_type").enum)
    assert len(subs) == 25
    assert subs["Excessive force against protesters"] == ("Protests", "Political violence; Demonstrations")
    assert subs["Mob violence"] == ("Riots", "Political violence")


def test_inter_labels_match_the_enums():
    labels = list(contract.inter_labels().values())
    assert contract.field("inter1").enum == tuple(labels) == contract.field("inter2").enum
    assert set(contract.interaction_map().values()) == set(contract.field("interaction").enum)


@pytest.mark.parametrize("inter1, inter2, expected", [
    ("State forces", "Rebel group", "State forces-Rebel group"),
    ("Rebel group", "State forces", "State forces-Rebel group"),  # order-free, lower code first
    ("Rebel group", None, "Rebel group only"),
    ("Civilians", "", "Civilians only"),
    ("External/Other forces", "Civilians", "Civilians-External/Other forces"),
    ("State forces", "State forces", "State forces-State forces"),
    ("Soldiers", "Civilians", None),
    (None, None, None),
])
def test_interaction_label(inter1, inter2, expected):
    assert contract.interaction_label(inter1, inter2) == expected


def test_typed_dtypes_make_closed_sets_enums():
    dtypes = contract.typed_dtypes()
    assert isinstance(dtypes["event_type"], pl.Enum)
    assert isinstance(dtypes["interaction"], pl.Enum)
    assert dtypes["event_date"] == pl.Date and dtypes["fatalities"] == pl.Int64
    assert dtypes["actor1"] == pl.String  # open set


def test_pandera_schema_has_every_column_and_constraint():
    schema = contract.pandera_schema()
    assert list(schema.columns) == contract.column_names()
    assert schema.columns["event_id_cnty"].unique
    assert not schema.columns["actor1"].nullable and schema.columns["actor2"].nullable
    names = {c.error for c in schema.columns["sub_event_type"].checks}
    assert {"enum", "sub_event_type_in_event_type"} <= names
