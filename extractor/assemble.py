"""Assemble event rows from the mentions found in one article.

Events are found per sentence (clause, for Arabic round-ups): a sentence with an
asserted trigger is a candidate; place and date attach from the same sentence first,
then the sentences before it in the same paragraph, the event just before, the title
and lead; actors come from the sentence. Candidates of the same day and place that can
be one engagement merge (ACLED's unit of an event). docs/coding.md has every rule.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import accumulate

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc

from . import actors as actors_mod
from . import dates as dates_mod
from . import fatalities as fatalities_mod
from . import places as places_mod
from . import triggers as triggers_mod
from . import unlisted as unlisted_mod
from .errors import ArticleError
from .nlp import COLUMNS, SUPPORTED_LANGUAGES, columns, get_nlp, text_of
from .normalise import detect_language
from .records import ActorMention, Article, DateMention, Event, Fatalities, Place, Trigger

ARMED_INTER = {1, 2, 3, 4, 8}
STATE_FORCES, NON_STATE_ARMED = 1, {2, 3, 4}
VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
# Changes of territory: background unless their own sentence dates them.
TERRITORY = {"Government regains territory", "Non-state actor overtakes territory",
             "Non-violent transfer of territory"}
# Remote violence from different platforms (aircraft, ground artillery) is two events at one
# place and day (ACLED: one event per sub-event type, place, day and actors).
SEPARATE_TACTICS = {"Air/drone strike", "Shelling/artillery/missile attack"}
MIN_CONFIDENCE = 0.3  # below it the evidence is too thin for a row (a lone weak trigger)
# Older happenings told as background: the article's news is at most this old (see docs).
MAX_AGE_DAYS = 10
PRECISION_COST = 40  # characters of distance one step of geo_precision is worth
# A speech verb just before a date: "said on Sunday", "قال ... اليوم الأحد" (the report's day).
REPORT_REACH = 45
REPORT_VERB = re.compile(
    r"\b(?:said|says|told|reported|announced|stated|added|confirmed)\b(?![^.,]*\b(?:that)\b)[^.]*$"
    r"|(?:^|\s)(?:قال|قالت|أفاد|افاد|أفادت|افادت|أعلن|اعلن|أعلنت|اعلنت|ذكر|ذكرت|أكد|اكد|أكدت|اكدت|أوضح|اوضح)"
    r"(?![^،.]*\s(?:إن|ان|أن|إنه|انه|أنه))[^.]*$")
SINCE = re.compile(r"(?:منذ|since)\b", re.IGNORECASE)  # a date mention that starts a state
# Between two listed places: "X, Y", "X and Y", "X وY", "بلدة X وقرية Y".
LIST_GAP = re.compile(r"\s*(?:[,،]|and|or|&|أو|و)?\s*(?:و?(?:قرية|بلدة|مدينة|بلدات|قرى)\s+)?")
CIVILIANS, UNIDENTIFIED = 7, 3
DATELINE_COST = 1000  # a dateline's place is the event's only when the text names no other
DATELINE_AFTER = re.compile(r"\s*(?:\([^)]{1,30}\)|[-–—:]\s|[0-9٠-٩])")
LETTER = re.compile(r"[^\W\d_]")
_DATELINE_BLANKS = frozenset(" \t\"'“”«»")  # what may stand before a dateline on its line
DATELINE_REACH = 40  # characters from the body's start within which a dateline is written
TOLD_DAYS = 3  # how far before a statement's day the next sentence may date its event
# English: a date before a speech verb that introduces the trigger's clause ("But on Saturday the
# Observatory ... quoted sources as saying that IS had killed 270") is the statement's day.
SAID_THEN = re.compile(r"\b(?:said|says|reported|reports|quoted|told|announced|stated|confirmed|added)\b"
                       r"[^.]*?\b(?:that|as saying)\b")
SAID_REACH = 200  # characters between such a date and the trigger
# English: a tally over at least a week ("among those killed in clashes over the last 15 days").
TALLY_DAYS = re.compile(r"\b(?:over|in|during|for)\s+the\s+(?:last|past)\s+(\d+)\s+days\b",
                        re.IGNORECASE)
TALLY_MIN_DAYS = 7
PERFECT = re.compile(r"\b(?:have|has)(?:\s+\w+){0,2}?\s+\w+(?:ed|en|wn)\b", re.IGNORECASE)  # "have also been killed"
# English: "the nearby town of X", "a nearby village": a place other than the one just told.
NEARBY = re.compile(r"\bnearby\s+(?:(?:town|village|city|district|area|suburb|neighbou?rhood)\s+"
                    r"(?:of\s+)?)?$", re.IGNORECASE)
NEARBY_REACH = 40  # characters before a place name
LOOKBACK = 2  # sentences of the same paragraph an event may borrow a place or date from

# Strategic developments that can be country-wide when a text names no place below its country
# (an arrest campaign, an agreement, a decree); a handover or a movement of forces happens somewhere.
COUNTRY_LEVEL = frozenset({"Arrests", "Agreement", "Other"})

# Confidence factors by where a field came from (see docs/coding.md).
PLACE_FACTOR = {"sentence": 1.0, "paragraph": 0.85, "previous event": 0.8, "title": 0.75, "lead": 0.7,
                "country-level": 0.6}
DATE_FACTOR = {"sentence": 1.0, "report": 0.8, "paragraph": 0.9, "previous event": 0.9, "lead": 0.85,
               "publication": 0.75}


@dataclass
class Extraction:
    """What one article yielded: its events and the candidates left without a date."""

    article: Article
    language: str
    events: list[Event]
    unresolved_dates: int = 0


@dataclass
class Candidate:
    """An event in the making: the sentences and mentions it was read from."""

    sentences: list[int]  # indices of the article's sentences
    triggers: list[Trigger]
    place: Place
    place_from: str
    date: DateMention
    date_from: str
    actors: list[ActorMention]
    fatalities: list[Fatalities] = field(default_factory=list)
    last: int = 0  # index of the last sentence read into it
    share: tuple[int, int] = (0, 1)  # k of n places listed for one report ("villages X, Y and Z")
    kind: tuple[str, str] | None = None  # typed() of the current triggers and actors, cached
    named: frozenset[str] | None = None  # named_actors() of the current actors, cached


def tally_days(text: str) -> list[re.Match]:
    """``TALLY_DAYS.finditer(text)``, run only when the text holds "days" in some case (or
    "ſ", which the case-blind pattern reads as an s): its leading \\b and alternation try every
    offset (55 us per English article), and most texts give no stretch of days."""
    if "days" not in text.lower() and "\u017f" not in text:
        return []
    return list(TALLY_DAYS.finditer(text))


def named_precision(place: Place) -> int:
    """How precisely the text names the place: a village the gazetteer lacks is as precise as
    its name (1), whatever coordinates it borrowed ("بلدة المزاريب قرب مدينة درعا" is in
    Al-Muzayrib; "near Taramchuk, Donetsk" is not Donetsk city)."""
    return 1 if unlisted_mod.is_unlisted(place) else place.geo_precision


def extract(article: Article) -> Extraction:
    """All events of one article (raises ArticleError for an unsupported language)."""
    lang = article.language or detect_language(article.text)
    if lang not in SUPPORTED_LANGUAGES:
        raise ArticleError(article.origin, f"language {lang!r} is not supported "
                           f"({', '.join(SUPPORTED_LANGUAGES)}); pass --lang to force one",
                           article.id)
    nlp = get_nlp(lang)
    title = article.title.strip()
    prefix = f"{title}\n\n" if title else ""
    doc = nlp(prefix + article.text)
    found = triggers_mod.find_triggers(doc)
    if not any(t.modality == "asserted" and t.start >= len(prefix) for t in found):
        # No event is told: every other stage would find mentions that nothing reads.
        return Extraction(article, lang, [])
    return Assembler(article, lang, doc, len(prefix), found).run()


# One short article per supported language: extracting it loads everything extraction needs.
_WARM_UP = {"ar": "اشتباكات في الموصل أمس.", "en": "Clashes in Mosul yesterday."}


def warm_up() -> None:
    """Load every pipeline, lexicon and memo that extraction needs, the gazetteer and the
    language identifier, by extracting a short article in each supported language."""
    for lang in SUPPORTED_LANGUAGES:
        extract(Article(id="warm-up", text=_WARM_UP[lang], language=lang))
    detect_language(_WARM_UP["en"])
    places_mod.default_gazetteer().index.load_all()  # a run unpickles name groups as its texts need them


class SpanIndex:
    """Character spans, for "is this offset or span inside one of them?" asked of every
    mention: a bisect instead of a scan of every span (an article has about 30 actor names
    and 50 place names)."""

    def __init__(self, spans):
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        # the furthest end of the spans that start at or before each one
        self.reaches = list(accumulate((e for _, e in ordered), max))

    def reach(self, at: int) -> int:
        """The furthest end of the spans that start at or before ``at`` (-1 when none does):
        a span [s, e) holds offset ``at`` iff that is past ``at``, and holds [at, end) iff it
        is at least ``end``."""
        k = bisect.bisect_right(self.starts, at) - 1
        return self.reaches[k] if k >= 0 else -1


_SENT_START = COLUMNS.index(SENT_START)


def sentence_bounds(doc: Doc) -> tuple[list[int], list[int], list[bool]]:
    """The character offsets where the Doc's sentences start and end, and whether each ends
    its paragraph (its last token is white space with a line break): what ``doc.sents`` gives,
    with a Token per sentence start and end instead of a Span per sentence."""
    n = len(doc)
    if not n:
        return [], [], []
    heads = numpy.flatnonzero(columns(doc)[:, _SENT_START] == 1).tolist()
    if not heads or heads[0]:
        heads.insert(0, 0)  # doc.sents always opens a sentence at the first token
    lasts = [doc[h - 1] for h in heads[1:]]
    lasts.append(doc[n - 1])
    return ([doc[h].idx for h in heads], [t.idx + len(t) for t in lasts],
            [t.is_space and "\n" in t.text for t in lasts])


class Assembler:
    """Builds the events of one analysed article; see the module docstring."""

    def __init__(self, article: Article, lang: str, doc: Doc, body_start: int,
                 found_triggers: list[Trigger]):
        """``found_triggers``: ``triggers.find_triggers(doc)``."""
        self.article, self.lang, self.doc, self.body_start = article, lang, doc, body_start
        # Sentence offsets from attribute arrays: list(doc.sents) builds a Span per sentence.
        self.starts, self.ends, self.ends_paragraph = sentence_bounds(doc)
        self.actors = actors_mod.find_actors(doc)
        self.text = text_of(doc)  # doc.text is built from the tokens on every access
        # The actors' countries ("Houthi" -> Yemen) are weak context for ambiguous place names.
        found = places_mod.find_places(doc, hints=actors_mod.countries(self.actors))
        # A place named inside an actor's name is part of the name, not where anything happened
        # ("Hay'at Tahrir al-Sham" is not Damascus, "Quds Force" not Jerusalem, "military
        # forces of Artsakh" not the region); countries stay, as context.
        names = SpanIndex((a.start, a.end) for a in self.actors)
        found = [p for p in found if p.kind == "country" or names.reach(p.start) < p.end]
        # Villages and neighbourhoods the gazetteer lacks, coded to the place named for them.
        self.places = sorted(found + unlisted_mod.find_unlisted(doc, found, self.text),
                             key=lambda p: p.start)
        self.triggers = [t for t in found_triggers if t.modality == "asserted" and t.start >= body_start]
        self.fatalities = fatalities_mod.find_fatalities(doc)
        # One dateparser pass per article; sentences pick their mentions by offset.
        self.dates = dates_mod.find_dates(self.text, lang, article.published)
        # A photo caption, tag list or related-news box is no part of the news: its day ("...
        # Idlib province August 6 2016 (TRT World and Agencies)"), places, actors and tolls are not
        # the event's, though the sentence splitter glues the caption to the news after it.
        hidden = triggers_mod.hidden_spans(doc)
        if hidden:
            boxes = SpanIndex(hidden)
            self.places, self.actors, self.fatalities, self.dates = (
                [x for x in mentions if boxes.reach(x.start) <= x.start]
                for mentions in (self.places, self.actors, self.fatalities, self.dates))
        # Mentions grouped by sentence once: articles have hundreds of sentences.
        # English: sentences that tell another, uncoded event (background, a threat, a tally): a
        # death count there is that event's ("... the site of a 2017 chemical attack that killed 80").
        self.muted = ({self.sentence_at(t.start) for t in found_triggers if t.modality != "asserted"}
                      if lang == "en" else set())
        self.places_by, self.actors_by, self.triggers_by, self.fatalities_by, self.dates_by = (
            self.per_sentence(x) for x in
            (self.places, self.actors, self.triggers, self.fatalities, self.dates))
        self.datelines = {p.start for p in self.places if self.is_dateline(p)}
        # Sentences that tell an ongoing situation ("protests over the past few weeks").
        self.vague = {self.sentence_at(s) for s, _ in dates_mod.vague_periods(self.text, lang)}
        # English sentences that give a stretch of a week or more: a tally, or the period of one.
        self.tallies = self.vague | ({self.sentence_at(m.start()) for m in tally_days(self.text)
                                      if int(m.group(1)) >= TALLY_MIN_DAYS} if lang == "en" else set())
        countries = Counter(p.country for p in self.places if p.resolved and p.country)
        self.country = countries.most_common(1)[0][0] if countries else ""
        self.unresolved = 0
        # Sentence facts read for every trigger and candidate, taken from the tokens once.
        self.first_body = next((k for k, s in enumerate(self.starts) if s >= body_start), 0)
        self.best_of: dict[tuple[int, ...], Trigger | None] = {}
        self.report_dates: dict[tuple[int, object], bool] = {}

    # -- per-sentence lookups -------------------------------------------------
    def sentence_at(self, offset: int) -> int:
        """Index of the sentence a character offset falls in (-1 before the first)."""
        return bisect.bisect_right(self.starts, offset) - 1

    def per_sentence(self, items: list) -> list[list]:
        """``items`` (with a ``start`` offset) grouped by the sentence they start in."""
        out: list[list] = [[] for _ in self.starts]
        starts, at = self.starts, bisect.bisect_right  # sentence_at, inlined (a call per mention)
        for x in items:
            k = at(starts, x.start) - 1
            if k >= 0:
                out[k].append(x)
        return out

    def dates_in(self, i: int) -> list[DateMention]:
        return self.dates_by[i]

    def best_type(self, trigs: list[Trigger]) -> Trigger | None:
        """``triggers.best_type``, once per set of triggers: merging and typing ask again and
        again for the same candidates' (the triggers outlive the assembly, so ids are keys)."""
        key = tuple(map(id, trigs))
        if key not in self.best_of:
            self.best_of[key] = triggers_mod.best_type(trigs)
        return self.best_of[key]

    def paragraph_before(self, i: int) -> list[int]:
        """Indices of up to LOOKBACK earlier body sentences in the same paragraph, nearest first."""
        out = []
        for j in range(i - 1, max(-1, i - 1 - LOOKBACK), -1):
            if self.ends_paragraph[j] or self.starts[j] < self.body_start:
                break
            out.append(j)
        return out

    def lead(self) -> list[int]:
        """Indices of the title sentences and the first two body sentences (the lead)."""
        return list(range(0, min(len(self.starts), self.first_body + 2)))

    def place_for(self, i: int, trig: Trigger, prev: Candidate | None = None
                  ) -> tuple[Place, str] | None:
        def best(found: list[Place]) -> Place | None:
            usable = [p for p in found if p.resolved and p.kind != "country" and p.geo_precision]
            if not usable:
                return None
            # Nearest to the trigger, a vaguer place counting as farther away: "an ambush near
            # Amain in Abyan ..., the convoy from Aden" is in Abyan, not in Aden.
            chosen = min(usable, key=lambda p: abs(p.start - trig.start) + PRECISION_COST * (
                named_precision(p) - 1) + DATELINE_COST * (p.start in self.datelines))
            # A neighbourhood of the chosen town is the same place, told more precisely.
            inside = [p for p in usable if p.location.startswith(f"{chosen.location} - ")]
            return inside[0] if inside else chosen

        own = best(self.places_by[i])
        if own:
            return own, "sentence"
        for j in self.paragraph_before(i):
            p = best(self.places_by[j])
            if p:
                return p, "paragraph"
        if prev is not None and prev.last == i - 1:
            return prev.place, "previous event"
        for j in self.lead():
            # Where the report was filed is no place for an event of another sentence.
            p = best([p for p in self.places_by[j] if p.start not in self.datelines])
            if p:
                return p, "title" if self.starts[j] < self.body_start else "lead"
        return self.national_place(i, trig)

    def national_place(self, i: int, trig: Trigger) -> tuple[Place, str] | None:
        """The capital, for a country-level strategic development: the codebook's exception to
        "country-only events are not coded". Country-level is a national act ("lawmakers
        approved a new government") of a country named in the sentence, or a development in a
        text that names no place below its country ("Houthi security forces carried out an
        arrest campaign"), located by the sentence's countries, its actors' or the text's."""
        if trig.event_type != "Strategic developments":
            return None
        named = [p for p in self.places_by[i] if p.kind == "country"]
        if any(triggers_mod.has_flag(t, triggers_mod.NATIONAL_FLAG) for t in self.triggers_by[i]):
            for p in named:
                if capital := places_mod.national_capital(p):
                    return capital, "sentence"
        if trig.sub_event_type not in COUNTRY_LEVEL or any(p.resolved and p.kind != "country" for p in self.places):
            return None
        for p in named:
            if capital := places_mod.national_capital(p):
                return capital, "country-level"
        for a in self.actors_by[i]:
            for name in actors_mod.countries([a]):
                if capital := places_mod.national_capital(
                        places_mod.country_place(name, a.start, a.end, a.text)):
                    return capital, "country-level"
        return None

    def date_for(self, i: int, trig: Trigger, prev: Candidate | None = None
                 ) -> tuple[DateMention, str] | None:
        # The start of a state ("who have held it since March", "clashes have continued since
        # Friday") dates no event: such a sentence is dated as if it named no day.
        own = [d for d in self.dates_in(i) if not self.is_since(d)]
        if own:
            # The day a statement was made ("قال ... اليوم الأحد إن", "said on Sunday") is the
            # report's date, not the event's: taken only when nothing else dates the sentence.
            def reported(d: DateMention) -> bool:
                return self.is_report_date(d) or self.said_before(d, trig)
            best = min(own, key=lambda d: (reported(d), abs(d.start - trig.start)))
            if not reported(best):
                return best, "sentence"
            # Only the statement's day dates the sentence: the event may be earlier, and the
            # next sentence of the paragraph often says when ("..., the Observatory said on
            # Saturday. The fighting broke out late on Friday.").
            told = self.told_next(i, best)
            return (told, "paragraph") if told else (best, "report")
        for j in self.paragraph_before(i):
            if self.dates_in(j):
                ranked = sorted(self.dates_in(j), key=self.is_report_date)
                return ranked[0], "paragraph"
        if prev is not None and prev.last == i - 1:
            return prev.date, "previous event"
        for j in self.lead():
            if j != i and self.dates_in(j):
                return sorted(self.dates_in(j), key=self.is_report_date)[0], "lead"
        if self.article.published:
            body = [d for d in self.dates if d.start >= self.body_start and not self.is_since(d)]
            return dates_mod.article_date(body, self.article.published), "publication"
        return None

    def is_dateline(self, p: Place) -> bool:
        """A place that opens a line or sentence as a dateline: "DAMASCUS (Sputnik) ...",
        "BAGHDAD - ...", "بيروت 26 شوال 1436 هـ ..." (where the report was filed, not where
        the event happened)."""
        if p.start < self.body_start:
            return False
        line_start = self.text.rfind("\n", 0, p.start) + 1
        k = self.sentence_at(p.start)
        opening = max(line_start, self.starts[k] if k >= 0 else 0)
        # anything but blanks and quotes between the opening and the name (read back from the
        # name: a copy of the text since the sentence's start cost more)
        q = p.start - 1
        while q >= opening and self.text[q] in _DATELINE_BLANKS:
            q -= 1
        if q >= opening:
            return False
        # A name in capitals is a dateline ("BAGHDAD ..."); a short one is an acronym ("UAE").
        return bool(DATELINE_AFTER.match(self.text, p.end)) or (
            p.text.isupper() and len(p.text) > 3)

    def told_next(self, i: int, report: DateMention) -> DateMention | None:
        """A date of the next sentence of the same paragraph that is not a report date and
        falls in the few days before ``report``."""
        if i + 1 >= len(self.starts) or self.ends_paragraph[i]:
            return None
        for d in self.dates_in(i + 1):
            if not self.is_report_date(d) and 0 < (report.date - d.date).days <= TOLD_DAYS:
                return d
        return None

    def is_since(self, d: DateMention) -> bool:
        """"since March", "منذ الجمعة": when a state began, not when an event happened."""
        return bool(SINCE.search(self.text, max(0, d.start - 5), d.start + 6))

    def opens_body(self, start: int) -> bool:
        """Does a mention at ``start`` open the body, as a dateline does: nothing but digits and
        punctuation before it ("07.04.2017 ..."), only the dateline's place ("DAMASCUS, Dec 19
        (Reuters) -"), or a publication date that does? A date in the lead's first sentence
        ("Air strikes on Monday") is not."""
        if not 0 <= start - self.body_start < DATELINE_REACH:
            return False
        before = self.text[self.body_start:start]
        if not LETTER.search(before) or any(self.body_start <= p < start for p in self.datelines):
            return True
        # a stamp line repeats it: "07.04.2017(updated 1121 07.04.2017)"
        return any(self.body_start <= d.start < start and d.date == self.article.published
                   and not LETTER.search(self.text[self.body_start:d.start]) for d in self.dates)

    def said_before(self, d: DateMention, trig: Trigger) -> bool:
        """English: the date heads a statement whose reported clause holds the trigger ("on
        Saturday the monitor quoted sources as saying that ... had killed"): the statement's day."""
        if self.lang != "en" or not 0 <= trig.start - d.end <= SAID_REACH:
            return False
        return bool(SAID_THEN.search(self.text, d.end, trig.start))

    def is_report_date(self, d: DateMention) -> bool:
        """The day a statement was made ("said on Sunday"), or the dateline: the publication
        day written at the head of the body ("07.04.2017 ...", "December 19 2016 ...")."""
        key = (d.start, d.date)  # asked again for each trigger and sentence that looks at d
        if key not in self.report_dates:
            self.report_dates[key] = (
                d.date == self.article.published and self.opens_body(d.start)
                or bool(REPORT_VERB.search(self.text[max(0, d.start - REPORT_REACH):d.start])))
        return self.report_dates[key]

    # -- assembly -------------------------------------------------------------
    def run(self) -> Extraction:
        cands: list[Candidate] = []
        for i in range(len(self.starts)):
            trigs = self.triggers_by[i]
            if not trigs:
                deaths = self.fatalities_by[i]
                if (deaths and cands and cands[-1].last == i - 1 and self.paragraph_before(i)
                        and i not in self.muted):
                    # "Three soldiers were killed." continues the event before it.
                    cands[-1].fatalities = cands[-1].fatalities + deaths
                    cands[-1].sentences.append(i)
                    cands[-1].last = i
                continue
            cand = self.candidate(i, trigs, cands[-1] if cands else None)
            if cand is None or self.is_tally(i, cand):
                continue
            listed = self.listed_with(cand)
            if len(listed) > 1:  # one event per location (ACLED), the toll split evenly
                cands += self.per_place(cand, listed, i)
            elif cands and self.continues(cands[-1], cand, i):
                self.absorb(cands[-1], cand)
            else:
                cands.append(cand)
            cands += self.other_events(i, cand, {p.entry_id for p in listed})
        merged = self.merge(cands)
        events = [e for e in map(self.to_event, merged) if e is not None]
        return Extraction(self.article, self.lang, events, self.unresolved)

    def candidate(self, i: int, trigs: list[Trigger], prev: Candidate | None = None
                  ) -> Candidate | None:
        """The sentence's event, from the trigger that wins by priority; a trigger dated as
        background ("captured last month") drops out with the others dated by the same mention,
        and the rest of the sentence is tried again."""
        trigs = list(trigs)
        while trigs:
            trig = self.best_type(trigs)
            if trig is None:
                return None
            place = self.place_for(i, trig, prev)
            if place is None:
                return None
            date = self.date_for(i, trig, prev)
            if date is None:
                self.unresolved += 1
                return None
            if i in self.vague and date[1] not in ("sentence", "report"):
                return None  # dated only "over the past weeks": a situation, not an event
            if trig.sub_event_type in TERRITORY and date[1] not in ("sentence", "report"):
                # "IS seized Sirte": who holds a town is background unless the sentence dates it.
                trigs = [t for t in trigs if t.sub_event_type not in TERRITORY]
                continue
            published = self.article.published
            if published and (published - date[0].date).days > MAX_AGE_DAYS:
                stale = date[0]
                trigs = [t for t in trigs if t is not trig and self.date_for(i, t, prev)[0] != stale]
                continue
            return Candidate([i], trigs, place[0], place[1], date[0], date[1],
                             list(self.actors_by[i]), list(self.fatalities_by[i]), last=i)
        return None

    def is_tally(self, i: int, cand: Candidate) -> bool:
        """English: a sentence that its own sentence does not date, followed by one that gives the
        stretch of a week or more it covers and names no place of its own, is a cumulative tally
        ("At least 327 people have been killed in clashes in Aleppo province. 76 children were
        among those killed over the last 15 days."), which the codebook does not code."""
        if self.lang != "en" or cand.date_from == "sentence" or i + 1 not in self.tallies:
            return False
        # a tally is told in the perfect ("have been killed"); "Gunmen killed two farmers. The
        # village has been attacked four times over the past 14 days." tells the news, then its past
        if not PERFECT.search(self.text, self.starts[i], self.starts[i + 1]):
            return False
        return not any(p.resolved and p.kind != "country" for p in self.places_by[i + 1])

    def listed_with(self, cand: Candidate) -> list[Place]:
        """The towns listed together with the candidate's own town ("قرى X وY وZ", "X, Y and Z")."""
        if cand.place_from != "sentence" or cand.place.kind != "city":
            return [cand.place]
        # A village known only by name, coded to its province ("gn:...@SY.10", precision 2),
        # is still a location of its own.
        towns = [p for p in self.places_by[cand.last]
                 if p.resolved and p.kind == "city" and (p.geo_precision == 1 or "@" in p.entry_id)]
        runs: list[list[Place]] = []
        for p in towns:
            gap = self.text[runs[-1][-1].end:p.start] if runs else None
            # With nothing between them, an Arabic name joins a list only by its و ("الحواش
            # والقاهرة"); "العيسوية بالقدس" is a place in the town named after it.
            if gap is not None and LIST_GAP.fullmatch(gap) and (gap.strip() or p.text.startswith("و")):
                runs[-1].append(p)
            else:
                runs.append([p])
        run = next((r for r in runs if any(p.entry_id == cand.place.entry_id for p in r)), [])
        distinct = list({p.entry_id: p for p in run}.values())
        return distinct if len(distinct) > 1 else [cand.place]

    @staticmethod
    def per_place(cand: Candidate, listed: list[Place], i: int) -> list[Candidate]:
        """One candidate per listed place, the toll split evenly."""
        return [replace(cand, place=p, share=(k, len(listed)), sentences=[i],
                        triggers=list(cand.triggers), actors=list(cand.actors),
                        fatalities=list(cand.fatalities)) for k, p in enumerate(listed)]

    def other_events(self, i: int, cand: Candidate, covered: set[str]
                     ) -> list[Candidate]:
        """Events of another tactic at other places of the same sentence: "clashes around
        villages A and B, accompanied by barrel bombs on villages C and D" is a battle at A and
        B and air strikes on C and D. Same day; the death counts stay with the main event."""
        if cand.place_from != "sentence":
            return []
        # A trigger here points at a place of its own sentence only through place_for's own
        # sentence (national_place names no violent event): with no such place, or one that the
        # candidate already covers, no group can be found (most sentences; skips a place_for per
        # trigger).
        usable = [p for p in self.places_by[i] if p.resolved and p.kind != "country" and p.geo_precision]
        if not usable or len(usable) == 1 and usable[0].entry_id in covered:
            return []
        main = self.best_type(cand.triggers)
        # The triggers that point at each other place of the sentence, in text order.
        groups: dict[str, tuple[Place, list[Trigger]]] = {}
        for t in sorted(cand.triggers, key=lambda t: t.start):
            if t.needs_target or t.strength < triggers_mod.WEAK or t.event_type not in VIOLENT:
                continue
            found = self.place_for(i, t)
            if found is None or found[1] != "sentence" or found[0].geo_precision == 3:
                continue
            groups.setdefault(found[0].entry_id, (found[0], []))[1].append(t)
        out: list[Candidate] = []
        for entry_id, (place, same) in groups.items():
            if entry_id in covered:
                continue  # (before typing the group: most sentences point at their own place only)
            kind = self.best_type(same)
            if kind is None or kind.sub_event_type == main.sub_event_type:
                continue
            other = replace(cand, triggers=same, place=place, sentences=[i], kind=None,
                            actors=list(cand.actors), fatalities=[], share=(0, 1))
            listed = self.listed_with(other)
            covered |= {p.entry_id for p in listed}
            out += self.per_place(other, listed, i) if len(listed) > 1 else [other]
        return out

    def continues(self, prev: Candidate, cand: Candidate, i: int) -> bool:
        """A sentence naming no place of its own, on the same day, continues the event before it
        ("... attacked a checkpoint near Al Qaim. Three soldiers were killed in the fighting.")."""
        return (prev.last == i - 1 and cand.place_from != "sentence"
                and cand.date.date == prev.date.date)

    @staticmethod
    def absorb(into: Candidate, other: Candidate) -> None:
        into.kind = into.named = None
        if named_precision(other.place) < named_precision(into.place):
            into.place, into.place_from = other.place, other.place_from
        into.last = max(into.last, other.last)
        into.sentences += other.sentences
        into.triggers += other.triggers
        into.actors += other.actors
        into.fatalities += other.fatalities

    def merge(self, cands: list[Candidate]) -> list[Candidate]:
        """ACLED's unit: one event per day, place and actors (see docs/coding.md)."""
        out: list[Candidate] = []
        for c in cands:
            for o in out:
                retold = None  # retold() is None for two candidates of the same day
                if o.date.date != c.date.date:
                    retold = self.retold(o, c)
                    if retold is None:
                        continue
                if not self.same_event(o, c):
                    continue
                if self.same_place(o, c) and not self.nearby(o, c):
                    self.absorb(o, c)
                    if retold is not None:  # the event's own day, not the later statement's
                        o.date, o.date_from = retold.date, retold.date_from
                    break
                closer = self.told_closer(o, c)
                if closer is not None:
                    self.absorb(o, c)
                    o.place, o.place_from = closer.place, closer.place_from
                    break
            else:
                out.append(c)
        return out

    def nearby(self, a: Candidate, b: Candidate) -> bool:
        """English: a province-only event and one at a place the text calls "nearby" ("ISIS
        attacked two villages in Hama province ... ISIS shelling on the nearby town of
        Salamiyeh") are two events: "nearby" sets the town apart from where the first happened."""
        if self.lang != "en" or a.place.entry_id == b.place.entry_id:
            return False
        return any(NEARBY.search(
            self.text, max(0, c.place.start - NEARBY_REACH), c.place.start) for c in (a, b))

    def retold(self, a: Candidate, b: Candidate) -> Candidate | None:
        """English: of two candidates a few days apart, the earlier one when the later is dated
        only by a statement's day ("... had killed 270 during the assault, the monitor said on
        Saturday" after "... captured the field on Thursday"): an update of the toll of an event
        already told, not a new event (ACLED's unit). None when the rule does not apply."""
        if self.lang != "en" or a.date.date == b.date.date:
            return None
        early, late = (a, b) if a.date.date < b.date.date else (b, a)
        if (late.date_from not in ("report", "publication")
                or (late.date.date - early.date.date).days > TOLD_DAYS):
            return None
        return early

    def told_closer(self, a: Candidate, b: Candidate) -> Candidate | None:
        """Of two consecutive sentences with the same tactic, the one that names a village or
        suburb the gazetteer lacks for the other's town ("shelling of Aden ... the shelling of
        the suburb of Dar Saad north of Aden") tells the same event more precisely."""
        first, second = (a, b) if a.last < b.last else (b, a)
        if second.last - first.last != 1 or self.typed(a)[1] != self.typed(b)[1]:
            return None
        for closer, town in ((a, b), (b, a)):
            p, t = closer.place, town.place
            if (unlisted_mod.is_unlisted(p) and t.kind == "city"
                    and t.geo_precision == 1 and (p.latitude, p.longitude) == (t.latitude, t.longitude)):
                return closer
        return None

    @staticmethod
    def same_place(a: Candidate, b: Candidate) -> bool:
        """The same gazetteer entry, or a province-only mention and a place in that province."""
        if a.place.entry_id == b.place.entry_id:
            return True
        vague = [c for c in (a, b) if c.place.geo_precision == 3]
        return len(vague) == 1 and a.place.admin1 == b.place.admin1 and a.place.country == b.place.country

    def same_event(self, a: Candidate, b: Candidate) -> bool:
        """Types that one engagement can show (battle and its remote violence, a strike and its
        victims) and actor sets that do not contradict (one names no actor, or one's are the other's)."""
        (ta, sa), (tb, sb) = self.typed(a), self.typed(b)
        if ta != tb:  # (most pairs compared are of one type: no sets to build)
            crowd = {ta, tb} & {"Protests", "Riots"}
            if crowd and {ta, tb} - crowd == {"Violence against civilians"}:
                # Security forces killing one of the crowd is the crowd event told twice
                # (codebook: excessive force against protesters), not an attack of its own.
                attack = a if ta == "Violence against civilians" else b
                return all(m.inter in (STATE_FORCES, CIVILIANS) or m.role_hint in ("protester", "rioter")
                           for m in attack.actors)
            if not {ta, tb} <= VIOLENT and not {ta, tb} <= {"Protests", "Riots"}:
                return False
        if sa != sb and sa in SEPARATE_TACTICS and sb in SEPARATE_TACTICS:
            return False  # helicopters' barrel bombs and the army's shelling: two events
        named_a, named_b = self.named_actors(a), self.named_actors(b)
        return not named_a or not named_b or named_a <= named_b or named_b <= named_a

    @staticmethod
    def named_actors(c: Candidate) -> frozenset[str]:
        """The keys of the candidate's armed or named actors: "militants" or "gunmen"
        contradict no named group (the same fighters, told vaguely). Cached: merging compares
        every pair."""
        if c.named is None:
            c.named = frozenset(m.key for m in c.actors
                                if m.inter != CIVILIANS and m.role_hint != "unidentified")
        return c.named

    def typed(self, c: Candidate) -> tuple[str, str]:
        """(event_type, sub_event_type) of a candidate, decided with its actors where the
        codebook says who was involved decides: an attack is a battle only between two armed
        sides; an arrest by a non-state group is an abduction."""
        if c.kind is None:  # merging compares every pair: type each candidate once
            c.kind = self.typed_now(c)
        return c.kind

    def typed_now(self, c: Candidate) -> tuple[str, str]:
        trig = self.best_type(c.triggers)
        armed = {m.key for m in c.actors if m.inter in ARMED_INTER}
        if trig.needs_target:
            if len(armed) >= 2:
                return "Battles", "Armed clash"
            return "Violence against civilians", "Attack"
        if trig.sub_event_type == "Arrests":
            inters = {m.inter for m in c.actors}
            if inters & NON_STATE_ARMED and STATE_FORCES not in inters:
                return "Violence against civilians", "Abduction/forced disappearance"
        return trig.event_type, trig.sub_event_type

    def roles(self, c: Candidate, typed: tuple[str, str]) -> actors_mod.Roles:
        """The actor columns by the codebook's roles for the event type."""
        country = c.place.country or self.country
        named = actors_mod.names(c.actors, country, c.date.date)
        return actors_mod.assign_roles(named, typed[0], typed[1], country)

    def to_event(self, c: Candidate) -> Event | None:
        """The row of a candidate; None when it is not coded: its evidence is too thin
        (confidence below MIN_CONFIDENCE) or it has no actor1 (a strategic development with no
        actor named). Those two are checked first, before the costlier fields are built."""
        trig = self.best_type(c.triggers)
        named_actor = any(m.inter != UNIDENTIFIED for m in c.actors)
        confidence = round(min(1.0, trig.strength * PLACE_FACTOR[c.place_from]
                               * DATE_FACTOR[c.date_from] * (1.0 if named_actor else 0.9)), 3)
        if confidence < MIN_CONFIDENCE:
            return None
        etype, sub = self.typed(c)
        r = self.roles(c, (etype, sub))
        if not r.actor1:
            return None
        start = min(self.starts[k] for k in c.sentences)
        end = max(self.ends[k] for k in c.sentences)
        base, extra = divmod(fatalities_mod.total(c.fatalities), c.share[1])
        deaths = base + (c.share[0] < extra)  # split evenly, the remainder to the first
        offset = self.body_start
        body_start, body_end = max(0, start - offset), max(0, end - offset)
        # Known only from bodies found: the day of the finding, not of the killing (a window).
        found = all(triggers_mod.has_flag(t, triggers_mod.FOUND_FLAG) for t in c.triggers)
        event = Event(
            event_date=c.date.date, time_precision=max(c.date.precision, 2) if found else c.date.precision,
            event_type=etype,
            sub_event_type=sub, actor1=r.actor1, assoc_actor_1=r.assoc_actor_1, inter1=r.inter1,
            actor2=r.actor2, assoc_actor_2=r.assoc_actor_2, inter2=r.inter2,
            civilian_targeting=r.civilian_targeting,
            place=c.place, source=self.article.source, fatalities=deaths,
            article_id=self.article.id, url=self.article.url, published=self.article.published,
            language=self.lang, confidence=confidence,
            evidence=" ".join(self.article.text[body_start:body_end].split()),
            evidence_start=body_start, evidence_end=body_end,
        )
        event.notes = describe(event)
        return event


@functools.lru_cache(maxsize=4_096)
def _day_words(day: dt.date) -> str:
    """"9 May 2024" (strftime per event cost more than the rest of the note)."""
    return f"{day.day} {day:%B %Y}"


def describe(e: Event) -> str:
    """A short ACLED-style English note built only from the row's fields."""
    p = e.place
    where = p.location if p else ""
    if p and p.admin1 and p.admin1 != p.location:
        where += f" ({p.admin1})"
    day = _day_words(e.event_date)
    when = f"On {day}" if e.time_precision == 1 else f"Around {day}"
    who = e.actor1 or "Unidentified actors"
    against = f" involving {e.actor2}" if e.actor2 else ""
    text = f"{when}, {e.sub_event_type.lower()} by {who}{against} in {where}."
    if e.fatalities:
        text += f" {e.fatalities} {'fatality' if e.fatalities == 1 else 'fatalities'} reported."
    if p and unlisted_mod.is_unlisted(p):
        text += f" Location {p.how}."  # the name to geocode later
    return text
