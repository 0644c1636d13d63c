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

import spacy
from spacy.tokens import Doc

from .errors import ExtractorError
from .normalise import normalise
from .records import ActorMention

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


def _alias_texts(lang: str) -> list[tuple[str, str, str, bool, bool]]:
    """(alias text, key, own country, generic, alone) for every alias of ``lang``, combinations included."""
    ents = entries()
    out: list[tuple[str, str, str, bool, bool]] = []
    demonyms = [(r, n) for n, r in _rows(f"extractor.resources.{lang}", "actor_demonyms.csv")]
    countries = sorted({p for p in _periods()} | {r["country"] for r, _ in demonyms})
    for lineno, r in _rows(f"extractor.resources.{lang}", "actors.csv"):
        if r["key"] not in ents:
            raise ActorDataError(f"{lang}/actors.csv:{lineno}: unknown key {r['key']!r}")
        generic, alone = r["generic"] == "yes", r["alone"] == "yes"
        if alone or generic:
            out.append((r["alias"], r["key"], r["country"], generic, alone))
        if r["combine"] != "yes":
            continue
        noun = r["alias"]
        if lang == "en":
            for d, _ in demonyms:
                out.append((f"{d['demonym']} {noun}", r["key"], d["country"], False, True))
            for c in countries:
                out.append((f"{noun} of {c}", r["key"], c, False, True))
        else:
            definite = noun.startswith("ال")
            for d, _ in demonyms:
                for form in _ar_adjectives(d["adj"], d["plural"])[r["gender"] or "m"]:
                    out.append((f"{noun} {'ال' + form if definite else form}", r["key"], d["country"], False, True))
    return out


@functools.cache
def _tokenizer(lang: str):
    return spacy.blank(lang).tokenizer


@functools.cache
def lexicon(lang: str) -> tuple[dict[tuple[str, ...], Alias], dict[str, int]]:
    """The alias n-gram table of ``lang`` and, per first word, the longest n-gram length."""
    tok = _tokenizer(lang)
    table: dict[tuple[str, ...], Alias] = {}
    longest: dict[str, int] = {}
    for text, key, country, generic, alone in _alias_texts(lang):
        words = [t.text for t in tok(text)]
        norms = tuple(normalise(w) for w in words)
        # Acronyms written in capitals (IS, SDF) are also common words once lower-cased.
        exact = tuple((i, w) for i, w in enumerate(words)
                      if lang == "en" and len(w) >= 2 and w.isupper() and w.isalpha())
        if norms in table:  # first listing wins: files are ordered from specific to generic
            continue
        table[norms] = Alias(key, country, generic, alone, exact)
        longest[norms[0]] = max(longest.get(norms[0], 0), len(norms))
    return table, longest


def vocabulary(lang: str) -> set[str]:
    """Normalised first words of every alias of ``lang`` (for Arabic clitic stripping)."""
    _, longest = lexicon(lang)
    return set(longest)


def _mention(doc: Doc, i: int, j: int, alias: Alias) -> ActorMention:
    entry = entries()[alias.key]
    span = doc[i:j]
    return ActorMention(start=span.start_char, end=span.end_char, text=span.text, key=entry.key,
                        name=entry.name, inter=entry.inter, country=alias.country or entry.country,
                        role_hint=entry.role)


def _hyphenated_en(doc: Doc, i: int) -> bool:
    """True when an English mention is hyphen-joined to a word before it ("anti-Houthi", "TURK-IS")."""
    return (i >= 2 and doc[i - 1].text == "-" and not doc[i - 2].whitespace_
            and doc[i - 2].norm_ not in _EN_HYPHEN_OK)


def find_actors(doc: Doc) -> list[ActorMention]:
    """Every actor mention in ``doc``, longest match first, ordered by position.

    A generic head noun next to a named group is merged into it ("Taliban militants",
    "مسلحو داعش"), so one group is one mention.
    """
    lang = doc.lang_
    table, longest = lexicon(lang)
    norms = [t.norm_ for t in doc]
    found: list[tuple[int, int, Alias]] = []
    i, n = 0, len(norms)
    while i < n:
        size = longest.get(norms[i], 0)
        hit = None
        for k in range(min(size, n - i), 0, -1):
            alias = table.get(tuple(norms[i:i + k]))
            if alias is None:
                continue
            if any(doc[i + off].text != text for off, text in alias.exact):
                continue
            hit = (i, i + k, alias)
            break
        if hit is None:
            i += 1
            continue
        if not (lang == "en" and _hyphenated_en(doc, i)):
            found.append(hit)
        i = hit[1]
    return [_mention(doc, a, b, al) for a, b, al in _merge_heads(found, lang) if al.alone]


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
        if (o.country and o.country != country) or (o.actor_country and o.actor_country != own):
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


def actor_name(m: ActorMention, event_country: str, event_date: dt.date) -> tuple[str, int]:
    """The ACLED name and inter code of mention ``m`` in an event in ``event_country`` on ``event_date``.

    Fills ``{country}`` (the actor's own country, else the event's), appends regime
    years to state forces, applies country/date overrides, and makes state forces
    acting outside their own country External/Other forces (inter 8), keeping the name.
    """
    key, own, seen = m.key, m.country, set()
    ents = entries()
    while True:
        entry = ents.get(key)
        if entry is None:  # a mention from outside the dictionary: use it as given
            return _fill(m.name, own or event_country), m.inter
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
        noun = "Military Forces" if entry.force == "military" else "Police Forces"
        name = " ".join(x for x in (f"{noun} of {form}" if form else noun, years, entry.suffix) if x)
        inter = entry.inter
    else:
        name, inter = _fill(entry.name, where), entry.inter
    if inter == 1 and own and event_country and own != event_country:
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


def names(mentions: Iterable[ActorMention], event_country: str, event_date: dt.date) -> list[tuple[str, int]]:
    """Distinct (name, inter) of several mentions in one event, in order of first mention."""
    out: list[tuple[str, int]] = []
    for m in mentions:
        named = actor_name(m, event_country, event_date)
        if named not in out:
            out.append(named)
    return out


ARMED = frozenset({1, 2, 3, 4, 8})
CIVILIANS_INTER, PROTESTERS_INTER, RIOTERS_INTER = 7, 6, 5


@dataclass(frozen=True)
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


def assign_roles(named: list[tuple[str, int]], event_type: str, sub_event_type: str,
                 country: str) -> Roles:
    """Actor columns for an event from its distinct (name, inter) actors, in order of mention.

    Protests and riots: actor1 is "Protesters/Rioters (country)"; the forces that
    intervene (protests) or the other side (riots) are actor2. Violence against
    civilians: the first armed actor (else an unidentified armed group) is actor1,
    civilians are always actor2, other armed actors are assoc_actor_1. Battles, remote
    violence and strategic developments: the first actor, then the first of another
    inter code (else another name) as the other side; a further actor goes to
    assoc_actor_1 when it shares actor1's inter code, else to assoc_actor_2 ("; "-joined).
    """
    armed = [n for n in named if n[1] in ARMED]
    civilians = [n for n in named if n[1] == CIVILIANS_INTER]
    unidentified = (_fill("Unidentified Armed Group ({country})", country), 3)
    a2: tuple[str, int] | None
    if event_type == "Protests":
        a1 = (_fill("Protesters ({country})", country), PROTESTERS_INTER)
        state = [n for n in armed if n[1] in (1, 8)]
        a2 = state[0] if state and sub_event_type != "Peaceful protest" else None
        rest = []  # organisers (parties, unions) are not in the dictionary
    elif event_type == "Riots":
        a1 = (_fill("Rioters ({country})", country), RIOTERS_INTER)
        a2 = (armed + civilians)[0] if armed + civilians else None
        rest = []
    elif event_type == "Violence against civilians":
        a1 = armed[0] if armed else unidentified
        a2 = civilians[0] if civilians else (_fill("Civilians ({country})", country), CIVILIANS_INTER)
        rest = [n for n in armed if n != a1]
    else:
        pool = armed if armed else [n for n in named if n[1] != CIVILIANS_INTER]
        a1 = pool[0] if pool else (unidentified if event_type != "Strategic developments" else None)
        others = [n for n in pool if a1 is None or n[0] != a1[0]]
        # the other side: preferably another kind of actor (police beside the army is one side)
        others.sort(key=lambda n: a1 is not None and n[1] == a1[1])
        if event_type == "Battles":
            a2 = others[0] if others else (unidentified if a1 != unidentified else None)
        else:
            a2 = others[0] if others else (civilians[0] if civilians else None)
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
