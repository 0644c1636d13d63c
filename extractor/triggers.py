"""Event detection and typing: trigger lexicons, modality and the codebook's priority.

A trigger is a word or phrase from ``resources/{lang}/triggers.csv`` found in a Doc by
an n-gram index over ``token.norm_`` (the one normal form of
:mod:`extractor.normalise`; Arabic proclitics are stripped by the NORM component).
Each trigger carries ACLED's event and sub-event type, a strength, whether the type
depends on who was hit (``needs_target``), and its modality: "asserted" when the
clause around it reports an event, otherwise why not ("negated", "future",
"hypothetical", "threat", "history", "question", "related-news"). Cue words and
their scope come from ``resources/{lang}/modality.csv``. See docs/triggers.md.
"""
from __future__ import annotations

import bisect
import csv
import functools
import io
import re
from dataclasses import dataclass, replace
from itertools import compress
from importlib import resources

import numpy
from spacy.tokens import Doc

from .errors import ExtractorError
from .nlp import WordTable, columns, text_of, word_array
from .normalise import find_all, finditer_at, finditer_where, gate_windows, normalise
from .records import Trigger

# (event_type, sub_event_type) in the codebook's priority order: higher wins when
# several tactics are reported for one event.
PRIORITY: list[tuple[str, str]] = [
    ("Battles", "Government regains territory"),
    ("Battles", "Non-state actor overtakes territory"),
    ("Battles", "Armed clash"),
    ("Protests", "Excessive force against protesters"),
    ("Protests", "Protest with intervention"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Violent demonstration"),
    ("Riots", "Mob violence"),
    ("Explosions/Remote violence", "Chemical weapon"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Suicide bomb"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Explosions/Remote violence", "Grenade"),
    ("Violence against civilians", "Sexual violence"),
    ("Violence against civilians", "Attack"),
    ("Violence against civilians", "Abduction/forced disappearance"),
    ("Strategic developments", "Agreement"),
    ("Strategic developments", "Arrests"),
    ("Strategic developments", "Change to group/activity"),
    ("Strategic developments", "Disrupted weapons use"),
    ("Strategic developments", "Headquarters or base established"),
    ("Strategic developments", "Looting/property destruction"),
    ("Strategic developments", "Non-violent transfer of territory"),
    ("Strategic developments", "Other"),
]

RANK = {pair: i for i, pair in enumerate(PRIORITY)}
MODALITIES = ("asserted", "negated", "future", "hypothetical", "threat", "history", "question",
              "related-news")
GAP = "..."  # pattern token: up to MAX_GAP arbitrary tokens
MAX_GAP = 4
BLOCK = "-"  # event_type of a stop phrase: it hides shorter triggers inside it, then is dropped
WEAK = 0.5  # below this a trigger counts only when no stronger one was found
NEGATION_REACH = 5  # tokens between a negation cue and the trigger it negates
WINDOW = 10  # tokens a cue may stand before (or a history year after) its trigger
SCOPES = frozenset({"before", "after", "both", "topic", "sentence", "next", "adjacent"})
NEXT_REACH = 2  # a "next" cue starts at most this many tokens after the trigger
# Which cue scopes are looked for in which part of the sentence around a trigger.
SIDE_SCOPES = {"before": frozenset({"before", "both", "topic", "adjacent"}),
               "after": frozenset({"after", "both", "next"}),
               "sentence": frozenset({"sentence"})}
PLACEHOLDERS = frozenset({"{YEAR}", "{MONTH}", "{NUM}"})
YEAR = re.compile(r"^(19|20)\d\d$")
EN_MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july",
                       "august", "september", "october", "november", "december",
                       "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                       "oct", "nov", "dec"})
# Lines that open a "related news" box of headlines inside a web page (normalised).
RELATED_MARKERS = frozenset(normalise(s) for s in (
    "أخبار ذات علاقة", "أخبار ذات صلة", "اقرأ أيضا", "اقرأ أيضاً", "اقرأ المزيد",
    "مواضيع ذات صلة", "مقالات ذات صلة", "related news", "related", "related articles",
    "related stories", "read also", "read more", "see also", "more on this"))
RELATED_LINES = 3  # headline lines that follow a marker
# Web-page chrome a scraper keeps: tag lists to the end of their line, topic banners with their
# article count, and photo credits (their caption is not the news).
CHROME_WORDS = ("Tags", "سمات", "الكلمات الدالة", "وسوم", "رابط الخبر", "رابط المقال")
CREDIT_WORDS = ("REUTERS", "Reuters", "AFP", "AP", "EPA", "Getty", "Photo", "photo", "Agencies", "SANA",
                "Anadolu")
# A link line repeating the paper's own headline ("رابط الخبر بصحيفة ...: <headline>") is chrome too.
CHROME_TAGS = re.compile(r"(?:^|[\s.])((?:Tags|سمات|الكلمات الدالة|وسوم|رابط الخبر|رابط المقال)\s[^\n.!?؟]{0,200})$",
                         re.M)
CHROME_TOPIC = re.compile(r"\bTopic\s[^\n()]{0,120}\(\d+\)")
# A "read more" link or a "Photo:" caption inside the body: the marker and what follows, to its
# sentence end.
CHROME_READ = re.compile(r"\b(?:READ MORE|Read more|Read More|ALSO READ|Also read|Read also|RELATED|Related"
                         r"|WATCH|Watch|RECOMMENDED|Recommended|See also|PHOTO|Photo|FILE PHOTO|File photo)\s?:\s")
# Every CHROME_READ match ends one character past its colon and starts at most this many before it.
CHROME_READ_REACH = 12
# The title of an embedded video, as a scraper keeps it: "<headline> - YouTube".
CHROME_VIDEO = re.compile(r"\s[-–|]\s*YouTube\b")
PHOTO_CREDIT = re.compile(r"\b(?:REUTERS|AFP|AP|EPA|Getty Images)/|\((?:Reuters|AFP|AP|EPA|Anadolu) Photo\)"
                          r"|\b(?:AP|AFP|Reuters|EPA|Anadolu) Photo\b|\([A-Z][\w ]{0,40}\bAgencies\)"
                          # "(Photo: AFP)", "(Photo by Name)", "(AFP/File)", "(Reuters / Name)"
                          r"|\((?:File )?[Pp]hoto(?::| by| credit:?)\s[^()\n]{1,60}\)"
                          r"|\((?:AFP|AP|EPA|Reuters|REUTERS|Getty Images|Anadolu Agency|SANA)\s?/\s?[^()\n]{1,40}\)")
RELATED_MAX_CHARS = 150

# Flags carried in a trigger's rule string (see the lexicon header): best_type reads the first four;
# "national" marks a country-level strategic development (a government formed, a confidence vote),
# which ACLED codes to the capital when no place inside the country is named (the assembler's rule).
TYPING_FLAGS = frozenset({"label", "crowd", "kill", "demo", "national", "found", "cache"})
NATIONAL_FLAG = "national"
CACHE_FLAG = "cache"  # a weapons cache: disrupted when found or seized, a target when struck
FOUND_FLAG = "found"  # bodies found: the killing's day is unknown (time_precision 2 at least)


def has_flag(trigger: Trigger, flag: str) -> bool:
    """Does the trigger's lexicon entry carry this typing flag? (Its rule is "lang:id:flag...";
    a substring test would also match an id such as "found-dead".)"""
    return flag in trigger.rule.split(":")[2:]
# ACLED records a crowd size ("[size=no report]", "[size=hundreds]") only in the notes of
# demonstration events, so a text carrying the tag reports a crowd: its violence is a riot.
# find_triggers marks every trigger of such a text with the ":size" rule flag.
CROWD_SIZE_TAG = "[size="
DEMO = frozenset({"Protests", "Riots"})  # crowd event types
CLAUSE_PUNCT = frozenset({",", "،", ";", "؛", ":", "(", ")", "«", "»", '"', "“", "”", "—", "–",
                          ".", "!", "?", "؟"})
CLAUSE_WORDS = {
    "en": frozenset({"but", "while", "whereas", "after", "when", "amid", "which", "who",
                     "where", "although", "though", "because", "as", "whilst"}),
    "ar": frozenset(normalise(w) for w in (
        "بينما", "فيما", "حيث", "لكن", "لكنها", "لكنه", "بعد", "عندما", "حين", "التي", "الذي",
        "الذين", "إذ", "ثم", "حتى", "كما", "بعدما", "عندها")),
}
# Tiny closed sets of exceptions to single-word cues (Arabic idioms that are not negation).
AR_LA_NOT_NEGATION = frozenset(normalise(w) for w in ("زال", "يزال", "تزال", "تزل", "يزل", "سيما"))
AR_QAD_PAST = frozenset({normalise("تم")})
# "that attack" is an event the text already told only where "that" cannot be a conjunction:
# at a sentence start or after a preposition ("after that attack"), not "reported that clashes ..."
# nor "reported through the app \"X\" that shoot-outs ..." (a quote opens a clause, not a sentence).
EN_THAT_BEFORE = frozenset({"", "after", "before", "during", "since", "following", "in", "of", "by",
                            "from", "on", "to", "for", "with"})
TALLY_MIN_DAYS = 7  # "over the last 15 days" is a tally; "in the past 2 days" a dated window
EN_STRETCH = frozenset({("-", "week"), ("-", "month")})  # "three-week seizure", "nine-month siege"
EN_REPORTED = ("reported", "the")  # "that reported the attack": an event told elsewhere
EN_WAR = frozenset({"war", "conflict"})  # last words of the war-toll cues ("killed in the war")
EN_SINCE_TIME = EN_MONTHS | frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday",
    "today", "dawn", "morning", "midnight", "noon", "last", "early", "late"})


class LexiconError(ExtractorError):
    """A trigger or modality lexicon row is malformed (file and line say where)."""


@dataclass(frozen=True)
class Entry:
    """One lexicon row: a phrase pattern and the type it signals."""

    id: str
    pattern: str
    event_type: str
    sub_event_type: str
    strength: float
    needs_target: bool
    flags: frozenset[str]


@dataclass(frozen=True)
class Cue:
    """A modality cue: normalised tokens, the reason it gives, and where it may stand."""

    tokens: tuple[str, ...]
    modality: str
    # "before": in the clause before the trigger; "after": after it; "both"; "topic": before
    # it, but only for non-crowd triggers (what a protest is "against" is not this event);
    # "sentence": anywhere before it in its sentence (threat verbs govern a whole sentence);
    # "next": right after it, for a modal that follows its subject ("fighting may resume")
    scope: str


# -- lexicon loading ----------------------------------------------------------------

@functools.cache
def _cue_index(lang: str) -> dict[str, list[tuple[int, Cue]]]:
    """Cues by their first word, with their row order (the first matching row wins)."""
    index: dict[str, list[tuple[int, Cue]]] = {}
    for order, cue in enumerate(cues(lang)):
        index.setdefault(cue.tokens[0], []).append((order, cue))
    return index


def _rows(lang: str, name: str) -> list[tuple[int, dict[str, str]]]:
    path = resources.files("extractor") / "resources" / lang / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise LexiconError(f"resources/{lang}/{name} is missing; reinstall the package") from exc
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in lines)))
    return [(lines[k + 1][0], row) for k, row in enumerate(reader)]


@functools.cache
def entries(lang: str) -> tuple[Entry, ...]:
    """The trigger lexicon of ``lang``, validated against the codebook's type list."""
    out = []
    seen: set[str] = set()
    for line, row in _rows(lang, "triggers.csv"):
        where = f"resources/{lang}/triggers.csv line {line}"
        try:
            entry = Entry(row["id"].strip(), row["pattern"].strip(), row["event_type"].strip(),
                          row["sub_event_type"].strip(), float(row["strength"]),
                          row["needs_target"].strip().lower() in {"1", "true", "yes"},
                          frozenset(f for f in (row.get("flags") or "").split(";") if f))
        except (KeyError, ValueError, AttributeError) as exc:
            raise LexiconError(f"{where}: malformed row ({exc}); see the header comment") from exc
        if entry.id in seen:
            raise LexiconError(f"{where}: duplicate id {entry.id!r}")
        seen.add(entry.id)
        if entry.event_type != BLOCK and (entry.event_type, entry.sub_event_type) not in RANK:
            raise LexiconError(f"{where}: unknown type {entry.event_type!r} / "
                               f"{entry.sub_event_type!r}; use ACLED's exact strings")
        if not 0.0 <= entry.strength <= 1.0 or not entry.pattern:
            raise LexiconError(f"{where}: strength must be 0..1 and pattern non-empty")
        out.append(entry)
    return tuple(out)


@functools.cache
def cues(lang: str) -> tuple[Cue, ...]:
    """Modality cues of ``lang`` from ``resources/{lang}/modality.csv``."""
    out = []
    for line, row in _rows(lang, "modality.csv"):
        modality, scope = row.get("modality", "").strip(), row.get("scope", "").strip()
        if modality not in MODALITIES[1:] or scope not in SCOPES:
            raise LexiconError(f"resources/{lang}/modality.csv line {line}: bad modality "
                               f"{modality!r} or scope {scope!r}")
        out.append(Cue(tuple(normalise(t) if t not in PLACEHOLDERS else t
                             for t in row["cue"].split()), modality, scope))
    return tuple(out)


@functools.lru_cache(maxsize=None)  # pieces repeat across entries (5356 calls, 1874 pieces)
def _tokenise(lang: str, text: str) -> tuple[str, ...]:
    """Normalised tokens of one pattern piece, split the way the blank tokenizer splits."""
    from .nlp import word_pieces  # one spacy.blank per language and process

    return tuple(normalise(w) for w in word_pieces(lang, text))


def _variants(lang: str, entry: Entry) -> list[list[list[str] | None]]:
    """Token patterns of an entry: lists of alternative norms, ``None`` for a gap.

    Arabic nouns flagged ``al`` also get the definite form of every word
    (عبوة ناسفة → العبوة الناسفة): the article is part of the word and is not a
    proclitic the NORM component strips.
    """
    steps: list[list[str] | None] = []
    for piece in entry.pattern.split():
        if piece == GAP:
            steps.append(None)
            continue
        alts = [_tokenise(lang, alt) for alt in piece.split("|")]
        if len(alts) == 1:
            steps.extend([t] for t in alts[0])
        elif all(len(a) == 1 for a in alts):
            steps.append([a[0] for a in alts])
        else:
            raise LexiconError(f"{lang} trigger {entry.id}: alternatives must be single tokens")
    out = [steps]
    if lang == "ar" and "al" in entry.flags:
        out.append([None if s is None else [w if w.startswith("ال") else "ال" + w for w in s]
                    for s in steps])
    return out


def vocabulary(lang: str) -> set[str]:
    """Normalised words of every trigger and cue pattern, for clitic stripping.

    Every word (not only the first) is returned, so that a clitic on any word of
    a phrase is stripped (بعبوة ناسفة → عبوة ناسفة; واشتبكت → اشتبكت).
    """
    if lang not in {"ar", "en"}:
        return set()
    words: set[str] = set()
    for entry in entries(lang):
        for variant in _variants(lang, entry):
            for step in variant:
                if step:
                    words.update(step)
    for cue in cues(lang):
        words.update(t for t in cue.tokens if not t.startswith("{"))
    return words


Step = frozenset[str] | None  # one pattern word (its alternative norms), or None for a gap


@functools.cache
def _index(lang: str) -> dict[str, list[tuple[Entry, tuple[Step, ...]]]]:
    """Patterns by the norms of their first word, built once per language.

    A hand-rolled n-gram index instead of spaCy's Matcher: only tokens that can
    start a pattern are tried, which is ~100x faster than the Matcher's per-token
    set predicates on a lexicon of this size (docs/triggers.md, speed).
    """
    index: dict[str, list[tuple[Entry, tuple[Step, ...]]]] = {}
    for entry in entries(lang):
        for variant in _variants(lang, entry):
            steps = tuple(None if s is None else frozenset(s) for s in variant)
            if steps[0] is None:
                raise LexiconError(f"{lang} trigger {entry.id}: a pattern cannot start with a gap")
            for norm in steps[0]:
                index.setdefault(norm, []).append((entry, steps))
    return index


def _match_at(norms: list[str], i: int, steps: tuple[Step, ...]) -> int:
    """End of the shortest match of ``steps`` starting at token ``i``, or -1."""
    if None not in steps:  # most patterns have no gap: a plain walk, no recursion
        end = i + len(steps)
        if end > len(norms):
            return -1
        for k in range(1, len(steps)):  # the index already matched the first word
            if norms[i + k] not in steps[k]:
                return -1
        return end

    def go(k: int, j: int) -> int:
        if k == len(steps):
            return j
        step = steps[k]
        if step is None:
            for skip in range(MAX_GAP + 1):
                end = go(k + 1, j + skip)
                if end >= 0:
                    return end
            return -1
        if j < len(norms) and norms[j] in step:
            return go(k + 1, j + 1)
        return -1
    return go(0, i)


@dataclass
class _View:
    """Per-token data of one Doc read once as attribute arrays (Token objects are slow):
    text, norm, character offset, punctuation, clause boundary and sentence bounds."""

    lang: str
    text: str
    texts: list[str]
    norms: list[str]
    idx: list[int]
    punct: list[bool]
    boundary: list[bool]
    bounds: list[int]  # the token where each sentence starts, then the number of tokens
    cue_at: list[int]  # token positions where some modality cue may start (given the next word)
    hidden: list[tuple[int, int]]  # character ranges of related-news boxes and page chrome

    def sentence(self, k: int) -> tuple[int, int]:
        """The first token of the sentence that holds token ``k`` and the token after its last
        (a bisect: a list of both for every token cost more than the few dozen asked)."""
        j = bisect.bisect_right(self.bounds, k) - 1
        return self.bounds[j], self.bounds[j + 1]


# What matching and modality read of a word: (norm hash, text, norm, clause boundary?, which
# cues may start at it: see _followers), kept per word of the Doc's word table (which has a
# word's norm for its pipeline) under a key per language.
_TOKENS = "triggers.tokens"
CACHE_LIMIT = 200_000


_TEXT, _NORM, _BOUNDARY, _CUE_START = 1, 2, 3, 4  # columns of the token info


def _token_info(doc: Doc, lang: str) -> numpy.ndarray:
    """What matching and modality need of each token, one row per token (object columns, read
    a column at a time), made once per word (news repeats words)."""
    def make(table: WordTable, w: int) -> tuple:
        word, norm = table.texts[w], table.norm_texts[w]
        return (table.norms[w], word, norm, _is_boundary(word, norm, lang),
                _followers(_cues_starting(_cue_index(lang), norm)))

    return word_array(doc, (_TOKENS, lang), make, object, 5)


def _followers(starting: tuple[tuple[int, Cue], ...]) -> bool | tuple[frozenset[str], tuple[str, ...]]:
    """What a word must be followed by for one of the cues ``starting`` at it to stand there:
    False when no cue starts at it, True when a one-word cue does (any word may follow), else
    (the cues' second words, their second placeholders such as {NUM})."""
    if not starting:
        return False
    if any(len(cue.tokens) == 1 for _, cue in starting):
        return True
    seconds = {cue.tokens[1] for _, cue in starting}
    return frozenset(seconds - PLACEHOLDERS), tuple(sorted(seconds & PLACEHOLDERS))


def _cue_starts(followers: list, norms: list[str]) -> list[int]:
    """Token positions where some cue may start, given the word after it: what
    ``_cues_starting(index, word, "", next word)`` finds something for. Most words that start a
    cue (في، على، the, in) start only two-word ones that the next word rules out: three in
    four such positions per Arabic article; modality skips the clause walk of a trigger whose
    sentence has none left."""
    n = len(norms)
    out = []
    for pos in compress(range(n), followers):
        want = followers[pos]
        if want is True:
            out.append(pos)
            continue
        nxt = norms[pos + 1] if pos + 1 < n else ""
        # a placeholder fits only a word that opens with a digit ({NUM}, {YEAR}) or a month name
        if nxt in want[0] or want[1] and (nxt[:1].isdigit() or nxt in EN_MONTHS) and any(
                _word_fits(nxt, w) for w in want[1]):
            out.append(pos)
    return out


def _view(doc: Doc, rows=None, infos=None, norms: list[str] | None = None) -> _View:
    """The attribute arrays of ``doc`` that matching and modality read (``rows``, ``infos`` and
    ``norms``: what find_triggers already read)."""
    lang = doc.lang_
    if rows is None:
        rows = columns(doc)  # ORTH, NORM, IDX, IS_PUNCT, SENT_START, ...
    if infos is None:
        infos = _token_info(doc, lang)
    texts = infos[:, _TEXT].tolist()
    # doc.text would build a Token object per token: the pipeline's Doc keeps its input text
    text = text_of(doc)
    n = len(infos)
    starts = numpy.flatnonzero(rows[:, 4] == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    if norms is None:
        norms = infos[:, _NORM].tolist()
    view = _View(lang, text, texts, norms,
                 rows[:, 2].tolist(), (rows[:, 3] != 0).tolist(), infos[:, _BOUNDARY].tolist(),
                 starts + [n], _cue_starts(infos[:, _CUE_START].tolist(), norms), [])
    view.hidden = _related_spans(text) + _chrome_spans(view)
    return view


# The view find_triggers built last, with its Doc: the assembler asks hidden_spans of the same Doc
# right after, and the view is the costly part. Holding the Doc keeps its identity unique.
_LAST_VIEW: dict[str, tuple[Doc, _View]] = {}


# Per pattern index, (word, next word) -> the patterns starting at the word that can match there:
# one-word patterns and those whose second step admits the next word (or is a gap), in index
# order. Most patterns are several words and most tries failed on the second one. Each is kept
# with its steps before and after its gap (see _split_gap). Kept with its index and bounded like
# the token cache.
_PAIRS: dict[str, tuple[dict, dict[tuple[str, str | None], tuple]]] = {}


def _matches(norms: list[str], lang: str) -> list[tuple[int, int, Entry]]:
    index = _index(lang)
    held = _PAIRS.get(lang)
    if held is None or held[0] is not index or len(held[1]) >= CACHE_LIMIT:
        held = _PAIRS[lang] = (index, {})
    pairs = held[1]
    out = []
    n = len(norms)
    heads = list(map(index.get, norms))  # one C-level pass; a pattern starts at few tokens
    for i in compress(range(n), heads):
        key = (norms[i], norms[i + 1] if i + 1 < n else None)
        tries = pairs.get(key)
        if tries is None:
            nxt = key[1]
            tries = pairs[key] = tuple((entry, steps, *_split_gap(steps)) for entry, steps in heads[i]
                                       if len(steps) == 1 or steps[1] is None
                                       or (nxt is not None and nxt in steps[1]))
        for entry, steps, head, tail in tries:
            if tail is not None:
                end = _match_gap(norms, i, head, tail)
            elif len(steps) == 1:  # the index matched the one word
                end = i + 1
            else:  # no gap (a plain walk), or several gaps
                end = _match_at(norms, i, steps)
            if end > i:
                out.append((i, end, entry))
    return out


def _split_gap(steps: tuple[Step, ...]) -> tuple[tuple[Step, ...], tuple[Step, ...] | None]:
    """(the steps before the gap, the steps after it) of a pattern with exactly one gap;
    (steps, None) for any other pattern."""
    if steps.count(None) != 1:
        return steps, None
    g = steps.index(None)
    return steps[:g], steps[g + 1:]


def _match_gap(norms: list[str], i: int, head: tuple[Step, ...], tail: tuple[Step, ...]) -> int:
    """``_match_at`` for a pattern of one gap (``head``, up to MAX_GAP words, ``tail``) without
    its recursion: the gap's lengths tried shortest first, the first that fits wins, as there.
    A fifth of the tries are such patterns ("استعاد ... السيطرة") and most fail."""
    n = len(norms)
    j = i + len(head)
    if j > n:
        return -1
    for k in range(1, len(head)):  # the index already matched the first word
        if norms[i + k] not in head[k]:
            return -1
    if not tail:  # a gap that ends the pattern takes no word
        return j
    first, rest = tail[0], tail[1:]
    for at, word in enumerate(norms[j:j + MAX_GAP + 1], j):
        if word in first:
            end = at + 1
            for step in rest:
                if end >= n or norms[end] not in step:
                    break
                end += 1
            else:
                return end
    return -1


# -- finding triggers -------------------------------------------------------------------

def find_triggers(doc: Doc) -> list[Trigger]:
    """Every trigger in ``doc`` with its type, strength and modality, in text order.

    Overlapping matches keep the longest (then strongest) one, so "shot down a drone"
    is Disrupted weapons use and not an air strike; stop phrases (type "-") hide
    what they cover and are dropped.
    """
    lang = doc.lang_
    if lang not in {"ar", "en"} or not len(doc):
        return []
    rows = columns(doc)  # ORTH, NORM, IDX, IS_PUNCT, SENT_START, ...
    infos = _token_info(doc, lang)
    norms = infos[:, _NORM].tolist()
    found = _matches(norms, lang)
    if not found:
        return []
    view = _view(doc, rows, infos, norms)
    _LAST_VIEW["view"] = (doc, view)
    text, norms = view.text, view.norms
    # ACLED label prefixes ("Looting:") count only at the start of a text.
    found = [m for m in found if "label" not in m[2].flags or not text[:view.idx[m[0]]].strip()]
    # Longest first; at equal length a stop phrase wins, then the stronger entry.
    found.sort(key=lambda m: (-(m[1] - m[0]), m[2].event_type != BLOCK, -m[2].strength, m[0]))
    taken = [False] * len(norms)
    kept = []
    for start, end, entry in found:
        if any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        if entry.event_type != BLOCK:
            kept.append((start, end, entry))
    kept.sort(key=lambda m: m[0])
    sized = ":size" if CROWD_SIZE_TAG in text else ""
    out = []
    for start, end, entry in kept:
        start_char = view.idx[start]
        end_char = view.idx[end - 1] + len(view.texts[end - 1])
        out.append(Trigger(
            start=start_char, end=end_char, text=text[start_char:end_char],
            event_type=entry.event_type, sub_event_type=entry.sub_event_type,
            strength=entry.strength, rule=_rule(lang, entry) + sized, needs_target=entry.needs_target,
            modality=modality(doc, start, end, crowd=entry.event_type in DEMO,
                              purpose="purpose" in entry.flags, view=view)))
    return out


def hidden_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of ``doc`` that are not the article's news: related-news boxes and page
    chrome (tag lists, topic banners, photo captions), the ranges whose triggers
    ``find_triggers`` marks "related-news". The assembler takes no date, place, actor or toll
    from them ("... in Idlib province August 6 2016 (TRT World and Agencies)" dates a photo)."""
    lang = doc.lang_
    if lang not in {"ar", "en"} or not len(doc):
        return []
    held = _LAST_VIEW.get("view")
    if held is not None and held[0] is doc:  # find_triggers just read this Doc
        return list(held[1].hidden)
    return list(_view(doc).hidden)


# Rule strings by lexicon entry (about 33 triggers per Arabic article each built one: sorting
# the flags and two f-strings, 1 us). Keyed by the entry's id, holding the entry: an id is
# reused only once its entry is gone, so a held entry that is not this one means a stale key.
_RULES: dict[tuple[str, int], tuple[Entry, str]] = {}


def _rule(lang: str, entry: Entry) -> str:
    """The trigger's provenance: "en:clash" plus its typing flags (":crowd", ":national")."""
    held = _RULES.get((lang, id(entry)))
    if held is not None and held[0] is entry:
        return held[1]
    if len(_RULES) >= CACHE_LIMIT:
        _RULES.clear()
    rule = f"{lang}:{entry.id}" + "".join(f":{f}" for f in sorted(entry.flags & TYPING_FLAGS))
    _RULES[(lang, id(entry))] = (entry, rule)
    return rule


def _related_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of "related news" boxes: a marker line and the headlines after it."""
    spans = []
    pos = 0
    lines = []
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    for k, (start, line) in enumerate(lines):
        if len(line) > 40 or not _related_marker(line):
            continue
        end = start + len(line)
        taken = 0
        for nxt_start, nxt in lines[k + 1:]:
            body = nxt.strip()
            if not body:
                continue
            if taken == RELATED_LINES or len(body) > RELATED_MAX_CHARS or body.endswith((".", "!", "؟")):
                break
            end = nxt_start + len(nxt)
            taken += 1
        spans.append((start, end))
    return spans


@functools.lru_cache(maxsize=20_000)
def _related_marker(line: str) -> bool:
    """Is this short line a "related news" marker (memoised: headings and bylines recur)?"""
    return normalise(line).strip(" :.-") in RELATED_MARKERS


def _chrome_spans(view: _View) -> list[tuple[int, int]]:
    """Character ranges of web-page chrome kept in a scraped text: a tag list ("Tags ...",
    "سمات ...") to the end of its line, a topic banner ("Topic <headline> (200)"), a "READ MORE:
    <headline>" link or "Photo:" caption to its sentence end, an embedded video's title
    ("<headline> - YouTube", from its sentence start), and a photo
    caption: the sentence part before a photo credit ("... (Reuters Photo)", "(TRT World and
    Agencies)"), or the whole sentence before a credit that opens a sentence ("REUTERS/Name")."""
    text = view.text
    spans = []
    # Cheap substring tests first: the patterns are rare and a regex scan of every text is not.
    spans += _tag_lists(text)
    if "Topic" in text:
        spans += [(m.start(), m.end()) for m in CHROME_TOPIC.finditer(text)]
    # Read only around the colons: a scan of a whole Arabic article cost 0.1 ms (its leading \b
    # defeats the regex engine's first-character skip); a match holds one colon and no
    # match crosses another's window, so the merged windows give the same matches.
    for lo, hi in gate_windows(text, (":",), CHROME_READ_REACH, 2):
        for m in CHROME_READ.finditer(text, lo, hi):
            k = bisect.bisect_right(view.idx, m.start()) - 1
            if k >= 0:
                hi = view.sentence(k)[1] - 1
                spans.append((m.start(), view.idx[hi] + len(view.texts[hi])))
    if "YouTube" in text:  # the video title: from its sentence start to the site's name
        for m in CHROME_VIDEO.finditer(text):
            k = bisect.bisect_right(view.idx, m.start()) - 1
            if k >= 0:
                spans.append((view.idx[view.sentence(k)[0]], m.end()))
    if not any(word in text for word in CREDIT_WORDS):
        return spans
    for m in _photo_credits(text):
        k = bisect.bisect_right(view.idx, m.start()) - 1
        if k < 0:
            continue
        lo, hi = view.sentence(k)
        if k - lo > 1:  # "<caption> (Reuters Photo) <news>": the caption ends at the credit
            spans.append((view.idx[lo], m.end()))
        elif m.group().endswith("/"):  # "<caption>. REUTERS/Name <news>": the sentence before
            spans.append((view.idx[view.sentence(lo - 1)[0]] if lo else 0, m.end()))
        else:  # "AP Photo <related headline>": the credit's own sentence
            spans.append((m.start(), view.idx[hi - 1] + len(view.texts[hi - 1])))
    return spans


# Where a PHOTO_CREDIT match can start: an opening bracket or one of the agency names its
# bracketless forms open with.
CREDIT_STARTS = ("(", "REUTERS", "Reuters", "AFP", "AP", "EPA", "Getty Images", "Anadolu")


def _photo_credits(text: str) -> list[re.Match]:
    """PHOTO_CREDIT's matches, the same as ``finditer`` over the whole text gives, tried only
    where one can start (CREDIT_STARTS), skipping candidates inside a match as ``finditer``
    does. Its leading alternatives defeat the regex engine's first-character skip: a scan of
    every offset cost 0.1 ms per English article that holds a credit word."""
    return finditer_where(PHOTO_CREDIT, text, CREDIT_STARTS)


def _tag_lists(text: str) -> list[tuple[int, int]]:
    """CHROME_TAGS' matches (the group from the tag word to the line end), the same as
    ``finditer`` over the whole text gives, tried only where a match can start: at a tag word
    or at the space or full stop before one. A scan of every offset cost 0.1 ms per Arabic
    article that holds a tag word ("سمات" ends many a scraped page)."""
    starts = sorted({s for i in find_all(text, CHROME_WORDS) for s in ((i - 1, i) if i else (i,))})
    return [(m.start(1), m.end()) for m in finditer_at(CHROME_TAGS, text, starts)]


def _is_boundary(text: str, norm: str, lang: str) -> bool:
    """Does a clause start at this token? Punctuation, subordinators, or Arabic و/ف+verb."""
    if text in CLAUSE_PUNCT or ("\n" in text and not text.strip()):
        return True
    if norm in CLAUSE_WORDS[lang]:
        return True
    # "واشتبكت", "فقتل": a conjunction clitic the NORM component stripped opens a clause.
    return lang == "ar" and text[:1] in "وف" and norm != normalise(text)


def modality(doc: Doc, start: int, end: int, related: list[tuple[int, int]] | None = None,
             crowd: bool = False, purpose: bool = False, view: _View | None = None) -> str:
    """Why the trigger at tokens ``start:end`` does not report an event, or "asserted".

    Scope: cues count inside the clause that holds the trigger, at most WINDOW
    tokens before it (history years and "after" cues: after it). A clause ends at
    punctuation, a subordinator or, in Arabic, a و/ف clitic opening a new verb.
    ``crowd`` (a protest or riot trigger) exempts it from "topic" cues ("against");
    ``purpose`` (an Arabic verbal noun flagged in the lexicon) makes ل + noun a purpose
    (لاستعادة = "in order to regain"), so "future". A negation cue counts only within
    NEGATION_REACH tokens of the trigger ("لم تعلن أي جهة المسؤولية عن الهجوم" reports
    the attack). ``related`` (character ranges of related-news boxes and page chrome) and
    ``view`` (the Doc's attribute arrays) are computed when not given.
    """
    if view is None:
        view = _view(doc)
    lang = view.lang
    hidden = view.hidden if related is None else related
    char = view.idx[start]
    if hidden and any(a <= char < b for a, b in hidden):
        return "related-news"
    texts, norms, boundary = view.texts, view.norms, view.boundary
    s_lo, s_hi = view.sentence(start)
    last = s_hi - 1 if texts[s_hi - 1].strip() or s_hi - 1 == s_lo else s_hi - 2
    if texts[last].endswith(("?", "؟")) or (lang == "ar" and norms[s_lo] == "هل"):
        return "question"
    cue_at = view.cue_at
    k = bisect.bisect_left(cue_at, s_lo)
    before = k < len(cue_at) and cue_at[k] < start
    k = bisect.bisect_left(cue_at, end)
    if not before and not (k < len(cue_at) and cue_at[k] < s_hi):
        # no cue word in the sentence outside the trigger: skip the scope walk
        return "future" if lang == "ar" and purpose and _purpose(view, start) else "asserted"
    lo = start
    while lo > s_lo and start - lo < WINDOW:
        if boundary[lo - 1]:
            if not view.punct[lo - 1]:
                lo -= 1  # a boundary word ("since", "after") belongs to the clause it opens
            break
        lo -= 1
    hi = end
    while hi < s_hi and hi - end < WINDOW and not boundary[hi]:
        hi += 1
    best: tuple[int, str] | None = None
    index = _cue_index(lang)
    for first, last_, side in ((lo, start, "before"), (end, hi, "after"), (s_lo, start, "sentence")):
        words = norms[first:last_]
        for pos in cue_at[bisect.bisect_left(cue_at, first):bisect.bisect_left(cue_at, last_)]:
            i = pos - first
            # only cues this side takes, and of longer cues those whose second word is the next
            # one (most cues are two words and most fail there: 71 of 85 checks per Arabic article)
            nxt = norms[pos + 1] if pos + 1 < len(norms) else ""
            for order, cue in _cues_starting(index, words[i], side, nxt):
                if best is not None and order >= best[0]:
                    continue
                if cue.scope == "topic" and crowd:
                    continue
                if cue.scope == "next" and i >= NEXT_REACH:
                    continue
                if cue.scope == "adjacent" and i + len(cue.tokens) != len(words):
                    continue
                if cue.tokens == EN_REPORTED and end < s_hi and norms[end] == "of":
                    continue  # "reported the killing of five civilians" tells the news itself
                if (cue.modality == "negated" and side != "after"
                        and len(words) - (i + len(cue.tokens)) > NEGATION_REACH):
                    continue
                if _cue_at(words, i, cue, lang, norms[first + i - 1] if first + i > s_lo else ""):
                    best = (order, cue.modality)
    if best is not None:
        return best[1]
    if lang == "ar" and purpose and _purpose(view, start):
        return "future"
    return "asserted"


# Per cue index, (word, side, next word) -> the cues that may start at the word (of those whose
# scope the side takes, when one is given; of those whose second word fits the next word, when
# one is given): modality asks again for the same words in every clause. Kept with its index (a
# rebuilt index gets a fresh memo); bounded like the token cache.
_STARTING: dict[int, tuple[dict, dict[tuple[str, str, str | None], tuple[tuple[int, Cue], ...]]]] = {}


def _cues_starting(index: dict[str, list[tuple[int, Cue]]], word: str, side: str = "",
                   nxt: str | None = None) -> tuple[tuple[int, Cue], ...]:
    """Cues that may start at ``word``: by the word itself or by a placeholder it fills; with
    ``side`` ("before", "after", "sentence"), only those whose scope that side takes; with
    ``nxt`` (the word after, "" at the end of the text), only one-word cues and those whose
    second word fits it (the others cannot stand there)."""
    held = _STARTING.get(id(index))
    if held is None or held[0] is not index or len(held[1]) >= CACHE_LIMIT:
        held = _STARTING[id(index)] = (index, {})
    found = held[1].get((word, side, nxt))
    if found is None:
        found = _starting(index, word)
        if side:
            found = [c for c in found if c[1].scope in SIDE_SCOPES[side]]
        if nxt is not None:
            found = [c for c in found if len(c[1].tokens) == 1 or _word_fits(nxt, c[1].tokens[1])]
        found = held[1][(word, side, nxt)] = tuple(found)
    return found


def _starting(index: dict[str, list[tuple[int, Cue]]], word: str) -> list[tuple[int, Cue]]:
    found = list(index.get(word, ()))
    word = word.rstrip(".,،")
    if word.isdigit():
        found += index.get("{NUM}", [])
        if YEAR.match(word):
            found += index.get("{YEAR}", [])
    elif word in EN_MONTHS:
        found += index.get("{MONTH}", [])
    return found


def _cue_at(words: list[str], i: int, cue: Cue, lang: str, preceding: str = "") -> bool:
    """Does ``cue`` stand at position ``i`` of ``words`` (with the closed-set exceptions)?
    ``preceding`` is the word before the cue in its sentence ("" at the sentence start), which
    a clause window cut at a quote or comma would not show."""
    n = len(cue.tokens)
    if i + n > len(words):
        return False
    for k in range(n):
        if not _token_fits(words, i + k, cue.tokens[k]):
            return False
    nxt = words[i + n] if i + n < len(words) else ""
    prev = words[i - 1] if i > 0 else ""
    if lang == "ar" and cue.tokens == ("لا",) and nxt in AR_LA_NOT_NEGATION:
        return False
    if lang == "ar" and cue.tokens == ("قد",) and (not nxt or nxt[:1] not in "يتن" or nxt in AR_QAD_PAST):
        return False  # قد + past tense ("كانت قد استعادت") reports a done deed
    if lang == "en" and cue.tokens == ("may",) and (prev.isdigit() or nxt.isdigit()):
        return False  # the month: "on 3 May 2020"
    if lang == "en" and cue.tokens == ("since",) and (nxt in EN_SINCE_TIME or nxt[:1].isdigit()):
        return False  # "since Friday the army has shelled": a time span reaching the news, not background
    if lang == "en" and cue.tokens in EN_STRETCH and nxt == "-":
        return False  # "a six-month-old boy": an age, not a stretch of time
    if lang == "en" and cue.tokens[-1] in EN_WAR and nxt == "-":
        return False  # "in the war-torn city", "Syria's conflict-hit north": a place, not a war's toll
    if lang == "en" and cue.tokens == ("that",) and preceding not in EN_THAT_BEFORE:
        return False  # "reported that clashes erupted": a conjunction
    if lang == "en" and cue.tokens[-2:] == ("{NUM}", "days") and int(
            words[i + n - 2].rstrip(".,")) < TALLY_MIN_DAYS:
        return False  # "in the past 2 days": a short window the event is dated to, not a tally
    return True


def _purpose(view: _View, start: int) -> bool:
    """An Arabic verbal noun with the preposition ل (لاستعادة، لتحرير) states a purpose,
    unless it follows "was subjected to" (تعرضت لقصف), which reports the event."""
    text, norm = normalise(view.texts[start]), view.norms[start]
    if text == norm or not (text.startswith("ل") or text[1:2] == "ل" and text[:1] in "وف"):
        return False
    if norm.startswith("ل"):
        return False
    prev = view.norms[start - 1] if start > 0 else ""
    return not prev.startswith(("تعرض", "يتعرض", "تتعرض", "ادي", "ادت", "اثر"))


def _token_fits(words: list[str], i: int, want: str) -> bool:
    return _word_fits(words[i], want)


def _word_fits(word: str, want: str) -> bool:
    """Does ``word`` stand for the cue token ``want`` (a word, or {NUM}, {YEAR}, {MONTH})?"""
    if want in {"{NUM}", "{YEAR}"}:
        word = word.rstrip(".,،")  # the Arabic tokenizer leaves "2012." whole
    if want == "{YEAR}":
        return bool(YEAR.match(word))
    if want == "{NUM}":
        return word.isdigit()
    if want == "{MONTH}":
        return word in EN_MONTHS
    return word == want


# -- typing one event -----------------------------------------------------------------

def best_type(found: list[Trigger]) -> Trigger | None:
    """The trigger whose type an event takes, by the codebook's priority and merge rules.

    Only asserted triggers count. Rules, in order (docs/triggers.md explains each):
    1. an ACLED label prefix ("Looting:", "Movement of forces:") decides;
    2. weak triggers (strength < 0.5) count only when nothing stronger was found;
    3. crowd events: a riot word, or a protest word with crowd violence (stones,
       burning, storming, clashing), is a Riot; a protest with killing is Excessive force; a
       protest with tear gas, dispersal or arrests is Protest with intervention; an
       intervention word without any protest word is an Attack decided by the target;
    4. a battle absorbs the remote violence of its sides (clashes + shelling → Armed clash);
    5. a defused, intercepted or shot-down weapon is Disrupted weapons use, not the
       explosion it prevented (a weapons cache is not: struck, it is the strike's target);
    6. otherwise the highest type in PRIORITY wins, then the strongest, then the first.
    """
    live = [t for t in found if t.modality == "asserted"]
    if not live:
        return None
    labels = [t for t in live if _is_label(t)]
    if labels:
        return labels[0]
    strong = [t for t in live if t.strength >= WEAK]
    pool = strong or live
    # Rule 3 reads only crowd words and the crowd-size tag; most candidates have neither (the
    # typing is asked 19 times per Arabic article).
    crowd_words = any(t.event_type in DEMO for t in pool)
    if crowd_words or any(":size" in t.rule for t in pool):
        crowd = _crowd_type(pool)
        if crowd is not None:
            return crowd
    if crowd_words:
        pool = [t for t in pool if not _is_intervention(t)] or [
            replace(t, event_type="Violence against civilians", sub_event_type="Attack",
                    needs_target=True) for t in pool]
    battles = [t for t in pool if t.event_type == "Battles"]
    if battles:
        return _top(battles)
    # ("air strikes hit arms depots" is the strike: a cache is no weapon stopped in use)
    disrupted = [t for t in pool if t.sub_event_type == "Disrupted weapons use" and not has_flag(t, CACHE_FLAG)]
    if disrupted and any(t.event_type == "Explosions/Remote violence" for t in pool):
        return _top(disrupted)
    return _top(pool)


def _top(pool: list[Trigger]) -> Trigger:
    """Highest in PRIORITY, then strongest, then first. The codebook lists the Strategic
    developments sub-types without ranking them, so among those strength decides."""
    def key(t: Trigger) -> tuple:
        rank = RANK[(t.event_type, t.sub_event_type)]
        if t.event_type == "Strategic developments":
            rank = RANK[("Strategic developments", "Agreement")]
        return (rank, -t.strength, t.start)
    return min(pool, key=key)


def _is_label(t: Trigger) -> bool:
    return ":label" in t.rule


def _is_intervention(t: Trigger) -> bool:
    return t.event_type == "Protests" and t.sub_event_type != "Peaceful protest"


def _crowd_type(pool: list[Trigger]) -> Trigger | None:
    """The type of a crowd event, or None when no protest or riot word was found."""
    protest = [t for t in pool if t.event_type == "Protests" and (
        t.sub_event_type == "Peaceful protest" or ":demo" in t.rule)]
    riot = [t for t in pool if t.event_type == "Riots"]
    if not protest and not riot:
        return _sized_mob(pool)
    if riot:
        # A crowd that was demonstrating is a Violent demonstration; a mob with no
        # demonstration is Mob violence; "rioters" alone keeps its own default.
        if protest:
            return replace(_top(riot), sub_event_type="Violent demonstration")
        mob = [t for t in riot if t.sub_event_type == "Mob violence"]
        return _top(mob) if mob else _top(riot)
    # Crowd violence, or a crowd "clashing" (with police, with another crowd), is a riot.
    violent = [t for t in pool if ":crowd" in t.rule or t.sub_event_type == "Armed clash"]
    if violent:
        return replace(violent[0], event_type="Riots", sub_event_type="Violent demonstration",
                       needs_target=False)
    killing = [t for t in pool
               if ":kill" in t.rule or t.sub_event_type == "Excessive force against protesters"]
    if killing:
        return replace(killing[0], event_type="Protests",
                       sub_event_type="Excessive force against protesters", needs_target=False)
    stopped = [t for t in pool if _is_intervention(t) or t.sub_event_type == "Arrests"]
    if stopped:
        return replace(stopped[0], event_type="Protests", sub_event_type="Protest with intervention",
                       needs_target=False)
    return max(protest, key=lambda t: t.strength)


def _sized_mob(pool: list[Trigger]) -> Trigger | None:
    """A crowd (the text carries ACLED's crowd-size tag) that clashes, beats, attacks or burns
    with no protest word is Mob violence: a crowd attacking without a demonstration."""
    if not any(":size" in t.rule for t in pool):
        return None
    violent = [t for t in pool if ":crowd" in t.rule or t.sub_event_type in {
        "Armed clash", "Looting/property destruction"} or (
        t.needs_target and t.event_type == "Violence against civilians")]
    if not violent:
        return None
    return replace(violent[0], event_type="Riots", sub_event_type="Mob violence", needs_target=False)
