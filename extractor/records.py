"""Typed records passed between the stages of the pipeline.

Every mention keeps its character span (``start``/``end``) into the text that was
analysed, so each emitted field can say where it came from.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, fields


def record(cls: type) -> type:
    """``@dataclass(frozen=True)`` with a cheaper ``__init__``.

    The frozen dataclass ``__init__`` sets each field with a call to ``object.__setattr__`` (its
    own ``__setattr__`` refuses): 18 calls, about 4-7 microseconds, for a Place, and the stages
    make one to two hundred records per 500-word article. This ``__init__`` takes the same
    parameters and defaults and sets the instance dict whole, which is where those calls put
    the values (about twice as fast). Everything else is the dataclass's own: fields,
    equality, hashing, repr, ``dataclasses.replace``, pickling and the refusal of later
    assignments. Only for records without ``__post_init__`` or default factories (checked).
    """
    cls = dataclass(frozen=True)(cls)
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: record() does not run __post_init__")
    params, items, defaults = [], [], {}
    for f in fields(cls):
        if f.default_factory is not MISSING or not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: record() supports plain fields only")
        if f.default is MISSING:
            params.append(f.name)
        else:
            params.append(f"{f.name}=_default_{f.name}")
            defaults[f"_default_{f.name}"] = f.default
        items.append(f"{f.name!r}: {f.name}")
    source = (f"def __init__(self, {', '.join(params)}):\n"
              f"    _set(self, '__dict__', {{{', '.join(items)}}})\n")
    namespace: dict = {}
    exec(source, {**defaults, "_set": object.__setattr__}, namespace)  # as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
    return cls


@record
class Article:
    """One input article, as read by :mod:`extractor.ingest`."""

    id: str
    text: str
    title: str = ""
    published: dt.date | None = None
    source: str = ""
    url: str = ""
    language: str = ""  # "ar", "en", another ISO 639-1 code, or "" for auto-detect
    origin: str = ""  # where it came from: "path" or "path:line"


@record
class Rejection:
    """An input that could not be converted, with where and why."""

    origin: str
    reason: str
    article_id: str = ""


@record
class Place:
    """A place mention resolved to a gazetteer entry, or explicitly unresolved.

    ``resolved`` is False when the name was found but could not be placed; then
    ``reason`` says why and the location fields are empty.
    """

    start: int
    end: int
    text: str
    resolved: bool = True
    reason: str = ""
    entry_id: str = ""  # gazetteer entry id ("gn:99062", "overlay:ain-al-asad", ...)
    kind: str = ""  # "city", "admin1", "admin2", "site", "region", "country"
    location: str = ""
    country: str = ""
    iso: int | None = None
    region: str = ""
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None  # 1..3 as ACLED; None for a country alone
    how: str = ""  # how it was chosen: "unique", "country context", "population", ...


@record
class DateMention:
    """A date expression resolved to a calendar day with ACLED time precision."""

    start: int
    end: int
    text: str
    date: dt.date
    precision: int  # 1 day, 2 week/span, 3 month
    rule: str = ""


@record
class ActorMention:
    """An actor named in the text, mapped to a dictionary entry.

    ``name`` may contain ``{country}`` (and the dictionary entry regime years are
    resolved later by :func:`extractor.actors.actor_name`), because ACLED names
    state forces and generic actors by the country of the event.
    """

    start: int
    end: int
    text: str
    key: str  # dictionary entry id
    name: str  # canonical name or template, e.g. "Military Forces of {country}"
    inter: int  # ACLED inter code 1..8
    country: str = ""  # the actor's own country, if it has one ("" for transnational)
    role_hint: str = ""  # "civilian", "protester", "rioter", "state", ... for typing


@record
class Trigger:
    """A word or phrase that reports an event of a given ACLED type."""

    start: int
    end: int
    text: str
    event_type: str
    sub_event_type: str
    strength: float  # 0..1, how strongly the phrase alone signals the type
    rule: str = ""  # lexicon entry id
    # The type depends on who was involved ("attacked", "killed", هاجم): the assembler codes
    # Battles/Armed clash between two armed sides, else Violence against civilians/Attack.
    needs_target: bool = False
    # "asserted" for a reported event; otherwise why it is not one: "negated", "future",
    # "hypothetical", "threat", "history", "question", "related-news".
    modality: str = "asserted"


@record
class Fatalities:
    """A death count read from the text."""

    start: int
    end: int
    text: str
    count: int
    rule: str = ""


@dataclass
class Event:
    """One output row before ids and timestamps are assigned by the dataset writer."""

    event_date: dt.date
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str = ""
    assoc_actor_1: str = ""
    inter1: int | None = None
    actor2: str = ""
    assoc_actor_2: str = ""
    inter2: int | None = None
    civilian_targeting: str = ""
    place: Place | None = None
    source: str = ""
    source_scale: str = ""
    notes: str = ""
    fatalities: int = 0
    tags: str = ""
    article_id: str = ""
    url: str = ""
    published: dt.date | None = None
    language: str = ""
    confidence: float = 0.0
    evidence: str = ""
    evidence_start: int = 0
    evidence_end: int = 0
