"""Text normalisation shared by lexicon keys and match-time tokens.

The same functions build lookup keys (gazetteer, actors, triggers) and normalise
tokens at match time, so the two cannot drift apart.
"""
from __future__ import annotations

import functools
import os
import re
import unicodedata
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterable
from itertools import filterfalse

import numpy

_AR_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_AR_TATWEEL = "\u0640"
_AR_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    # Arabic-Indic and Persian digits to ASCII
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
})
_LATIN_LETTER = re.compile("[A-Za-z]")
# The letters arabic_share counts: Arabic U+0621-U+064A (hamza to ya) and ASCII A-Z, a-z.
_ARABIC_FIRST, _ARABIC_LAST = 0x0621, 0x064A

# Proclitics (conjunctions, prepositions) that attach to the next word, longest first.
# "لل" is ل + ال with the alef dropped, so it is restored as "ال".
AR_PROCLITICS = ("وبال", "فبال", "وكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل",
                 "وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")


def normalise_ar(text: str) -> str:
    """Fold Arabic spelling variants: diacritics, tatweel, alef/hamza, ya, ta marbuta."""
    text = _AR_DIACRITICS.sub("", text).replace(_AR_TATWEEL, "")
    return text.translate(_AR_FOLD)


_MARKS = dict.fromkeys(map(ord, "’'`ʿʾ‘"))  # apostrophe-like marks, dropped


def fold_latin(text: str) -> str:
    """Lower-case Latin text and drop accents and apostrophe-like marks."""
    if text.isascii():  # nothing to decompose, no combining mark: the common case, at C speed
        return text.translate(_MARKS).lower()
    text = "".join(filterfalse(unicodedata.combining, unicodedata.normalize("NFKD", text)))
    return text.translate(_MARKS).lower()


def normalise(text: str) -> str:
    """The one normal form for any text: Arabic folding plus Latin folding."""
    return fold_latin(normalise_ar(text))


@functools.lru_cache(maxsize=100_000)
def normalise_word(word: str) -> str:
    """:func:`normalise` of one word, memoised: the same words recur in every text and in
    lexicons, and normalising folds character by character (several microseconds a word)."""
    return normalise(word)


def clitic_candidates(word: str) -> list[str]:
    """Readings of a normalised Arabic word with proclitics removed, longest first.

    The word itself comes first. Stripping is only a candidate: callers keep a
    reading only when it is a known lexicon word (stemmers mangle names).
    """
    out = [word]
    for p in AR_PROCLITICS:
        if word.startswith(p) and len(word) - len(p) >= 2:
            rest = word[len(p):]
            if p.endswith("ال"):
                out.extend(["ال" + rest, rest])
            elif p.endswith("لل"):
                out.append("ال" + rest)
            else:
                out.append(rest)
    seen: set[str] = set()
    return [w for w in out if not (w in seen or seen.add(w))]


def strip_clitics(word: str, known: frozenset[str] | set[str]) -> str:
    """The first clitic reading of ``word`` that is in ``known``, else ``word``."""
    for cand in clitic_candidates(word):
        if cand in known:
            return cand
    return word


def arabic_share(text: str) -> float:
    """Share of Arabic letters among Arabic and Latin letters (0 when there are none)."""
    # Counted over the code points as one array: regular expressions over the 4,000 characters
    # of every article cost 0.2-0.4 ms. Unsigned differences wrap below the range's start.
    codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    ar = int(numpy.count_nonzero(codes - _ARABIC_FIRST <= _ARABIC_LAST - _ARABIC_FIRST))
    la = int(numpy.count_nonzero((codes | 0x20) - ord("a") <= ord("z") - ord("a")))  # | 0x20: A-Z to a-z
    return ar / (ar + la) if ar + la else 0.0


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text: Arabic by script share, others by py3langid."""
    sample = text[:4000]
    if arabic_share(sample) >= 0.5:
        return "ar"
    if not _LATIN_LETTER.search(sample):
        return "und"
    code, _ = _identifier().classify(sample)
    return code


# Languages news in Latin script (and Persian/Urdu) most often comes in. The identifier is
# limited to them: over all 97 of py3langid's, short English reports come out as Pidgin.
LANGID_CANDIDATES = ("en", "fr", "es", "pt", "de", "it", "nl", "tr", "id", "sw", "so", "ha",
                     "pl", "ru", "uk", "fa", "ur")


WALK_CACHE_LIMIT = 300_000  # memoised word walks of the language identifier (see below)


@functools.cache
def _identifier():
    from py3langid.langid import LanguageIdentifier

    class Identifier(LanguageIdentifier):
        """py3langid's identifier with its feature walk memoised per word.

        py3langid walks a byte automaton over the text in a Python loop, one step per byte:
        3-4 ms for a 2,000-character English article, more than the rest of its analysis.
        The walk from a state over the same bytes always visits the same features and ends
        in the same state, so each space-ended piece is walked once per start state and its
        features replayed after. The features come in the same order as the byte-by-byte
        walk's, so the counts and the scores are the same (tests/test_normalise.py).
        """

        __slots__ = ("_walks",)

        def _raw_score(self, text: bytes):
            visits = self._visits(text)
            if visits:
                return self._sparse_score(visits, self.nb_ptc)
            return super()._raw_score(text)  # no features: py3langid's own fallback

        def _visits(self, text: bytes) -> Counter | None:
            nm, rowbase, out = self.tk_nextmove, self._rowbase, self.tk_output
            walks = self._walks
            if len(walks) > WALK_CACHE_LIMIT:
                walks.clear()
            state, found = 0, []
            pieces = text.split(b" ")
            for k, piece in enumerate(pieces):
                spaced = k < len(pieces) - 1  # every piece but the last ends with a space
                known = walks.get((state, piece, spaced))
                if known is None:
                    start, seen = state, []
                    for letter in piece + b" " if spaced else piece:
                        state = nm[rowbase[state] + letter]
                        if out[state] >= 0:
                            seen.append(out[state])
                    walks[start, piece, spaced] = known = (tuple(seen), state)
                found.extend(known[0])
                state = known[1]
            return Counter(found) if found else None

    ptc, pc, classes, nextmove, output, row = _langid_tables(Identifier)
    identifier = Identifier(ptc, pc, classes, nextmove, output, tk_row=row)
    identifier._walks = {}
    return identifier


LANGID_TABLES = "langid.npz"


def _langid_tables(identifier_class) -> tuple:
    """py3langid's model restricted to :data:`LANGID_CANDIDATES`, as its identifier takes it:
    (class scores per feature, class priors, classes, automaton moves, feature per state,
    automaton rows).

    py3langid ships its model LZMA-compressed: decompressing it costs 0.5-0.6 s, in every
    process that meets a text not in Arabic script. The tables are kept uncompressed beside the
    gazetteer (``langid.npz``, 47 MB), keyed by the model file and the candidates, and read in
    a few hundredths of a second after; a missing, stale or unreadable file is made again.
    """
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    from .gazetteer import cache_dir  # the gazetteer's module imports this one

    model = MODEL_DIR / MODEL_FILE
    stat = model.stat()
    key = f"{model} {stat.st_size} {stat.st_mtime_ns} {' '.join(LANGID_CANDIDATES)}"
    path = cache_dir() / LANGID_TABLES
    try:
        with numpy.load(path, allow_pickle=False) as data:
            if str(data["key"]) == key:
                return (data["ptc"], data["pc"], data["classes"].tolist(), _stdlib_array(data["nextmove"]),
                        data["output"].tolist(), _stdlib_array(data["row"]))
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        pass  # made again below
    identifier = identifier_class.from_modelpath(model)
    identifier.set_languages(list(LANGID_CANDIDATES))
    # The candidates' columns of the float16 model, as one contiguous float32 table (6.8 MB):
    # the scores' product cast the gathered float16 rows on every call (about an eighth of
    # detect_language on an English article); the cast is exact, so the scores are the same.
    tables = (numpy.ascontiguousarray(identifier.nb_ptc, dtype=numpy.float32), identifier.nb_pc,
              identifier.nb_classes, identifier.tk_nextmove, identifier.tk_output, identifier.tk_row)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")  # two processes may write at once
        numpy.savez(tmp, key=numpy.array(key), ptc=tables[0], pc=tables[1], classes=numpy.array(tables[2]),
                    nextmove=numpy.frombuffer(tables[3], dtype=tables[3].typecode),
                    output=numpy.array(tables[4], dtype=numpy.int64),
                    row=numpy.frombuffer(tables[5], dtype=tables[5].typecode))
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache: the next process decompresses the model again
    return tables


def _stdlib_array(values: numpy.ndarray) -> array:
    """An unsigned integer array as the stdlib ``array`` py3langid's automaton walk indexes
    (an item of it is read per byte of text, faster than from numpy)."""
    out = array(values.dtype.char)
    out.frombytes(numpy.ascontiguousarray(values).data.cast("B"))  # one copy, none through bytes
    return out


def gate_windows(text: str, gate: tuple[str, ...] | re.Pattern, before: int, after: int
                 ) -> list[tuple[int, int]]:
    """Merged stretches of ``text`` from ``before`` characters ahead of each hit of the gate
    (substrings, or a pattern's matches) to ``after`` characters past it: a costly rule then
    reads only these instead of trying every offset of a long article."""
    hits = [m.start() for m in gate.finditer(text)] if isinstance(gate, re.Pattern) else find_all(text, gate)
    return merge_windows(hits, len(text), before, after)


def finditer_at(pattern: re.Pattern, text: str, starts: list[int]) -> list[re.Match]:
    """``pattern.finditer(text)``'s matches when every match begins at one of ``starts``
    (sorted offsets): the pattern is tried there only, and a start inside a match is skipped as
    finditer goes on after each match. Patterns whose leading alternatives or \\b defeat the
    regex engine's first-character skip cost a try at every offset otherwise."""
    found: list[re.Match] = []
    end = 0
    for p in starts:
        if p < end:
            continue
        m = pattern.match(text, p)
        if m:
            found.append(m)
            end = m.end()
    return found


def finditer_where(pattern: re.Pattern, text: str, needles: tuple[str, ...]) -> list[re.Match]:
    """``pattern.finditer(text)``'s matches for a pattern whose every match begins with one of
    ``needles``: tried only where one stands (:func:`finditer_at` at :func:`find_all`'s hits)."""
    return finditer_at(pattern, text, find_all(text, needles))


def find_all(text: str, needles: tuple[str, ...]) -> list[int]:
    """Every offset where one of ``needles`` starts in ``text``, in order, each once: one
    ``str.find`` scan per needle, where a regex alternation would try every offset."""
    hits: set[int] = set()
    for needle in needles:
        i = text.find(needle)
        while i >= 0:
            hits.add(i)
            i = text.find(needle, i + 1)
    return sorted(hits)


class NeedleSets:
    """Several sets of needles found in one pass over a text: for each set, what
    :func:`find_all` gives for it (every offset where one of its needles starts, in order,
    each once). One Aho-Corasick automaton (pyahocorasick, compiled) reads the text once where
    ``str.find`` scans it once per needle: the date rules' 66 Arabic gate words cost 0.28-0.31
    ms per 500-word article as scans, 0.09 ms in one pass."""

    def __init__(self, sets: Iterable[tuple[str, ...]]):
        import ahocorasick

        self.sets = tuple(dict.fromkeys(sets))
        owners: dict[str, list[int]] = {}
        for k, needles in enumerate(self.sets):
            for needle in needles:
                if not needle:
                    raise ValueError(f"an empty needle in {needles!r}")
                owners.setdefault(needle, []).append(k)
        self._automaton = ahocorasick.Automaton()
        for needle, sets_of in owners.items():  # the value: (length - 1, the sets it is in)
            self._automaton.add_word(needle, (len(needle) - 1, tuple(sets_of)))
        if owners:
            self._automaton.make_automaton()

    def find(self, text: str) -> dict[tuple[str, ...], list[int]]:
        """Each set's hits in ``text`` (sets without one included, empty)."""
        found: list[set[int]] = [set() for _ in self.sets]
        if len(self._automaton):
            for end, (back, sets_of) in self._automaton.iter(text):
                for k in sets_of:
                    found[k].add(end - back)
        return {needles: sorted(hits) for needles, hits in zip(self.sets, found)}


def merge_windows(hits: list[int], length: int, before: int, after: int) -> list[tuple[int, int]]:
    """:func:`gate_windows` of hits already found (sorted offsets into a text of ``length``)."""
    out: list[tuple[int, int]] = []
    for h in hits:
        lo, hi = max(0, h - before), min(length, h + after)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out
