"""Places the gazetteer does not list: villages and neighbourhoods named after a cue word.

Round-ups name villages that no PyPI gazetteer has ("قرى الحواش والعنكاوي والزقوم بسهل الغاب
في ريف حماة", "حي الواسطي جنوبي مدينة كركوك"). ACLED codes such an event to a representative
place it can find: here the place that the same sentence names for the village (the province,
"rural X", the city), at geo_precision 2 (3 when only the province is known); a city district
keeps precision 1 and is named "City - District" as ACLED names neighbourhoods. The village's
own name is kept, transliterated, as the location so that events at different villages stay
apart (ACLED: one event per location) and users can geocode them later; its Arabic spelling
and the place whose coordinates it took are in ``Place.how`` (and in the row's notes).

English reports name such villages the same way ("the village of Sfuhen in Jabal al-Zawiya",
"Fleifel town, Idleb"): the name is kept as written.
"""
from __future__ import annotations

import bisect
import calendar
import functools
import re
from collections.abc import Iterator
from dataclasses import replace

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from .nlp import text_of
from .normalise import (NeedleSets, clitic_candidates, finditer_at, gate_windows, normalise, normalise_word,
                        strip_clitics)
from .records import Place

# Cue words before village names, by how many names follow: 1, 2 (dual) or a list (0).
# Source: common Arabic news usage (SOHR-style round-ups); the cue words of place_cues.tsv.
_VILLAGE_CUES = {"قرية": 1, "بلدة": 1, "قريتي": 2, "بلدتي": 2, "قرى": 0, "بلدات": 0,
                 "ضاحية": 1}
_DISTRICT_CUES = {"حي": 1, "حيي": 2, "احياء": 0}
_CUES = {normalise(k): (n, False) for k, n in _VILLAGE_CUES.items()}
_CUES.update({normalise(k): (n, True) for k, n in _DISTRICT_CUES.items()})
_PROCLITICS = ("وب", "فب", "ول", "و", "ف", "ب", "ل")
_CUE_WORDS = sorted({w for k in (*_VILLAGE_CUES, *_DISTRICT_CUES)
                     for w in (k, k.replace("ة", "ه"), "أ" + k[1:] if k[0] == "ا" else k)},
                    key=len, reverse=True)
_CUE_TEXT = re.compile(
    "(?<![\\w\u0600-\u06ff])(?:" + "|".join(_PROCLITICS) + ")?(?:" + "|".join(_CUE_WORDS)
    + ")(?![\\w\u0600-\u06ff])")
# Every cue word contains one of these: _CUE_TEXT reads only the few characters around them
# (tried at every offset of a long article, it cost 0.2 ms). The reach covers a proclitic,
# the rest of the word and the character its lookahead reads.
_CUE_GATES = ("قري", "قرى", "بلد", "حي")
_GATE_AT = [(w, next(w.find(g) for g in _CUE_GATES if g in w)) for w in _CUE_WORDS]
_GATE_BEFORE = max(len(p) for p in _PROCLITICS) + max(at for _, at in _GATE_AT)
_GATE_AFTER = max(len(w) - at for w, at in _GATE_AT) + 1
# First words of compound names ("أم حوش", "دير حافر"), transliterated as ACLED spells them.
_COMPOUND = {"ام": "Umm", "ابو": "Abu", "ابي": "Abi", "عين": "Ain", "تل": "Tal", "دير": "Deir",
             "كفر": "Kafr", "خربه": "Khirbet", "بيت": "Beit", "جسر": "Jisr", "راس": "Ras",
             "بير": "Bir", "بئر": "Bir", "وادي": "Wadi", "جبل": "Jabal", "مزرعه": "Mazraat",
             "بني": "Bani", "معره": "Maarat", "قصر": "Qasr", "حمام": "Hammam", "سهل": "Sahl",
             "مخيم": "Mukhayyam", "دار": "Dar"}
# Words that follow a cue but are no name ("قرية بمحافظة حلب", "بلدة في ريف").
_NOT_NAMES = frozenset(normalise(w) for w in (
    "في", "من", "على", "الى", "إلى", "عن", "قرب", "بالقرب", "التي", "الذي", "تابعة", "التابعة",
    "محافظة", "ريف", "منطقة", "مدينة", "قرية", "بلدة", "اخرى", "أخرى", "مجاورة", "المجاورة",
    "عدة", "عديدة", "بعض", "كل", "جميع", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي",
    "شرقي", "غربي", "واحدة", "صغيرة", "كبيرة", "هذه", "هذا", "تلك", "ذلك", "نفسها", "ال",
    "محيط", "أطراف", "ضواحي", "مناطق", "مدن", "قرى", "بلدات", "أحياء", "مخيم", "مخيمات",
    "سهل", "جبل", "وادي", "طريق", "الطريق", "اوتوستراد", "الحدود", "حدود",
    "تقع", "يقع", "كانت", "كان", "تضم", "يضم", "يسكنها", "تسكنها", "يقطنها", "تحت", "قريبة",
    "نائية", "مجاورة", "محاصرة", "قريبه"))
ARABIC = re.compile("[\u0600-\u06ff]+$")
ENTRY_PREFIX = "unlisted:"  # entry ids of these places: one per name and province
REACH = 12  # tokens after the last name in which the place that locates it is looked for


def find_unlisted(doc: Doc, found: list[Place], text: str | None = None) -> list[Place]:
    """Village and neighbourhood names after a cue word that ``found`` (the gazetteer's
    mentions) did not resolve, each coded to the place the sentence names for it.

    Arabic and English. A name with no resolved place in its sentence to locate it is not
    returned: ACLED codes nothing it cannot place. ``text`` is the doc's text when the caller
    has it (spaCy rebuilds it from the tokens on every access).
    """
    text = text_of(doc) if text is None else text
    if doc.lang_ == "en":
        return _english(doc, found, text)
    if doc.lang_ != "ar":
        return []
    known = _Known(found)
    taken = _Taken((p.start, p.end) for p in known.resolved)
    out: list[Place] = []
    for hit in _cue_hits(text):
        # A regex pass over the text finds the few cue words; only they are read as tokens.
        span = doc.char_span(hit.start(), hit.end(), alignment_mode="expand")
        if span is None or len(span) != 1:
            continue
        tok = span[0]
        cue = _cue_of(tok.text)
        if cue is None:
            continue
        count, district = cue
        names = _names_after(doc, tok.i + 1, count)
        if not names:
            continue
        anchor = _anchor(doc, known, tok.i, names[-1][1], district)
        if anchor is None:
            continue
        for first, stop in names:
            span = doc[first:stop]
            start, end = span.start_char, span.end_char
            if taken.overlaps(start, end):
                continue  # the gazetteer placed it
            if span.text.startswith("و") and first != names[0][0]:
                start += 1
            out.append(_coded(text[start:end], start, end, anchor, district))
            taken.add(start, end)
    return sorted(out, key=lambda p: p.start)


# English: "the village(s) of X (, Y and Z)" and "X village/town". A name is capitalised words,
# joined by the particles of transliterated names ("Deir al Adas", "Jisr ash-Shughur").
_EN_WORD = r"[A-Z][\w'’]*(?:-[\w'’]+)*"
_EN_PARTICLES = ("al", "el", "ad", "ar", "as", "ash", "az", "an", "ez", "bin", "ibn", "de", "del", "da",
                 "do", "dos", "das")
_EN_NAME = rf"{_EN_WORD}(?: (?:(?:{'|'.join(_EN_PARTICLES)}) )?{_EN_WORD}){{0,3}}"
_EN_CUE_WORDS = ("village", "town", "hamlet", "settlement")
_EN_CUE = f"(?:{'|'.join(_EN_CUE_WORDS)})"
# A list only after the plural ("the villages of X, Y and Z"); "the town of X, Reuters said" is X.
_EN_OF = re.compile(rf"\b{_EN_CUE}(?:(s) of ({_EN_NAME}(?:(?:, | and |, and ){_EN_NAME})*)| of ({_EN_NAME}))")
_EN_REPORTED = re.compile(r",? (?:said|says|reported|reports|told|added|quoted)\b")  # "..., Reuters reported"
# Sites named after a place the gazetteer lacks: a field, base or junction keeps its own name
# ("the Shaar gas field east of Homs" is ACLED's "Shaer gas field"); a crossing or camp is the
# town it is named after ("near the Atmeh border crossing" is Atmeh).
_EN_SITE_NAMED = ("gas field", "oil field", "air base", "airbase", "military base", "military camp",
                  "junction", "dam", "prison")
_EN_SITE_TOWN = ("border crossing", "crossing", "refugee camp")  # not "camp": "the Aoun camp" is a party
_EN_CUE_AT = re.compile(rf"\b(?:{_EN_CUE}s?|{'|'.join(_EN_SITE_NAMED + _EN_SITE_TOWN)})\b")
# What every match of _EN_CUE_AT starts with (tried only there: see _english)
_EN_CUE_AT_STARTS = _EN_CUE_WORDS + _EN_SITE_NAMED + _EN_SITE_TOWN
_EN_BEFORE = re.compile(rf"(?<![\w'’-])({_EN_NAME}) $")  # searched in a window ending at the cue
_EN_BEFORE_REACH = 120  # characters: four words and their particles
_EN_LIST = re.compile(r", and |, | and ")
# A name the gazetteer lacks right before the place that locates it, after a locative word or a
# verb of taking a place: "shelled Fakkeh in al-Hasakeh", "in Muaja (Ancuabe, Cabo Delgado)",
# "near Khutir Vilny, Luhansk", "the market area of Thiban in Deir-ez-Zor" (ACLED notes write
# places so). Verbs that also take people ("attacked", "targeted") are left out.
_EN_LOCATING = ("in", "at", "near", "outside", "around")
_EN_AREAS = ("area", "outskirts", "vicinity", "countryside", "suburbs")  # "... of X"
_EN_TAKING = ("shelled", "stormed", "raided", "bombed", "besieged", "entered")
_EN_LOCATED = re.compile(
    rf"\b(?:{'|'.join(_EN_LOCATING)}|(?:{'|'.join(_EN_AREAS)}) of|{'|'.join(_EN_TAKING)}) "
    rf"({_EN_NAME})(?= \(|, | in | near )")
# What every match of _EN_LOCATED starts with: its word and the space after it
_EN_LOCATED_STARTS = tuple(f"{w} " for w in (*_EN_LOCATING, *(f"{a} of" for a in _EN_AREAS), *_EN_TAKING))
# ... and the place must follow at once: "in Muaja (Ancuabe", "near Khutir Vilny, Luhansk", "Sfuhen in
# the southern countryside of Idleb"
_EN_LOCATED_GAP = re.compile(r"\s*(?:\(|,|in|near)\s*(?:the\s+)?(?:[a-z-]+ern\s+)?"
                             r"(?:(?:countryside|outskirts|suburbs|province|governorate|district|region|area)\s+of\s+)?")
# Hyphenated adjectives before "village": "the IS-held village of Hajin" is Hajin.
_EN_ADJECTIVE_ENDS = ("-held", "-controlled", "-majority", "-populated", "-occupied", "-backed", "-led",
                      "-run", "-dominated", "-based", "-besieged")
# Last words of a landmark's name: a street, square or building of the town named next to it.
_EN_LANDMARKS = frozenset("""
square street road avenue highway market bazaar mosque church hospital university school college
stadium hotel park bank office building tower palace ministry court airport station
""".split())
_EN_STOP = frozenset(STOP_WORDS | {m.lower() for m in (*calendar.month_name, *calendar.day_name) if m})
# Capitalised words before "village" that describe it instead of naming it ("a Kurdish
# village", "the Old Town"); country adjectives are place mentions and are skipped as such.
# Source: common English news usage.
_EN_NOT_NAMES = frozenset("""
kurdish arab arabic christian druze alawite sunni shia shiite yazidi turkmen bedouin jewish
muslim hindu armenian assyrian fulani hausa tuareg border frontline front-line coastal northern
southern eastern western central old new mountain remote small nearby neighbouring neighboring
rural home farming fishing mining market capital holy the this that these those a an another
each every one same said historic ancient
""".split())


@functools.cache
def _english_event_words() -> frozenset[str]:
    """Lower-case words of the English trigger and actor lexicons: never a village's name."""
    from . import actors, triggers

    return frozenset(w.lower() for w in triggers.vocabulary("en") | actors.vocabulary("en"))


@functools.cache
def _en_starts() -> NeedleSets:
    """The words every match of the English cue patterns begins with, both sets found together."""
    return NeedleSets((_EN_CUE_AT_STARTS, _EN_LOCATED_STARTS))


def _english(doc: Doc, found: list[Place], text: str) -> list[Place]:
    """``find_unlisted`` for English: names after "village(s) of" or before "village"/"town",
    and names right before the place that locates them, kept as written, each located like the
    Arabic ones."""
    # The cue patterns' leading \b and alternation defeat the regex engine's first-character
    # skip (a try at every offset cost 50-85 us each per English article): tried only where
    # their first words stand, which one pass finds for both (32 str.find scans cost 65 us per
    # English article of 1,700 characters, one pass 45 us).
    starts = _en_starts().find(text)
    cues = finditer_at(_EN_CUE_AT, text, starts[_EN_CUE_AT_STARTS])
    # (cue, where the names start, the names, named before the cue? None: located after)
    hits: list[tuple[re.Match, int, list[str], bool | None]] = [
        (m, m.start(1), [m.group(1)], None)
        for m in finditer_at(_EN_LOCATED, text, starts[_EN_LOCATED_STARTS])]
    if not cues and not hits:
        return []
    known = _Known(found)
    taken = _Taken((p.start, p.end) for p in known.resolved)
    out: list[Place] = []
    for cue in cues:
        of = _EN_OF.match(text, cue.start())
        if not cue.group().endswith("s"):
            before = _EN_BEFORE.search(text, max(0, cue.start() - _EN_BEFORE_REACH), cue.start())
            # "the IS-held village of Hajin", "the Kurdish-majority town of X": an adjective
            if before and not (of and re.search(r"\b(?:the|a|an) $", text[max(0, before.start(1) - 4):before.start(1)])):
                hits.append((cue, before.start(1), [before.group(1)], True))
        if of and of.group(1):
            names = _EN_LIST.split(of.group(2))
            if len(names) > 1 and _EN_REPORTED.match(text, of.end()):
                names.pop()  # "the villages of X and Y, Reuters reported": Reuters is no village
            hits.append((cue, of.start(2), names, False))
        elif of:
            hits.append((cue, of.start(3), [of.group(3)], False))
    named: set[int] = set()  # cues a name came before: "Makad village of As Silm area" is Makad
    hits.sort(key=lambda h: h[3] is None)  # the located names last: a cue tells more
    for cue, at, names, before in hits:
        if before is False and cue.start() in named:
            continue
        spans = []
        for name in names:
            start = text.index(name, at)
            at = start + len(name)
            words = name.split(" ")
            # "On Sunday Fleifel town": the name is the last run of words that may name a place.
            keep = 0
            while keep < len(words) and (words[-1 - keep].lower() in _EN_PARTICLES
                                         or _en_name_word(words[-1 - keep])):
                keep += 1
            while keep and words[-keep].islower():  # "al Adas": a particle starts no name
                keep -= 1
            # After a cue or a preposition the whole name must be one ("in Tahrir Square": not
            # "Square"); a landmark of the town that locates it is that town ("Tahrir Square").
            if keep and (before or keep == len(words)) and words[-1].lower() not in _EN_LANDMARKS:
                spans.append((at - len(" ".join(words[-keep:])), at))
        spans = [(a, b) for a, b in spans if not taken.overlaps(a, b)]
        # A name located by the place right after it is its own cue.
        lo, hi = (spans[0][0], spans[-1][1]) if before is None and spans else cue.span()
        cue_span = doc.char_span(lo, hi, alignment_mode="expand")
        last = doc.char_span(spans[-1][0], spans[-1][1], alignment_mode="expand") if spans else None
        if cue_span is None or last is None:
            continue
        anchor = _anchor(doc, known, cue_span[-1].i, max(cue_span[-1].i, last[-1].i), False,
                         look_before=before is not None)
        if anchor is None or (before is None and not _place_follows(known, text, spans[-1][1])):
            continue
        if before:
            named.add(cue.start())
        site = before and cue.group() in _EN_SITE_NAMED
        for start, end in spans:
            out.append(_coded(text[start:end], start, end, anchor, False,
                              text[start:cue.end()] if site else text[start:end]))
            taken.add(start, end)
    return sorted(out, key=lambda p: p.start)


def _place_follows(known: _Known, text: str, end: int) -> bool:
    """Does a place mention start right after ``end`` ("Muaja (Ancuabe", "Khutir Vilny, Luhansk")?"""
    gap = _EN_LOCATED_GAP.match(text, end)
    return gap is not None and bool(known.found_in(gap.end(), gap.end() + 1))


class _Taken:
    """Character spans already placed, for overlap tests by bisection (a long text has thousands)."""

    def __init__(self, spans: Iterator[tuple[int, int]]):
        self.spans = sorted(spans)
        self.longest = max((e - s for s, e in self.spans), default=0)

    def overlaps(self, a: int, b: int) -> bool:
        # a span overlapping [a, b) starts before b and no earlier than a minus the longest span
        lo = bisect.bisect_left(self.spans, (a - self.longest, -1))
        hi = bisect.bisect_left(self.spans, (b, -1))
        return any(s < b and a < e for s, e in self.spans[lo:hi])

    def add(self, a: int, b: int) -> None:
        bisect.insort(self.spans, (a, b))
        self.longest = max(self.longest, b - a)


def _en_name_word(word: str) -> bool:
    """Can this capitalised word be part of a village's name (not "On", "Kurdish", "Houthi",
    "IS-held")?"""
    low = word.lower()
    return not (low in _EN_NOT_NAMES or low in _EN_STOP or low in _english_event_words()
                or low.endswith(_EN_ADJECTIVE_ENDS))


def _cue_hits(text: str) -> Iterator[re.Match]:
    """``_CUE_TEXT.finditer(text)``, read only in the windows around the gate strings."""
    for lo, hi in gate_windows(text, _CUE_GATES, _GATE_BEFORE, _GATE_AFTER):
        yield from _CUE_TEXT.finditer(text, lo, hi)


def is_unlisted(place: Place) -> bool:
    """Was the place coded by this module (a village or neighbourhood the gazetteer lacks)?"""
    return place.entry_id.startswith(ENTRY_PREFIX)


@functools.lru_cache(maxsize=50_000)
def _common(word: str) -> bool:
    """Is some clitic reading of the normalised ``word`` a common word or a cue word, no name?"""
    return any(r in _NOT_NAMES or r in _CUES for r in clitic_candidates(word))


@functools.lru_cache(maxsize=10_000)
def _cue_of(word: str) -> tuple[int, bool] | None:
    """The cue a token's text reads as, its clitics off (بقرية -> قريه): (how many names
    follow, a city district?), or None."""
    return _CUES.get(strip_clitics(normalise(word), _CUES))


def _is_name(tok) -> bool:
    t = normalise_word(tok.text)
    # An indefinite nisba after the cue is an adjective ("قرية حدودية", "بلدة كردية"); a
    # short word ending so (4 letters or fewer, "زاويه") is as often a name.
    if not t.startswith("ال") and t.endswith("يه") and len(t) >= 5:
        return False
    # No reading of the word without a proclitic is a common word ("بمحافظة", "بمدينة").
    # Only Arabic script is transliterated ("قرية Foo" is no Arabic village name).
    return (tok.is_alpha and len(t) >= 2 and not tok.is_stop and tok.norm_ == t
            and ARABIC.match(t) is not None and not _common(t))


@functools.cache
def _event_words() -> frozenset[str]:
    """Arabic words of the trigger and actor lexicons: never a village's name."""
    from . import actors, triggers

    return frozenset(triggers.vocabulary("ar") | actors.vocabulary("ar"))


def _names_after(doc: Doc, i: int, count: int) -> list[tuple[int, int]]:
    """Token ranges of the names listed from token ``i``: one, two, or a و-list."""
    names: list[tuple[int, int]] = []
    while i < len(doc):
        tok = doc[i]
        joined = bool(names)
        if joined:
            if not (tok.text.startswith("و") and len(tok.text) > 2):
                break
            rest = normalise_word(tok.text[1:])
            if _common(rest) \
                    or rest in _event_words():
                break  # "قرى الهبيط وقتلت ...": a verb of the report ends the list
        elif not (_is_name(tok) or normalise_word(tok.text) in _COMPOUND):  # أم is also "or"
            break
        stop = i + 1
        head = normalise_word(tok.text[1:] if joined else tok.text)
        if head in _COMPOUND and stop < len(doc) and doc[stop].is_alpha \
                and normalise_word(doc[stop].text) not in _NOT_NAMES:
            stop += 1
        names.append((i, stop))
        i = stop
        if count and len(names) == count:
            break
    return names


class _Known:
    """The gazetteer's mentions of a text (all, and the resolved ones) in text order, read by
    offset ranges (a long text has thousands: a scan per cue would be quadratic)."""

    def __init__(self, found: list[Place]):
        self.found = sorted(found, key=lambda p: p.start)
        self.resolved = [p for p in self.found if p.resolved]
        self.found_starts = [p.start for p in self.found]
        self.resolved_starts = [p.start for p in self.resolved]

    def found_in(self, lo: int, hi: int) -> list[Place]:
        return self.found[bisect.bisect_left(self.found_starts, lo):bisect.bisect_left(self.found_starts, hi)]

    def resolved_in(self, lo: int, hi: int) -> list[Place]:
        return self.resolved[bisect.bisect_left(self.resolved_starts, lo):
                             bisect.bisect_left(self.resolved_starts, hi)]


def _anchor(doc: Doc, known: _Known, cue_i: int, after_i: int,
            district: bool, look_before: bool = True) -> Place | None:
    """The place that locates the names: the first one named in or right after the list (a
    town, "ريف X", a province; a district or plain the gazetteer cannot place stands for its
    province), else (``look_before``) the nearest one before the cue in the same sentence. A
    neighbourhood needs a town."""
    cue = doc[cue_i]
    sent = cue.sent
    lo, hi = sent.start_char, sent.end_char
    cue_start = cue.idx
    cue_end = cue_start + len(cue)
    reach_end = doc[min(len(doc), after_i + REACH) - 1].idx + 1

    def usable(p: Place) -> Place | None:
        if district:
            return p if p.resolved and p.kind == "city" and p.latitude is not None else None
        if p.resolved:
            return p if p.kind != "country" and p.geo_precision and p.latitude is not None else None
        return _province_place(known.resolved, p) if p.admin1 else None

    for p in known.found_in(cue_end, min(hi, reach_end)):
        got = usable(p)
        if got is not None:
            return got
    if district or not look_before:
        return None
    before = [p for p in known.resolved_in(lo, cue_start) if usable(p)]
    return before[-1] if before else None


def _province_place(resolved: list[Place], p: Place) -> Place | None:
    """A place of the text in the province of ``p`` (a district the gazetteer cannot place),
    its provincial capital first, at precision 2 at least."""
    same = [q for q in resolved if q.admin1 == p.admin1 and q.country == p.country
            and q.kind != "country" and q.latitude is not None and q.geo_precision]
    if not same:
        return None
    best = min(same, key=lambda q: (q.location != q.admin1 and q.kind != "admin1", q.geo_precision))
    return replace(best, geo_precision=max(2, best.geo_precision))


# A village's name recurs in the reports of its fighting: its spelling and key are memoised.
@functools.lru_cache(maxsize=20_000)
def _transliterated(name: str) -> str:
    return transliterate(name)


def _coded(text: str, start: int, end: int, anchor: Place, district: bool,
           latin: str | None = None) -> Place:
    # An English name, kept as written, may name a village, a field or a crossing's town.
    what = "neighbourhood" if district else "village" if latin is None else "place"
    latin = latin or _transliterated(text)
    key = normalise_word(text)
    if district:
        location, precision = f"{anchor.location} - {latin}", 1
    else:
        location, precision = latin, max(2, anchor.geo_precision or 2)
    return replace(
        anchor, start=start, end=end, text=text, location=location, geo_precision=precision,
        entry_id=f"{ENTRY_PREFIX}{key}@{anchor.country}/{anchor.admin1}",
        how=f"not in the gazetteer ({what} {text}): coordinates of {anchor.location}")


# ------------------------------------------------------------ transliteration
_SUN = frozenset("تثدذرزسشصضطظلن")
_LETTERS = {"ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
            "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
            "ع": "'", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
            "ه": "h", "ء": "'", "ئ": "'", "ؤ": "'", "پ": "p", "چ": "ch", "ڤ": "v", "گ": "g"}
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")


def transliterate(name: str) -> str:
    """A Latin spelling of an Arabic place name in the style of ACLED's location names
    ("المشيك" -> "Al-Mushayk", "الزقوم" -> "Az-Zaqum", "دير حافر" -> "Deir Hafir").

    Short vowels are not written in Arabic, so they are guessed: a vowel after a first
    consonant followed by another or inside three consonants, the diminutive CCيC read as
    CuCayC, the participle CاCC as CaCiC, the article assimilated to a sun letter. Good
    enough to recognise and geocode a name, not a standard.
    """
    words = _DIACRITICS.sub("", name).split()
    out: list[str] = []
    for w in words:
        folded = normalise(w)
        if folded in _COMPOUND:
            out.append(_COMPOUND[folded])
            continue
        glued = "ابو" if folded.startswith("ابو") and len(folded) > 5 else None
        if glued and len(words) == 1:
            out.append(_COMPOUND[glued])
            w = w[len(glued):]
        out.append(_word(w))
    return " ".join(x for x in out if x)


def _word(w: str) -> str:
    prefix = ""
    if w.startswith("ال") and len(w) > 3:
        w = w[2:]
        first = _LETTERS.get(w[0], "l")
        prefix = f"A{first}-" if w[0] in _SUN else "Al-"
    body = "".join(_units(w)).lstrip("'")
    return prefix + body[:1].upper() + body[1:]


_LONG = "اآى"


def _units(w: str) -> list[str]:
    """Latin pieces of one word without its article; vowels guessed as the docstring says."""
    end = w[:-1] if w.endswith("ة") else w
    tail = ("h" if end.endswith("ا") else "ah") if w.endswith("ة") else ""
    if len(end) == 4 and end[2] == "ي" and (not tail or end[1] == "و") \
            and not any(c in _LONG + "أإي" for c in end[:2] + end[3]):
        # The diminutive CuCayC(ah) of village names (Mushayk, Duwayr, Huwayjah); without و a
        # CCيCة word is as often CaCiCah (Shari'ah), which the general rule reads.
        c1, c2, c3 = (_LETTERS.get(c, "w" if c == "و" else "") for c in (end[0], end[1], end[3]))
        return [c1, "u", c2, "ay", c3] + ([tail] if tail else [])
    if len(end) == 4 and end[1] == "ا" and not any(c in _LONG + "وي" for c in end[2:]):
        # The participle CaCiC(ah): حافر Hafir, قاهرة Qahirah.
        return [_LETTERS.get(end[0], "").lstrip("'") or "", "a", _LETTERS.get(end[2], ""), "i",
                _LETTERS.get(end[3], "")] + ([tail] if tail else [])
    pieces: list[tuple[str, bool]] = []  # (latin, is a consonant)
    if end[:1] == "ع" and end[1:2] in ("ي", "و"):
        pieces += [("a", False), ("i" if end[1] == "ي" else "u", False)]  # عين Ain, عيشة Aisha
        end, w = end[2:], w[2:]
    for k, ch in enumerate(end):
        prev_c = bool(pieces) and pieces[-1][1]
        nxt = w[k + 1] if k + 1 < len(w) else ""
        if ch in _LONG:
            pieces.append(("a", False))
        elif ch in "أإ" and k == 0:
            pieces.append(("i" if ch == "إ" else "a", False))
        elif ch in "وي":
            before_vowel = bool(nxt) and nxt in _LONG + "ة"
            if prev_c and not before_vowel:
                pieces.append(("u" if ch == "و" else "i", False))
            elif ch == "ي":
                if prev_c:
                    pieces.append(("i", False))
                pieces.append(("y", True))
            else:
                pieces.append(("w", True))
        elif ch in "أإ":
            pieces.append(("'", True))
        else:
            pieces.append((_LETTERS.get(ch, ""), True))
    if len(pieces) > 1 and pieces[0][1] and pieces[1][1]:
        pieces.insert(1, ("a", False))  # no Arabic word starts with two consonants
    k = 2
    while k < len(pieces):  # nor has three in a row
        if pieces[k][1] and pieces[k - 1][1] and pieces[k - 2][1]:
            pieces.insert(k, ("a", False))
        k += 1
    if tail:
        pieces.append((tail, False))
    return [p for p, _ in pieces]
