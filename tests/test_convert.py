"""The convert job's collector settings (the events themselves: tests/test_cli.py)."""
from __future__ import annotations

import gc
import json

import pytest

from extractor import convert as convert_mod
from extractor.assemble import Extraction
from extractor.errors import InputError


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
