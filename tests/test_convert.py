"""The convert job's collector settings (the events themselves: tests/test_cli.py)."""
from __future__ import annotations

import gc
import json

import pytest

from extractor import convert as convert_mod
from extractor.assemble import Extraction
from extractor.errors import InputError
from extractor.ingest import Reader


def test_collector_threshold_is_raised_during_a_conversion_and_restored(real_gazetteer, tmp_path,
                                                                        monkeypatch):
    seen: list[int] = []

    def fake_extract(article):
        seen.append(gc.get_threshold()[0])
        return Extraction(article, "en", [])

    monkeypatch.setattr(convert_mod, "extract", fake_extract)
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{k}", "text": "Clashes in Mosul."}) + "\n"
                              for k in range(3)), "utf-8")
    before = gc.get_threshold()
    result = convert_mod.convert([str(source)], tmp_path / "out")
    assert len(seen) == 3 and min(seen) >= convert_mod.GC_THRESHOLD
    assert result.counts["articles_converted"] == 3
    assert gc.get_threshold() == before
    with pytest.raises(InputError):
        convert_mod.convert([str(tmp_path / "missing.jsonl")], tmp_path / "out")
    assert gc.get_threshold() == before  # restored on errors too


def test_two_workers_check_the_inputs_first_and_reject_like_one_when_loading_fails(tmp_path, monkeypatch):
    """A missing input is reported before the pipelines load; a pipeline that cannot load
    rejects every article, as it does with one worker, instead of stopping the run."""
    def broken(*_args):
        raise RuntimeError("no gazetteer")

    monkeypatch.setattr(convert_mod, "warm_up", broken)
    monkeypatch.setattr(convert_mod, "extract", broken)
    with pytest.raises(InputError):
        list(convert_mod.extract_all(Reader().read([str(tmp_path / "missing.jsonl")]), workers=2))
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{k}", "text": "Clashes in Mosul."}) + "\n"
                              for k in range(3)), "utf-8")
    for workers in (1, 2):
        results = list(convert_mod.extract_all(Reader().read([str(source)]), workers=workers))
        assert [(r.article_id, "no gazetteer" in r.reason) for r in results] == [
            ("a0", True), ("a1", True), ("a2", True)]
