"""Living, versioned datasets: merges, stable ids, determinism, locking and crash safety."""
import csv
import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from dataset_events import ALEPPO, QAIM, attack, battle
from extractor import dataset, versions
from extractor.records import Rejection

TESTS = Path(__file__).resolve().parent
DATA_FILES = ["events.csv", "events.parquet", "deletions.csv", "rejected.jsonl", "datapackage.json"]


def write(out, events, processed, **kw):
    kw.setdefault("rejected", [])
    kw.setdefault("inputs", [{"path": "in.jsonl", "sha256": "0" * 64, "articles": len(processed)}])
    kw.setdefault("counts", {"articles_read": len(processed)})
    return versions.write_version(out, events, processed_article_ids=set(processed), **kw)


def by_id(version_dir):
    df = versions.read_events(version_dir)
    return {r["event_id_cnty"]: r for r in df.iter_rows(named=True)}


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------- one version

def test_first_version_layout(tmp_path):
    rej = [Rejection(origin="in.jsonl:3", reason="empty text", article_id="a9")]
    v1 = write(tmp_path, [battle(), attack()], {"a1", "a2"}, rejected=rej, label="first")
    assert v1.name == "v000001-first"
    assert (tmp_path / "latest").resolve() == v1.resolve()
    assert sorted(p.name for p in v1.iterdir()) == sorted(DATA_FILES + ["manifest.json"])
    assert dataset.validate_file(v1 / "events.csv").ok
    assert json.loads((v1 / "rejected.jsonl").read_text("utf-8")) == {
        "origin": "in.jsonl:3", "reason": "empty text", "article_id": "a9"}
    manifest = versions.read_manifest(v1)
    assert manifest["version"] == "v000001-first" and manifest["label"] == "first"
    assert manifest["counts"]["articles_rejected"] == 1 and manifest["counts"]["articles_read"] == 2
    assert manifest["dataset"] == {"events": 2, "added": 2, "changed": 0, "unchanged": 0,
                                   "carried_over": 0, "deleted": 0}
    assert manifest["inputs"][0]["sha256"] == "0" * 64
    assert manifest["schema_version"] and manifest["extractor_version"] and manifest["created"]
    assert set(manifest["files"]) == set(DATA_FILES) - {"datapackage.json"}


def test_datapackage_describes_the_version(tmp_path):
    v1 = write(tmp_path, [battle(), attack()], {"a1", "a2"})
    pkg = json.loads((v1 / "datapackage.json").read_text("utf-8"))
    names = {r["name"]: r for r in pkg["resources"]}
    assert set(names) == {"events", "events-parquet", "deletions", "rejected"}
    events = names["events"]
    assert events["path"] == "events.csv" and events["schema"]["fields"][0]["name"] == "event_id_cnty"
    assert events["hash"] == "sha256:" + hashlib.sha256((v1 / "events.csv").read_bytes()).hexdigest()
    assert pkg["licenses"][0]["name"] and pkg["sources"][0]["path"] == "in.jsonl"
    assert pkg["x-counts"]["dataset_events"] == 2
    assert "created" not in json.dumps(pkg)  # times live only in the manifest


def test_ids_have_acled_form_per_country(tmp_path):
    v1 = write(tmp_path, [battle(), battle("a1", day=4, place=QAIM), attack()], {"a1", "a2"})
    rows = list(csv.DictReader((v1 / "events.csv").open(encoding="utf-8")))
    assert [(r["event_id_cnty"], r["location"]) for r in rows] == [
        ("IRQ1", "Mosul"), ("SYR1", "Aleppo"), ("IRQ2", "Al Qaim")]


@pytest.mark.parametrize("iso, country, acronym", [
    (368, "Iraq", "IRQ"), (760, "Syria", "SYR"), (887, "Yemen", "YEM"), (0, "Kosovo", "XKX"),
    (None, "Atlantis", "ATL"), (999, "", "XXX"),
])
def test_country_acronym(iso, country, acronym):
    assert versions.country_acronym(iso, country) == acronym


# ---------------------------------------------------------------- living merges

def test_merge_adds_changes_and_deletes(tmp_path):
    v1 = write(tmp_path, [battle(), battle("a1", day=3, place=QAIM), attack()], {"a1", "a2"})
    first = by_id(v1)
    assert set(first) == {"IRQ1", "IRQ2", "SYR1"}
    # a1 re-processed: the Mosul clash now has 5 dead, Al Qaim is gone, a new event appears;
    # a2 is not in this run, so its event is carried over untouched.
    v2 = write(tmp_path, [battle(fatalities=5), battle("a1", day=6, place=ALEPPO)], {"a1"})
    second = by_id(v2)
    assert set(second) == {"IRQ1", "SYR1", "SYR2"}
    assert second["IRQ1"]["fatalities"] == 5 and second["IRQ1"]["timestamp"] > first["IRQ1"]["timestamp"]
    assert second["SYR1"] == first["SYR1"]
    assert second["SYR2"]["location"] == "Aleppo"
    deletions = list(csv.DictReader((v2 / "deletions.csv").open(encoding="utf-8")))
    assert deletions == [{"event_id_cnty": "IRQ2", "deleted_timestamp": str(second["IRQ1"]["timestamp"]),
                          "article_id": "a1", "event_date": "2024-03-03"}]
    assert versions.read_manifest(v2)["dataset"] == {
        "events": 3, "added": 1, "changed": 1, "unchanged": 0, "carried_over": 1, "deleted": 1}


def test_unchanged_events_keep_id_and_timestamp(tmp_path):
    v1 = write(tmp_path, [battle(), attack()], {"a1", "a2"})
    v2 = write(tmp_path, [attack(), battle()], {"a1", "a2"})
    assert by_id(v1) == by_id(v2)
    assert (v1 / "events.csv").read_bytes() == (v2 / "events.csv").read_bytes()
    assert versions.read_manifest(v2)["dataset"]["unchanged"] == 2


def test_ids_stable_across_three_versions_and_never_reused(tmp_path):
    v1 = write(tmp_path, [battle(), battle("a2", day=5)], {"a1", "a2"})
    v2 = write(tmp_path, [battle("a3", day=7, place=QAIM)], {"a3"})
    v3 = write(tmp_path, [battle("a2", day=5, notes="Updated.")], {"a2", "a1"})  # a1 now yields nothing
    ids = [{(r["article_id"], r["event_date"].day): i for i, r in by_id(v).items()} for v in (v1, v2, v3)]
    assert ids[0] == {("a1", 2): "IRQ1", ("a2", 5): "IRQ2"}
    assert ids[1] == {**ids[0], ("a3", 7): "IRQ3"}
    assert ids[2] == {("a2", 5): "IRQ2", ("a3", 7): "IRQ3"}
    v4 = write(tmp_path, [battle("a1", day=2)], {"a1"})  # comes back: a new id, IRQ1 stays retired
    assert by_id(v4)["IRQ4"]["article_id"] == "a1" and "IRQ1" not in by_id(v4)
    assert [v.name for v in versions.list_versions(tmp_path)] == ["v000001", "v000002", "v000003", "v000004"]


def test_same_inputs_give_identical_bytes(tmp_path):
    runs = []
    for name, order in (("one", 1), ("two", -1)):
        out = tmp_path / name
        events = [battle(), attack(), battle("a1", day=4, place=QAIM)][::order]
        v1 = write(out, events, {"a1", "a2"}, rejected=[Rejection("x", "bad", "a3")])
        v2 = write(out, [battle(fatalities=1)], {"a1"})
        runs.append([digest(v1), digest(v2)])
    for a, b in zip(runs[0], runs[1]):
        assert {k: v for k, v in a.items() if k != "manifest.json"} == {
            k: v for k, v in b.items() if k != "manifest.json"}


def test_fresh_run_timestamp_is_the_newest_article_day(tmp_path):
    v1 = write(tmp_path, [battle(), attack()], {"a1", "a2"})
    stamps = set(versions.read_events(v1).get_column("timestamp"))
    assert stamps == {1709596800}  # 2024-03-05 00:00 UTC, attack()'s publication day


def test_invalid_run_writes_nothing(tmp_path):
    v1 = write(tmp_path, [battle()], {"a1"})
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(dataset.DatasetInvalid) as err:
        write(tmp_path, [battle(sub_event_type="Attack"), attack("a7", place=None)], {"a1", "a7"})
    report = err.value.report
    assert ("sub_event_type", "sub_event_type_in_event_type") in {(f.column, f.rule) for f in report.failures}
    assert set(report.articles.values()) == {"a1", "a7"}
    assert "article a7" in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "latest").resolve() == v1.resolve()


@pytest.mark.parametrize("label", ["bad label", "latest", "../up", ""])
def test_bad_labels_are_refused(tmp_path, label):
    with pytest.raises(versions.VersionError):
        write(tmp_path, [battle()], {"a1"}, label=label or "-x")


def test_duplicate_label_refused_and_resolvable(tmp_path):
    v1 = write(tmp_path, [battle()], {"a1"}, label="jan")
    with pytest.raises(versions.VersionError, match="already used"):
        write(tmp_path, [battle()], {"a1"}, label="jan")
    assert versions.resolve_version(tmp_path, "jan") == v1
    assert versions.resolve_version(tmp_path, "1") == v1
    with pytest.raises(versions.VersionError, match="no version 'feb'"):
        versions.resolve_version(tmp_path, "feb")


# ---------------------------------------------------------------- lock

def test_second_run_is_refused_while_locked(tmp_path):
    with versions.dir_lock(tmp_path):
        with pytest.raises(versions.LockError) as err:
            write(tmp_path, [battle()], {"a1"})
    message = str(err.value)
    assert f"pid {os.getpid()}" in message and ".lock" in message and "delete" in message
    assert versions.list_versions(tmp_path) == []
    write(tmp_path, [battle()], {"a1"})  # released afterwards


# ---------------------------------------------------------------- crash safety

CHILD = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from dataset_events import attack, battle
from extractor import versions
versions.write_version(Path(sys.argv[1]), [battle(fatalities=7), attack("a5")],
                       processed_article_ids={{"a1", "a5"}}, rejected=[], inputs=[], counts={{}})
"""


def run_until(out: Path, stage: str, tmp_path: Path) -> subprocess.Popen:
    """Start a conversion in a subprocess that stops at ``stage``; return once it is there."""
    signal_file = tmp_path / f"paused-{stage}"
    env = {**os.environ, "EXTRACTOR_TEST_PAUSE_AT": stage, "EXTRACTOR_TEST_PAUSE_SIGNAL": str(signal_file)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD.format(tests=str(TESTS)), str(out)], env=env,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not signal_file.exists():
        if proc.poll() is not None:
            raise AssertionError(f"child ended early: {proc.stderr.read().decode()}")
        assert time.monotonic() < deadline, "child never reached the stage"
        time.sleep(0.02)
    return proc


@pytest.mark.parametrize("stage", ["locked", "csv-written", "tmp-complete", "renamed"])
def test_killed_run_leaves_previous_version_intact(tmp_path, stage):
    out = tmp_path / "out"
    v1 = write(out, [battle(), attack()], {"a1", "a2"})
    before = digest(v1)
    proc = run_until(out, stage, tmp_path)
    with pytest.raises(versions.LockError, match=f"pid {proc.pid}"):
        write(out, [battle()], {"a1"})  # a second run at the same time is refused
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    assert digest(v1) == before
    assert (out / "latest").resolve() == v1.resolve()  # latest moves last
    assert dataset.validate_file(out / "latest" / "events.csv").ok
    complete = [v.name for v in versions.list_versions(out)]
    assert complete == (["v000001", "v000002"] if stage == "renamed" else ["v000001"])
    if stage == "renamed":  # renamed but latest not yet moved: a complete, valid version
        assert dataset.validate_file(out / "v000002" / "events.csv").ok

    # The next run is not blocked (the kernel dropped the lock) and clears the debris.
    v_next = write(out, [battle(fatalities=9)], {"a1"})
    assert (out / "latest").resolve() == v_next.resolve()
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
    assert by_id(v_next)["IRQ1"]["fatalities"] == 9


def test_readers_ignore_temporary_folders(tmp_path):
    v1 = write(tmp_path, [battle()], {"a1"})
    (tmp_path / ".tmp-v000002").mkdir()
    (tmp_path / "v000003").mkdir()  # no manifest: not a complete version
    assert [v.path for v in versions.list_versions(tmp_path)] == [v1]
    v2 = write(tmp_path, [battle()], {"a1"})
    assert v2.name == "v000002" and not (tmp_path / ".tmp-v000002").exists()


def test_deletions_and_parquet_agree_with_csv(tmp_path):
    write(tmp_path, [battle(), attack()], {"a1", "a2"})
    v2 = write(tmp_path, [], {"a1"})
    assert dataset.read_typed(v2 / "events.csv").equals(pl.read_parquet(v2 / "events.parquet"))
    assert pl.read_csv(v2 / "deletions.csv").get_column("event_id_cnty").to_list() == ["IRQ1"]


# ---------------------------------------------------------------- streaming

def test_events_go_to_part_files_batch_by_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(versions, "BATCH_EVENTS", 2)
    with versions.RunWriter(tmp_path) as writer:
        for day in range(1, 6):
            writer.add([battle(f"a{day}", day=day)], f"a{day}")
        parts = writer.tmp / versions.PARTS
        assert len(list(parts.glob("events-*.parquet"))) == 2  # 4 events written, 1 in memory
        final = writer.finish(rejected=[], inputs=[], counts={})
    assert versions.read_manifest(final)["dataset"]["added"] == 5
    assert not (final / versions.PARTS).exists()
    assert sorted(p.name for p in final.iterdir()) == sorted(DATA_FILES + ["manifest.json"])


def test_batch_and_slice_sizes_do_not_change_a_byte(tmp_path, monkeypatch):
    def two_versions(out):
        v1 = write(out, [battle(), attack(), battle("a1", day=4, place=QAIM), attack("a3", day=5),
                         battle("a4", event_date=dt.date(2024, 1, 9)), attack("a4", event_date=dt.date(2023, 12, 31))],
                   {"a1", "a2", "a3", "a4"})
        v2 = write(out, [battle(fatalities=1), attack("a5"), battle("a4", event_date=dt.date(2024, 1, 9), fatalities=0)],
                   {"a1", "a4", "a5"})
        return [{k: v for k, v in digest(v).items() if k != "manifest.json"} for v in (v1, v2)]

    whole = two_versions(tmp_path / "whole")
    monkeypatch.setattr(versions, "BATCH_EVENTS", 1)
    monkeypatch.setattr(versions, "BATCH_IDS", 1)
    monkeypatch.setattr(versions, "VALIDATE_ROWS", 2)
    assert two_versions(tmp_path / "sliced") == whole


def test_invalid_rows_are_numbered_over_the_whole_dataset(tmp_path, monkeypatch):
    bad = [battle("a1"), battle("a2", day=3), battle("a3", day=4, sub_event_type="Attack"),
           attack("a4", day=5, place=None)]

    def failures(out):
        with pytest.raises(dataset.DatasetInvalid) as err:
            write(out, bad, {"a1", "a2", "a3", "a4"})
        return err.value.report

    whole = failures(tmp_path / "whole")
    monkeypatch.setattr(versions, "VALIDATE_ROWS", 1)
    sliced = failures(tmp_path / "sliced")
    assert sliced.failures == whole.failures and sliced.articles == whole.articles
    assert {sliced.articles[f.row] for f in sliced.failures if f.row} == {"a3", "a4"}
    assert not [p for p in (tmp_path / "sliced").iterdir() if p.name.startswith(".tmp-")]


def test_duplicate_ids_across_slices_are_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(versions, "VALIDATE_ROWS", 1)
    df = dataset.events_frame([battle(), battle("a2", day=3)], "0").with_columns(
        event_id_cnty=pl.lit("IRQ1"), timestamp=pl.lit(1, dtype=pl.Int64))
    df.write_parquet(tmp_path / "merged.parquet")
    report = versions._validate([tmp_path / "merged.parquet"], 2)
    assert {(f.column, f.row, f.rule) for f in report.failures} == {
        ("event_id_cnty", 1, "unique"), ("event_id_cnty", 2, "unique")}


def test_an_error_during_the_run_leaves_nothing_behind(tmp_path):
    write(tmp_path, [battle()], {"a1"})
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(RuntimeError):
        with versions.RunWriter(tmp_path) as writer:
            writer.add([attack()], "a2")
            raise RuntimeError("an input broke")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert write(tmp_path, [attack()], {"a2"}).name == "v000002"  # the lock was released


def test_months_are_merged_in_date_order(tmp_path):
    v1 = write(tmp_path, [battle("a1", event_date=dt.date(2024, 3, 2)), battle("a2", event_date=dt.date(2024, 2, 2))],
               {"a1", "a2"})
    ids = {r["article_id"]: i for i, r in by_id(v1).items()}
    assert ids == {"a2": "IRQ1", "a1": "IRQ2"}  # ids follow the dataset order, February first
    v2 = write(tmp_path, [battle("a3", event_date=dt.date(2024, 1, 5))], {"a3", "a2"})  # a2: no events now
    rows = versions.read_events(v2)
    assert rows.get_column("article_id").to_list() == ["a3", "a1"]
    assert rows.get_column("event_id_cnty").to_list() == ["IRQ3", "IRQ2"]  # numbers are never reused
    assert versions.read_manifest(v2)["dataset"] == {
        "events": 2, "added": 1, "changed": 0, "unchanged": 0, "carried_over": 1, "deleted": 1}
