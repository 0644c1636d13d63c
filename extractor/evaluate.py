"""Agreement between extracted events and a hand-coded sample (``extractor evaluate``).

Pure functions: :func:`load_events` and :func:`load_index` read CSV files into
typed :class:`CodedEvent` records, :func:`score_notes` and :func:`score_articles`
compare them, :func:`to_table` and :func:`to_json` report the result. The metric
definitions are in ``docs/evaluate.md``; they are those of the project's
independent scorer (``../shared/eval/score.py``), which this module must agree
with to four decimals.

Two designs of gold sample:

* ``notes``: one gold event per article (an ACLED export, whose
  ``event_id_cnty`` is the article id). Each gold event is compared with the
  article's most confident prediction; an article with no prediction is wrong
  on every field.
* ``articles``: zero or more gold events per article (``article_id`` column).
  Predictions are paired with gold events of the same article, greedily, best
  pair first; a pair needs dates within one day and the same place.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from extractor.normalise import fold_latin

MODES = ("notes", "articles")

# Columns naming a row's article, first non-empty wins. ACLED exports have no article id:
# each note is its own article, named by event_id_cnty. Our own rows' event ids are not
# article ids, so predictions use article_id only.
GOLD_ID_COLUMNS = ("article_id", "event_id_cnty")
PRED_ID_COLUMNS = ("article_id",)

# Every field compared for a gold/predicted pair, in report order (alphabetical).
FIELDS = (
    "actor1", "actors_any_order", "admin1", "country", "event_date", "event_type",
    "fatalities", "geo_precision", "inter1", "interaction", "location", "sub_event_type",
    "time_precision", "within_25km",
)

# Columns a report can be grouped by (``--by``): the gold row's value names the group.
GROUPABLE = ("event_type", "sub_event_type", "country", "admin1", "time_precision", "geo_precision")

# ACLED's inter codes by their text labels (newer exports spell them out).
INTER_LABELS = {
    "state forces": 1, "rebel group": 2, "political militia": 3, "identity militia": 4,
    "rioters": 5, "protesters": 6, "civilians": 7, "external/other forces": 8,
}
UNKNOWN_INTER = -1  # a label that is neither a number nor one of ACLED's eight

# Words that ACLED and coders add or drop freely around the same place or actor name.
_NAME_NOISE = frozenset({
    "al", "el", "ad", "ar", "as", "ash", "an", "the",
    "governorate", "province", "district", "city",
})
_REGIME_YEARS = re.compile(r"\(\s*\d{4}\s*-\s*(\d{4})?\s*\)")  # "(2000-)", "(2014-2021)"
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
NAME_SIMILARITY = 0.85  # difflib ratio above which two folded names are the same
COUNTRY_SIMILARITY = 0.9

DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%y", "%d %B %Y", "%d-%m-%Y")  # ISO, 9-May-20, 9 May 2020
LOCATION_KM = 5.0  # coordinates this close count as the same location
NEAR_KM = 25.0  # the ``within_25km`` field
SAME_PLACE_KM = 50.0  # pairing: coordinates this close are the same place
PAIR_MAX_DAYS = 1  # pairing: dates at most this many days apart
EARTH_RADIUS_KM = 6371.0

csv.field_size_limit(sys.maxsize)  # ACLED notes and article evidence can be long


class EvaluationError(Exception):
    """An input file that cannot be evaluated; the message says which file and why."""


@dataclass(frozen=True)
class CodedEvent:
    """One event row of a gold or predicted CSV, with the fields that are compared.

    Codes that are compared as given (precisions) are kept as normalised text so
    that "1" and "1.0" agree and an empty cell stays distinct from 0.
    """

    article_id: str
    origin: str  # "file:line", for messages
    event_date: dt.date | None
    time_precision: str
    event_type: str
    sub_event_type: str
    actor1: str = ""
    actor2: str = ""
    inter1: int = 0  # 0 when empty, as ACLED codes "no second actor"
    inter2: int = 0
    country: str = ""
    admin1: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str = ""
    fatalities: int | None = None
    confidence: float = 0.0


@dataclass(frozen=True)
class LoadedEvents:
    """The events of one CSV file and the columns its header had."""

    path: str
    columns: tuple[str, ...]
    events: tuple[CodedEvent, ...]


@dataclass(frozen=True)
class FieldTally:
    """How many compared items agreed on each field, out of ``total``."""

    total: int
    correct: Mapping[str, int]

    def accuracy(self, name: str) -> float:
        """Share of the ``total`` items that agreed on field ``name`` (0 when there are none)."""
        return self.correct.get(name, 0) / self.total if self.total else 0.0


@dataclass(frozen=True)
class PRF:
    """Precision over predictions and recall over gold events.

    The matched counts are kept apart because, within a group, the matched
    predictions (grouped by their own value) and the matched gold events differ.
    """

    matched_pred: int
    predicted: int
    matched_gold: int
    gold: int

    @property
    def precision(self) -> float:
        """Matched predictions / predictions (0 when there are none)."""
        return self.matched_pred / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Matched gold events / gold events (0 when there are none)."""
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when both are 0)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Pair:
    """A gold event and the prediction paired with it, with the field checks."""

    gold: CodedEvent
    pred: CodedEvent
    checks: Mapping[str, bool]


@dataclass(frozen=True)
class NotesGroup:
    """Notes-mode scores for the gold notes whose ``by`` column has value ``key``."""

    key: str
    notes: int
    detected: int
    fields: FieldTally


@dataclass(frozen=True)
class NotesResult:
    """Notes mode: each gold note against its article's most confident prediction."""

    notes: int
    detected: int  # notes whose article has at least one prediction
    predictions: int  # predictions on the gold notes' articles
    fields: FieldTally  # total = notes; a note with no prediction is wrong on every field
    by: str
    groups: tuple[NotesGroup, ...]
    by_event_type: tuple[NotesGroup, ...]  # always reported, as the event-type agreement
    pairs: tuple[Pair, ...]
    mode: str = "notes"


@dataclass(frozen=True)
class ArticlesGroup:
    """Articles-mode scores for one value of the ``by`` column.

    Gold events count in the group of their own value, predictions in the group
    of theirs; field agreement is over the pairs whose gold event is in the group.
    """

    key: str
    loose: PRF
    strict: PRF
    fields: FieldTally


@dataclass(frozen=True)
class ArticlesResult:
    """Articles mode: predictions paired with gold events of the same article."""

    articles: int
    gold_events: int
    predicted_events: int
    loose: PRF  # pairing alone
    strict: PRF  # pairing and the same event_type
    articles_without_events: int
    of_those_with_predictions: int
    fields: FieldTally  # total = pairs
    by: str
    groups: tuple[ArticlesGroup, ...]
    confusion: Mapping[tuple[str, str], int]  # (gold event_type, predicted event_type) over pairs
    pairs: tuple[Pair, ...]
    mode: str = "articles"


Result = NotesResult | ArticlesResult


# --- loading -----------------------------------------------------------------------------

def parse_date(text: str) -> dt.date | None:
    """A date from ISO (2020-05-09, with or without a time), ACLED (9-May-20) and other
    common layouts; None when it is empty or not a date."""
    text = (text or "").strip()
    if "T" in text:
        text = text[:10]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def inter_code(text: str) -> int:
    """ACLED inter code from a number or a text label: 0 when empty, -1 when unknown."""
    text = (text or "").strip().lower()
    if not text:
        return 0
    number = _to_float(text)
    if number is not None and number.is_integer():
        return int(number)
    return INTER_LABELS.get(text, UNKNOWN_INTER)


def _to_float(text: str | None) -> float | None:
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _to_int(text: str | None) -> int | None:
    value = _to_float(text)
    return int(value) if value is not None and math.isfinite(value) else None


def _code(text: str | None) -> str:
    """A code compared as given, with "1.0" read as "1"."""
    text = (text or "").strip()
    value = _to_float(text)
    return str(int(value)) if value is not None and value.is_integer() else text


def _event_from_row(row: Mapping[str, str], origin: str, id_columns: Sequence[str]) -> CodedEvent:
    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    return CodedEvent(
        article_id=next((get(c) for c in id_columns if get(c)), ""),
        origin=origin,
        event_date=parse_date(get("event_date")),
        time_precision=_code(get("time_precision")),
        event_type=get("event_type"),
        sub_event_type=get("sub_event_type"),
        actor1=get("actor1"),
        actor2=get("actor2"),
        inter1=inter_code(get("inter1")),
        inter2=inter_code(get("inter2")),
        country=get("country"),
        admin1=get("admin1"),
        location=get("location"),
        latitude=_to_float(get("latitude")),
        longitude=_to_float(get("longitude")),
        geo_precision=_code(get("geo_precision")),
        fatalities=_to_int(get("fatalities")),
        confidence=_to_float(get("confidence")) or 0.0,
    )


def load_events(path: str | Path, id_columns: Sequence[str] = GOLD_ID_COLUMNS) -> LoadedEvents:
    """Read an event CSV with ACLED column names.

    The first non-empty column of ``id_columns`` names each row's article
    (:data:`GOLD_ID_COLUMNS` for gold, :data:`PRED_ID_COLUMNS` for predictions).
    Raises :class:`EvaluationError` when the file cannot be read, has none of the
    id columns, or has a row without an article id.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            columns = tuple(reader.fieldnames or ())
            if not set(id_columns) & set(columns):
                raise EvaluationError(
                    f"{path}: no {' or '.join(repr(c) for c in id_columns)} column to say which "
                    f"article each row codes; columns are {', '.join(columns) or 'none'}")
            events = []
            for row in reader:
                event = _event_from_row(row, f"{path}:{reader.line_num}", id_columns)
                if not event.article_id:
                    raise EvaluationError(f"{event.origin}: row has no article id")
                events.append(event)
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise EvaluationError(f"{path}: cannot read as UTF-8 CSV: {err}") from err
    return LoadedEvents(str(path), columns, tuple(events))


def load_index(path: str | Path) -> tuple[str, ...]:
    """Scored article ids: a CSV with an ``article_id`` column, or one id a line.

    Order is kept and repeats are dropped (an article is scored once).
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise EvaluationError(f"{path}: cannot read the article index: {err}") from err
    rows = [r for r in rows if r and any(c.strip() for c in r)]
    if rows and "article_id" in [c.strip() for c in rows[0]]:
        col = [c.strip() for c in rows[0]].index("article_id")
        ids = [r[col].strip() for r in rows[1:] if len(r) > col]
    else:
        ids = [r[0].strip() for r in rows]
    return tuple(dict.fromkeys(i for i in ids if i))


def detect_mode(gold: LoadedEvents) -> str:
    """``articles`` when the gold names articles (``article_id`` column), else ``notes``
    (an ACLED export: one event per note, named by ``event_id_cnty``)."""
    return "articles" if "article_id" in gold.columns else "notes"


# --- comparing ---------------------------------------------------------------------------

def fold_name(text: str) -> str:
    """A place or actor name folded for comparison: case, accents, apostrophes,
    punctuation, regime years ("(2000-)"), "al-"/"the" and words like "governorate"."""
    text = _REGIME_YEARS.sub(" ", fold_latin(text or ""))
    return " ".join(w for w in _NOT_ALNUM.sub(" ", text).split() if w not in _NAME_NOISE)


def same_name(a: str, b: str, threshold: float = NAME_SIMILARITY) -> bool:
    """Whether two names are the same after folding, allowing small spelling differences
    (difflib ratio of the folded names without spaces). Two empty names are the same."""
    fa, fb = fold_name(a), fold_name(b)
    if fa == fb:
        return True
    if not fa or not fb:
        return False
    return SequenceMatcher(None, fa.replace(" ", ""), fb.replace(" ", "")).ratio() >= threshold


def distance_km(a: CodedEvent, b: CodedEvent) -> float | None:
    """Great-circle distance between two events' coordinates; None when either lacks them."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)  # type: ignore[arg-type]
    dp, dl = p2 - p1, math.radians(b.longitude - a.longitude)  # type: ignore[operator]
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def _same_actors(gold: CodedEvent, pred: CodedEvent) -> bool:
    """Every gold actor is among the predicted ones, in any order (order carries no
    meaning in ACLED outside violence against civilians); no gold actor needs none."""
    gold_actors = [a for a in (gold.actor1, gold.actor2) if a]
    pred_actors = [a for a in (pred.actor1, pred.actor2) if a]
    if not gold_actors:
        return not pred_actors
    return all(any(same_name(g, p) for p in pred_actors) for g in gold_actors)


def field_checks(gold: CodedEvent, pred: CodedEvent) -> dict[str, bool]:
    """Field name -> whether the prediction agrees with the gold event on it."""
    d = distance_km(gold, pred)
    return {
        "actor1": same_name(gold.actor1, pred.actor1),
        "actors_any_order": _same_actors(gold, pred),
        "admin1": same_name(gold.admin1, pred.admin1),
        "country": same_name(gold.country, pred.country, COUNTRY_SIMILARITY),
        "event_date": gold.event_date is not None and gold.event_date == pred.event_date,
        "event_type": gold.event_type == pred.event_type,
        "fatalities": gold.fatalities is not None and gold.fatalities == pred.fatalities,
        "geo_precision": gold.geo_precision == pred.geo_precision,
        "inter1": gold.inter1 == pred.inter1,
        # The unordered pair of actor types, whatever the file's own interaction column says.
        "interaction": sorted((gold.inter1, gold.inter2)) == sorted((pred.inter1, pred.inter2)),
        "location": same_name(gold.location, pred.location) or (d is not None and d <= LOCATION_KM),
        "sub_event_type": gold.sub_event_type == pred.sub_event_type,
        "time_precision": gold.time_precision == pred.time_precision,
        "within_25km": d is not None and d <= NEAR_KM,
    }


def same_place(gold: CodedEvent, pred: CodedEvent) -> bool:
    """Pairing's place test: the same location name, or coordinates within 50 km."""
    d = distance_km(gold, pred)
    return same_name(gold.location, pred.location) or (d is not None and d <= SAME_PLACE_KM)


def pair_events(gold: Sequence[CodedEvent], pred: Sequence[CodedEvent]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing of one article's gold and predicted events.

    Candidate pairs have dates at most a day apart and the same place. The best
    candidate is taken first: same event type, then same sub-event type, then the
    higher prediction confidence; remaining ties go to the later gold row, then the
    later prediction (the independent scorer's order, kept so both agree).
    Returns (gold index, prediction index) pairs in the order they were taken.
    """
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if g.event_date is None or p.event_date is None:
                continue
            if abs((g.event_date - p.event_date).days) > PAIR_MAX_DAYS or not same_place(g, p):
                continue
            quality = (g.event_type == p.event_type, g.sub_event_type == p.sub_event_type,
                       p.confidence)
            candidates.append((quality, i, j))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    taken = []
    for _, i, j in sorted(candidates, reverse=True):
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        taken.append((i, j))
    return taken


def _by_article(events: Iterable[CodedEvent]) -> dict[str, list[CodedEvent]]:
    out: dict[str, list[CodedEvent]] = defaultdict(list)
    for e in events:
        out[e.article_id].append(e)
    return out


def _tally(checks: Iterable[Mapping[str, bool]], total: int) -> FieldTally:
    correct: Counter[str] = Counter({name: 0 for name in FIELDS})
    for c in checks:
        correct.update(name for name, ok in c.items() if ok)
    return FieldTally(total, dict(correct))


def _check_by(by: str) -> None:
    if by not in GROUPABLE:
        raise EvaluationError(f"cannot group by {by!r}; choose one of {', '.join(GROUPABLE)}")


def score_notes(gold: Sequence[CodedEvent], pred: Sequence[CodedEvent],
                by: str = "event_type") -> NotesResult:
    """Score one-event-per-article gold: each note against its article's most confident
    prediction (the first such row on ties). A note with no prediction is wrong on
    every field, so field agreement is over all notes."""
    _check_by(by)
    preds = _by_article(pred)
    rows: list[tuple[CodedEvent, dict[str, bool] | None]] = []
    pairs = []
    n_pred = 0
    for g in gold:
        cands = preds.get(g.article_id, [])
        n_pred += len(cands)
        if not cands:
            rows.append((g, None))
            continue
        best = max(cands, key=lambda p: p.confidence)  # max keeps the first of equals
        checks = field_checks(g, best)
        rows.append((g, checks))
        pairs.append(Pair(g, best, checks))

    def groups(column: str) -> tuple[NotesGroup, ...]:
        members: dict[str, list[dict[str, bool] | None]] = defaultdict(list)
        for g, checks in rows:
            members[getattr(g, column)].append(checks)
        return tuple(
            NotesGroup(key, len(m), sum(c is not None for c in m),
                       _tally((c for c in m if c is not None), len(m)))
            for key, m in sorted(members.items()))

    return NotesResult(
        notes=len(rows),
        detected=len(pairs),
        predictions=n_pred,
        fields=_tally((p.checks for p in pairs), len(rows)),
        by=by,
        groups=groups(by),
        by_event_type=groups("event_type"),
        pairs=tuple(pairs),
    )


def score_articles(gold: Sequence[CodedEvent], pred: Sequence[CodedEvent],
                   article_ids: Sequence[str] | None = None,
                   by: str = "event_type") -> ArticlesResult:
    """Score many-events-per-article gold by pairing (see :func:`pair_events`).

    Only the articles in ``article_ids`` are scored (by default those with gold
    events; pass the full list so that predictions on articles with no gold event
    count as false positives). Loose scores count pairs, strict ones pairs of the
    same event type; field agreement is over the pairs.
    """
    _check_by(by)
    ids = tuple(dict.fromkeys(article_ids if article_ids is not None
                              else (g.article_id for g in gold)))
    golds, preds = _by_article(gold), _by_article(pred)
    scored_gold: list[CodedEvent] = []
    scored_pred: list[CodedEvent] = []
    pairs: list[Pair] = []
    empty = empty_with_pred = 0
    for aid in ids:
        g_rows, p_rows = golds.get(aid, []), preds.get(aid, [])
        scored_gold.extend(g_rows)
        scored_pred.extend(p_rows)
        if not g_rows:
            empty += 1
            empty_with_pred += bool(p_rows)
        for i, j in pair_events(g_rows, p_rows):
            pairs.append(Pair(g_rows[i], p_rows[j], field_checks(g_rows[i], p_rows[j])))

    strict_pairs = [p for p in pairs if p.checks["event_type"]]

    def prf(matched: Sequence[Pair], key: str | None = None) -> PRF:
        def keep(e: CodedEvent) -> bool:
            return key is None or getattr(e, by) == key
        return PRF(
            matched_pred=sum(keep(p.pred) for p in matched),
            predicted=sum(keep(e) for e in scored_pred),
            matched_gold=sum(keep(p.gold) for p in matched),
            gold=sum(keep(e) for e in scored_gold),
        )

    keys = sorted({getattr(e, by) for e in scored_gold} | {getattr(e, by) for e in scored_pred})
    groups = []
    for key in keys:
        in_group = [p.checks for p in pairs if getattr(p.gold, by) == key]
        groups.append(ArticlesGroup(key, prf(pairs, key), prf(strict_pairs, key),
                                    _tally(in_group, len(in_group))))
    confusion = Counter((p.gold.event_type, p.pred.event_type) for p in pairs)
    return ArticlesResult(
        articles=len(ids),
        gold_events=len(scored_gold),
        predicted_events=len(scored_pred),
        loose=prf(pairs),
        strict=prf(strict_pairs),
        articles_without_events=empty,
        of_those_with_predictions=empty_with_pred,
        fields=_tally((p.checks for p in pairs), len(pairs)),
        by=by,
        groups=tuple(groups),
        confusion=dict(sorted(confusion.items())),
        pairs=tuple(pairs),
    )


def evaluate(gold_path: str | Path, pred_path: str | Path, mode: str | None = None,
             index_path: str | Path | None = None, by: str = "event_type") -> Result:
    """Load a gold sample and predictions and score them.

    ``mode`` is ``notes``, ``articles`` or None to choose from the gold's columns
    (:func:`detect_mode`); ``index_path`` lists the scored articles (articles mode).
    """
    if mode is not None and mode not in MODES:
        raise EvaluationError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    _check_by(by)
    gold = load_events(gold_path, GOLD_ID_COLUMNS)
    pred = load_events(pred_path, PRED_ID_COLUMNS)
    mode = mode or detect_mode(gold)
    if mode == "notes":
        if index_path is not None:
            raise EvaluationError("--index is for articles mode; notes mode scores every gold note")
        return score_notes(gold.events, pred.events, by)
    ids = load_index(index_path) if index_path is not None else None
    return score_articles(gold.events, pred.events, ids, by)


# --- reporting ---------------------------------------------------------------------------

def _r(x: float) -> float:
    return round(x, 4)


def _fields_dict(t: FieldTally) -> dict[str, float]:
    return {name: _r(t.accuracy(name)) for name in FIELDS}


def _prf_dict(s: PRF) -> dict[str, float]:
    return {"precision": _r(s.precision), "recall": _r(s.recall), "f1": _r(s.f1)}


def to_dict(result: Result) -> dict:
    """The result as plain data; shares score.py's keys and rounding (4 decimals)."""
    if isinstance(result, NotesResult):
        n = result.notes
        return {
            "mode": "notes",
            "notes": n,
            "detected": _r(result.detected / n) if n else 0.0,
            "events_per_note": round(result.predictions / n, 3) if n else 0.0,
            "fields": _fields_dict(result.fields),
            "event_type_by_gold_type": {
                g.key: _r(g.fields.accuracy("event_type")) for g in result.by_event_type},
            "counts": {"detected": result.detected, "predictions": result.predictions},
            "by": {"column": result.by, "groups": {
                g.key: {"notes": g.notes, "detected": _r(g.detected / g.notes),
                        "fields": _fields_dict(g.fields)} for g in result.groups}},
        }
    confusion: dict[str, dict[str, int]] = defaultdict(dict)
    for (gold_type, pred_type), count in result.confusion.items():
        confusion[gold_type][pred_type] = count
    return {
        "mode": "articles",
        "articles": result.articles,
        "gold_events": result.gold_events,
        "predicted_events": result.predicted_events,
        "pairs": len(result.pairs),
        "loose": _prf_dict(result.loose),
        "strict": _prf_dict(result.strict),
        "articles_without_events": result.articles_without_events,
        "of_those_with_predictions": result.of_those_with_predictions,
        "fields_over_pairs": _fields_dict(result.fields),
        "event_type_confusion": dict(confusion),
        "by": {"column": result.by, "groups": {
            g.key: {"gold_events": g.loose.gold, "predicted_events": g.loose.predicted,
                    "pairs": g.fields.total, "loose": _prf_dict(g.loose),
                    "strict": _prf_dict(g.strict), "fields_over_pairs": _fields_dict(g.fields)}
            for g in result.groups}},
    }


def report_differences(reference: Mapping, ours: Mapping, where: str = "") -> list[str]:
    """Where a reference report (e.g. score.py's JSON) and ours disagree: every key of
    the reference must be in ours with the same value (both are rounded the same way).
    Keys only we report are not compared. Returns one line per difference."""
    out = []
    for key, value in reference.items():
        path = f"{where}/{key}"
        if key not in ours:
            out.append(f"{path}: missing from ours")
        elif isinstance(value, Mapping):
            if isinstance(ours[key], Mapping):
                out += report_differences(value, ours[key], path)
            else:
                out.append(f"{path}: ours is not a mapping")
        elif isinstance(value, (int, float)) and isinstance(ours[key], (int, float)):
            if abs(value - ours[key]) > 1e-9:
                out.append(f"{path}: reference {value}, ours {ours[key]}")
        elif value != ours[key]:
            out.append(f"{path}: reference {value!r}, ours {ours[key]!r}")
    return out


def to_json(result: Result) -> str:
    """The result as indented JSON (see :func:`to_dict`)."""
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _grid(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    cells = [[str(h) for h in header]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(r[k]) for r in cells) for k in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if k == 0 else c.rjust(w)
                               for k, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


# Fields shown per group in the table (all of them are in the JSON).
_GROUP_FIELDS = ("event_type", "sub_event_type", "event_date", "location", "actor1", "fatalities")


def _group_accuracies(tally: FieldTally) -> list[float | None]:
    # "-" rather than 0 where a group has nothing to compare (no pairs).
    return [tally.accuracy(f) if tally.total else None for f in _GROUP_FIELDS]


def to_table(result: Result) -> str:
    """The result as plain-text tables for people: summary, agreement per field, per group."""
    lines: list[str] = []
    if isinstance(result, NotesResult):
        n = result.notes
        lines.append(f"notes mode: {n} gold notes, {result.detected} with a prediction "
                     f"({result.detected / n if n else 0:.1%}), "
                     f"{result.predictions / n if n else 0:.2f} predictions per note")
        lines.append("field agreement over all notes (a note with no prediction is wrong):")
        lines += ["", *_grid(("field", "agreement"),
                             [(f, result.fields.accuracy(f)) for f in FIELDS]), ""]
        lines += _grid((result.by, "notes", "detected", *_GROUP_FIELDS), [
            (g.key or "(empty)", g.notes, g.detected / g.notes,
             *_group_accuracies(g.fields)) for g in result.groups])
        return "\n".join(lines) + "\n"
    lines.append(f"articles mode: {result.articles} articles, {result.gold_events} gold events, "
                 f"{result.predicted_events} predicted, {len(result.pairs)} pairs; "
                 f"{result.of_those_with_predictions} of {result.articles_without_events} "
                 "articles without gold events have predictions")
    lines += ["", *_grid(("pairing", "precision", "recall", "f1"), [
        ("loose (date and place)", result.loose.precision, result.loose.recall, result.loose.f1),
        ("strict (+ event_type)", result.strict.precision, result.strict.recall, result.strict.f1),
    ]), ""]
    lines.append("field agreement over pairs:")
    lines += ["", *_grid(("field", "agreement"),
                         [(f, result.fields.accuracy(f)) for f in FIELDS]), ""]
    lines += _grid((result.by, "gold", "pred", "pairs", "P", "R", "F1", "strict F1",
                    *_GROUP_FIELDS), [
        (g.key or "(empty)", g.loose.gold, g.loose.predicted, g.fields.total,
         g.loose.precision, g.loose.recall, g.loose.f1, g.strict.f1,
         *_group_accuracies(g.fields)) for g in result.groups])
    return "\n".join(lines) + "\n"
