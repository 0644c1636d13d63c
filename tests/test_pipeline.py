"""End to end: articles in, event rows out (needs the real gazetteer, built once a session)."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from extractor.assemble import extract
from extractor.convert import extract_all
from extractor.ingest import Reader
from extractor.records import Article, Rejection

from conftest import SEEDS

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("EXTRACTOR_REGEN_GOLDEN") == "1"
COLUMNS = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
           "civilian_targeting", "country", "admin1", "location", "geo_precision", "fatalities")


def rows(article: Article) -> list[dict]:
    """The pinned fields of an article's events, as JSON-ready dicts."""
    out = []
    for e in extract(article).events:
        p = e.place
        values = {"event_date": e.event_date.isoformat(), "time_precision": e.time_precision,
                  "event_type": e.event_type, "sub_event_type": e.sub_event_type,
                  "actor1": e.actor1, "actor2": e.actor2, "civilian_targeting": e.civilian_targeting,
                  "country": p.country, "admin1": p.admin1, "location": p.location,
                  "geo_precision": p.geo_precision, "fatalities": e.fatalities}
        out.append({k: values[k] for k in COLUMNS})
    return out


def seed(name: str) -> Article:
    (article,) = Reader().read([str(SEEDS / name)])
    return article


GOLDEN_CASES = ["en_001_anbar_sample.txt", "ar_001_idlib_sample.txt", "000_bce24dc4d4da99c1.txt",
                "ar_golden_homs.txt", "en_golden_aden.txt"]


@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_golden_articles(real_gazetteer, name):
    """Whole articles pinned; regenerate after a reviewed change with
    EXTRACTOR_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_pipeline.py -k golden"""
    path = SEEDS / name if (SEEDS / name).exists() else GOLDEN / name
    (article,) = Reader().read([str(path)])
    expected_file = GOLDEN / f"{Path(name).stem}.json"
    got = rows(article)
    if REGENERATE:
        expected_file.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))


def test_english_sample_reads_the_clash_and_the_bomb(real_gazetteer):
    got = rows(seed("en_001_anbar_sample.txt"))
    clash = next(r for r in got if r["event_type"] == "Battles")
    assert (clash["location"], clash["admin1"], clash["country"]) == ("Al Qaim", "Anbar", "Iraq")
    assert clash["event_date"] == "2025-03-11" and clash["fatalities"] == 3
    assert clash["geo_precision"] == 2  # "near Al Qaim"
    bomb = next(r for r in got if r["sub_event_type"] == "Remote explosive/landmine/IED")
    assert bomb["location"] == "Ramadi" and bomb["fatalities"] == 0  # only wounded
    assert len(got) == 2  # the closing fears and warnings are not events


def test_arabic_sample_reads_shelling_and_dispersed_protest(real_gazetteer):
    got = rows(seed("ar_001_idlib_sample.txt"))
    shelling = next(r for r in got if r["sub_event_type"] == "Shelling/artillery/missile attack")
    assert (shelling["location"], shelling["admin1"]) == ("Ariha", "Idleb")
    assert shelling["event_date"] == "2019-03-12" and shelling["fatalities"] == 3
    assert shelling["actor2"] == "Civilians (Syria)"
    assert shelling["civilian_targeting"] == "Civilians targeted"
    protest = next(r for r in got if r["event_type"] == "Protests")
    assert protest["sub_event_type"] == "Protest with intervention"
    assert protest["location"] == "Damascus" and protest["event_date"] == "2019-03-10"
    assert len(got) == 2  # the forecast (يتوقع) is not an event


def test_seed_article_is_analysis_not_battles(real_gazetteer):
    x = extract(seed("000_bce24dc4d4da99c1.txt"))
    assert not [e for e in x.events if e.event_type == "Battles"]
    assert len(x.events) <= 2 and all(e.confidence < 0.8 for e in x.events)


def test_evidence_offsets_point_into_the_text(real_gazetteer):
    article = seed("en_001_anbar_sample.txt")
    for e in extract(article).events:
        assert article.text[e.evidence_start:e.evidence_end].split() == e.evidence.split()
        assert e.notes.startswith(f"On {e.event_date.day} ")


def test_no_publication_date_means_no_relative_dates(real_gazetteer):
    article = Article(id="x", text="Clashes erupted yesterday in Ramadi, Anbar province.", language="en")
    x = extract(article)
    assert x.events == [] and x.unresolved_dates == 1


@pytest.mark.parametrize("text, title", [
    ("The ministry published its annual budget for Mosul and Basra on Monday.", ""),
    ("Officials met in Basra on Monday.", "Clashes in Mosul"),  # a headline's trigger is no event
])
def test_an_article_that_tells_no_event_reads_no_places_or_dates(real_gazetteer, monkeypatch, text, title):
    from extractor import dates, places

    def never(*_args, **_kwargs):
        raise AssertionError("read although no trigger was found")

    monkeypatch.setattr(places, "find_places", never)
    monkeypatch.setattr(dates, "find_dates", never)
    x = extract(Article(id="n", text=text, title=title, language="en", published=dt.date(2024, 5, 1)))
    assert x.events == [] and x.unresolved_dates == 0


def test_unsupported_language_is_rejected_not_crashed(real_gazetteer):
    art = Article(id="fr", text="Des affrontements ont eu lieu hier à Alep entre l'armée et les rebelles.",
                  origin="f.jsonl:1")
    (result,) = list(extract_all([art]))
    assert isinstance(result, Rejection) and "not supported" in result.reason and result.article_id == "fr"


def test_one_by_one_equals_batch_and_order_is_kept(real_gazetteer):
    arts = [a for a in Reader().read([str(SEEDS)])]
    batch = [x.events for x in extract_all(arts)]
    single = [extract(a).events for a in arts]
    assert batch == single
    assert [x.article.id for x in extract_all(arts)] == [a.id for a in arts]


def test_date_never_after_publication(real_gazetteer):
    art = Article(id="d", text="Gunmen killed two civilians in Mosul on 20 March.", language="en",
                  published=dt.date(2025, 3, 12))
    for e in extract(art).events:
        assert e.event_date <= art.published
