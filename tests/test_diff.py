"""extractor diff: added, removed and changed events between versions, for people and scripts."""
import csv
import io
import json

import pytest
from typer.testing import CliRunner

from dataset_events import ALEPPO, QAIM, attack, battle
from extractor import diff, versions
from extractor.commands.dataset import app

runner = CliRunner()


@pytest.fixture
def out(tmp_path):
    """DIR with v1 (3 events) and v2-second: IRQ1 changed, IRQ2 deleted, SYR2 added."""
    d = tmp_path / "out"
    kw = dict(rejected=[], inputs=[], counts={})
    versions.write_version(d, [battle(), battle("a1", day=3, place=QAIM), attack()],
                           processed_article_ids={"a1", "a2"}, **kw)
    versions.write_version(d, [battle(fatalities=5, notes="Five killed."), battle("a1", day=6, place=ALEPPO)],
                           processed_article_ids={"a1"}, label="second", **kw)
    return d


def test_diff_finds_added_removed_and_changed_fields(out):
    d = diff.diff_versions(out / "v000001", out / "v000002-second")
    assert [r["event_id_cnty"] for r in d.added] == ["SYR2"]
    assert [r["event_id_cnty"] for r in d.removed] == ["IRQ2"]
    assert {(c.event_id_cnty, c.field, c.old, c.new) for c in d.changed} == {
        ("IRQ1", "notes", "Clash reported.", "Five killed."), ("IRQ1", "fatalities", "3", "5")}
    assert [c.field for c in d.changed] == ["notes", "fatalities"]  # dataset column order


def test_diff_of_a_version_with_itself_is_empty(out):
    d = diff.diff_versions(out / "v000001", out / "v000001")
    assert (d.added, d.removed, d.changed) == ([], [], [])
    assert d.to_text().endswith("0 added, 0 removed, 0 changed")


def test_text_csv_and_json_forms(out):
    d = diff.diff_versions(out / "v000001", out / "v000002-second")
    text = d.to_text()
    assert "1 added, 1 removed, 1 changed" in text
    assert "+ SYR2" in text and "- IRQ2" in text and "fatalities  '3' -> '5'" in text
    rows = list(csv.DictReader(io.StringIO(d.to_csv())))
    assert {(r["change"], r["event_id_cnty"], r["field"]) for r in rows} == {
        ("added", "SYR2", ""), ("removed", "IRQ2", ""), ("changed", "IRQ1", "notes"),
        ("changed", "IRQ1", "fatalities")}
    data = json.loads(d.to_json())
    assert data["counts"] == {"added": 1, "removed": 1, "changed": 1}
    assert data["changed"] == [{"event_id_cnty": "IRQ1", "fields": {
        "notes": ["Clash reported.", "Five killed."], "fatalities": ["3", "5"]}}]
    assert data["added"][0]["location"] == "Aleppo"


@pytest.mark.parametrize("args, expected", [
    (["{out}"], ("v000001", "v000002-second")),
    (["{out}", "1", "second"], ("v000001", "v000002-second")),
    (["{out}", "second", "latest"], ("v000002-second", "v000002-second")),
    (["{out}/v000002-second", "{out}/v000001"], ("v000002-second", "v000001")),
])
def test_resolve_pair(out, args, expected):
    a, b = diff.resolve_pair([x.format(out=out) for x in args])
    assert (a.name, b.name) == expected


def test_resolve_pair_errors(out, tmp_path):
    with pytest.raises(versions.VersionError, match="no version 'nope'"):
        diff.resolve_pair([str(out), "nope", "latest"])
    single = tmp_path / "single"
    versions.write_version(single, [battle()], processed_article_ids={"a1"}, rejected=[], inputs=[], counts={})
    with pytest.raises(versions.VersionError, match="only one version"):
        diff.resolve_pair([str(single)])


def test_cli_diff(out):
    text = runner.invoke(app, ["diff", str(out), "1", "second"])
    assert text.exit_code == 0 and "~ IRQ1" in text.output
    js = runner.invoke(app, ["diff", str(out / "v000001"), str(out / "v000002-second"), "--format", "json"])
    assert js.exit_code == 0 and json.loads(js.output)["counts"]["changed"] == 1
    as_csv = runner.invoke(app, ["diff", str(out), "--format", "csv"])
    assert as_csv.output.splitlines()[0] == "change,event_id_cnty,field,old,new"
    missing = runner.invoke(app, ["diff", str(out), "x", "y"])
    assert missing.exit_code == 2 and "no version 'x'" in missing.output
