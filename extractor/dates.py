"""Date expressions in Arabic and English news text, resolved to a day and an ACLED time precision.

:func:`find_dates` finds every date expression in a sentence (or a few), resolves it against the
article's publication date and returns :class:`~extractor.records.DateMention` records with
character offsets, the day, the codebook's ``time_precision`` and the rule that produced it.

Why our own rules come first and dateparser second (measured, docs/dates.md and
feasibility.md section 4): dateparser misreads the forms that matter most in Arabic news
(أول أمس → yesterday, آذار and the other Levantine months, ordinal days, Hijri dates, a weekday
on the day of publication → a week earlier) and costs milliseconds per call. The rules below
recognise the expressions news uses with one regex pass per rule; Hijri dates are converted by
dateparser's Hijri calendar, and dateparser's ``search_dates`` (languages always given) is a
safety net for a month name that no rule explained.

Conventions (acled-codebook.md "Dates", eval README "How the article gold was coded"):

- precision 1: a day; 2: a week, weekend or a few days' window, coded to its middle;
  3: only a month, coded to the 15th (1st / last day when its start / end is said).
  Anything vaguer (a year, "recently") is not a date.
- a weekday is the latest such day on or before publication ("last Sunday" / الأحد الماضي:
  strictly before); with أمس/اليوم/today it is the weekday that counts (print dailies).
- "overnight", "last night", ليلا, ليل أمس: the day before publication.
- nothing is ever dated after publication; without a publication date only expressions that
  carry their own year are returned.
"""
from __future__ import annotations

import bisect
import calendar
import csv
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from .normalise import (NeedleSets, find_all, finditer_at, finditer_where, gate_windows, merge_windows,
                        normalise_ar)
from .records import DateMention

DAY, SPAN, MONTH = 1, 2, 3

# Literal names: calendar.month_name follows the process locale.
_EN_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                   "september", "october", "november", "december")
_EN_MONTHS = {m: i for i, m in enumerate(_EN_MONTH_NAMES, 1)}
_EN_MONTHS.update({m[:3]: i for i, m in enumerate(_EN_MONTH_NAMES, 1)})
_EN_MONTHS["sept"] = 9
_EN_MONTH_GATE = tuple(m for m in _EN_MONTHS if len(m) == 3)  # every name starts with one
_EN_WEEKDAYS = {d: i for i, d in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday",
                                            "Friday", "Saturday", "Sunday"))}
# Normalised Arabic weekday names -> Python weekday (Monday = 0).
_AR_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4,
                "السبت": 5, "الاحد": 6}
_EN_NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
               "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_AR_NUMBERS = {"ثلاثه": 3, "اربعه": 4, "خمسه": 5, "سته": 6, "سبعه": 7, "ثمانيه": 8,
               "تسعه": 9, "عشره": 10}


@dataclass(frozen=True)
class _Ctx:
    published: dt.date | None


# A handler turns a regex match into (day, precision, rule), or None when the expression is
# recognised but cannot be dated (it still claims its span, so no shorter rule re-reads it).
_Handler = Callable[[re.Match, _Ctx], "tuple[dt.date, int, str] | None"]


@dataclass(frozen=True)
class _Rule:
    """One kind of date expression. ``gate``: literal strings, one of which the (folded,
    lower-cased) text must contain for the rule to run at all; this keeps the cost of
    sentences without that kind of expression near zero. ``also``: words (or a pattern) of
    which every match holds one besides its gate word: a window around the gate's hits that
    holds none cannot hold a match, and the rule skips it (most windows of "days ago", opened
    by every قبل and منذ, hold no ايام or يوما). Words are found as the gate's are, in the
    lower-cased text for English (a pattern reads the text the rule reads)."""

    name: str
    pattern: re.Pattern
    handler: _Handler
    gate: tuple[str, ...] | re.Pattern = ()
    also: tuple[str, ...] | re.Pattern = ()
    # every match holds one of the gate words written with a capital (a case-sensitive name,
    # "May", "Monday"), while the gate is found in the lower-cased text: a window whose hits
    # are all lower case ("market", "declared", "may") is skipped
    capital: bool = False


# ---------------------------------------------------------------------------------------
# Public API


def find_dates(text: str, lang: str, published: dt.date | None,
               offset: int = 0) -> list[DateMention]:
    """All date expressions in ``text``, resolved, ordered by start.

    ``lang`` is "ar" or "en". Offsets are into ``text`` plus ``offset``. Relative expressions
    resolve against ``published`` and are left out when it is None; nothing after
    ``published`` is returned; bare years and numbers are never dates.
    """
    if not text:
        return []
    folded, index = _fold(text)
    gated = folded.lower() if lang == "en" else folded
    ctx = _Ctx(published)
    candidates: list[tuple[int, int, tuple[dt.date, int, str] | None]] = []
    # rules share gates (month names, أمس); their words and the rules' other words are found
    # in one pass over the text
    found = _gates(lang).find(gated)
    # lower-casing kept every character one character (always so for ASCII text): a hit in
    # the gated text is where the folded text has the same letters, in any case
    aligned = gated is folded or len(gated) == len(folded)
    windows: dict[object, list[tuple[int, int]]] = {}
    capitals: dict[tuple[str, ...], list[int]] = {}
    for rule in _rules(lang):
        key = rule.gate
        spans = windows.get(key)
        if spans is None:
            hits = found.get(key) if type(key) is tuple else None
            spans = windows[key] = (_windows(key, gated) if hits is None
                                    else merge_windows(hits, len(gated), _REACH, _REACH))
        if spans and rule.capital and aligned:
            caps = capitals.get(key)
            if caps is None:
                caps = capitals[key] = [h for h in found[key] if folded[h].isupper()]
            spans = _holding_hits(spans, caps)
        if spans and rule.also:
            spans = _holding(spans, rule.also, found, folded)
        for lo, hi in spans:
            for m in rule.pattern.finditer(folded, lo, hi):
                s, e = m.span("d") if "d" in rule.pattern.groupindex else m.span()
                candidates.append((s, e, rule.handler(m, ctx)))
    chosen = _longest_first(candidates)
    chosen = [(s, e, _hedged(folded, s, e, r, lang)) for s, e, r in chosen]
    out = []
    for s, e, resolved in chosen:
        if resolved is None:
            continue
        day, precision, rule = resolved
        if published is not None and day > published:
            continue
        os_, oe = _original_span(text, index, s, e)
        out.append(DateMention(os_ + offset, oe + offset, text[os_:oe], day, precision, rule))
    # where a month name may stand written with a capital: its first three letters are a hit
    # of the month gate (the 11 str.find scans of _loose_months otherwise)
    loose_at = ([h for h in found[_EN_MONTH_GATE] if folded.startswith(_EN_LOOSE_STARTS, h)]
                if lang == "en" and aligned else None)
    out.extend(_dateparser_fallback(text, folded, index, lang, published, offset, chosen, loose_at))
    return sorted(out, key=lambda d: (d.start, d.end))


def vague_periods(text: str, lang: str) -> list[tuple[int, int]]:
    """Character spans of periods vaguer than the codebook codes ("خلال الأسابيع القليلة
    الماضية", "منذ أشهر", "in recent weeks", "over the past few months", "for years"): an
    event told only with one of them is an ongoing situation, not a dated event.
    Offsets are into ``text``."""
    if lang not in _VAGUE:
        raise ValueError(f"unsupported language {lang!r}")
    folded, index = _fold(text)
    pattern, gate = _VAGUE[lang], _VAGUE_GATE[lang]
    gated = folded
    if lang == "en":
        # The case-blind gate pattern scans every offset (66 us per English article); the same
        # hits are str.find's of the words in the lower-cased text when lower-casing keeps every
        # offset (no İ) and no "ſ" (which the pattern takes for "s") is there.
        lowered = folded.lower()
        if len(lowered) == len(folded) and "\u017f" not in folded:
            gate, gated = _VAGUE_WORDS, lowered
    # Every period names weeks, months or years: the pattern reads only the text around them
    # (tried at every offset of a long article, it cost more than all the date rules).
    return [_original_span(text, index, *m.span())
            for lo, hi in _windows(gate, gated) for m in pattern.finditer(folded, lo, hi)]


# Several weeks or more, or an unbounded stretch (issue 5: vaguer than a month is no event).
_VAGUE = {
    "ar": re.compile(
        r"(?:(?:خلال|في|طيله|طوال|على مدى|على مدار)\s+)?(?:ال)?(?:اسابيع|اشهر|شهور|سنوات|اعوام)"
        r"(?:\s+القليله|\s+العديده)?\s+(?:الماضيه|الاخيره|المنصرمه)"
        r"|منذ\s+(?:اسابيع|اشهر|شهور|سنوات|اعوام)"),
    "en": re.compile(
        r"\b(?:(?:in|over|during|for|throughout)\s+(?:the\s+)?(?:past|last|recent)\s+(?:few\s+|several\s+)?"
        r"(?:weeks|months|years)|in\s+recent\s+(?:weeks|months|years)|for\s+(?:weeks|months|years)"
        r"|(?:weeks|months|years)\s+of\s+(?:fighting|clashes|protests|shelling|strikes))\b",
        re.IGNORECASE),
}


# Words every match of _VAGUE contains (its windows are _REACH characters around them).
_VAGUE_GATE: dict[str, tuple[str, ...] | re.Pattern] = {
    "ar": ("اسابيع", "اشهر", "شهور", "سنوات", "اعوام"),
    "en": re.compile(r"weeks|months|years", re.IGNORECASE),
}
# The English gate's words (none overlaps another or itself, so their hits are the pattern's).
_VAGUE_WORDS = ("weeks", "months", "years")


def news_of_the_day(published: dt.date) -> DateMention:
    """The date of an undated event told as the news of the day: publication date, precision 2."""
    return DateMention(0, 0, "", published, SPAN, "publication date")


def article_date(mentions: list[DateMention], published: dt.date) -> DateMention:
    """The date for an undated event of an article: the day its day-precise mentions from the
    week before publication name most often (ties: the later day), with precision 2 and rule
    "article date"; without such mentions, :func:`news_of_the_day`.

    A report of yesterday's fighting ("اشتباكات ... صباح أمس") often tells its other strikes
    undated; they belong to the same day, not to the edition's (print dailies).
    ``mentions`` are :func:`find_dates` of the whole article (compute them once per article).
    """
    counts: dict[dt.date, int] = {}
    for m in mentions:
        if m.precision == DAY and dt.timedelta(0) <= published - m.date <= dt.timedelta(days=7):
            counts[m.date] = counts.get(m.date, 0) + 1
    if not counts:
        return news_of_the_day(published)
    day = max(counts, key=lambda d: (counts[d], d))
    return DateMention(0, 0, "", day, SPAN, "article date")


# ---------------------------------------------------------------------------------------
# Text folding and span selection


# How far a date expression reaches around its gate word ("في وقت متأخر من يوم الجمعة",
# "الحادي والعشرين من شهر ربيع الأول 1446 هـ").
_REACH = 64


@functools.cache
def _gates(lang: str) -> NeedleSets:
    """The word gates (tuples) of the date rules of ``lang`` and their other words
    (``_Rule.also``), to be found together."""
    return NeedleSets(words for rule in _rules(lang) for words in (rule.gate, rule.also)
                      if isinstance(words, tuple) and words)


def _holding(spans: list[tuple[int, int]], also: tuple[str, ...] | re.Pattern,
             found: dict[tuple[str, ...], list[int]], text: str) -> list[tuple[int, int]]:
    """The windows that hold a hit of ``also`` (a match lies inside its window, so a window
    whose stretch has none of the words a match needs holds no match). ``found``: the hits of
    :func:`_gates`' word sets in ``text``."""
    if not isinstance(also, tuple):
        return [(lo, hi) for lo, hi in spans if also.search(text, lo, hi)]
    return _holding_hits(spans, found[also])


def _holding_hits(spans: list[tuple[int, int]], hits: list[int]) -> list[tuple[int, int]]:
    """The windows (sorted, disjoint) that hold one of ``hits`` (sorted offsets)."""
    if not hits:
        return []
    out = []
    for lo, hi in spans:
        k = bisect.bisect_left(hits, lo)
        if k < len(hits) and hits[k] < hi:
            out.append((lo, hi))
    return out


def _windows(gate: tuple[str, ...] | re.Pattern, text: str) -> list[tuple[int, int]]:
    """Merged stretches of ``text`` around the gate's hits; a rule reads only these."""
    if gate is _NUMERIC_GATE:
        return merge_windows(_numeric_hits(text), len(text), _REACH, _REACH)
    return gate_windows(text, gate, _REACH, _REACH)


def _numeric_hits(text: str) -> list[int]:
    """``[m.start() for m in _NUMERIC_GATE.finditer(text)]`` (a digit, / . or -, a digit), read
    from the separators: the regex tried every offset (30 us per 500-word article), a text
    has few separators. \\d is a Unicode decimal digit, as str.isdecimal; like finditer, a hit
    inside the previous one's three characters is skipped."""
    starts = []
    last = len(text) - 1
    for sep in "/.-":
        q = text.find(sep, 1)
        while 0 < q < last:
            if text[q - 1].isdecimal() and text[q + 1].isdecimal():
                starts.append(q - 1)
            q = text.find(sep, q + 1)
    hits: list[int] = []
    end = 0
    for p in sorted(starts):
        if p >= end:
            hits.append(p)
            end = p + 3
    return hits


# normalise_ar works character by character (drops diacritics and tatweel, folds letter
# variants and digits), so it can be applied as a table: the few distinct characters a text has
# that fold are found with one `in` test per table character (86 C-level scans, 9 us for a
# 500-word article: a findall of every folding character built a string per hit, 80 us) and
# each is replaced in one str.replace, about 6x faster on Arabic text than its str.translate.
# The table is derived from normalise_ar itself over the Arabic blocks, so the two cannot
# disagree (tests/test_dates.py checks it).
_ARABIC_BLOCKS = ((0x0600, 0x0700), (0x0750, 0x0780), (0xFB50, 0xFE00), (0xFE70, 0xFF00))


@functools.cache
def _fold_table() -> tuple[dict[str, str], re.Pattern]:
    table: dict[str, str] = {}
    for lo, hi in _ARABIC_BLOCKS:
        for code in range(lo, hi):
            c = chr(code)
            folded = normalise_ar(c)
            if folded != c:
                table[c] = folded
    # Replacing one character after another is the same as one pass only if no replacement
    # is folded again.
    if any(normalise_ar(f) != f for f in table.values()):
        raise ValueError("dates: normalise_ar is no longer idempotent per character")
    dropped = re.compile("[" + "".join(re.escape(c) for c, f in table.items() if not f) + "]+")
    return table, dropped


# Where the folded text's pieces start: (folded offsets, original offsets) of the runs of
# characters that were kept, when any were dropped; None when offsets are the same.
_Index = "tuple[list[int], list[int]] | None"


@functools.lru_cache(maxsize=8)  # find_dates and vague_periods fold the same article
def _fold(text: str) -> tuple[str, _Index]:
    """``normalise_ar(text)`` and, when characters were dropped, where its pieces were in
    ``text`` (for :func:`_original_span`)."""
    if text.isascii():  # nothing folds (O(1) for a str)
        return text, None
    table, _dropped = _fold_table()
    present = [c for c in table if c in text]
    folded = text
    for c in present:  # no replacement holds a folding character: the order does not matter
        folded = folded.replace(c, table[c])
    if len(folded) == len(text):
        return folded, None
    # The runs of dropped characters (what _dropped.finditer gives), from the offsets of the few
    # dropped characters the text has: the character class tried every offset (90 us per
    # 500-word Arabic article for about ten runs).
    at = find_all(text, tuple(c for c in present if not table[c]))
    starts_f: list[int] = []
    starts_o: list[int] = []
    pos = kept = 0
    k, n = 0, len(at)
    while k < n:
        start = end = at[k]
        while k < n and at[k] == end:
            end += 1
            k += 1
        if start > pos:
            starts_f.append(kept)
            starts_o.append(pos)
            kept += start - pos
        pos = end
    if len(text) > pos:
        starts_f.append(kept)
        starts_o.append(pos)
        kept += len(text) - pos
    if kept != len(folded):  # a table entry folds one character into several
        raise ValueError("dates: normalise_ar is no longer a per-character table")
    return folded, (starts_f, starts_o)


def _original_span(text: str, index: _Index, s: int, e: int) -> tuple[int, int]:
    """A span of the folded text as offsets into ``text``; the end moves past the diacritics
    of the span's last letter."""
    if index is None:
        return s, e
    starts_f, starts_o = index
    k = bisect.bisect_right(starts_f, s) - 1
    start = starts_o[k] + s - starts_f[k]
    k = bisect.bisect_right(starts_f, e - 1) - 1
    end = starts_o[k] + e - 1 - starts_f[k] + 1
    m = _fold_table()[1].match(text, end)
    return start, m.end() if m else end


def _longest_first(cands):
    """Non-overlapping candidates, longest span first, then leftmost; returned by start."""
    taken: list[tuple[int, int, object]] = []
    for s, e, r in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        if all(e <= ts or s >= te for ts, te, _ in taken):
            taken.append((s, e, r))
    return sorted(taken, key=lambda c: c[0])


_HEDGE_BEFORE = re.compile(
    r"(?i:\b(?:around|about|approximately|circa|c\.|on or about|on or around|(?:as )?reported on"
    r"|(?:the )?week of)\s+(?:the\s+)?(?:on\s+)?)$")
# "بحلول أمس السبت" (by yesterday): the day closes a span that began earlier.
_HEDGE_BEFORE_AR = re.compile(r"(?<!\w)[وف]?(?:بحلول|حتي|قرابه|حوالي|نحو)\s+$")
_HEDGE_AFTER = re.compile(
    r"^\s*\((?i:as reported|or around|week of|approximately|approx\.?|on or about|or earlier"
    r"|or later|reported)\)")


def _hedged(folded: str, s: int, e: int, resolved, lang: str):
    """Precision 2 for a day the text itself marks as approximate (ACLED notes style:
    "Around 9 May", "As reported on 2 May", "9 May (as reported)", "(week of)"; بحلول أمس)."""
    if resolved is None or resolved[1] != DAY:
        return resolved
    before = folded[max(0, s - 30):s]
    if lang == "ar":
        hedged = _HEDGE_BEFORE_AR.search(before) is not None
    else:
        hedged = bool(_HEDGE_BEFORE.search(before) or _HEDGE_AFTER.match(folded[e:e + 30]))
    if hedged:
        return resolved[0], SPAN, resolved[2] + ", approximate"
    return resolved


# ---------------------------------------------------------------------------------------
# Calendar helpers


def _weekday_on_or_before(published: dt.date, weekday: int, strictly: bool = False) -> dt.date:
    back = (published.weekday() - weekday) % 7
    if strictly and back == 0:
        back = 7
    return published - dt.timedelta(days=back)


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# A day or month said without a year that falls this soon after publication is a plan or an
# announcement ("the season starts on 12 August"), not last year's event.
_FUTURE_DAYS = 62


def _year_for(month: int, day: int, published: dt.date | None) -> int | None:
    """The year of a day and month said without one: the latest on or before publication;
    None without a publication date or when the day is just ahead of it."""
    if published is None:
        return None
    ahead = _safe_date(published.year, month, day if (month, day) != (2, 29) else 28)
    if ahead is None:
        return None
    if ahead <= published:
        return published.year
    return None if (ahead - published).days <= _FUTURE_DAYS else published.year - 1


def _plausible_year(year: int) -> bool:
    return 1900 <= year <= 2100


def _month_day(year: int, month: int, part: str, published: dt.date | None) -> dt.date:
    """The day that codes "month" (15th), its start (1st) or its end (last day), never after
    publication."""
    if part == "start":
        day = 1
    elif part == "end":
        day = calendar.monthrange(year, month)[1]
    else:
        day = 15
    out = dt.date(year, month, day)
    if published is not None and out > published and (year, month) == (published.year,
                                                                         published.month):
        out = published
    return out


def _latest_month(month: int, published: dt.date) -> int | None:
    """The year of a month said without one (None when it is one of the next two months)."""
    if month <= published.month:
        return published.year
    return None if month - published.month <= 2 else published.year - 1


# ---------------------------------------------------------------------------------------
# Data


def _read_tsv(name: str) -> list[dict[str, str]]:
    path = resources.files("extractor").joinpath("resources", "ar", name)
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@functools.cache
def _ar_months() -> tuple[dict[str, int], dict[str, int]]:
    """Normalised Arabic month names -> number, for (gregorian, hijri)."""
    greg: dict[str, int] = {}
    hijri: dict[str, int] = {}
    for row in _read_tsv("dates_months.tsv"):
        table = hijri if row["calendar"] == "hijri" else greg
        table[normalise_ar(row["name"])] = int(row["month"])
    return greg, hijri


@functools.cache
def _ar_ordinals() -> dict[str, int]:
    return {normalise_ar(r["word"]): int(r["day"]) for r in _read_tsv("dates_ordinals.tsv")}


def _alt(words) -> str:
    """A regex alternation of words, longest first, any run of spaces between parts."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len,
                                                                             reverse=True))


def _key(s: str) -> str:
    return " ".join(s.split())


# ---------------------------------------------------------------------------------------
# Shared handlers


def _relative(days: int, precision: int, rule: str) -> _Handler:
    def handle(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        return ctx.published - dt.timedelta(days=days), precision, rule
    return handle


def _this_week(week_start: int) -> _Handler:
    """Middle of the days from the start of the current week to publication."""
    def handle(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        since = (ctx.published.weekday() - week_start) % 7
        return ctx.published - dt.timedelta(days=(since + 1) // 2), SPAN, "this week"
    return handle


def _weekend(first_day: int) -> _Handler:
    """The latest weekend ending on or before publication, coded to its first day."""
    def handle(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        return _weekday_on_or_before(ctx.published, first_day), SPAN, "weekend"
    return handle


def _relative_month(months_back: int, part: str) -> _Handler:
    def handle(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        y, mo = ctx.published.year, ctx.published.month - months_back
        if mo < 1:
            y, mo = y - 1, mo + 12
        return _month_day(y, mo, part, ctx.published), MONTH, "month (relative)"
    return handle


_HIJRI_NAMES = ("محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب",
                "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة")


# A conversion parses a date string with dateparser (0.2-0.8 ms); news of the same weeks
# names the same days again, and a yearless date tries up to four years.
@functools.lru_cache(maxsize=4096)
def _hijri(day: int, month: int, year: int) -> dt.date | None:
    """A Hijri date through dateparser's Hijri calendar (None when it is not a real day)."""
    from dateparser.calendars.hijri import HijriCalendar

    if not 1 <= month <= 12:
        return None
    # Month by name: a numeric "1/10/1446" is read month-first by the Hijri parser.
    try:
        got = HijriCalendar(f"{day} {_HIJRI_NAMES[month - 1]} {year}").get_date()
    except (ValueError, TypeError, OverflowError):
        return None
    return got.date_obj.date() if got and got.date_obj else None


def _range(d1: int, d2: int, month1: int, month2: int, year: int | None, ctx: _Ctx):
    """A window of days coded to its middle: precision 2 up to a week, 3 up to a month."""
    if year is None:
        year = _year_for(month2, d2, ctx.published)
        if year is None:
            return None
    first, last = _safe_date(year, month1, d1), _safe_date(year, month2, d2)
    if first is None or last is None:
        return None
    if first > last:  # "28 December - 3 January 2025"
        first = _safe_date(year - 1, month1, d1)
        if first is None:
            return None
    length = (last - first).days
    if length > 31:
        return None
    middle = first + dt.timedelta(days=length // 2)
    if ctx.published is not None and middle > ctx.published:
        return None
    return middle, SPAN if length <= 7 else MONTH, "window"


# ---------------------------------------------------------------------------------------
# English rules


@functools.cache
def _en_rules() -> tuple[_Rule, ...]:
    month = "|".join(sorted((m.capitalize() for m in _EN_MONTHS), key=len, reverse=True))
    mon = rf"(?P<mon>(?:{month})\.?)"
    wd = "|".join(_EN_WEEKDAYS)
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d\d)"
    wd_prefix = rf"(?:(?:{wd}),?\s+)?"
    num = "|".join(_EN_NUMBERS)

    def absolute(m: re.Match, ctx: _Ctx):
        mo = _EN_MONTHS[m["mon"].rstrip(".").lower()]
        d = int(m["day"])
        y = int(m["year"]) if m["year"] else _year_for(mo, d, ctx.published)
        if y is None or not _plausible_year(y):
            return None
        got = _safe_date(y, mo, d)
        return (got, DAY, "day month year" if m["year"] else "day month") if got else None

    def month_only(m: re.Match, ctx: _Ctx):
        mo = _EN_MONTHS[m["mon"].rstrip(".").lower()]
        part = _part_en(m["part"])
        if m["year"]:
            y = int(m["year"])
        elif ctx.published is not None:
            y = _latest_month(mo, ctx.published)
        else:
            return None
        if y is None:
            return None
        return _month_day(y, mo, part, ctx.published), MONTH, "month"

    def weekday(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        strictly = bool(m["last"])
        return (_weekday_on_or_before(ctx.published, _EN_WEEKDAYS[m["wd"]], strictly), DAY,
                "weekday")

    def ago(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        n = m["n"].lower()
        count = int(n) if n.isdigit() else _EN_NUMBERS.get(n, 3)
        if m["unit"].lower().startswith("week"):
            return ctx.published - dt.timedelta(days=7 * count), SPAN, "weeks ago"
        if count > 31:
            return None
        return ctx.published - dt.timedelta(days=count), DAY, "days ago"

    def day_range(m: re.Match, ctx: _Ctx):
        mo2 = _EN_MONTHS[m["mon"].rstrip(".").lower()]
        mo1 = _EN_MONTHS[m["mon1"].rstrip(".").lower()] if m["mon1"] else mo2
        y = int(m["year"]) if m["year"] else None
        return _range(int(m["d1"]), int(m["day"]), mo1, mo2, y, ctx)

    part = r"(?:(?P<part>early|mid|late|the\s+end\s+of|end\s+of|the\s+beginning\s+of|beginning\s+of" \
           r"|the\s+start\s+of|start\s+of|the\s+middle\s+of|middle\s+of)[\s-]+)?"
    parts_of_day = r"(?:\s+(?:morning|afternoon|evening|night|nights))?"
    i = "(?i:{})".format
    month_gate = _EN_MONTH_GATE
    weekday_gate = tuple(d.lower() for d in _EN_WEEKDAYS)
    wd_lead = i(r"(?:early|late|overnight|midday|the\s+night\s+of)(?:\s+on)?|yesterday|today|this")
    rules = [
        _Rule("window", re.compile(
            rf"\b(?:{i('between|from')}\s+)?(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+(?P<mon1>(?:{month})\.?))?"
            rf"\s*(?:-|–|{i('and|to|until|through')})\s*{day}\s+{mon}(?:,?\s+{year})?\b"),
            day_range, month_gate, _A_DIGIT, capital=True),
        _Rule("day month year", re.compile(
            rf"\b{wd_prefix}(?:the\s+)?{day}\s+(?:of\s+)?{mon}(?:,?\s+{year})?\b"), absolute, month_gate,
              _A_DIGIT, capital=True),
        _Rule("month day year", re.compile(
            rf"\b{wd_prefix}{mon}\s+{day}\b(?:,?\s+{year}\b)?"), absolute, month_gate, _A_DIGIT,
              capital=True),
        _Rule("month", re.compile(
            rf"\b(?P<in>{i('in|since|during|of|by|until|last|this')}\s+(?:the\s+month\s+of\s+)?)?{i(part)}"
            rf"{mon}(?:,?\s+{year})?\b"), _if_anchored(month_only), month_gate, capital=True),
        _Rule("weekday", re.compile(
            rf"\b(?:{i('on|since|by|until|from')}\s+)?"
            rf"(?:{wd_lead}\s+)?"
            rf"(?P<last>{i('last|this past|past')}\s+)?(?P<wd>{wd})(?:'s)?{i(parts_of_day)}\b"),
            weekday, weekday_gate, capital=True),
        _Rule("day before yesterday", re.compile(i(r"\bthe\s+day\s+before\s+yesterday\b")),
              _relative(2, DAY, "day before yesterday"), ("yesterday",)),
        _Rule("yesterday", re.compile(i(
            r"\b(?:(?:early|late)\s+)?yesterday(?:\s+(?:morning|afternoon|evening|night))?\b")),
              _relative(1, DAY, "yesterday"), ("yesterday",)),
        _Rule("night before", re.compile(i(
            r"\b(?:(?:late|early)\s+)?(?:last\s+night|overnight|during\s+the\s+night)\b")),
              _relative(1, DAY, "night before"), ("night",)),
        _Rule("today", re.compile(i(
            r"\b(?:earlier\s+|early\s+|late\s+)?today\b|\b(?:early\s+|earlier\s+)?this\s+(?:morning|afternoon)\b")),
              _relative(0, DAY, "today"), ("today", "this morning", "this afternoon")),
        _Rule("ago", re.compile(i(
            rf"\b(?P<n>\d{{1,2}}|{num}|a\s+few|several|few)\s+(?P<unit>days?|weeks?)\s+ago\b")), ago, (" ago",)),
        _Rule("last week", re.compile(i(
            r"\b(?:(?:early|late|earlier|later)\s+)?(?:last|past|previous)\s+week\b"
            r"|\bthe\s+(?:previous|past|last)\s+week\b")), _relative(7, SPAN, "last week"), ("week",)),
        _Rule("this week", re.compile(i(r"\b(?:(?:early|earlier)\s+)?this\s+week\b")),
              _this_week(0), ("week",)),
        _Rule("weekend", re.compile(i(
            r"\b(?:over|at|during|on)?\s*(?:the|this|last|this\s+past)\s+weekend\b")),
              _weekend(5), ("weekend",)),
        _Rule("few days", re.compile(i(
            r"\b(?:in|over|during|within)\s+(?:the\s+)?(?:recent|past|last)\s+(?:few\s+|several\s+|couple\s+of\s+|two\s+|three\s+)?days\b"
            r"|\bin\s+recent\s+days\b")), _relative(2, SPAN, "few days"), ("days",)),
        _Rule("24 hours", re.compile(i(
            r"\b(?:in|over|during|within)\s+(?:the\s+)?(?:past|last|previous)\s+(?:24|twenty-four|48|few)\s+hours\b")),
              _relative(0, SPAN, "past hours"), ("hours",)),
        _Rule("this month", re.compile(i(
            r"\b(?:earlier\s+(?:this|in\s+the)\s+month|this\s+month)\b")),
              _relative_month(0, "middle"), ("month",)),
        _Rule("last month", re.compile(i(
            r"\b(?:(?P<part>early|mid|late|earlier)[\s-]+)?last\s+month\b")),
              lambda m, ctx: _relative_month(1, _part_en(m["part"]))(m, ctx), ("month",)),
    ]
    return tuple(rules)


def _part_en(part: str | None) -> str:
    if not part:
        return "middle"
    p = part.lower()
    if p.startswith(("early", "the beginning", "beginning", "the start", "start")):
        return "start"
    if p.startswith(("late", "the end", "end")):
        return "end"
    return "middle"


def _if_anchored(handler: _Handler) -> _Handler:
    """A month name alone is a date only with a year, a "part" word or a preposition
    ("in May"); a capitalised "May" at the start of a clause is the verb."""
    def handle(m: re.Match, ctx: _Ctx):
        if not (m["year"] or m["part"] or m["in"]):
            return None
        return handler(m, ctx)
    return handle


# ---------------------------------------------------------------------------------------
# Arabic rules (on normalised text: ا for أإآ, ي for ى, ه for ة, digits in ASCII)


_AR_CLITIC = r"(?<!\w)(?:و|ف|ب|ل|وب|ول|فب)?"
_NUMERIC_GATE = re.compile(r"\d[/.-]\d")
_A_DIGIT = re.compile(r"\d")  # an "also" of the rules whose matches hold a number


@functools.cache
def _ar_rules() -> tuple[_Rule, ...]:
    greg, hijri = _ar_months()
    ordinals = _ar_ordinals()
    weekdays = _alt(_AR_WEEKDAYS)
    # آب (= father) and ماي are months only next to a day or a year.
    safe_months = {k: v for k, v in greg.items() if k not in ("اب", "ماي")}
    months = _alt(greg)
    # "آذار/مارس", "آذار (مارس)": the doubled style names the same month twice.
    mon = rf"(?P<mon>{months})(?:\s*[/(-]\s*(?:{months})\s*\)?)?"
    safe_mon = rf"(?P<mon>{_alt(safe_months)})(?:\s*[/(-]\s*(?:{months})\s*\)?)?"
    year = r"(?:\s*[،,]?\s*(?:من\s+)?(?:عام|العام|سنه|لعام|لسنه)?\s*(?P<year>(?:19|20)\d\d)(?:\s*م\b)?)"
    day_num = r"(?P<day>[0-3]?\d)"
    ordinal = rf"(?P<ord>{_alt(ordinals)})"
    of_month = r"(?:\s+من)?(?:\s+(?:شهر|الشهر))?\s+"
    wd_prefix = rf"(?:(?:يوم\s+)?(?:{weekdays})\s*[،,]?\s+(?:الموافق\s+)?)?"
    part = r"(?:(?P<part>مطلع|بدايه|بدء|اوائل|منتصف|اواسط|اواخر|نهايه|اخر|ختام)\s+)"
    day_parts = (r"(?:(?:صباح|صبيحه|مساء|فجر|ظهر|ظهيره|عصر|ليل|ليله|منتصف\s+ليل"
                 r"|ساعات\s+متاخره\s+من\s+ليل|ساعه\s+متاخره\s+من\s+ليل|في\s+وقت\s+متاخر\s+من)\s+)")
    hijri_mon = rf"(?P<hmon>{_alt(hijri)})"
    hijri_year = r"\s*[،,]?\s*(?:(?:عام|سنه|لعام)\s+)?(?P<hyear>1[34]\d\d)(?:\s*(?:ه|هجريه|للهجره)\b\.?)?"

    def absolute(m: re.Match, ctx: _Ctx):
        mo = greg[_key(m["mon"])]
        d = int(m["day"]) if m["day"] else ordinals[_key(m["ord"])]
        y = int(m["year"]) if m["year"] else _year_for(mo, d, ctx.published)
        if y is None or not _plausible_year(y):
            return None
        got = _safe_date(y, mo, d)
        how = "ordinal day" if m["ord"] else "day month"
        return (got, DAY, how + (" year" if m["year"] else "")) if got else None

    def month_only(m: re.Match, ctx: _Ctx):
        if not (m["year"] or m["part"] or m["in"]):
            return None
        mo = greg[_key(m["mon"])]
        if m["year"]:
            y = int(m["year"])
        elif ctx.published is not None:
            y = _latest_month(mo, ctx.published)
        else:
            return None
        if y is None:
            return None
        return _month_day(y, mo, _part_ar(m["part"]), ctx.published), MONTH, "month"

    def hijri_date(m: re.Match, ctx: _Ctx):
        d = int(m["day"]) if m["day"] else ordinals[_key(m["ord"])]
        got = _hijri(d, hijri[_key(m["hmon"])], int(m["hyear"]))
        return (got, DAY, "hijri (dateparser)") if got else None

    def hijri_yearless(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        d = int(m["day"]) if m["day"] else ordinals[_key(m["ord"])]
        mo = hijri[_key(m["hmon"])]
        # The Hijri year is about 354 days: of the candidate years around publication, the
        # latest day on or before it, unless the coming one is a plan within two months.
        guess = round((ctx.published.year - 622) * 33 / 32)
        days = [g for y in (guess + 1, guess, guess - 1, guess - 2)
                if (g := _hijri(d, mo, y)) is not None]
        if any(ctx.published < g <= ctx.published + dt.timedelta(days=_FUTURE_DAYS) for g in days):
            return None
        past = [g for g in days if g <= ctx.published]
        return (max(past), DAY, "hijri without year (dateparser)") if past else None

    def numeric(m: re.Match, ctx: _Ctx):
        if m["y1"]:
            y, mo, d = int(m["y1"]), int(m["m1"]), int(m["d1"])
        else:
            y, mo, d = int(m["y2"]), int(m["m2"]), int(m["d2"])
        if 1300 <= y < 1500:
            got = _hijri(d, mo, y)
            return (got, DAY, "hijri numeric (dateparser)") if got else None
        if not _plausible_year(y):
            return None
        got = _safe_date(y, mo, d)
        return (got, DAY, "numeric") if got else None

    def weekday(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        strictly = bool(m["last"])
        return (_weekday_on_or_before(ctx.published, _AR_WEEKDAYS[_key(m["wd"])], strictly),
                DAY, "weekday")

    def ago(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        n = m["n"]
        count = int(n) if n.isdigit() else _AR_NUMBERS[n]
        if m["unit"].startswith("اسبوع") or m["unit"].startswith("اسابيع"):
            return ctx.published - dt.timedelta(days=7 * count), SPAN, "weeks ago"
        return ctx.published - dt.timedelta(days=count), DAY, "days ago"

    def day_range(m: re.Match, ctx: _Ctx):
        mo = greg[_key(m["mon"])]
        return _range(int(m["d1"]), int(m["day"]), mo, mo, int(m["year"]) if m["year"] else None,
                      ctx)

    def week_of_month(m: re.Match, ctx: _Ctx):
        mo = greg[_key(m["mon"])]
        if m["year"]:
            y = int(m["year"])
        elif ctx.published is not None:
            y = _latest_month(mo, ctx.published)
        else:
            return None
        if y is None:
            return None
        last = calendar.monthrange(y, mo)[1]
        middle = {"الاول": 4, "الثاني": 11, "الثالث": 18, "الرابع": 25}.get(m["nth"], last - 3)
        return dt.date(y, mo, middle), SPAN, "week of month"

    def day_of_this_month(m: re.Match, ctx: _Ctx):
        if ctx.published is None:
            return None
        d = int(m["day"]) if m["day"] else ordinals[_key(m["ord"])]
        y, mo = ctx.published.year, ctx.published.month
        if m["which"] in ("الماضي", "المنصرم", "الفائت", "السابق"):
            y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
        got = _safe_date(y, mo, d)
        return (got, DAY, "day of this month") if got else None

    c = _AR_CLITIC
    # A Hijri month's first word, or its last for ذو/ذي القعدة, ذو/ذي الحجة ("الذي" is everywhere).
    hijri_gate = tuple({k.split()[-1] if k.split()[0] in ("ذو", "ذي") else k.split()[0]
                        for k in hijri})
    yearless = [k for k in hijri if k not in ("صفر", "رجب", "شعبان", "محرم")]
    month_gate = tuple(k for k in greg if k not in ("اب", "ماي")) + (" اب ", " ماي ")
    weekday_gate = tuple(_AR_WEEKDAYS)
    # Words a rule's matches hold besides the gate word (_Rule.also; a word inside a longer one
    # stands for both: ماضيه for الماضيه, اسبوع for اسبوعا).
    ago_words = ("قبل", "منذ")
    past_words = ("ماضيه", "اخيره", "فائته", "منصرمه")
    last_words = ("الماضي", "الفائت", "المنصرم", "السابق")
    this_words = ("هذا", "الجاري", "الحالي")
    rules = [
        _Rule("hijri", re.compile(
            rf"{c}(?P<d>{wd_prefix}(?:{day_num}|{ordinal}){of_month}{hijri_mon}{hijri_year})"),
              hijri_date, hijri_gate, _A_DIGIT),
        # Without a year only months that are not also words or names (صفر = zero, رجب,
        # شعبان, محرم).
        _Rule("hijri without year", re.compile(
            rf"{c}(?P<d>{wd_prefix}(?:{day_num}|{ordinal}){of_month}(?P<hmon>{_alt(yearless)}))(?!\w)"),
              hijri_yearless, hijri_gate),
        _Rule("numeric", re.compile(
            r"(?<![\d/.-])(?P<d>(?:(?P<d1>[0-3]?\d)[/.-](?P<m1>[01]?\d)[/.-](?P<y1>\d{4})"
            r"|(?P<y2>\d{4})[/.-](?P<m2>[01]?\d)[/.-](?P<d2>[0-3]?\d)))(?![\d/.-]*\d)"),
              _numeric_swap(numeric), _NUMERIC_GATE),
        _Rule("window", re.compile(
            rf"{c}(?P<d>(?:(?:بين|من)\s+)?(?:ال)?(?P<d1>[0-3]?\d)\s*(?:-|–|و|الي|حتي)\s*(?:ال)?{day_num}"
            rf"{of_month}{mon}{year}?)(?!\w)"), day_range, month_gate, _A_DIGIT),
        _Rule("day month", re.compile(
            rf"{c}(?P<d>{wd_prefix}(?:ال)?(?:{day_num}|{ordinal}){of_month}{mon}{year}?)(?!\w)"),
              absolute, month_gate),
        _Rule("month", re.compile(
            rf"{c}(?P<d>(?P<in>(?:في|خلال|منذ|حتي|الي)\s+)?{part}?(?:(?:شهر|الشهر)\s+)?{safe_mon}"
            rf"{year}?)(?!\w)"), month_only, month_gate),
        _Rule("weekday", re.compile(
            rf"{c}(?P<d>{day_parts}?(?:يوم\s+)?(?:(?:امس|الامس|اليوم)\s*\(?\s*)?(?:يوم\s+)?(?P<wd>{weekdays})"
            r"\)?(?P<last>\s+(?:الماضي|الفائت|المنصرم|السابق))?)(?!\w)"), weekday, weekday_gate),
        _Rule("day before yesterday", re.compile(
            rf"{c}(?P<d>{day_parts}?(?:يوم\s+)?(?:اول\s+(?:من\s+)?امس|امس\s+الاول))(?!\w)"),
              _relative(2, DAY, "day before yesterday"), ("امس",), ("اول",)),
        _Rule("yesterday", re.compile(
            rf"{c}(?P<d>{day_parts}?(?:يوم\s+)?(?:امس|الامس))(?!\w)"),
              _relative(1, DAY, "yesterday"), ("امس",)),
        _Rule("night before", re.compile(
            rf"{c}(?P<d>ليلا|الليله\s+الماضيه|ليل\s+الليله\s+الماضيه|خلال\s+الليل|الليله\s+قبل\s+الماضيه)(?!\w)"),
              _relative(1, DAY, "night before"), ("ليل",)),
        # Not today: "اليوم الأول / الوطني / التالي" (another ال-word follows), "في اليوم
        # نفسه / ذاته", "نفس اليوم" (the day of an event told before).
        _Rule("today", re.compile(
            rf"(?<!في\s)(?<!نفس\s){c}(?P<d>{day_parts}?اليوم)(?!\w)(?!\s+(?:ال|نفسه|ذاته))"),
              _relative(0, DAY, "today"), ("اليوم",)),
        _Rule("days ago", re.compile(
            rf"{c}(?P<d>(?:قبل|منذ)\s+(?:(?P<n>\d{{1,2}}|{_alt(_AR_NUMBERS)})\s+(?P<unit>ايام|يوما|اسابيع|اسبوعا)))(?!\w)"),
              ago, ("قبل", "منذ"), ("ايام", "يوما", "اسابيع", "اسبوع")),
        _Rule("two days ago", re.compile(rf"{c}(?P<d>(?:قبل|منذ)\s+يومين)(?!\w)"),
              _relative(2, DAY, "two days ago"), ("يومين",), ago_words),
        _Rule("week ago", re.compile(rf"{c}(?P<d>(?:قبل|منذ)\s+اسبوع)(?!\w)"),
              _relative(7, SPAN, "a week ago"), ("اسبوع",), ago_words),
        _Rule("two weeks ago", re.compile(rf"{c}(?P<d>(?:قبل|منذ)\s+اسبوعين)(?!\w)"),
              _relative(14, SPAN, "two weeks ago"), ("اسبوعين",), ago_words),
        _Rule("few days ago", re.compile(
            rf"{c}(?P<d>(?:قبل|منذ)\s+(?:بضعه\s+|عده\s+)?ايام(?:\s+قليله)?)(?!\w)"),
              _relative(3, SPAN, "few days ago"), ("ايام",), ago_words),
        _Rule("few days", re.compile(
            rf"{c}(?P<d>(?:(?:خلال|في|طيله|طوال)\s+)?(?:ال)?ايام\s+(?:القليله\s+)?(?:الماضيه|الاخيره|الفائته|المنصرمه))(?!\w)"),
              _relative(2, SPAN, "few days"), ("ايام",), past_words),
        _Rule("two days", re.compile(
            rf"{c}(?P<d>(?:(?:خلال|في|طيله|طوال)\s+)?(?:ال)?يومين\s+(?:ال)?(?:ماضيين|اخيرين|الماضيين|الاخيرين))(?!\w)"),
              _relative(1, SPAN, "two days"), ("يومين",), ("ماضيين", "اخيرين")),
        _Rule("week of month", re.compile(
            rf"{c}(?P<d>(?:ال)?اسبوع\s+(?P<nth>الاول|الثاني|الثالث|الرابع|الاخير){of_month}{mon}{year}?)(?!\w)"),
              week_of_month, month_gate, ("اسبوع",)),
        _Rule("day of this month", re.compile(
            rf"{c}(?P<d>(?:يوم\s+)?(?:ال)?(?:{day_num}|{ordinal})\s+من\s+(?:الشهر|هذا\s+الشهر)"
            rf"(?:\s+(?P<which>الجاري|الحالي|الماضي|المنصرم|الفائت|السابق))?)(?!\w)"),
              day_of_this_month, ("الشهر",)),
        _Rule("past hours", re.compile(
            rf"{c}(?P<d>(?:(?:خلال|في|طيله|طوال)\s+)?(?:ال\s*)?(?:24|48|اربع\s+وعشرين)?\s*(?:ساعه|الساعات)\s+(?:ال)?(?:ماضيه|الماضيه|الاخيره|المنصرمه))(?!\w)"),
              _relative(0, SPAN, "past hours"), ("ساع",), past_words),
        _Rule("last week", re.compile(
            rf"{c}(?P<d>(?:(?:مطلع|بدايه|اوائل|منتصف|اواخر|نهايه)\s+)?(?:الاسبوع|الاسبوع)\s+(?:الماضي|الفائت|المنصرم|السابق))(?!\w)"),
              _relative(7, SPAN, "last week"), ("اسبوع",), last_words),
        _Rule("this week", re.compile(
            rf"{c}(?P<d>(?:(?:مطلع|بدايه|اوائل|منتصف)\s+)?(?:هذا\s+الاسبوع|الاسبوع\s+(?:الجاري|الحالي)))(?!\w)"),
              _this_week(6), ("اسبوع",), this_words),
        _Rule("weekend", re.compile(
            rf"{c}(?P<d>(?:عطله\s+)?نهايه\s+الاسبوع(?:\s+(?:الماضي|الفائت|المنصرم))?)(?!\w)"),
              _weekend(4), ("اسبوع",), ("نهايه",)),
        _Rule("this month", re.compile(
            rf"{c}(?P<d>(?:{part})?(?:الشهر\s+(?:الجاري|الحالي)|هذا\s+الشهر))(?!\w)"),
              lambda m, ctx: _relative_month(0, _part_ar(m["part"]))(m, ctx), ("الشهر",), this_words),
        _Rule("last month", re.compile(
            rf"{c}(?P<d>(?:{part})?الشهر\s+(?:الماضي|الفائت|المنصرم|السابق))(?!\w)"),
              lambda m, ctx: _relative_month(1, _part_ar(m["part"]))(m, ctx), ("الشهر",), last_words),
    ]
    return tuple(rules)


def _numeric_swap(handler: _Handler) -> _Handler:
    """Numeric dates are day-first (Arab and British usage); an impossible day-first reading
    of an English date is read month-first."""
    def handle(m: re.Match, ctx: _Ctx):
        got = handler(m, ctx)
        if got is None and m["d1"] and int(m["m1"]) > 12 and int(m["d1"]) <= 12:
            y, mo, d = int(m["y1"]), int(m["d1"]), int(m["m1"])
            day = _safe_date(y, mo, d) if _plausible_year(y) else None
            return (day, DAY, "numeric (month first)") if day else None
        return got
    return handle


def _part_ar(part: str | None) -> str:
    if part in ("مطلع", "بدايه", "بدء", "اوائل"):
        return "start"
    if part in ("اواخر", "نهايه", "اخر", "ختام"):
        return "end"
    return "middle"


@functools.cache
def _rules(lang: str) -> tuple[_Rule, ...]:
    """Rules for ``lang``; English text also gets the numeric rule (2025-03-03, 07.04.2017)."""
    if lang == "ar":
        return _ar_rules()
    if lang == "en":
        numeric = next(r for r in _ar_rules() if r.name == "numeric")
        return _en_rules() + (numeric,)
    raise ValueError(f"dates: no rules for language {lang!r}; use 'ar' or 'en'")


# ---------------------------------------------------------------------------------------
# dateparser safety net


def _dateparser_fallback(text, folded, index, lang, published, offset, chosen, loose_at=None):
    """Dates in English text that a month name suggests and no rule explained, read by
    dateparser's search_dates with the language given; precision from its period.
    ``loose_at``: where the names' first three letters stand in ``folded``, when known."""
    if lang != "en":
        return []
    taken = [(s, e) for s, e, r in chosen if r is not None]
    out: list[DateMention] = []
    for m in _loose_months(folded, loose_at):
        if any(s <= m.start() < e for s, e in taken):
            continue
        lo, hi = max(0, m.start() - 12), min(len(folded), m.end() + 12)
        for hit in _search(folded[lo:hi], lang, published):
            s = folded.find(hit.text, lo, hi)
            if s < 0 or not re.search(r"\d", hit.text) or re.fullmatch(r"[\d\s]+", hit.text):
                continue
            e = s + len(hit.text)
            if any(s < te and e > ts for ts, te in taken):
                continue
            if published is not None and hit.date > published:
                continue
            taken.append((s, e))
            os_, oe = _original_span(text, index, s, e)
            out.append(DateMention(os_ + offset, oe + offset, text[os_:oe], hit.date,
                                   hit.precision, "dateparser search"))
    return out


_EN_LOOSE_MONTH = re.compile(
    r"\b(?:January|February|March|April|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b")
# The first three letters of every name above: a match starts only where one does.
_EN_LOOSE_STARTS = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _loose_months(text: str, at: list[int] | None = None) -> list[re.Match]:
    """``_EN_LOOSE_MONTH.finditer(text)``, tried only where a name's first three letters stand
    (``at``, sorted, when the caller found them; else 11 str.find scans): the leading \\b defeats
    the regex engine's first-character skip, and a scan of every offset cost 80 us per English
    article. Names hold no capital after their first letter, so no two matches overlap and the
    matches are the same."""
    if at is None:
        return finditer_where(_EN_LOOSE_MONTH, text, _EN_LOOSE_STARTS)
    return finditer_at(_EN_LOOSE_MONTH, text, at)


@dataclass(frozen=True)
class _Hit:
    text: str
    date: dt.date
    precision: int


@functools.lru_cache(maxsize=4096)
def _search(snippet: str, lang: str, published: dt.date | None) -> tuple[_Hit, ...]:
    from dateparser.search import search_dates

    base = dt.datetime.combine(published or dt.date(2100, 1, 1), dt.time(12))
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY",
                "REQUIRE_PARTS": ["month", "year"] if published is None else ["month"],
                "RETURN_TIME_AS_PERIOD": True}
    found = search_dates(snippet, languages=[lang], settings=settings) or []
    hits = []
    for piece, when in found:
        period = _parser(lang).get_date_data(piece).period or "day"
        precision = {"day": DAY, "week": SPAN, "month": MONTH}.get(period)
        if precision is None:
            continue
        day = when.date()
        if precision == MONTH:
            day = day.replace(day=15)
        hits.append(_Hit(piece, day, precision))
    return tuple(hits)


@functools.cache
def _parser(lang: str):
    from dateparser.date import DateDataParser

    return DateDataParser(languages=[lang], settings={"PREFER_DATES_FROM": "past",
                                                      "DATE_ORDER": "DMY"})
