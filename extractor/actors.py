"""Actors: find actor mentions in a Doc and give them ACLED names and inter codes.

Data (``resources/``): ``common/actors.csv`` holds the canonical entries (name or
template, inter code, role), ``{ar,en}/actors.csv`` the aliases, ``{ar,en}/actor_demonyms.csv``
the nationality words that turn a force noun into a country's forces ("Turkish
soldiers", "القوات التركية"), ``common/state_forces.csv`` the regime years ACLED
appends to state forces and ``common/actor_overrides.csv`` the names that depend on
the event's country or date (the Houthis before and after the Supreme Political
Council, Al Qaeda's branches, ...).

Matching is an n-gram lookup on ``token.norm_`` (the one normal form of
:mod:`extractor.normalise`), longest match first, so Arabic proclitics stripped by
:mod:`extractor.nlp` need no alias variants.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from itertools import compress

from spacy.attrs import IDX, LENGTH, NORM, ORTH
from spacy.strings import hash_string
from spacy.tokens import Doc

from .errors import ExtractorError
from .nlp import text_of as doc_text
from .nlp import COLUMNS, WordTable, columns, word_pieces, word_values
from .normalise import clitic_candidates, normalise, normalise_word
from .records import ActorMention, record

INTER_LABELS: dict[int, str] = {
    1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia",
    5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces",
}
ROLES = ("state", "rebel", "militia", "identity", "rioters", "protesters", "civilians",
         "external", "unidentified")
EXTERNAL = 8
# The one word that may join an English mention by a hyphen and keep it the actor ("pro-Houthi
# forces"); any other ("anti-Houthi", "TURK-IS") makes it part of another word.
_EN_HYPHEN_OK = {"pro"}


class ActorDataError(ExtractorError):
    """An actor data file is malformed (names the file and line)."""


@dataclass(frozen=True)
class Entry:
    """One canonical actor (a row of common/actors.csv)."""

    key: str
    name: str
    inter: int
    role: str
    force: str = ""  # "military" or "police": a state force named from state_forces.csv
    suffix: str = ""  # unit after the regime years ("Popular Mobilization Forces")
    country: str = ""


@dataclass(frozen=True)
class Alias:
    """A normalised alias: the entry it names and the country it fixes."""

    key: str
    country: str
    generic: bool
    alone: bool = True  # False: a head noun kept only when merged into a named group
    exact: tuple[tuple[int, str], ...] = ()  # (token offset, text) that must match case
    subject: bool = False  # a country name: an actor only as the subject of an act verb


@dataclass(frozen=True)
class Period:
    """A span of regime years for one country's state forces ([start, end))."""

    country: str
    form: str
    start: dt.date
    end: dt.date | None
    years: str


@dataclass(frozen=True)
class Override:
    """A name that applies in a country and/or a span of dates (actor_overrides.csv)."""

    key: str
    country: str  # the event's country ("" = any)
    actor_country: str  # the actor's own country ("" = any)
    start: dt.date | None
    end: dt.date | None
    name: str
    inter: int | None


def _rows(package: str, name: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a resource CSV, skipping '#' comment lines."""
    path = resources.files(package).joinpath(name)
    text = path.read_text(encoding="utf-8")
    lines = [(i, line) for i, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.startswith("#")]
    if not lines:
        raise ActorDataError(f"{name}: empty file")
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in lines)))
    out = []
    for (lineno, _), row in zip(lines[1:], reader):
        if None in row or any(v is None for v in row.values()):
            raise ActorDataError(f"{name}:{lineno}: wrong number of columns")
        out.append((lineno, row))
    return out


def _date(value: str, where: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise ActorDataError(f"{where}: bad date {value!r} (use YYYY-MM-DD)") from e


@functools.cache
def entries() -> dict[str, Entry]:
    """Canonical entries by key (common/actors.csv)."""
    out: dict[str, Entry] = {}
    for lineno, r in _rows("extractor.resources.common", "actors.csv"):
        where = f"common/actors.csv:{lineno}"
        if r["role"] not in ROLES or not r["inter"].isdigit() or int(r["inter"]) not in INTER_LABELS:
            raise ActorDataError(f"{where}: bad role {r['role']!r} or inter {r['inter']!r}")
        if r["force"] and r["force"] not in ("military", "police", "government"):
            raise ActorDataError(f"{where}: bad force {r['force']!r} (military, police or government)")
        out[r["key"]] = Entry(r["key"], r["name"], int(r["inter"]), r["role"], r["force"],
                              r["suffix"], r["country"])
    return out


@functools.cache
def _periods() -> dict[str, list[Period]]:
    out: dict[str, list[Period]] = {}
    for lineno, r in _rows("extractor.resources.common", "state_forces.csv"):
        where = f"common/state_forces.csv:{lineno}"
        start = _date(r["start"], where)
        if start is None:
            raise ActorDataError(f"{where}: start is required")
        out.setdefault(r["country"], []).append(
            Period(r["country"], r["form"], start, _date(r["end"], where), r["years"]))
    for periods in out.values():
        periods.sort(key=lambda p: p.start)
    return out


@functools.cache
def _overrides() -> dict[str, list[Override]]:
    out: dict[str, list[Override]] = {}
    for lineno, r in _rows("extractor.resources.common", "actor_overrides.csv"):
        where = f"common/actor_overrides.csv:{lineno}"
        inter = int(r["inter"]) if r["inter"] else None
        out.setdefault(r["key"], []).append(Override(
            r["key"], r["country"], r["actor_country"], _date(r["start"], where), _date(r["end"], where), r["name"], inter))
    return out


def _ar_adjectives(adj: str, plural: str) -> dict[str, list[str]]:
    """Indefinite adjective forms by agreement: m, f (feminine / non-human plural), p (human plural)."""
    bases = [a for a in adj.split("|") if a]
    m = list(bases)
    f = [a + "ة" for a in bases]
    p = [a + "ين" for a in bases] + [a + "ون" for a in bases] + [x for x in plural.split("|") if x]
    return {"m": m, "f": f, "p": p + f}


def _alias_texts(lang: str) -> list[tuple[str, str, str, bool, bool, bool]]:
    """(alias text, key, own country, generic, alone, subject) for every alias of ``lang``,
    combinations and country names (``subject``: see :func:`_acts`) included."""
    ents = entries()
    out: list[tuple[str, str, str, bool, bool, bool]] = []
    demonyms = [(r, n) for n, r in _rows(f"extractor.resources.{lang}", "actor_demonyms.csv")]
    countries = sorted({p for p in _periods()} | {r["country"] for r, _ in demonyms})
    for lineno, r in _rows(f"extractor.resources.{lang}", "actors.csv"):
        if r["key"] not in ents:
            raise ActorDataError(f"{lang}/actors.csv:{lineno}: unknown key {r['key']!r}")
        generic, alone = r["generic"] == "yes", r["alone"] == "yes"
        if alone or generic:
            out.append((r["alias"], r["key"], r["country"], generic, alone, False))
        if r["combine"] != "yes":
            continue
        noun = r["alias"]
        if lang == "en":
            for d, _ in demonyms:
                out.append((f"{d['demonym']} {noun}", r["key"], d["country"], False, True, False))
            for c in countries:
                out.append((f"{noun} of {c}", r["key"], c, False, True, False))
                if noun in _EN_POSSESSIVE_NOUNS:
                    out.append((f"{c}'s {noun}", r["key"], c, False, True, False))
        else:
            definite = noun.split()[-1].startswith("ال")  # "الجيش", "قوات الأمن" (a definite construct)
            for d, _ in demonyms:
                for form in _ar_adjectives(d["adj"], d["plural"])[r["gender"] or "m"]:
                    out.append((f"{noun} {'ال' + form if definite else form}", r["key"], d["country"],
                                False, True, False))
    # listed last: a country name never displaces an alias that starts with the same words
    for _, r in _rows(f"extractor.resources.{lang}", "actor_countries.csv"):
        out.append((r["name"], "military", r["country"], False, True, True))
    return out


# Force nouns also written after a country's possessive ("Zambia's army", "Israel's military").
_EN_POSSESSIVE_NOUNS = frozenset({"army", "military", "armed forces", "forces", "troops", "soldiers", "police",
                                  "air force", "navy", "government", "security forces"})


@functools.cache
def lexicon(lang: str) -> tuple[dict[tuple[str, ...], Alias], dict[str, int]]:
    """The alias n-gram table of ``lang`` and, per first word, the longest n-gram length.

    Aliases are split at white space and only words with punctuation ("pro-Hadi",
    "People's") go through spaCy's tokenizer: combinations repeat the same few words
    thousands of times, so each word is split and normalised once (16,600 aliases of 50,000
    words: a third of the build, which every process pays at start-up).
    """
    table: dict[tuple[str, ...], Alias] = {}
    longest: dict[str, int] = {}
    split: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # word -> (pieces, norms)
    for text, key, country, generic, alone, subject in _alias_texts(lang):
        words: tuple[str, ...] = ()
        norms: tuple[str, ...] = ()
        for w in text.split():
            held = split.get(w)
            if held is None:
                pieces = word_pieces(lang, w)
                held = split[w] = (pieces, tuple(normalise_word(p) for p in pieces))
            words += held[0]
            norms += held[1]
        if norms in table:  # first listing wins: files are ordered from specific to generic
            continue
        # Acronyms written in capitals (IS, SDF) are also common words once lower-cased.
        exact = () if lang != "en" else tuple(
            (i, w) for i, w in enumerate(words) if len(w) >= 2 and w.isupper() and w.isalpha())
        alias = table[norms] = Alias(key, country, generic, alone, exact, subject)
        longest[norms[0]] = max(longest.get(norms[0], 0), len(norms))
        if lang == "ar":
            # A later word may reach the Doc with its proclitic stripped ("للرئيس" -> "الرئيس") when
            # another lexicon knows the bare word: its readings are keys too.
            for variant in _clitic_variants(norms):
                table.setdefault(variant, alias)
    return table, longest


def _clitic_variants(norms: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The n-gram with one later word read without its proclitic, for each such word and reading."""
    out = []
    for k in range(1, len(norms)):
        for reading in clitic_candidates(norms[k])[1:]:
            out.append(norms[:k] + (reading,) + norms[k + 1:])
    return out


@functools.cache
def _hashed(lang: str) -> tuple[dict[tuple[int, ...], Alias], dict[int, tuple[int, ...]]]:
    """The lexicon keyed by spaCy string hashes of the norms, to match on ``doc.to_array(NORM)``,
    and per first word the n-gram lengths it starts, longest first."""
    table, _ = lexicon(lang)
    hashed = {tuple(hash_string(w) for w in k): v for k, v in table.items()}
    sizes: dict[int, set[int]] = {}
    for key in hashed:
        sizes.setdefault(key[0], set()).add(len(key))
    return hashed, {h: tuple(sorted(ks, reverse=True)) for h, ks in sizes.items()}


def vocabulary(lang: str) -> set[str]:
    """Normalised first words of every alias of ``lang`` (for Arabic clitic stripping)."""
    _, longest = lexicon(lang)
    return set(longest)


@record  # a frozen dataclass made with one dict update: about 30 per 500-word article
class Mention(ActorMention):
    """An actor mention with what its sentence says about its role (read by :func:`names`).

    ``agent``: named as the doer in a phrase that puts it after the verb or the victim
    ("repelled an attack by Taliban militants", "shot dead by IS snipers", "repelled an IS attack",
    "من قبل داعش", "هجوم شنه مسلحو داعش", "برصاص قوات الأمن"). ``group``: mentions joined
    by "and", a comma, "backed by", "in cooperation with" or "و" are one side and share a
    number ("between X and Y" are two sides). ``victim``: named as the ones killed, wounded or
    targeted ("killing two AQAP members", "مقتل 12 عنصرا من داعش"), not as the doer.
    """

    agent: bool = False
    group: int = 0
    victim: bool = False


# Context words (normalised). English agent phrases: "by X" (not "backed by X": an ally),
# "an X attack" ("thwarted an attack of X" keeps the thwarting side first, as ACLED does); allies: "X and Y", "X, backed by Y", "X in cooperation with Y".
_EN_DET = frozenset({"the", "a", "an", "suspected", "alleged", "presumed", "reportedly", "some", "several"})
_EN_ALLY_BY = frozenset({"backed", "supported", "assisted", "aided", "accompanied", "led", "joined",
                         "reinforced", "helped", "escorted", "protected"})
_EN_ATTACK = frozenset({"attack", "attacks", "assault", "assaults", "offensive", "ambush", "raid", "raids",
                        "incursion", "infiltration", "sniper", "snipers", "shelling", "rocket", "rockets"})
_EN_ALLY_GAPS = frozenset({(), ("and",), (",",), (",", "and"), ("in", "cooperation", "with"),
                           ("in", "coordination", "with"), ("backed", "by"), (",", "backed", "by"),
                           ("supported", "by"), (",", "supported", "by"), ("alongside",), ("along", "with"),
                           ("together", "with"), ("and", "affiliated"), ("as", "well", "as"), ("and", "allied")})
_BETWEEN = frozenset({"between", "بين"})
# Arabic: "من قبل X", "على يد X", "هجوم (شنه) X", "برصاص X", "بنيران X".
_AR_AGENT_ONE = frozenset({"شنه", "شنها", "شنته", "شنتها", "شنوه", "نفذه", "نفذها", "نفذته", "تبناه", "تبنته",
                           "رصاص", "نيران", "هجوم", "هجوما", "هجمات", "هجمه", "قصف", "غارات", "غاره"})
_AR_AGENT_TWO = frozenset({("من", "قبل"), ("علي", "يد"), ("علي", "ايدي")})
_AR_ALLY_GAPS = frozenset({(), ("و",), ("،",), ("بمساندة",), ("بمسانده",), ("بدعم", "من"), ("بالتعاون", "مع"),
                           ("بمشاركه",), ("مدعومه", "من"), ("مدعوما", "من"), ("تساندها",), ("تساندهم",)})
_AR_PROCLITIC = ("و", "ب", "ل", "ف")


def _bare(word: str) -> str:
    """An Arabic context word without one leading proclitic letter (و ب ل ف), when long enough."""
    return word[1:] if len(word) > 3 and word[0] in _AR_PROCLITIC else word


def _agent(words: list[str], i: int, j: int, lang: str) -> bool:
    """True when the mention at tokens [i, j) is named as the doer in a by-phrase or an attack noun."""
    k = i - 1
    if lang == "en":
        if k >= 1 and words[k] == "-" and words[k - 1] in _EN_HYPHEN_OK:
            k -= 2  # "attacks of pro-Houthi forces"
        while k >= 0 and words[k] in _EN_DET:
            k -= 1
        if k >= 0 and words[k] == "by":
            return k == 0 or words[k - 1] not in _EN_ALLY_BY
        return j < len(words) and words[j] in _EN_ATTACK and i > 0 and words[i - 1] in ("a", "an", "the")
    if k >= 0 and (words[k] in _AR_AGENT_ONE or _bare(words[k]) in _AR_AGENT_ONE):
        return True
    return k >= 1 and ((words[k - 1], words[k]) in _AR_AGENT_TWO
                       or (_bare(words[k - 1]), words[k]) in _AR_AGENT_TWO)


# Victims: "killing two AQAP members", "targeted IS positions", "مقتل 12 عنصرا من داعش". English: a
# harm verb before the mention, past numbers and determiners; Arabic: "من" right before it and a
# harm noun shortly before that (a verb right before the actor is VSO: "قتل مسلحو داعش" is the doer).
_EN_HARM = frozenset({"killing", "killed", "kills", "wounding", "wounded", "injuring", "injured",
                      "targeting", "targeted", "targets"})
_EN_COUNT = _EN_DET | {"at", "least", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                       "dozens", "dozen", "of", "more", "than", "number", "members", "fighters"}
# Verbal nouns only: a verb before "من" heads its subject ("استهدفت مجموعة من عناصر داعش حاجزا").
_AR_HARM = frozenset({"مقتل", "مصرع", "اصابه", "استهداف"})
VICTIM_REACH = 4  # context words between the harm word and the mention


def _victim(words: list[str], i: int, lang: str) -> bool:
    """True when the mention starting at token ``i`` is named as the ones harmed."""
    if lang == "en":
        k = i - 1
        while k >= 0 and i - k <= VICTIM_REACH and (words[k] in _EN_COUNT or words[k].isdigit()):
            k -= 1
        return k >= 0 and words[k] in _EN_HARM
    if i < 1 or _bare(words[i - 1]) != "من" and words[i - 1] != "من":
        return False
    return any(_bare(w) in _AR_HARM or w in _AR_HARM for w in words[max(0, i - 1 - VICTIM_REACH):i - 1])


_EN_HELD = frozenset({"held", "controlled", "occupied", "besieged", "dominated"})
_AR_HELD_BEFORE = frozenset({"سيطره", "قبضه", "تسيطر", "يسيطر"})  # "لسيطرة X", "تسيطر X" (present: holds)


def _holder(words: list[str], i: int, j: int, lang: str) -> bool:
    """True when the mention only says who holds a place ("the opposition-held town", "held by
    the rebels", "التي تسيطر عليها المعارضة", "الخاضعة لسيطرة داعش"): it took no part in the event."""
    if lang == "en":
        if j + 1 < len(words) and words[j] == "-" and words[j + 1] in _EN_HELD:
            return True
        k = i - 1
        while k >= 0 and words[k] in _EN_DET:
            k -= 1
        return k >= 1 and words[k] == "by" and words[k - 1] in _EN_HELD
    k = i - 1
    if k >= 1 and words[k] in ("عليها", "عليه"):
        k -= 1  # "التي تسيطر عليها المعارضة"
    return k >= 0 and (words[k] in _AR_HELD_BEFORE or _bare(words[k]) in _AR_HELD_BEFORE)


# Nouns after which "civilian" is an adjective, not a person.
_EN_CIVILIAN_THINGS = frozenset({"houses", "house", "homes", "home", "car", "cars", "vehicle", "vehicles", "areas", "area",
                                 "casualties", "targets", "target", "infrastructure", "facilities", "facility",
                                 "neighborhoods", "neighbourhoods", "neighborhood", "neighbourhood", "buildings",
                                 "building", "property", "properties", "objects", "population", "populations",
                                 "deaths", "death", "toll", "airport", "aircraft", "plane", "flights", "court",
                                 "courts", "government", "administration", "defense", "defence", "sites",
                                 "site", "life", "lives", "harm", "protection", "clothes", "clothing", "dress",
                                 "status", "authorities", "officials", "side", "part", "parts", "zones", "zone"})
_EN_SAID = frozenset({"said", "say", "says", "stated", "told"})
_EN_SPEAKER = frozenset({"spokesman", "spokesperson", "spokeswoman", "source", "sources", "statement", "official",
                         "officials", "spokesmen"})
_AR_SPEAKER = frozenset({"مصدر", "مصادر", "مصدران", "مصدرين", "مسؤول", "مسؤولون", "مسؤولين", "مسؤولان", "متحدث",
                         "الناطق", "ناطق", "المتحدث"})
_AR_ACCORDING = frozenset({"بحسب", "حسب", "وفق", "وفقا", "باسم", "لسان"})


def _source(words: list[str], i: int, j: int, key: str, lang: str) -> bool:
    """True when the mention is where the news came from, not a party: "according to the police",
    "Police said the motive was unclear", "an army spokesman", "military sources", "مصادر في
    الشرطة", "الناطق باسم الجيش", "بحسب الجيش", "وزارة الصحة في حكومة الوفاق". Only police are dropped as bare speakers ("Police
    said"): armies often report their own acts ("the army said it killed ...")."""
    k = i - 1
    if lang == "en":
        while k >= 0 and words[k] in _EN_DET:
            k -= 1
        if k >= 1 and words[k] == "to" and words[k - 1] == "according":
            return True
        if j < len(words) and words[j] in _EN_SPEAKER:
            return True
        if j < len(words) and words[j] == "reported":  # "HPG reported that ...": the source of a note
            return True
        return key == "police" and j < len(words) and words[j] in _EN_SAID
    if k < 0:
        return False
    if words[k] in _AR_ACCORDING or _bare(words[k]) in _AR_ACCORDING:
        return True
    if words[k] in _AR_SPEAKER or _bare(words[k]) in _AR_SPEAKER:
        return True  # "مصادر الشرطة", "ومصدران بالشرطة"
    if k >= 2 and words[k] == "في" and "وزاره" in (words[k - 2], _bare(words[k - 2])):
        return True  # "وزارة الصحة في حكومة الوفاق": a ministry reports the toll
    return k >= 1 and words[k] in ("في", "من", "ب") and (words[k - 1] in _AR_SPEAKER or _bare(words[k - 1]) in _AR_SPEAKER)


# A country as the doer of a military act means its armed forces ("Turkey and Russia conducted a joint
# patrol", "شنت إسرائيل غارات"). Closed sets: verbs that only armed forces do to others.
_EN_ACT_VERBS = frozenset({"conducted", "launched", "shelled", "struck", "bombed", "deployed", "targeted",
                           "fired", "attacked", "raided", "intercepted", "carried", "sent", "pounded",
                           "hit", "downed", "shot"})
_EN_ACT_ADVERBS = frozenset({"reportedly", "allegedly", "also", "jointly", "then", "again"})
_AR_ACT_VERBS = frozenset(normalise(w) for w in (
    "شنت", "قصفت", "استهدفت", "نفذت", "سيرت", "أرسلت", "دفعت", "أطلقت", "هاجمت", "ضربت", "أسقطت",
    "اعترضت", "سيرتا", "نفذتا", "شنتا"))


def _acts(words: list[str], a: int, b: int, lang: str, found: list[tuple[int, int, Alias]]) -> bool:
    """True when the country name at tokens [a, b) is the subject of a military act: English
    "<country> [and <country>] [reportedly] conducted|shelled|...", not after a preposition;
    Arabic "<verb> <country>" or "<verb> <country> و<country>"."""
    if lang == "en":
        if a > 0 and words[a - 1] not in (",", "and", ";", ":", "(", "."):
            return False  # "in Turkey", "of Israel", "Russia's": a place or a possessive
        k = b
        if k < len(words) and words[k] == "and":
            # "Turkey and Russia conducted": skip the other country name when it is one
            nxt = next((h for h in found if h[0] == k + 1 and h[2].subject), None)
            if nxt is None:
                return False
            k = nxt[1]
        while k < len(words) and words[k] in _EN_ACT_ADVERBS:
            k += 1
        return k < len(words) and words[k] in _EN_ACT_VERBS
    if a == 0:
        return False
    before = words[a - 1]
    if before in _AR_ACT_VERBS or _bare(before) in _AR_ACT_VERBS:
        return True
    # "سيرت روسيا وتركيا": the second country of a subject pair (its و is a separate token or stripped)
    prev = next((h for h in found if h[2].subject and h[1] in (a, a - 1)), None)
    return prev is not None and _acts(words, prev[0], prev[1], lang, found)


# Members of the forces who are not on duty are civilians in ACLED ("an off-duty policeman",
# "a retired officer"). English only: Arabic puts the adjective after a noun that a generic head
# may already have merged with ("مسلحون شرطي متقاعد").
_EN_OFF_DUTY = (("off", "duty"), ("off", "-", "duty"), ("retired",))


UNIDENTIFIED = "unidentified"


def _definite(words: list[str], a: int, lang: str) -> bool:
    """A generic mention written as one already known: "the gunmen", "المسلحون"."""
    if lang == "en":
        return a > 0 and words[a - 1] == "the"
    return words[a].startswith("ال") or _bare(words[a]).startswith("ال")


def _off_duty(words: list[str], a: int, lang: str) -> bool:
    """True when the English state-force mention starting at token ``a`` is off duty or retired."""
    if lang != "en":
        return False
    before = tuple(words[max(0, a - 4):a])
    return any(before[k:k + len(cue)] == cue for cue in _EN_OFF_DUTY for k in range(len(before)))


def _allied(words: list[str], prev: tuple[int, int], cur: tuple[int, int], first_text: str, lang: str) -> bool:
    """True when two consecutive mentions are one side ("X and Y", "X backed by Y", "X وY")."""
    if cur[0] - prev[1] > 3:
        return False
    gap = tuple(words[k] for k in range(prev[1], cur[0]))
    before = prev[0] - 1
    if lang == "en":
        while before >= 0 and words[before] in _EN_DET:
            before -= 1
    if before >= 0 and words[before] in _BETWEEN and (not gap or gap[-1] in ("and", "و") or first_text[:1] == "و"):
        return False  # "between X and Y": two sides
    if lang == "en":
        return gap in _EN_ALLY_GAPS
    if not gap:
        return first_text[:1] == "و"
    return gap in _AR_ALLY_GAPS


def _words(doc: Doc) -> list[str]:
    """The norm strings of a Doc's tokens, from its word table (news repeats its words): taken
    by the word ids instead of a StringStore lookup per token."""
    return word_values(doc, _WORDS, _norm_text)


_WORDS = "actors.words"


def _norm_text(table: WordTable, w: int) -> str:
    return table.norm_texts[w]


# Where NORM, IDX, LENGTH and ORTH are in the Doc's shared attribute array.
_COLUMNS = [COLUMNS.index(a) for a in (NORM, IDX, LENGTH, ORTH)]


def find_actors(doc: Doc) -> list[Mention]:
    """Every actor mention in ``doc``, longest match first, ordered by position.

    A generic head noun next to a named group is merged into it ("Taliban militants",
    "مسلحو داعش"), so one group is one mention. Each mention says whether it is named as
    the doer in a by-phrase (``agent``) and which mentions are one side (``group``).
    Matching reads attribute arrays (NORM, IDX, LENGTH, ORTH): no Token object is made; a mention's
    text is a slice of the Doc's kept input text.
    """
    lang = doc.lang_
    table, longest = _hashed(lang)
    if not len(doc):
        return []
    # one attribute array for matching and for the texts and offsets of what is found
    hashes, idx, length, orth = columns(doc)[:, _COLUMNS].T.tolist()
    sizes = list(map(longest.get, hashes))
    if not any(sizes):
        return []
    n = len(hashes)
    strings = doc.vocab.strings
    words = _words(doc)

    found: list[tuple[int, int, Alias]] = []
    i = 0
    for start in compress(range(n), sizes):  # only where an alias starts: a C-level scan
        if start < i:
            continue
        i = start
        hit = None
        for k in sizes[i]:
            if i + k > n:
                continue
            alias = table.get(tuple(hashes[i:i + k]))
            if alias is None:
                continue
            if alias.exact and any(strings[orth[i + off]] != t for off, t in alias.exact):
                continue
            hit = (i, i + k, alias)
            break
        if hit is None:
            continue
        # an English mention hyphen-joined to the word before it ("anti-Houthi", "TURK-IS") is part
        # of another word, except after "pro-"
        if not (lang == "en" and i >= 2 and words[i - 1] == "-" and idx[i - 2] + length[i - 2] == idx[i - 1]
                and words[i - 2] not in _EN_HYPHEN_OK):
            found.append(hit)
        i = hit[1]
    ents = entries()
    out: list[Mention] = []
    group = 0
    prev: tuple[int, int] | None = None
    named_group = 0  # where a named non-state armed group was last named (0: none yet)
    text = doc_text(doc)
    for a, b, alias in _merge_heads(found, lang):
        if not alias.alone or _holder(words, a, b, lang) or _source(words, a, b, alias.key, lang):
            continue
        if named_group and text.count("\n", named_group, idx[a]) > 2:
            named_group = 0  # two paragraphs on, another incident may be told
        if alias.key == UNIDENTIFIED and named_group and _definite(words, a, lang):
            continue  # "Boko Haram insurgents killed 15 ... The gunmen arrived": the same attackers
        if alias.subject and not _acts(words, a, b, lang, found):
            continue  # a country name that is not the doer of a military act is a place
        if lang == "en" and b - a == 1 and words[a] == "civilian" and b < n and words[b] in _EN_CIVILIAN_THINGS:
            continue  # "civilian houses": an adjective
        entry = ents[alias.key]
        if entry.inter in (2, 3, 4) and entry.key != UNIDENTIFIED:
            named_group = idx[b - 1] + length[b - 1]  # where the last named group ends
        if entry.inter == 1 and _off_duty(words, a, lang):
            entry, alias = ents["civilians"], Alias("civilians", "", False)  # ACLED: not on duty, a civilian
        start_char, end_char = idx[a], idx[b - 1] + length[b - 1]
        mention_text = text[start_char:end_char]  # spaCy's tokens are lossless
        agent = _agent(words, a, b, lang)
        if prev is None or agent or not _allied(words, prev, (a, b), mention_text, lang):
            group += 1
        prev = (a, b)
        out.append(Mention(start=start_char, end=end_char, text=mention_text, key=entry.key,
                           name=entry.name, inter=entry.inter, country=alias.country or entry.country,
                           role_hint=entry.role, agent=agent, group=group,
                           victim=not agent and _victim(words, a, lang)))
    return out


def _merge_heads(found: list[tuple[int, int, Alias]], lang: str) -> list[tuple[int, int, Alias]]:
    """Merge a generic head noun into the adjacent named mention (after it in English, before in Arabic)."""
    out: list[tuple[int, int, Alias]] = []
    for hit in found:
        if out and out[-1][1] == hit[0]:
            prev = out[-1]
            head, named = (hit, prev) if lang == "en" else (prev, hit)
            if head[2].generic and not named[2].generic and head is not named:
                out[-1] = (prev[0], hit[1], named[2])
                continue
        out.append(hit)
    return out


def _override(key: str, country: str, own: str, date: dt.date) -> Override | None:
    for o in _overrides().get(key, []):
        if o.country and o.country != country:
            continue
        if o.actor_country == "none" and own:  # only an actor with no country of its own
            continue
        if o.actor_country not in ("", "none") and o.actor_country != own:
            continue
        if (o.start and date < o.start) or (o.end and date >= o.end):
            continue
        return o
    return None


def _regime(country: str, date: dt.date) -> tuple[str, str]:
    """(country as written in force names, regime years) for ``country`` on ``date``."""
    periods = _periods().get(country)
    if not periods:
        return country, ""
    current = periods[0]
    for p in periods:
        if p.start <= date:
            current = p
    return current.form, current.years


def _fill(template: str, country: str) -> str:
    """Put the country into a template; with no country known, drop the empty brackets."""
    if country:
        return template.replace("{country}", country)
    return template.replace(" ({country})", "").replace(" of {country}", "").replace("{country}", "")


_FORCE_NOUNS = {"military": "Military Forces", "police": "Police Forces", "government": "Government"}
# Forces of a breakaway state inside the country it broke from: ACLED codes them as state forces (1).
_BREAKAWAY = frozenset({("Artsakh", "Azerbaijan")})


def actor_name(m: ActorMention, event_country: str, event_date: dt.date) -> tuple[str, int]:
    """The ACLED name and inter code of mention ``m`` in an event in ``event_country`` on ``event_date``.

    Fills ``{country}`` (the actor's own country, else the event's), appends regime
    years to state forces, applies country/date overrides, and makes state forces
    acting outside their own country External/Other forces (inter 8), keeping the name.
    """
    return _actor_name(m.key, m.name, m.inter, m.country, event_country, event_date)


# Every event of an article names its actors again (the same group in each of its events, often
# several mentions of it in one), and the lexicons this reads do not change: memoised on what the
# name depends on.
@functools.lru_cache(maxsize=20_000)
def _actor_name(key: str, template: str, mention_inter: int, own: str, event_country: str,
                event_date: dt.date) -> tuple[str, int]:
    seen: set[str] = set()
    ents = entries()
    while True:
        entry = ents.get(key)
        if entry is None:  # a mention from outside the dictionary: use it as given
            return _fill(template, own or event_country), mention_inter
        own = own or entry.country
        where = own or event_country
        o = _override(key, event_country, own, event_date)
        if o is not None and o.name.startswith("=") and o.name[1:] not in seen:
            seen.add(key)
            key = o.name[1:]
            continue
        break
    if o is not None:
        name, inter = o.name, o.inter or entry.inter
    elif entry.force:
        form, years = _regime(where, event_date)
        noun = _FORCE_NOUNS[entry.force]
        name = " ".join(x for x in (f"{noun} of {form}" if form else noun, years, entry.suffix) if x)
        inter = entry.inter
    else:
        name, inter = _fill(entry.name, where), entry.inter
    if inter == 1 and own and event_country and own != event_country and (own, event_country) not in _BREAKAWAY:
        inter = EXTERNAL
    return name, inter


def interaction(inter1: int | None, inter2: int | None) -> str:
    """ACLED's text interaction: "State forces-Rebel group" (lower code first), "Rebel group only"."""
    if inter1 is None:
        return ""
    if not inter2:
        return f"{INTER_LABELS[inter1]} only"
    a, b = sorted((inter1, inter2))
    return f"{INTER_LABELS[a]}-{INTER_LABELS[b]}"


class Named(tuple):
    """``(name, inter)`` of one actor of an event, compared and unpacked as that pair.

    ``side`` is the coordination group of its first mention (0 = unknown: mentions not
    made by :func:`find_actors`); ``pos`` the index of that mention in the event's list;
    ``agent`` whether it was named as the doer in a by-phrase, ``victim`` as the ones harmed.
    """

    side: int
    pos: int
    agent: bool
    victim: bool

    def __new__(cls, name: str, inter: int, side: int = 0, pos: int = 0, agent: bool = False,
                victim: bool = False) -> Named:
        self = super().__new__(cls, (name, inter))
        self.side, self.pos, self.agent, self.victim = side, pos, agent, victim
        return self


OPERATION_PEACE_SPRING = "Operation Peace Spring"
# Forces ACLED folds into Operation Peace Spring when a report says they act under it.
_OPS_MEMBERS = ("Military Forces of Turkey", "Opposition Rebels (Syria)", "JWS: Syrian National Army")


def names(mentions: Iterable[ActorMention], event_country: str, event_date: dt.date) -> list[Named]:
    """Distinct (name, inter) of several mentions in one event: actors named as the doer in a
    by-phrase first ("repelled an attack by X"), then in order of first mention.

    Turkish forces and Syrian rebels named with Operation Peace Spring ("rebels under OPS")
    are that operation, as ACLED codes them.
    """
    listed = list(mentions)
    order = sorted(range(len(listed)), key=lambda k: (not getattr(listed[k], "agent", False),
                                                      getattr(listed[k], "victim", False)))
    out: list[Named] = []
    for k in order:
        m = listed[k]
        name, inter = _actor_name(m.key, m.name, m.inter, m.country, event_country, event_date)
        if (name, inter) not in out:
            out.append(Named(name, inter, getattr(m, "group", 0), k, getattr(m, "agent", False),
                             getattr(m, "victim", False)))
    if any(n[0] == OPERATION_PEACE_SPRING for n in out):
        out = [n for n in out if n[0] == OPERATION_PEACE_SPRING or not n[0].startswith(_OPS_MEMBERS)]
    return out


def countries(mentions: Iterable[ActorMention]) -> list[str]:
    """ACLED names of the countries the mentioned actors belong to ("Iraqi army" -> Iraq,
    Hezbollah -> Lebanon, the Houthis -> Yemen), in order of first mention, no duplicates.

    Transnational and generic actors (Islamic State, civilians, "the army") give none. A
    hint for locating events whose place is not resolved.
    """
    ents = entries()
    out: list[str] = []
    for m in mentions:
        entry = ents.get(m.key)
        own = m.country or (entry.country if entry else "")
        if own and own not in out:
            out.append(own)
    return out


@functools.lru_cache(maxsize=4_096)  # asked for every event (the unidentified side) of a few countries
def _generic(key: str, country: str) -> tuple[str, int]:
    """Name of a generic actor (unidentified, civilians) in ``country``, country conventions applied
    (an undated override row: unidentified armed men in Mexico are ACLED's Unidentified Gang)."""
    entry = entries()[key]
    for o in _overrides().get(key, []):
        if o.country == country and not o.start and not o.end and not o.name.startswith("="):
            return o.name, o.inter or entry.inter
    return _fill(entry.name, country), entry.inter


ARMED = frozenset({1, 2, 3, 4, 8})
CIVILIANS_INTER, PROTESTERS_INTER, RIOTERS_INTER = 7, 6, 5


@record  # a frozen dataclass made with one dict update (one per event)
class Roles:
    """The actor columns of one event, by the codebook's roles for its type."""

    actor1: str = ""
    assoc_actor_1: str = ""
    inter1: int | None = None
    actor2: str = ""
    assoc_actor_2: str = ""
    inter2: int | None = None
    interaction: str = ""
    civilian_targeting: str = ""


def _side(n: tuple[str, int]) -> int:
    return getattr(n, "side", 0)


PRO_GOVERNMENT = "Militia (Pro-Government)"


def _other_side(a1: tuple[str, int] | None, pool: list[tuple[str, int]]) -> tuple[list, list]:
    """(opponents, allies) of actor1 among the other actors, best first.

    Allies: named on actor1's side ("X and Y ... attack of Z"), or a pro-government militia
    beside state forces. Opponents come in mention order, another kind of actor first when
    the text does not say who is allied (police beside the army is one side).
    """
    others = [n for n in pool if a1 is None or n[0] != a1[0]]
    if a1 is None:
        return others, []
    s1 = _side(a1)
    state = {1, 8}

    def allied(n: tuple[str, int]) -> bool:
        if s1 and _side(n) == s1:
            return True
        return (a1[1] in state and n[0] == PRO_GOVERNMENT) or (a1[0] == PRO_GOVERNMENT and n[1] in state)

    opponents = [n for n in others if not allied(n)]
    opponents.sort(key=lambda n: (not s1 or not _side(n)) and n[1] == a1[1])
    return opponents, [n for n in others if allied(n)]


def _as_forces(n: tuple[str, int]) -> tuple[str, int]:
    """"Government of X (years)" as "Military Forces of X (years)" (ACLED names governments only in
    non-violent strategic developments), keeping the side and position."""
    if not n[0].startswith("Government of "):
        return n
    return Named("Military Forces of " + n[0][len("Government of "):], n[1], _side(n), getattr(n, "pos", 0),
                 getattr(n, "agent", False), getattr(n, "victim", False))


# Strategic developments whose actor2, when no other armed actor is named, is the civilians
# acted upon (the crops looted, the people arrested); movements and other activity have none.
_SD_CIVILIAN_TARGET = frozenset({"Looting/property destruction", "Arrests"})
_SD_ONE_SIDED = frozenset({"Change to group/activity"})
IED = "Remote explosive/landmine/IED"
LOOTING = "Looting/property destruction"


def assign_roles(named: list[tuple[str, int]], event_type: str, sub_event_type: str,
                 country: str) -> Roles:
    """Actor columns for an event from its distinct (name, inter) actors (as :func:`names` orders them).

    Protests and riots: actor1 is "Protesters/Rioters (country)"; the forces that
    intervene (protests) or the other side (riots; civilians named first are the crowd
    itself, "residents burned tyres") are actor2. Violence against civilians: the first
    armed actor (else an unidentified armed group) is actor1, civilians are always actor2,
    other armed actors are assoc_actor_1. Battles, remote violence and strategic
    developments: the first actor, then the first actor of another side (when
    :func:`names` knows the sides), else of another inter code, else another name; a
    further actor goes to assoc_actor_1 when it shares actor1's inter code, else to
    assoc_actor_2 ("; "-joined). Looting and arrests with no other armed actor target
    civilians; a change to a group's activity has no actor2. Strategic developments need a
    named actor1, except looting/property destruction (an unidentified armed group).
    """
    if event_type != "Strategic developments":  # a government fights through its forces
        named = [_as_forces(n) for n in named]
    armed = [n for n in named if n[1] in ARMED]
    civilians = [n for n in named if n[1] == CIVILIANS_INTER]
    unidentified = _generic("unidentified", country)
    a2: tuple[str, int] | None
    if event_type == "Protests":
        a1 = (_fill("Protesters ({country})", country), PROTESTERS_INTER)
        state = [n for n in armed if n[1] in (1, 8)]
        a2 = state[0] if state and sub_event_type != "Peaceful protest" else None
        rest = []  # organisers (parties, unions) are not in the dictionary
    elif event_type == "Riots":
        a1 = (_fill("Rioters ({country})", country), RIOTERS_INTER)
        crowd = named[0] if named and named[0][1] == CIVILIANS_INTER else None
        targets = armed + [n for n in civilians if n is not crowd]
        if not targets and sub_event_type == "Mob violence":
            targets = [_generic("civilians", country)]  # a mob attacks someone
        a2 = targets[0] if targets else None
        rest = []
    elif event_type == "Violence against civilians":
        a1 = armed[0] if armed else unidentified
        a2 = civilians[0] if civilians else _generic("civilians", country)
        rest = [n for n in armed if n != a1]
    else:
        pool = armed if armed else [n for n in named if n[1] != CIVILIANS_INTER]
        if sub_event_type == IED and pool and pool[0][1] in (1, 8) and not getattr(pool[0], "agent", False):
            pool = [unidentified] + pool  # forces named in a bomb report are its target; the bomber is unknown
        elif event_type == "Explosions/Remote violence" and pool and getattr(pool[0], "victim", False):
            pool = [unidentified] + pool  # "a drone strike ..., killing two AQAP members": who struck is unknown
        # A strategic development needs a named actor, except property destroyed or looted by
        # unknown hands ("a vehicle was set on fire"), which ACLED codes to an unidentified group.
        perpetrated = event_type != "Strategic developments" or sub_event_type == LOOTING
        a1 = pool[0] if pool else (unidentified if perpetrated else None)
        opponents, allies = _other_side(a1, pool)
        if event_type == "Battles":
            a2 = (opponents + allies)[0] if opponents + allies else (unidentified if a1 != unidentified else None)
        elif event_type == "Strategic developments" and sub_event_type in _SD_ONE_SIDED:
            a2 = None
        elif event_type == "Strategic developments" and sub_event_type in _SD_CIVILIAN_TARGET:
            a2 = opponents[0] if opponents else (civilians[0] if civilians else _generic("civilians", country))
        elif event_type == "Strategic developments" and sub_event_type == "Disrupted weapons use":
            a2 = opponents[0] if opponents else unidentified
        else:
            a2 = opponents[0] if opponents else (civilians[0] if civilians else None)
        rest = [n for n in pool if n not in (a1, a2)]
    if a1 is None:
        return Roles()
    if event_type == "Violence against civilians":  # other perpetrators join actor1's side
        assoc1 = [n[0] for n in rest]
        rest = []
    else:
        assoc1 = [n[0] for n in rest if n[1] == a1[1] and n[0] != a1[0]]
    assoc2 = [n[0] for n in rest if n[1] != a1[1] and (a2 is None or n[0] != a2[0])] if a2 else []
    inter2 = a2[1] if a2 else None
    return Roles(
        actor1=a1[0], assoc_actor_1="; ".join(assoc1), inter1=a1[1],
        actor2=a2[0] if a2 else "", assoc_actor_2="; ".join(assoc2), inter2=inter2,
        interaction=interaction(a1[1], inter2),
        civilian_targeting="Civilians targeted" if inter2 == CIVILIANS_INTER else "")
