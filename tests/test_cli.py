"""The command line through typer's CliRunner: convert, validate, exit codes."""
from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest
from typer.testing import CliRunner

from extractor import __version__
from extractor.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, app

from conftest import SEEDS

runner = CliRunner()


def convert(*args: str):
    return runner.invoke(app, ["convert", *args, "--quiet"])


@pytest.fixture(scope="module")
def seeds_version(real_gazetteer, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = convert(str(SEEDS), "--out", str(out))
    assert result.exit_code == EXIT_OK, result.output
    return out / "latest"


def test_version_and_help():
    assert runner.invoke(app, ["--version"]).output.strip() == f"extractor {__version__}"
    result = runner.invoke(app, ["convert", "--help"])
    assert result.exit_code == 0 and "--published" in result.output


def test_help_does_not_import_the_heavy_stack():
    code = ("import sys; from extractor.cli import app; "
            "print(sorted(m for m in ('spacy', 'polars', 'pandera', 'dateparser') if m in sys.modules))")
    assert subprocess.check_output([sys.executable, "-c", code], text=True).strip() == "[]"


def test_convert_seeds_writes_a_valid_version(seeds_version):
    for name in ("events.csv", "events.parquet", "manifest.json", "datapackage.json"):
        assert (seeds_version / name).exists(), name
    manifest = json.loads((seeds_version / "manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["articles_read"] == counts["articles_converted"] == len(list(SEEDS.glob("*.txt")))
    assert counts["files_skipped"] == 1  # seeds/README.md
    csv = pl.read_csv(seeds_version / "events.csv")
    assert csv.height == counts["events"] >= 4
    assert set(csv["article_id"]) >= {"en_001_anbar_sample", "ar_001_idlib_sample"}
    assert runner.invoke(app, ["validate", str(seeds_version / "events.csv")]).exit_code == 0
    assert runner.invoke(app, ["validate", str(seeds_version / "events.parquet")]).exit_code == 0


def test_bad_articles_are_rejected_and_the_rest_converted(real_gazetteer, tmp_path):
    src = tmp_path / "in.jsonl"
    good = {"id": "g", "text": "Gunmen killed two civilians in Mosul, Ninewa, on 2 May 2020.",
            "published": "2020-05-03"}
    src.write_text(json.dumps(good) + "\n{broken\n" + json.dumps({"id": "n"}) + "\n")
    result = runner.invoke(app, ["convert", str(src), "--out", str(tmp_path / "o")])
    assert result.exit_code == EXIT_REJECTED
    assert f"{src}:2" in result.output and "malformed JSON" in result.output
    version = tmp_path / "o" / "latest"
    rejected = [json.loads(x) for x in (version / "rejected.jsonl").read_text().splitlines()]
    assert [r["origin"] for r in rejected] == [f"{src}:2", f"{src}:3"]
    counts = json.loads((version / "manifest.json").read_text())["counts"]
    assert (counts["articles_read"], counts["articles_converted"], counts["articles_rejected"]) == (3, 1, 2)
    assert pl.read_csv(version / "events.csv")["article_id"].to_list() == ["g"]


@pytest.mark.parametrize("args, message", [
    (["does-not-exist.txt"], "does not exist"),
    (["SEEDS", "--lang", "fr"], "--lang must be"),
    (["SEEDS", "--published", "03/05/2020"], "is not a date"),
])
def test_usage_errors_exit_2(tmp_path, args, message):
    args = [str(SEEDS) if a == "SEEDS" else a for a in args]
    result = runner.invoke(app, ["convert", *args, "--out", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE and message in result.output


def test_stdin_jsonl(real_gazetteer, tmp_path):
    line = json.dumps({"id": "s1", "text": "Protesters gathered in Basra, Iraq, on 1 May 2020.",
                       "published": "2020-05-02"})
    result = runner.invoke(app, ["convert", "-", "--out", str(tmp_path), "--quiet"], input=line + "\n")
    assert result.exit_code == EXIT_OK, result.output
    assert pl.read_csv(tmp_path / "latest" / "events.csv")["article_id"].to_list() == ["s1"]


@pytest.mark.parametrize("chunk", [8, 1])  # 1: a window of one-article chunks, refilled as they come back
def test_two_workers_equal_one_byte_for_byte(real_gazetteer, tmp_path, monkeypatch, chunk):
    from extractor import convert as convert_mod

    monkeypatch.setattr(convert_mod, "CHUNK", chunk)
    monkeypatch.setattr(convert_mod, "WINDOW", 1)
    for n in ("1", "2"):
        assert convert(str(SEEDS), "--out", str(tmp_path / n), "--workers", n).exit_code == EXIT_OK
    for name in ("events.csv", "events.parquet"):
        assert (tmp_path / "1" / "latest" / name).read_bytes() == (tmp_path / "2" / "latest" / name).read_bytes()


def test_empty_folder_gives_an_empty_valid_dataset(real_gazetteer, tmp_path):
    (tmp_path / "in").mkdir()
    assert convert(str(tmp_path / "in"), "--out", str(tmp_path / "o")).exit_code == EXIT_OK
    events = tmp_path / "o" / "latest" / "events.csv"
    assert pl.read_csv(events).height == 0
    assert runner.invoke(app, ["validate", str(events)]).exit_code == 0


def _lock_open_here(item):
    """Stands in for convert._dispatch in the workers: is the output folder's lock open here?"""
    import os

    from extractor.records import Rejection

    fds = os.listdir("/proc/self/fd")
    held = any(os.path.realpath(f"/proc/self/fd/{f}").endswith(".lock") for f in fds)
    return Rejection("spy", f"lock held: {held}", getattr(item, "id", None))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_do_not_inherit_the_lock(real_gazetteer, tmp_path, monkeypatch):
    from extractor import convert as convert_mod
    from extractor.ingest import Defaults

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{i}", "text": "Clashes in Mosul."}) + "\n" for i in range(6)))
    monkeypatch.setattr(convert_mod, "_dispatch", _lock_open_here)
    result = convert_mod.convert([str(src)], tmp_path / "out", Defaults(), workers=2)
    assert [r.reason for r in result.rejected] == ["lock held: False"] * 6
    assert not (tmp_path / "out" / "latest" / "events.csv").read_text().strip().count("\n")
