"""Tests for extractor.evaluate and the ``evaluate`` command.

The small gold and prediction files are written here; every expected score is
worked out by hand in the comments next to it.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from extractor import evaluate as ev
from extractor.commands.evaluate import evaluate_cmd

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "country", "admin1", "location", "latitude", "longitude", "geo_precision", "notes",
    "fatalities",
]
PRED_COLUMNS = [
    "event_id_cnty", "article_id", "event_date", "time_precision", "event_type",
    "sub_event_type", "actor1", "inter1", "actor2", "inter2", "country", "admin1", "location",
    "latitude", "longitude", "geo_precision", "fatalities", "confidence",
]


def write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in columns})
    return path


# --- notes mode: an ACLED export with three notes ------------------------------------------

NOTES_GOLD = [
    dict(event_id_cnty="SYR1", event_date="9-May-20", time_precision=1, event_type="Battles",
         sub_event_type="Armed clash", actor1="Military Forces of Syria (2000-)", inter1=1,
         actor2="Opposition Rebels (Syria)", inter2=2, interaction=12, country="Syria",
         admin1="Idleb", location="Ariha", latitude=35.8128, longitude=36.6095,
         geo_precision=1, fatalities=3),
    dict(event_id_cnty="IRQ1", event_date="8-May-20", time_precision=1, event_type="Protests",
         sub_event_type="Peaceful protest", actor1="Protesters (Iraq)", inter1=6, inter2=0,
         interaction=60, country="Iraq", admin1="Baghdad", location="Baghdad",
         latitude=33.34, longitude=44.40, geo_precision=1, fatalities=0),
    dict(event_id_cnty="NIG1", event_date="7-May-20", time_precision=1,
         event_type="Violence against civilians", sub_event_type="Attack",
         actor1="Unidentified Armed Group (Nigeria)", inter1=3, actor2="Civilians (Nigeria)",
         inter2=7, interaction=37, country="Nigeria", admin1="Borno", location="Maiduguri",
         latitude=11.84, longitude=13.15, geo_precision=1, fatalities=5),
]
NOTES_PRED = [
    # SYR1, low confidence: wrong on everything; never compared, the 0.9 row is.
    dict(event_id_cnty="X1", article_id="SYR1", event_date="2020-01-01", time_precision=3,
         event_type="Riots", sub_event_type="Mob violence", country="Lebanon", confidence=0.4),
    # SYR1, best row. Actors swapped: actor1 wrong, actors_any_order right (regime years are
    # folded away). inter1 "Rebel group" = 2, gold 1: wrong; the pair {1,2} is right.
    # "Idlib" vs "Idleb": difflib ratio 2*4/10 = 0.8 < 0.85, so admin1 is wrong.
    # Same place, same coordinates: location and within_25km right. 13 of 14 fields... see below.
    dict(event_id_cnty="X2", article_id="SYR1", event_date="2020-05-09", time_precision=1,
         event_type="Battles", sub_event_type="Armed clash", actor1="Opposition Rebels (Syria)",
         inter1="Rebel group", actor2="Military Forces of Syria", inter2=1, country="Syria",
         admin1="Idlib", location="Ariha", latitude=35.8128, longitude=36.6095, geo_precision=1,
         fatalities=3, confidence=0.9),
    # IRQ1: a day late (event_date wrong), other sub-event type (wrong), "Baghdad Governorate"
    # folds to "baghdad" (admin1 right); Kadhimiya at about 7.1 km from the gold point:
    # location wrong (name differs, > 5 km), within_25km right.
    dict(event_id_cnty="X3", article_id="IRQ1", event_date="2020-05-09", time_precision=1,
         event_type="Protests", sub_event_type="Protest with intervention",
         actor1="Protesters (Iraq)", inter1=6, country="Iraq", admin1="Baghdad Governorate",
         location="Al-Kadhimiya", latitude=33.38, longitude=44.34, geo_precision=1,
         fatalities=0, confidence=0.7),
    # NIG1 has no prediction: wrong on every field.
]
# Per field, (SYR1, IRQ1, NIG1) -> share of the 3 notes:
NOTES_EXPECTED_FIELDS = {
    "actor1": 1 / 3,            # F T F
    "actors_any_order": 2 / 3,  # T T F
    "admin1": 1 / 3,            # F T F
    "country": 2 / 3,           # T T F
    "event_date": 1 / 3,        # T F F
    "event_type": 2 / 3,        # T T F
    "fatalities": 2 / 3,        # T T F  (0 == 0 counts)
    "geo_precision": 2 / 3,     # T T F
    "inter1": 1 / 3,            # F T F
    "interaction": 2 / 3,       # T T F  ({1,2}; {6,0})
    "location": 1 / 3,          # T F F
    "sub_event_type": 1 / 3,    # T F F
    "time_precision": 2 / 3,    # T T F
    "within_25km": 2 / 3,       # T T F
}


@pytest.fixture
def notes_files(tmp_path: Path) -> tuple[Path, Path]:
    gold = write_csv(tmp_path / "gold.csv", ACLED_COLUMNS, NOTES_GOLD)
    pred = write_csv(tmp_path / "pred.csv", PRED_COLUMNS, NOTES_PRED)
    return gold, pred


def test_notes_scores_computed_by_hand(notes_files: tuple[Path, Path]) -> None:
    result = ev.evaluate(*notes_files)
    assert isinstance(result, ev.NotesResult)  # no article_id column in gold: notes mode
    assert (result.notes, result.detected, result.predictions) == (3, 2, 3)
    for name, expected in NOTES_EXPECTED_FIELDS.items():
        assert result.fields.accuracy(name) == pytest.approx(expected), name
    data = ev.to_dict(result)
    assert data["detected"] == 0.6667  # 2 of 3 notes have a prediction
    assert data["events_per_note"] == 1.0  # (2 + 1 + 0) / 3
    # event_type agreement per gold type: Battles 1/1, Protests 1/1, VAC 0/1 (undetected)
    assert data["event_type_by_gold_type"] == {
        "Battles": 1.0, "Protests": 1.0, "Violence against civilians": 0.0}


def test_notes_compares_the_most_confident_prediction(notes_files: tuple[Path, Path]) -> None:
    result = ev.evaluate(*notes_files)
    compared = {p.gold.article_id: p.pred.confidence for p in result.pairs}
    assert compared == {"SYR1": 0.9, "IRQ1": 0.7}


def test_notes_groups_by_country(notes_files: tuple[Path, Path]) -> None:
    result = ev.evaluate(*notes_files, by="country")
    groups = {g.key: g for g in result.groups}
    assert sorted(groups) == ["Iraq", "Nigeria", "Syria"]
    # Iraq: 1 note, detected, event_date wrong (a day late)
    assert (groups["Iraq"].notes, groups["Iraq"].detected) == (1, 1)
    assert groups["Iraq"].fields.accuracy("event_date") == 0.0
    assert groups["Nigeria"].detected == 0
    assert groups["Syria"].fields.accuracy("event_date") == 1.0


# --- articles mode: three scored articles, one of them without gold events ----------------

ARTICLE_GOLD = [
    # A: a battle in Aleppo and an air strike in Ariha (about 66 km apart).
    dict(article_id="A", event_date="2015-08-01", time_precision=1, event_type="Battles",
         sub_event_type="Armed clash", actor1="Opposition Rebels (Syria)", inter1=2,
         actor2="Military Forces of Syria (2000-)", inter2=1, country="Syria", admin1="Aleppo",
         location="Aleppo", latitude=36.2012, longitude=37.1612, geo_precision=3, fatalities=34),
    dict(article_id="A", event_date="2015-08-01", time_precision=1,
         event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
         actor1="Military Forces of Syria (2000-)", inter1=1, actor2="Civilians (Syria)",
         inter2=7, country="Syria", admin1="Idleb", location="Ariha", latitude=35.8128,
         longitude=36.6095, geo_precision=1, fatalities=27),
    # B: a shelling of civilians in Dar'a.
    dict(article_id="B", event_date="2015-08-03", time_precision=1,
         event_type="Violence against civilians", sub_event_type="Attack",
         actor1="Military Forces of Syria (2000-)", inter1=1, actor2="Civilians (Syria)",
         inter2=7, country="Syria", admin1="Dar'a", location="Dar'a", latitude=32.6189,
         longitude=36.1021, geo_precision=1, fatalities=3),
    # C: no gold event (listed only in the index).
]
ARTICLE_PRED = [
    # P1 (A): a day after, named "Aleppo City" (folds to "aleppo"): may pair with the battle,
    # quality (type no, sub-type no, 0.9). Too far from Ariha (66 km > 50) for the air strike.
    dict(article_id="A", event_date="2015-08-02", time_precision=1,
         event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
         location="Aleppo City", latitude=36.2012, longitude=37.1612, confidence=0.9),
    # P2 (A): "Halab" does not match "Aleppo" by name but lies 6.4 km away: may pair with the
    # battle, quality (yes, yes, 0.5) beats P1's, so the battle pairs with P2 and P1 stays alone.
    dict(article_id="A", event_date="2015-08-01", time_precision=1, event_type="Battles",
         sub_event_type="Armed clash", actor1="Military Forces of Syria (2000-)", inter1=1,
         actor2="Opposition Rebels (Syria)", inter2=2, country="Syria", admin1="Aleppo",
         location="Halab", latitude=36.25, longitude=37.2, geo_precision=3, fatalities=25,
         confidence=0.5),
    # P3 (A): in Ariha but three days off: no pair, so the air strike is missed.
    dict(article_id="A", event_date="2015-08-04", time_precision=1,
         event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
         location="Ariha", latitude=35.8128, longitude=36.6095, confidence=0.8),
    # P4 (B): "Dara" vs "Dar'a" -> "dara" both: a pair, but typed as a battle (loose only).
    dict(article_id="B", event_date="2015-08-03", time_precision=1, event_type="Battles",
         sub_event_type="Armed clash", actor1="Military Forces of Syria", inter1="State forces",
         actor2="Civilians (Syria)", inter2="Civilians", country="Syria", admin1="Daraa",
         location="Dara", geo_precision=1, fatalities=3, confidence=0.6),
    # P5 (C): an event in an article without gold events: a false positive.
    dict(article_id="C", event_date="2015-08-03", event_type="Protests",
         sub_event_type="Peaceful protest", location="Riyadh", confidence=0.3),
    # P6 (D): an article that is not scored: ignored.
    dict(article_id="D", event_date="2015-08-03", event_type="Battles", location="Homs"),
]


@pytest.fixture
def article_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    gold = write_csv(tmp_path / "gold.csv", ["article_id"] + ACLED_COLUMNS[1:], ARTICLE_GOLD)
    pred = write_csv(tmp_path / "pred.csv", PRED_COLUMNS, ARTICLE_PRED)
    index = tmp_path / "index.csv"
    index.write_text("article_id,n_events\nA,2\nB,1\nC,0\n", encoding="utf-8")
    return gold, pred, index


def test_articles_scores_computed_by_hand(article_files: tuple[Path, Path, Path]) -> None:
    gold, pred, index = article_files
    result = ev.evaluate(gold, pred, index_path=index)
    assert isinstance(result, ev.ArticlesResult)  # gold has article_id: articles mode
    # Pairs: battle-P2 (same type) and Dar'a-P4 (other type).
    assert [(p.gold.location, p.pred.location) for p in result.pairs] == [
        ("Aleppo", "Halab"), ("Dar'a", "Dara")]
    data = ev.to_dict(result)
    assert (data["articles"], data["gold_events"], data["predicted_events"]) == (3, 3, 5)
    # loose: P = 2/5, R = 2/3, F1 = 2(2/5)(2/3) / (2/5 + 2/3) = (8/15) / (16/15) = 0.5
    assert data["loose"] == {"precision": 0.4, "recall": 0.6667, "f1": 0.5}
    # strict (battle-P2 only): P = 1/5, R = 1/3, F1 = (2/15) / (8/15) = 0.25
    assert data["strict"] == {"precision": 0.2, "recall": 0.3333, "f1": 0.25}
    assert (data["articles_without_events"], data["of_those_with_predictions"]) == (1, 1)
    fields = data["fields_over_pairs"]
    assert fields["event_type"] == 0.5  # battle-P2 yes, Dar'a-P4 no
    assert fields["fatalities"] == 0.5  # 34 vs 25 no, 3 vs 3 yes
    assert fields["actors_any_order"] == 1.0  # both pairs name the same two actors
    assert fields["actor1"] == 0.5  # swapped in P2 (no); P4 drops the regime years (yes)
    assert fields["interaction"] == 1.0  # {1,2} and {1,7}, text labels read as codes
    assert fields["within_25km"] == 0.5  # P4 has no coordinates
    assert data["event_type_confusion"] == {
        "Battles": {"Battles": 1}, "Violence against civilians": {"Battles": 1}}


def test_articles_without_index_scores_gold_articles_only(
        article_files: tuple[Path, Path, Path]) -> None:
    gold, pred, _ = article_files
    data = ev.to_dict(ev.evaluate(gold, pred))
    # Articles A and B: P1-P4 predicted, 2 pairs: P = 2/4, R = 2/3, F1 = (2/3) / (7/6) = 4/7
    assert (data["articles"], data["predicted_events"]) == (2, 4)
    assert data["loose"] == {"precision": 0.5, "recall": 0.6667, "f1": 0.5714}


def test_articles_groups_by_event_type(article_files: tuple[Path, Path, Path]) -> None:
    gold, pred, index = article_files
    groups = {g.key: g for g in ev.evaluate(gold, pred, index_path=index).groups}
    # Battles: gold {battle}, predicted {P2, P4}, both paired; gold battle paired.
    battles = groups["Battles"]
    assert (battles.loose.precision, battles.loose.recall) == (1.0, 1.0)
    # strict: only P2 is paired with a battle: P = 1/2, R = 1/1
    assert (battles.strict.precision, battles.strict.recall) == (0.5, 1.0)
    # Explosions: gold {air strike}, predicted {P1, P3}, none paired.
    assert groups["Explosions/Remote violence"].loose.f1 == 0.0
    # VAC: gold {Dar'a} paired (R = 1), no prediction of that type (P = 0 by convention).
    vac = groups["Violence against civilians"].loose
    assert (vac.recall, vac.precision, vac.predicted) == (1.0, 0.0, 0)
    # Protests: only the false positive P5.
    assert (groups["Protests"].loose.gold, groups["Protests"].loose.predicted) == (0, 1)


def test_pairing_prefers_type_then_confidence() -> None:
    def event(event_type: str, confidence: float = 0.0) -> ev.CodedEvent:
        return ev.CodedEvent("A", "", ev.parse_date("2015-08-01"), "1", event_type, "x",
                             location="Aleppo", confidence=confidence)

    gold = [event("Battles"), event("Riots")]
    # The riot prediction pairs with the riot, although the battle comes first in both lists.
    assert sorted(ev.pair_events(gold, [event("Riots"), event("Battles")])) == [(0, 1), (1, 0)]
    # Same type: the more confident prediction is taken first.
    assert ev.pair_events([event("Battles")], [event("Battles", 0.2), event("Battles", 0.8)]) \
        == [(0, 1)]
    # Full ties go to the later gold row, then the later prediction (the scorer's order).
    assert ev.pair_events([event("Battles")] * 2, [event("Battles")] * 2) == [(1, 1), (0, 0)]


def test_pairing_needs_date_within_a_day_and_same_place() -> None:
    def event(date: str, location: str, lat: float | None = None) -> ev.CodedEvent:
        return ev.CodedEvent("A", "", ev.parse_date(date), "1", "Battles", "Armed clash",
                             location=location, latitude=lat, longitude=None if lat is None else 36.0)

    gold = [event("2015-08-10", "Aleppo", 36.0)]
    assert ev.pair_events(gold, [event("2015-08-09", "Aleppo")]) == [(0, 0)]
    assert ev.pair_events(gold, [event("2015-08-11", "Halab", 36.4)]) == [(0, 0)]  # 44 km
    assert ev.pair_events(gold, [event("2015-08-12", "Aleppo")]) == []  # two days
    assert ev.pair_events(gold, [event("2015-08-10", "Halab", 36.5)]) == []  # 56 km
    assert ev.pair_events(gold, [event("", "Aleppo")]) == []  # no date


# --- the pieces ---------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Military Forces of Syria (2000-)", "Military Forces of Syria"),
    ("Dar'a", "Daraa"),  # "dara" vs "daraa": ratio 8/9
    ("Al Anbar", "Anbar"),
    ("Idleb Governorate", "idleb"),
    ("Ḥamāh", "Hamah"),
    ("Deir-ez-Zor", "Deir ez Zor"),
    ("", ""),
])
def test_same_name_matches(a: str, b: str) -> None:
    assert ev.same_name(a, b)


@pytest.mark.parametrize("a, b", [
    ("Idleb", "Idlib"),  # ratio 0.8: ACLED's spelling is required
    ("Aleppo", "Ariha"),
    ("Aleppo", "Halab"),
    ("Syria", ""),
    ("Houthi Movement", "Islamic State (Yemen)"),
])
def test_same_name_never_matches(a: str, b: str) -> None:
    assert not ev.same_name(a, b)


def test_same_name_is_loose_on_long_names() -> None:
    # A known looseness of the shared metric (docs/evaluate.md): one differing word in a
    # long name keeps the character ratio above 0.85.
    assert ev.same_name("Military Forces of Syria (2000-)", "Military Forces of Iraq (2014-)")
    assert not ev.same_name("Police Forces of Syria", "Military Forces of Iraq")


@pytest.mark.parametrize("text, expected", [
    ("9-May-20", "2020-05-09"),
    ("2020-05-09", "2020-05-09"),
    ("2020-05-09T14:30:00", "2020-05-09"),
    ("9 May 2020", "2020-05-09"),
    ("09-05-2020", "2020-05-09"),
    ("", None),
    ("May 2020", None),
    ("yesterday", None),
])
def test_parse_date(text: str, expected: str | None) -> None:
    parsed = ev.parse_date(text)
    assert (parsed.isoformat() if parsed else None) == expected


@pytest.mark.parametrize("text, code", [
    ("1", 1), ("7", 7), ("2.0", 2), ("", 0), ("State forces", 1), ("civilians", 7),
    ("External/Other forces", 8), ("Rebels", -1),
])
def test_inter_code(text: str, code: int) -> None:
    assert ev.inter_code(text) == code


def test_precision_codes_compare_as_numbers() -> None:
    gold = ev.CodedEvent("A", "", None, "1", "Battles", "Armed clash", geo_precision="2")
    pred = ev.CodedEvent("A", "", None, "1", "Battles", "Armed clash", geo_precision="3")
    checks = ev.field_checks(gold, pred)
    assert checks["time_precision"] and not checks["geo_precision"]
    assert not checks["event_date"]  # no gold date never agrees
    assert ev._code("1.0") == "1" and ev._code("") == ""


def test_load_index_accepts_csv_or_plain_list(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("n,article_id\n0,x\n1,y\n2,x\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("x\n\ny\n", encoding="utf-8")
    assert ev.load_index(tmp_path / "a.csv") == ("x", "y")  # repeat dropped
    assert ev.load_index(tmp_path / "b.txt") == ("x", "y")


def test_predictions_need_article_id(tmp_path: Path, notes_files: tuple[Path, Path]) -> None:
    # Our rows' event_id_cnty is not an article id, so it must not stand in for one.
    pred = write_csv(tmp_path / "bad.csv", ["event_id_cnty", "event_type"],
                     [dict(event_id_cnty="SYR1", event_type="Battles")])
    with pytest.raises(ev.EvaluationError, match="article_id"):
        ev.evaluate(notes_files[0], pred)


def test_empty_predictions_score_zero(tmp_path: Path, notes_files: tuple[Path, Path]) -> None:
    pred = write_csv(tmp_path / "empty.csv", PRED_COLUMNS, [])
    data = ev.to_dict(ev.evaluate(notes_files[0], pred))
    assert data["detected"] == 0.0 and set(data["fields"].values()) == {0.0}


def test_report_differences() -> None:
    reference = {"a": 0.5, "b": {"c": 1, "d": 0.25}}
    assert ev.report_differences(reference, {"a": 0.5, "b": {"c": 1, "d": 0.25}, "e": 9}) == []
    assert ev.report_differences(reference, {"a": 0.5001, "b": {"c": 1}}) == [
        "/a: reference 0.5, ours 0.5001", "/b/d: missing from ours"]


def test_unknown_group_column_is_an_error(notes_files: tuple[Path, Path]) -> None:
    with pytest.raises(ev.EvaluationError, match="group by 'notes'"):
        ev.evaluate(*notes_files, by="notes")


# --- the command --------------------------------------------------------------------------

def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("evaluate")(evaluate_cmd)
    app.command("other")(lambda: None)  # two commands, so "evaluate" is a subcommand as in the CLI
    return app


def test_cli_json_and_table(article_files: tuple[Path, Path, Path]) -> None:
    gold, pred, index = article_files
    runner = CliRunner()
    out = runner.invoke(_app(), ["evaluate", "--gold", str(gold), "--pred", str(pred),
                                 "--index", str(index), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["loose"]["f1"] == 0.5
    out = runner.invoke(_app(), ["evaluate", "--gold", str(gold), "--pred", str(pred),
                                 "--index", str(index)])
    assert out.exit_code == 0, out.output
    assert "loose (date and place)" in out.stdout and "Battles" in out.stdout
    # Protests has a prediction but no pair: its field columns say "-", not 0.
    protests = next(line for line in out.stdout.splitlines() if line.startswith("Protests"))
    assert protests.split()[1:4] == ["0", "1", "0"] and protests.endswith("-")


def test_cli_notes_mode_forced_on_article_gold(article_files: tuple[Path, Path, Path]) -> None:
    gold, pred, _ = article_files
    out = CliRunner().invoke(_app(), ["evaluate", "--gold", str(gold), "--pred", str(pred),
                                      "--mode", "notes", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    # Each gold event against its article's best prediction: A -> P1 (0.9), B -> P4.
    assert data["mode"] == "notes" and data["notes"] == 3 and data["detected"] == 1.0
    # P1 (Explosions) is wrong for the battle, right for the air strike; P4 (Battles) is
    # wrong for the Dar'a attack: 1/3.
    assert data["fields"]["event_type"] == 0.3333
    assert data["events_per_note"] == 2.333  # A's three predictions counted per A note: (3+3+1)/3


def test_cli_reports_errors_with_exit_code(tmp_path: Path, notes_files: tuple[Path, Path]) -> None:
    out = CliRunner().invoke(_app(), ["evaluate", "--gold", str(notes_files[0]), "--pred",
                                      str(notes_files[1]), "--by", "notes"])
    assert out.exit_code == 2
    assert "cannot group by 'notes'" in out.output


# --- agreement with the independent scorer (only where ../shared/eval exists) ---------------

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
needs_shared = pytest.mark.skipif(not (SHARED_EVAL / "score.py").exists(),
                                  reason="../shared/eval/score.py is not next to the repo")

PLACE_NOISE = ["Al-{}", "{} Governorate", "{}x", "", "Elsewhere"]
TYPE_CHOICES = ["Battles", "Protests", "Riots", "Explosions/Remote violence",
                "Violence against civilians", "Strategic developments"]
INTER_TEXT = {"1": "State forces", "2": "Rebel group", "7": "Civilians", "6": "Protesters"}


def perturb(gold_rows: list[dict[str, str]], seed: int,
            extra_ids: list[str]) -> list[dict[str, object]]:
    """Predictions made from gold rows with rows dropped, doubled and added, fields changed,
    dates shifted, places renamed and moved: every comparison rule gets exercised."""
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    for n, g in enumerate(gold_rows):
        if rng.random() < 0.15:
            continue
        p: dict[str, object] = dict(g)
        p["article_id"] = g.get("article_id") or g["event_id_cnty"]
        p["event_id_cnty"] = f"OUR{n}"  # our own ids: never an article id
        date = ev.parse_date(g["event_date"])
        if date is not None:
            shift = rng.choice([0, 0, 0, 1, -1, 2, 5])
            p["event_date"] = (date + dt.timedelta(days=shift)).isoformat()
        if rng.random() < 0.2:
            p["event_type"] = rng.choice(TYPE_CHOICES)
        if rng.random() < 0.2:
            p["sub_event_type"] = "Armed clash"
        if rng.random() < 0.2:
            p["actor1"], p["actor2"] = g.get("actor2", ""), g.get("actor1", "")
        if rng.random() < 0.1:
            p["actor1"] = "Unidentified Armed Group"
        for col in ("inter1", "inter2"):
            if rng.random() < 0.3:
                p[col] = INTER_TEXT.get(g.get(col, ""), g.get(col, ""))
            elif rng.random() < 0.1:
                p[col] = rng.choice(["1", "2", "3", ""])
        if rng.random() < 0.3:
            p["location"] = rng.choice(PLACE_NOISE).format(g.get("location", ""))
        if rng.random() < 0.4 and g.get("latitude"):
            step = rng.choice([0.01, 0.03, 0.1, 0.2, 0.4, 1.0])
            p["latitude"] = float(g["latitude"]) + step
        if rng.random() < 0.1:
            p["latitude"] = p["longitude"] = ""
        if rng.random() < 0.1:
            p["admin1"] = g.get("admin1", "")[:-1]
        if rng.random() < 0.05:
            p["country"] = "Syrian Arab Republic"
        if rng.random() < 0.2:
            p["fatalities"] = rng.choice([0, 1, 3, 12, ""])
        if rng.random() < 0.15:
            p["time_precision"] = rng.choice(["1", "2", "3"])
        if rng.random() < 0.15:
            p["geo_precision"] = rng.choice(["1", "2", "3"])
        p["confidence"] = rng.choice([0.3, 0.5, 0.5, 0.8, ""])
        out.append(p)
        if rng.random() < 0.2:  # a second, competing row for the same article
            twin = dict(p)
            twin["event_type"] = rng.choice(TYPE_CHOICES)
            twin["confidence"] = rng.choice([0.3, 0.5, 0.9])
            out.append(twin)
    for aid in extra_ids:  # predictions on articles without gold events, or not scored
        if rng.random() < 0.5:
            out.append({"article_id": aid, "event_date": "2015-08-01", "event_type": "Battles",
                        "location": "Aleppo", "confidence": 0.4})
    rng.shuffle(out)
    return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _run(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def assert_agrees(theirs: dict, ours: dict, where: str) -> None:
    """Every value score.py reports is ours too (both round to 4 decimals, 3 per note)."""
    assert ev.report_differences(theirs, ours) == [], where


@needs_shared
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agrees_with_score_py(tmp_path: Path, seed: int) -> None:
    score = str(SHARED_EVAL / "score.py")
    ours = ["-m", "extractor.commands.evaluate", "--format", "json"]
    acled = SHARED_EVAL / "acled_dev.csv"
    art_gold, art_index = SHARED_EVAL / "articles_gold.csv", SHARED_EVAL / "articles_index.csv"
    acled_rows = _read(acled)
    art_ids = [r["article_id"] for r in _read(art_index)]

    # ACLED notes, notes mode.
    pred = tmp_path / "acled_pred.csv"
    rows = perturb(acled_rows, seed, ["NOT-SCORED"])
    write_csv(pred, sorted({k for r in rows for k in r}), rows)
    assert_agrees(_run([score, "notes", "--gold", str(acled), "--pred", str(pred)]),
                  _run([*ours, "--gold", str(acled), "--pred", str(pred)]), "acled notes")

    # ACLED notes as one-event articles, articles mode (more pairs to compare).
    acled_gold = tmp_path / "acled_as_articles.csv"
    for r in acled_rows:
        r["article_id"] = r["event_id_cnty"]
    write_csv(acled_gold, list(acled_rows[0]), acled_rows)
    acled_index = tmp_path / "acled_index.csv"
    write_csv(acled_index, ["article_id"], [{"article_id": r["article_id"]} for r in acled_rows])
    assert_agrees(
        _run([score, "articles", "--gold", str(acled_gold), "--pred", str(pred),
              "--index", str(acled_index)]),
        _run([*ours, "--gold", str(acled_gold), "--pred", str(pred), "--index", str(acled_index)]),
        "acled articles")

    # Article gold, articles and notes modes.
    pred = tmp_path / "articles_pred.csv"
    rows = perturb(_read(art_gold), seed, art_ids + ["NOT-SCORED"])
    write_csv(pred, sorted({k for r in rows for k in r}), rows)
    assert_agrees(
        _run([score, "articles", "--gold", str(art_gold), "--pred", str(pred),
              "--index", str(art_index)]),
        _run([*ours, "--gold", str(art_gold), "--pred", str(pred), "--index", str(art_index)]),
        "articles")
    assert_agrees(_run([score, "notes", "--gold", str(art_gold), "--pred", str(pred)]),
                  _run([*ours, "--mode", "notes", "--gold", str(art_gold), "--pred", str(pred)]),
                  "articles as notes")
