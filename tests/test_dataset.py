"""Rows that the contract accepts and rejects, files broken on purpose, and round trips."""
import csv
import dataclasses
import datetime as dt
import json

import polars as pl
import pytest
from typer.testing import CliRunner

from dataset_events import ALEPPO, MOSUL, attack, battle
from extractor import dataset
from extractor.commands.dataset import app
from extractor.records import Event


def frame(*events: Event) -> pl.DataFrame:
    """Events as a validation frame with ids and timestamps filled in."""
    df = dataset.events_frame(events, "0.1.0")
    return df.with_columns(
        event_id_cnty=pl.Series([f"IRQ{i + 1}" for i in range(df.height)], dtype=pl.String),
        timestamp=pl.lit(1_700_000_000, dtype=pl.Int64),
    )


def write_good(tmp_path, n=3):
    df = dataset.to_typed(frame(battle(day=2), attack(day=3), battle("a3", day=5, place=ALEPPO))[:n])
    dataset.write_csv(df, tmp_path / "events.csv")
    dataset.write_parquet(df, tmp_path / "events.parquet")
    return df


# ---------------------------------------------------------------- building rows

def test_event_row_derives_acled_fields():
    row = dataset.event_row(battle(), "9.9")
    assert row["year"] == 2024 and row["disorder_type"] == "Political violence"
    assert (row["inter1"], row["inter2"]) == ("State forces", "Rebel group")
    assert row["interaction"] == "State forces-Rebel group"
    assert (row["latitude"], row["longitude"]) == (36.3351, 43.1189)
    assert row["iso"] == 368 and row["admin1"] == "Ninewa"
    assert row["assoc_actor_1"] is None  # empty text is a missing value
    assert row["extractor_version"] == "9.9"


def test_event_row_one_sided_and_unresolved_place():
    row = dataset.event_row(battle(actor2="", inter2=None, place=None), "0")
    assert row["interaction"] == "State forces only" and row["inter2"] is None
    assert row["location"] is None and row["latitude"] is None


# ---------------------------------------------------------------- accepted rows

@pytest.mark.parametrize("event", [
    battle(),
    attack(),
    battle(actor2="", inter2=None),  # one-sided Battles is valid (a quality measure, not a rule)
    battle(event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Iraq)",
           inter1=6, actor2="", inter2=None, fatalities=0),
    battle(event_type="Protests", sub_event_type="Excessive force against protesters",
           actor1="Police Forces of Iraq (2022-)", inter1=1, actor2="Protesters (Iraq)", inter2=6),
    battle(event_type="Explosions/Remote violence", sub_event_type="Air/drone strike", inter1=8,
           actor2="Civilians (Iraq)", inter2=7, civilian_targeting="Civilians targeted"),
    battle(event_type="Strategic developments", sub_event_type="Arrests", time_precision=3),
    battle(place=dataclasses.replace(MOSUL, latitude=-90.0, longitude=180.0, geo_precision=3)),
    battle(url="", published=None, language="", evidence="", confidence=0.0, fatalities=0),
], ids=lambda e: f"{e.event_type}/{e.sub_event_type}/{e.actor2 or '-'}")
def test_accepted_rows(event):
    report = dataset.validate_frame(frame(event))
    assert report.ok, report.to_text()


# ---------------------------------------------------------------- rejected rows

@pytest.mark.parametrize("event, column, rule", [
    (battle(sub_event_type="Attack"), "sub_event_type", "sub_event_type_in_event_type"),
    (battle(event_type="Fighting"), "event_type", "enum"),
    (battle(sub_event_type="Skirmish"), "sub_event_type", "enum"),
    (battle(place=dataclasses.replace(MOSUL, latitude=123.0)), "latitude", "maximum 90"),
    (battle(place=dataclasses.replace(MOSUL, longitude=-200.0)), "longitude", "minimum -180"),
    (battle(place=dataclasses.replace(MOSUL, geo_precision=4)), "geo_precision", "enum"),
    (battle(time_precision=0), "time_precision", "enum"),
    (battle(fatalities=-1), "fatalities", "minimum 0"),
    (battle(confidence=1.5), "confidence", "maximum 1"),
    (battle(inter1=9), "inter1", "enum"),
    (battle(actor1=""), "actor1", "required"),
    (battle(place=None), "location", "required"),
    (battle(actor2="", inter2=2), "inter2", "inter2_with_actor2"),
    (battle(civilian_targeting="Civilians targeted"), "civilian_targeting", "civilian_targeting_needs_civilians"),
    (battle(civilian_targeting="yes", actor2="Civilians (Iraq)", inter2=7), "civilian_targeting", "enum"),
    (battle(evidence_start=50, evidence_end=10), "evidence_end", "evidence_span_ordered"),
    (battle(language="Arabic"), "language", "pattern [a-z]{2,3}"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_rejected_rows(event, column, rule):
    report = dataset.validate_frame(frame(battle(day=1), event))
    assert not report.ok
    assert (column, 2, rule) in {(f.column, f.row, f.rule) for f in report.failures}, report.to_text()
    assert all(f.row == 2 for f in report.failures)  # the good row 1 is never blamed


@pytest.mark.parametrize("column, value, rule", [
    ("year", 2023, "year_of_event_date"),
    ("disorder_type", "Demonstrations", "disorder_type_from_sub_event_type"),
    ("interaction", "Rebel group-Rebel group", "interaction_from_inter"),
    ("event_id_cnty", "irq-1", "pattern [A-Z]{3}[0-9]+"),
])
def test_rejected_derived_fields(column, value, rule):
    df = frame(battle(day=1), battle(day=2))
    df = df.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(pl.lit(value)).otherwise(pl.col(column)).alias(column))
    report = dataset.validate_frame(df)
    assert [(f.column, f.row, f.rule) for f in report.failures] == [(column, 2, rule)]


def test_duplicate_event_ids_are_rejected():
    df = frame(battle(day=1), battle(day=2)).with_columns(event_id_cnty=pl.lit("IRQ7"))
    report = dataset.validate_frame(df)
    assert {(f.column, f.row, f.rule) for f in report.failures} == {
        ("event_id_cnty", 1, "unique"), ("event_id_cnty", 2, "unique")}


def test_empty_dataset_is_valid():
    assert dataset.validate_frame(dataset.empty_frame()).ok


# ---------------------------------------------------------------- files broken on purpose

def break_cell(path, row, column, value):
    """Rewrite one cell of a CSV with the csv module (as a person editing the file would)."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[row][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize("column, value, rule", [
    ("sub_event_type", "Attack", "sub_event_type_in_event_type"),  # a sub-type under the wrong type
    ("event_type", "Skirmishes", "enum"),  # an unknown event type
    ("latitude", "123", "maximum 90"),
    ("fatalities", "three", "type integer"),
    ("event_date", "02/03/2024", "type date"),
])
def test_broken_csv_names_column_and_row(tmp_path, column, value, rule):
    write_good(tmp_path)
    path = tmp_path / "events.csv"
    assert dataset.validate_file(path).ok
    break_cell(path, 3, column, value)  # data row 3, a Battles row
    report = dataset.validate_file(path)
    assert (column, 3, value, rule) in set(report.failures), report.to_text()
    assert {f.row for f in report.failures} == {3}
    text = report.to_text()
    assert "INVALID" in text and column in text and rule in text


def test_broken_parquet_names_column_and_row(tmp_path):
    df = write_good(tmp_path)
    broken = dataset.to_validation(df).with_columns(
        latitude=pl.Series([36.3, 123.0, 36.2]),
        event_type=pl.Series(["Battles", "Violence against civilians", "Unrest"]),
    )
    broken.write_parquet(tmp_path / "broken.parquet")
    failures = set(dataset.validate_file(tmp_path / "broken.parquet").failures)
    assert ("latitude", 2, "123.0", "maximum 90") in failures
    assert ("event_type", 3, "Unrest", "enum") in failures


def test_missing_and_unknown_columns(tmp_path):
    df = write_good(tmp_path)
    df.drop("fatalities").with_columns(extra=pl.lit(1)).write_csv(tmp_path / "odd.csv")
    failures = dataset.validate_file(tmp_path / "odd.csv").failures
    assert ("fatalities", None, None, "missing column") in failures
    assert ("extra", None, None, "unknown column") in failures
    assert not any(f.column == "fatalities" and f.row is not None for f in failures)


def test_unreadable_file_is_a_dataset_error(tmp_path):
    with pytest.raises(dataset.DatasetError, match="no such file"):
        dataset.validate_file(tmp_path / "nope.csv")
    (tmp_path / "x.xlsx").write_text("x")
    with pytest.raises(dataset.DatasetError, match="unknown format"):
        dataset.validate_file(tmp_path / "x.xlsx")


# ---------------------------------------------------------------- round trips and CSV form

def test_csv_and_parquet_round_trip_equal(tmp_path):
    df = write_good(tmp_path)
    from_csv = dataset.read_typed(tmp_path / "events.csv")
    from_parquet = pl.read_parquet(tmp_path / "events.parquet")
    assert from_csv.schema == from_parquet.schema == df.schema
    assert from_csv.equals(from_parquet) and from_parquet.equals(df)


def test_parquet_is_typed(tmp_path):
    write_good(tmp_path)
    import pyarrow.parquet as pq

    schema = pq.read_schema(tmp_path / "events.parquet")
    assert str(schema.field("event_date").type) == "date32[day]"
    assert str(schema.field("fatalities").type) == "int64"
    assert str(schema.field("event_type").type).startswith("dictionary")


def test_csv_opens_without_options(tmp_path):
    write_good(tmp_path)
    raw = (tmp_path / "events.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    with (tmp_path / "events.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["event_date"] == "2024-03-02" and rows[0]["assoc_actor_1"] == ""
    assert rows[1]["evidence"] == "قتل مدني"
    import pyarrow.csv as pacsv  # a second, independent reader with default options

    table = pacsv.read_csv(tmp_path / "events.csv")
    assert table.num_rows == 3 and table.column_names[0] == "event_id_cnty"


# ---------------------------------------------------------------- data quality

def test_quality_measures_are_reported_without_failing(tmp_path):
    df = dataset.to_typed(frame(battle(day=1), battle(day=1, fatalities=9), battle(day=9, actor2="", inter2=None)))
    dataset.write_csv(df, tmp_path / "q.csv")
    report = dataset.validate_file(tmp_path / "q.csv")
    assert report.ok
    assert report.quality["duplicate_events"]["rows"] == 1
    assert report.quality["missing_actor2"]["rows"] == 1
    assert report.quality["dated_after_article"]["rows"] == 1  # 9 March after the 4 March article


@pytest.mark.parametrize("thresholds, failing", [
    ({"duplicate_events": 0}, {("event_date", 2, "same event as row 1")}),
    ({"missing_actor2": 0.5}, set()),
    ({"missing_actor2": 0.2}, {("actor2", 3, "Battles")}),
    ({"dated_after_article": 0}, {("event_date", 3, "2024-03-09 > published 2024-03-04")}),
    ({"geo_precision_3_share": 0.1}, set()),
    ({"time_precision_3_share": 0}, set()),
])
def test_quality_thresholds(tmp_path, thresholds, failing):
    df = dataset.to_typed(frame(battle(day=1), battle(day=1, fatalities=9), battle(day=9, actor2="", inter2=None)))
    dataset.write_csv(df, tmp_path / "q.csv")
    report = dataset.validate_file(tmp_path / "q.csv", thresholds)
    assert {(f.column, f.row, f.value) for f in report.failures} == failing
    assert report.ok == (not failing)


def test_share_threshold_is_one_file_level_failure(tmp_path):
    df = dataset.to_typed(frame(battle(place=dataclasses.replace(MOSUL, geo_precision=3)), battle(day=3)))
    dataset.write_csv(df, tmp_path / "g.csv")
    (failure,) = dataset.validate_file(tmp_path / "g.csv", {"geo_precision_3_share": 0.2}).failures
    assert failure.column == "geo_precision" and failure.row is None and failure.value == "0.500000"


def test_unknown_threshold_is_refused(tmp_path):
    write_good(tmp_path)
    with pytest.raises(ValueError, match="unknown quality measure"):
        dataset.validate_file(tmp_path / "events.csv", {"max_geo3": 0.2})


def test_json_report_format(tmp_path):
    write_good(tmp_path)
    break_cell(tmp_path / "events.csv", 1, "latitude", "123")
    data = json.loads(dataset.validate_file(tmp_path / "events.csv").to_json())
    assert data["ok"] is False and data["rows"] == 3 and data["failure_count"] == 1
    assert data["failures"] == [{"column": "latitude", "row": 1, "value": "123", "rule": "maximum 90"}]
    assert set(data["quality"]["geo_precision_3_share"]) == {"share", "rows", "threshold", "ok"}
    assert data["schema_version"]


# ---------------------------------------------------------------- CLI

runner = CliRunner()


def test_cli_validate_exit_codes(tmp_path):
    write_good(tmp_path)
    ok = runner.invoke(app, ["validate", str(tmp_path / "events.csv")])
    assert ok.exit_code == 0 and "valid, 3 rows" in ok.output
    folder = runner.invoke(app, ["validate", str(tmp_path)])  # a version folder
    assert folder.exit_code == 0
    (tmp_path / "DIR").mkdir()
    (tmp_path / "DIR" / "latest").symlink_to(tmp_path)
    assert runner.invoke(app, ["validate", str(tmp_path / "DIR")]).exit_code == 0  # DIR: its latest
    assert runner.invoke(app, ["validate", str(tmp_path / "DIR" / "latest")]).exit_code == 0
    break_cell(tmp_path / "events.csv", 3, "sub_event_type", "Attack")
    bad = runner.invoke(app, ["validate", str(tmp_path / "events.csv")])
    assert bad.exit_code == 1 and "sub_event_type_in_event_type" in bad.output
    missing = runner.invoke(app, ["validate", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2
    wrong = runner.invoke(app, ["validate", str(tmp_path / "events.parquet"), "--max-geo3", "7"])
    assert wrong.exit_code == 2


def test_cli_validate_json_and_thresholds(tmp_path):
    write_good(tmp_path)
    out = runner.invoke(app, ["validate", str(tmp_path / "events.parquet"), "--format", "json",
                              "--max-geo3", "0.2", "--max-missing-actor2", "0"])
    assert out.exit_code == 0
    data = json.loads(out.output)
    assert data["ok"] and data["quality"]["geo_precision_3_share"]["threshold"] == 0.2
    late = runner.invoke(app, ["validate", str(tmp_path / "events.csv"), "--format", "json",
                               "--max-after-article", "0"])
    assert late.exit_code == 1 and json.loads(late.output)["failures"][0]["column"] == "event_date"


def test_dates_are_iso_in_csv(tmp_path):
    write_good(tmp_path)
    first = (tmp_path / "events.csv").read_text("utf-8").splitlines()[1].split(",")
    assert first[1] == "2024-03-02" and dt.date.fromisoformat(first[1])
