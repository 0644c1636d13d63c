"""Fatalities: reported death counts in a Doc, and one total per event.

Rules follow the codebook (docs/actors.md has the full table): only deaths count,
never injuries; a vague count takes the codebook value (several 3, dozens and
عشرات 12, tens 10, hundreds 100); a combined "killed and wounded" figure is not a
death count, it only says that some died (3, or 10 for a large figure); "killed or
injured" says nothing certain and gives no count; "at least N" and "between N and M"
give the lowest figure.

Matching runs over ``token.norm_`` with a small scanner per number: a death word
before it ("killing 5", "مقتل 5") or after it ("5 people were killed",
"27 شخصا قتلوا"), plus number-free phrases ("killed a civilian", "مقتل شخص",
"لقي مصرعه", "سقوط قتلى"). Number words are data (resources/{en,ar}/numbers.csv);
the death words are small closed sets below.
"""
from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate, compress

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc

from .nlp import COLUMNS, columns, text_of, word_array
from .normalise import clitic_candidates, normalise
from .records import Fatalities

EXACT, VAGUE, COMBINED = "exact", "vague", "combined"
BOMBER = "bomber"  # a suicide bomber: counted only beside other deaths (total)
PUNCT = {",", ".", ";", ":", "(", ")", "!", "?", "،", "؛", "؟", "\"", "«", "»", "[", "]"}
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
LARGE_COMBINED = 50  # a combined toll this large implies many deaths: code 10, not 3
UNKNOWN_COMBINED = 10  # "killed and injured a number of": ACLED's coding of an unknown toll
_UNKNOWN_TOLL = {"number"}  # English reports (ACLED's); Arabic "عدد من القتلى والجرحى" stays 3 (in-house gold)

# English closed sets (normalised, lower case).
EN_BEFORE = {"kill", "kills", "killed", "killing", "execute", "executes", "executed", "executing",
             "massacred", "massacring", "slaughtered", "murdered", "murdering", "assassinated",
             "lives", "bodies", "body", "toll", "dead", "lost", "beheaded", "beheading", "lynched", "lynching"}
EN_AFTER = {"killed", "dead", "death", "died", "slain", "executed", "perished", "murdered", "assassinated",
            "beheaded", "lynched", "fatalities", "deaths", "bodies", "die"}
EN_SKIP = {"at", "least", "more", "than", "over", "about", "around", "approximately", "nearly",
           "almost", "some", "total", "of", "up", "to", "estimated", "roughly", "reportedly",
           "another", "additional", "as", "many", "the", "rose", "reached", "climbed", "stood",
           "has", "had", "and", "injured", "injuring", "wounded", "wounding", "or", "between"}
EN_INJURY = {"injured", "injuring", "injures", "wounded", "wounding", "wounds", "hurt", "injuries",
             "injury", "casualties", "maimed"}
EN_AUX = {"were", "was", "been", "are", "is", "be", "being", "reportedly", "allegedly", "got", "reported",
          "have", "has", "had", "later", "also", "all", "subsequently", "confirmed", "both"}
EN_OBJECT_START = {"a", "an", "one", "the", "his", "her", "him", "them", "their", "its", "two", "three",
                   "at", "several", "dozens", "scores", "many", "some", "four", "five", "six", "seven"}
EN_CLAUSE = {"and", "where", "when", "while", "after", "before", "as", "which", "who", "that",
             "because", "since", "but", "then", "whom"}  # a new clause: its death word is not ours
EN_SUBSET = {"including", "among", "of"}
EN_NEGATORS = {"no", "not", "none", "without", "neither", "nor", "zero", "nobody"}
EN_PERSON = {"man", "woman", "boy", "girl", "child", "baby", "civilian", "soldier", "officer",
             "policeman", "policewoman", "fighter", "militant", "member", "commander", "person",
             "teenager", "farmer", "shepherd", "doctor", "journalist", "student", "worker", "driver",
             "resident", "villager", "guard", "leader", "official", "cleric", "teacher", "trader",
             "merchant", "youth", "elder", "infant", "brother", "sister", "son", "daughter", "father",
             "mother", "wife", "husband", "relative", "nurse", "employee", "activist", "protester",
             "demonstrator", "prisoner", "detainee", "suspect", "gunman", "militiaman", "rebel",
             "bodyguard", "contractor", "engineer", "pilot", "lawyer", "judge", "imam", "priest",
             "chief", "mayor", "soldiers", "individual", "shopkeeper", "fisherman", "herder", "local"}
EN_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
             "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
             "sep", "sept", "oct", "nov", "dec"}
EN_PRONOUN_ONE = {"him", "her"}
EN_POSSESSIVE = {"his", "her", "their"}
EN_PERSONS = {"men", "women", "children", "people", "persons", "policemen", "militiamen", "gunmen",
              "servicemen", "tribesmen", "youths", "fighters", "soldiers", "troops", "civilians", "members"}
EN_GENERIC_VICTIMS = {"people", "persons", "person", "individuals", ""}
EN_ADDITIVE = {"other", "others", "another", "more", "additional", "further"}

# Arabic closed sets (normalised: أ→ا, ة→ه, ى→ي); proclitics are tried off at match time.
AR_BEFORE = {"مقتل", "مصرع", "قتل", "قتلت", "قتلوا", "قتلا", "استشهاد", "استشهد", "وفاه", "اعدام", "اعدم", "اعدمت",
             "حياه", "ضحيته", "ضحيتها", "حصيله", "جثث", "جثه", "جثامين", "سقوط", "وقوع", "القتلي",
             "قتلي", "اغتيال", "ذبح", "تصفيه"}
AR_AFTER = {"قتلوا", "قتلا", "قتل", "لقوا", "لقي", "لقيا", "لقين", "حتفهم", "مصرعهم", "حتفه",
            "مصرعه", "استشهدوا", "استشهد", "توفوا", "توفي", "قضوا", "قتيل", "قتيلا", "قتلي",
            "القتلي", "جثث", "جثه", "جثامين", "اعدموا", "قتيلين", "قتيلان", "حتفهما", "مصرعهما"}
AR_SKIP = {"من", "علي", "الاقل", "اكثر", "نحو", "حوالي", "قرابه", "زهاء", "ما", "لا", "يقل", "عن",
           "يزيد", "الي", "ارتفع", "ارتفعت", "بين", "و", "اجمالي", "عدد", "بلغ", "بلغت", "الشهداء",
           "القتلي", "قتلي", "يناهز", "يتجاوز", "اليوم", "امس"}
AR_INJURY = {"اصابه", "اصيب", "اصيبوا", "جرح", "جرحي", "جريح", "جريحا", "مصاب", "مصابين", "مصابا",
             "اصابات", "بجروح", "جروح", "اصابتهم", "اصابته", "جرحوا", "الجرحي", "المصابين", "الجريح",
             "الاصابات", "الاصابه"}
AR_MONTHS = {"يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر", "اكتوبر",
             "نوفمبر", "ديسمبر", "كانون", "شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "اب", "ايلول",
             "تشرين", "محرم", "صفر", "ربيع", "جمادي", "رجب", "شعبان", "رمضان", "شوال", "القعده", "الحجه",
             "ذو"}
AR_NEGATORS = {"لم", "لا", "دون", "بدون", "عدم", "نفي", "نفت", "ينفي", "تنفي"}
AR_PERSON_ONE = {"شخص", "رجل", "امراه", "سيده", "طفل", "طفله", "جندي", "شرطي", "مدني", "شاب", "فتاه",
                 "صبي", "ضابط", "عنصر", "مسلح", "مواطن", "مقاتل", "زوجته", "زوجها", "ابنه", "ابنته",
                 "شقيقه", "شقيقته", "والده", "والدته", "قيادي", "قائد", "طالب", "طبيب", "صحفي",
                 "شخصا", "رجلا", "طفلا", "جنديا", "مدنيا", "شابا", "صبيا", "ضابطا", "عنصرا", "مسلحا",
                 "مقاتلا", "شرطيا", "مواطنا", "قياديا", "طالبا", "طبيبا", "صحفيا", "راع", "راعي",
                 "مزارع", "سائق", "حارس", "معتقل", "امام", "مختار", "احد"}
AR_PERSON_TWO = {"شخصين", "جنديين", "طفلين", "رجلين", "شابين", "عنصرين", "ضابطين", "امراتين",
                 "سيدتين", "شقيقين", "قتيلين", "شخصان", "جنديان", "طفلان", "رجلان", "شابان",
                 "عنصران", "ضابطان", "قتيلان"}
AR_PRONOUN_ONE = {"مقتله", "مصرعه", "حتفه", "استشهاده", "اعدامه", "مقتلها", "مصرعها", "حتفها",
                  "اغتياله", "وفاته"}
AR_PRONOUN_MANY = {"مقتلهم", "مصرعهم", "حتفهم", "اعدامهم"}
AR_DEATH_NOUNS = {"قتيل", "قتيلا", "قتلي", "القتلي", "قتيلين", "قتيلان"}
AR_INJURY_NOUNS = {"جريح", "جريحا", "جرحي", "الجرحي", "مصاب", "مصابين", "مصابا", "المصابين", "اصابات"}
AR_PLURAL_DEATHS = {"قتلي"}  # "سقوط قتلى": plural deaths with no number
AR_PLURAL_LEAD = {"سقوط", "وقوع", "اوقع", "خلف", "عن", "الي", "واوقع", "وسقوط", "ووقوع"}
AR_GENERIC_VICTIMS = {"اشخاص", "شخصا", "اشخاصا", "شخص", ""}
AR_ADDITIVE = {"اخرين", "اخرون", "اخران", "اخري", "اخر", "اخرا", "اضافيين"}


@dataclass(frozen=True)
class Number:
    """A count read at tokens [start, end): its value and whether it is exact."""

    start: int
    end: int
    value: int
    kind: str  # "exact", "vague" or "article" (a/an)


@functools.cache
def number_words(lang: str) -> tuple[dict[tuple[str, ...], tuple[int, str]], int]:
    """Normalised number words of ``lang`` (tuples of words) -> (value, kind), and the longest length."""
    text = resources.files(f"extractor.resources.{lang}").joinpath("numbers.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO("\n".join(x for x in text.splitlines() if not x.startswith("#"))))
    table = {tuple(normalise(r["word"]).split()): (int(r["value"]), r["kind"]) for r in rows}
    return table, max(len(k) for k in table)


@functools.cache
def _first_words(lang: str) -> frozenset[str]:
    return frozenset(k[0] for k in number_words(lang)[0])


@functools.lru_cache(maxsize=65536)
def _readings(norm: str) -> tuple[str, ...]:
    """An Arabic token's readings with proclitics removed (cached: words repeat across articles)."""
    return tuple(clitic_candidates(norm))


def _ar_word(norm: str, words: set[str]) -> str:
    """The reading of an Arabic token in ``words`` once proclitics are removed, else ""."""
    for cand in _readings(norm):
        if cand in words:
            return cand
    return ""


_SPACE = (".", (".",), False, False, False, False)
_UNSEEN = object()
_INFO = "fatalities.info"  # the key (with the language) of the per-word table of _describe


def _describe(norm: str, lang: str) -> tuple[str, tuple[str, ...], bool, bool, bool, bool]:
    """(norm, readings, negator, may start a count, number-free death cue, death word) of one
    normalised token; white space (a line break) ends a clause like punctuation."""
    if norm and not norm.strip():
        return _SPACE
    ar = lang == "ar"
    readings = _readings(norm) if ar else (norm,)
    first = _first_words(lang)
    maybe = norm[:1].isdigit() or (ar and norm[1:2].isdigit()) or any(r in first for r in readings)
    negators = AR_NEGATORS if ar else EN_NEGATORS
    cues = _NUMBERLESS_CUES_AR if ar else _NUMBERLESS_CUES_EN
    deaths = (AR_BEFORE | AR_AFTER) if ar else (EN_BEFORE | EN_AFTER)
    return (norm, readings, any(r in negators for r in readings), maybe, any(r in cues for r in readings),
            any(r in deaths for r in readings))


class _Scanner:
    """Reads numbers and death phrases from one Doc's normalised tokens."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.lang = doc.lang_
        self.ar = self.lang == "ar"
        self.table, self.longest = number_words(self.lang)
        self._numbers: dict[int, Number | None] = {}
        self.first_words = _first_words(self.lang)
        # Per-token data from a per-word table of the Doc's word table (news repeats its words),
        # split a column at a time: no Token objects and no Python loop over every token.
        lang = self.lang
        data = word_array(doc, (_INFO, lang), lambda table, w: _describe(table.norm_texts[w], lang),
                          object, len(_SPACE))
        self.norms, self.readings, self.negator, self.maybe_number, self.cue, deaths = data.T.tolist()
        # death words seen up to each token: a count with none nearby is skipped without a scan
        self.deaths_upto = list(accumulate(deaths, initial=0))

    def death_near(self, start: int, end: int) -> bool:
        """A death word within the windows the scans before and after a count look at."""
        lo, hi = max(0, start - 6), min(len(self.norms), end + 40)
        return self.deaths_upto[hi] > self.deaths_upto[lo]

    def word(self, i: int, words: set[str]) -> str:
        """Token ``i`` as a member of ``words`` (proclitics stripped for Arabic), else ""."""
        if i < 0 or i >= len(self.norms):
            return ""
        for r in self.readings[i]:
            if r in words:
                return r
        return ""

    def number(self, i: int) -> Number | None:
        """The count starting at token ``i``, if any (memoised: the scans ask again)."""
        if i < 0 or i >= len(self.maybe_number) or not self.maybe_number[i]:
            return None
        found = self._numbers.get(i, _UNSEEN)
        if found is _UNSEEN:
            found = self._numbers[i] = self._number(i)
        return found

    def _number(self, i: int) -> Number | None:
        norms, n = self.norms, len(self.norms)
        if i >= n or i < 0 or not self.maybe_number[i]:
            return None
        tok = norms[i]
        if self.ar and tok.startswith("و") and len(tok) > 1 and _DIGITS.fullmatch(tok[1:]):
            tok = tok[1:]
        if _DIGITS.fullmatch(tok):
            value = int(tok.replace(",", ""))
            if 1900 <= value <= 2100 and "," not in tok:
                return None  # a year
            months = AR_MONTHS if self.ar else EN_MONTHS
            if self.word(i + 1, months) or self.word(i - 1, months):
                return None  # a day of the month
            return self._range(Number(i, i + 1, value, EXACT))
        return self._words(i)

    def _lookup(self, i: int) -> tuple[int, int, str] | None:
        """Longest number-word entry at ``i``: (end, value, kind)."""
        for k in range(min(self.longest, len(self.norms) - i), 0, -1):
            key = tuple(self.norms[i:i + k])
            hit = self.table.get(key)
            if hit is None and self.ar and k == 1:
                for cand in self.readings[i][1:]:
                    hit = self.table.get((cand,))
                    if hit:
                        break
            if hit:
                return i + k, hit[0], hit[1]
        return None

    def _words(self, i: int) -> Number | None:
        first = self._lookup(i)
        if first is None:
            return None
        end, value, kind = first
        if kind == "article":
            nxt = self._lookup(end)
            if nxt and nxt[2] in ("hundred", "thousand"):
                return Number(i, nxt[0], nxt[1], EXACT)  # "a hundred", "a million"
        if kind in ("vague", "article"):
            if kind == "vague" and self.norms[i] == "some" and self.number(end):
                return self.number(end)  # "some 80 people": a modifier
            return Number(i, end, value, VAGUE if kind == "vague" else "article")
        if kind in ("hundred", "thousand", "teen"):
            return Number(i, end, value, EXACT) if kind != "teen" else None
        total = value
        j = end
        while j < len(self.norms):
            if self.norms[j] in ("-", "and") and j + 1 < len(self.norms):
                j += 1
                continue
            nxt = self._lookup(j)
            if nxt is None:
                break
            nend, nval, nkind = nxt
            if nkind == "teen" and total < 10:
                total += 10
            elif nkind == "ten" and total < 10:
                total += nval  # Arabic "خمسة وعشرون": units first
            elif nkind == "unit" and total >= 20 and total % 10 == 0 and nval < 10:
                total += nval
            elif nkind == "hundred" and nval == 100:
                total = max(total, 1) * 100
            elif nkind == "thousand" and nval in (1000, 1000000):
                total = max(total, 1) * nval
            else:
                break
            j = nend
        # backtrack over a trailing "-"/"and" that joined nothing
        while j > end and self.norms[j - 1] in ("-", "and"):
            j -= 1
        return self._range(Number(i, j, total, EXACT))

    def _range(self, num: Number) -> Number:
        """Extend "5 to 7", "5-7", "5 or 6" over the second figure; the lowest (first) one counts."""
        j = num.end
        joiners = ("to", "-", "or", "الي", "او")
        if num.start > 0 and self.norms[num.start - 1] in ("between", "بين"):
            joiners += ("and", "و")  # "between 5 and 7"; a bare "3 and 5" is two counts
        if j + 1 < len(self.norms) and self.norms[j] in joiners:
            second = self._simple(j + 1)
            if second and second.value > num.value:
                return Number(num.start, second.end, num.value, num.kind)
        return num

    def _simple(self, i: int) -> Number | None:
        tok = self.norms[i]
        if _DIGITS.fullmatch(tok):
            return Number(i, i + 1, int(tok.replace(",", "")), EXACT)
        hit = self._lookup(i)
        return Number(i, hit[0], hit[1], EXACT) if hit and hit[2] in ("unit", "ten") else None

    def negated(self, i: int) -> bool:
        """A negator ("no", "لم", "دون") among the three tokens before ``i``."""
        return any(self.negator[max(0, i - 3):i])

    def injury(self, i: int) -> bool:
        return bool(self.word(i, AR_INJURY if self.ar else EN_INJURY))

    def punct(self, i: int) -> bool:
        return self.norms[i] in PUNCT


def _before(sc: _Scanner, num: Number, used: set[int]) -> tuple[int, str] | None:
    """A death word before ``num`` across modifiers: (its index, "exact"/"combined"/"uncertain").

    An injury word right after the death word makes a combined figure ("killed and
    injured 5", "مقتل وإصابة 5"); one nearer the number makes it an injury count.
    """
    before = AR_BEFORE if sc.ar else EN_BEFORE
    skip = AR_SKIP if sc.ar else EN_SKIP
    injury_at = None
    seen_or = False
    for k in range(num.start - 1, max(-1, num.start - 6), -1):
        if sc.punct(k) or k in used:  # a death word already read with its own count
            return None
        if sc.word(k, before) and (injury_at is None or injury_at <= k + 2):
            if sc.ar and sc.word(k, AR_DEATH_NOUNS) and not all(
                    sc.word(x, AR_SKIP) for x in range(k + 1, num.start)):
                return None  # "عدد القتلى إلى 30", not "قتلى المعارضة ثلاثة من القادة"
            if injury_at is not None:
                return k, ("uncertain" if seen_or else COMBINED)
            return k, EXACT
        if sc.injury(k):
            injury_at = k
        elif sc.norms[k] == "and" and injury_at is None:
            return None  # "killed and around 10 million displaced": a new clause
        elif sc.norms[k] in ("or", "او"):
            seen_or = True
        elif sc.number(k) and sc.number(k).kind != "article" and sc.number(k).start != num.start:
            return None  # another count comes between ("some 80" is this one)
        elif sc.norms[k] not in skip and not (sc.ar and sc.word(k, skip)):
            if not sc.ar or k < num.start - 3 or injury_at is not None:
                return None
    return None


def _injured_after(sc: _Scanner, num: Number) -> bool:
    """True when the count is the subject of an injury word ("and 5 were wounded", "5 جرحى")."""
    if sc.ar:
        return num.end < len(sc.norms) and sc.norms[num.end] in AR_INJURY
    for k in range(num.end, min(len(sc.norms), num.end + 4)):
        if sc.injury(k):
            return True
        if sc.punct(k) or sc.norms[k] in ("and", "و") or sc.norms[k] not in EN_AUX | EN_ADDITIVE:
            return False
    return False


def _after(sc: _Scanner, num: Number) -> tuple[int, str] | None:
    """A death word after ``num`` (the victims are its subject): (index, kind)."""
    after = AR_AFTER if sc.ar else EN_AFTER
    n = len(sc.norms)
    k, budget = num.end, 14
    while k < n and budget > 0:
        if sc.norms[k] == "(":  # an aside does not break the clause: "5 civilians (2 men, ...) were killed"
            close = next((c for c in range(k + 1, min(n, k + 15)) if sc.norms[c] == ")"), None)
            if close is None:
                return None
            k = close + 1
            continue
        budget -= 1
        hit = _after_at(sc, num, k, after)
        if hit is not None:
            return None if hit == "stop" else hit
        k += 1
    return None


def _after_at(sc: _Scanner, num: Number, k: int, after: set[str]) -> tuple[int, str] | str | None:
    """Token ``k`` of the scan after a count: a death word (index, kind), "stop", or None to go on."""
    n = len(sc.norms)
    if sc.punct(k) or sc.injury(k) or (not sc.ar and sc.norms[k] in EN_CLAUSE):
        return "stop"
    later = sc.number(k) if k > num.end else None
    if later and (later.kind != "article" or sc.norms[k - 1] not in EN_SUBSET):
        return "stop"  # another count; "a/an" only inside "including a commander"
    hit = sc.word(k, after)
    if not hit or (not sc.ar and hit == "death" and sc.norms[k - 1] != "to"):
        return None
    if not sc.ar and hit == "killed" and k + 1 < n and (
            sc.norms[k + 1] in EN_OBJECT_START or _DIGITS.fullmatch(sc.norms[k + 1])):
        obj = sc.number(k + 1)
        if not (obj and _injured_after(sc, obj)):
            return "stop"  # "two armed men killed a man": the number is the killers
    if not sc.ar and hit in ("fatalities", "deaths", "bodies") and k > num.end + 1:
        return "stop"
    nxt = sc.norms[k + 1] if k + 1 < n else ""
    if nxt in ("or", "او") and sc.injury(k + 2):
        return k, "uncertain"  # "killed or injured": no death is certain
    if sc.ar and hit in AR_DEATH_NOUNS and (
            sc.word(k + 1, AR_INJURY_NOUNS) or (nxt == "و" and sc.word(k + 2, AR_INJURY_NOUNS))):
        return k, COMBINED  # "50 قتيلا وجريحا", "قتلى وجرحى"
    if not sc.ar and nxt == "and" and sc.injury(k + 2):
        return k, COMBINED  # "5 killed and injured"
    return k, EXACT


def _victims_one(sc: _Scanner, num: Number) -> bool:
    """"a"/"an" counts as one only before a person noun ("killed a soldier")."""
    return any(sc.norms[k] in EN_PERSON for k in range(num.end, min(len(sc.norms), num.end + 4)))


_IDX, _LENGTH = COLUMNS.index(IDX), COLUMNS.index(LENGTH)


def _record(sc: _Scanner, a: int, b: int, count: int, rule: str) -> Fatalities:
    if not 0 <= a < b <= len(sc.norms):
        span = sc.doc[a:b]
        return Fatalities(start=span.start_char, end=span.end_char, text=span.text, count=count, rule=rule)
    # offsets from the shared attribute array and the text sliced from the Doc's kept input (a
    # Span and its text built Token objects); spaCy's tokens are lossless
    cols = columns(sc.doc)
    start, end = int(cols[a, _IDX]), int(cols[b - 1, _IDX] + cols[b - 1, _LENGTH])
    return Fatalities(start=start, end=end, text=text_of(sc.doc)[start:end], count=count, rule=rule)


def _combined_count(sc: _Scanner, num: Number) -> int:
    """Deaths implied by a combined killed-and-wounded figure (plural deaths, number unknown).

    "killing and injuring a number of fighters": ACLED's English notes code such unknown tolls
    as 10 (the codebook's "3 or 10 by context"); the in-house Arabic gold codes "سقوط عدد من
    القتلى والجرحى" as 3, so the Arabic count word keeps the plural-deaths value.
    """
    if num.kind == "article" or num.value < 3:
        return 1
    if num.kind == VAGUE and any(w in _UNKNOWN_TOLL for w in sc.norms[num.start:num.end]):
        return UNKNOWN_COMBINED
    return 10 if num.value >= LARGE_COMBINED else 3


def find_fatalities(doc: Doc) -> list[Fatalities]:
    """Death counts in ``doc`` with character offsets, in text order.

    ``rule`` is "<lang>:<pattern>:<kind>" with kind "exact", "vague" (a codebook value
    for a count word) or "combined" (a killed-and-wounded figure: some deaths implied).
    """
    sc = _Scanner(doc)
    lang = sc.lang
    out: list[Fatalities] = []
    used: set[int] = set()
    i = 0
    # A count is read only with a death word near it: a text with none (a quarter of the
    # mixed benchmark's) skips reading its numbers.
    counts = compress(range(len(sc.norms)), sc.maybe_number) if sc.deaths_upto[-1] else ()
    for start in counts:
        if start < i:
            continue
        i = start
        num = sc.number(i)
        if num is None:
            continue
        if not sc.death_near(num.start, num.end):
            i = num.end if num.kind != "article" else i + 1
            continue
        if sc.negated(num.start):
            i = num.end
            continue
        kind = VAGUE if num.kind == VAGUE else EXACT
        before = _before(sc, num, used)
        if before and _injured_after(sc, num):
            before = None
        after = None if before else _after(sc, num)
        if before and before[1] == EXACT and sc.ar:
            tail = _after(sc, num)  # "وقوع أكثر من 50 قتيلا وجريحا": the noun after decides
            if tail and tail[1] == COMBINED:
                before = (before[0], COMBINED)
        hit = before or after
        if hit is None or hit[1] == "uncertain" or (num.kind == "article" and not (
                (before and _victims_one(sc, num)) or (after and _passive(sc, hit[0])))):
            i = num.end if num.kind != "article" else i + 1
            continue
        k, how = hit
        if before and sc.norms[k] == "lost" and not _person_within(sc, num.end, 3):
            i = num.end  # "lost 3 tanks": not deaths
            continue
        pattern = "death-word-before" if before else "death-word-after"
        if how == COMBINED:
            count, kind = _combined_count(sc, num), COMBINED
        else:
            count = num.value
        a, b = min(k, num.start), max(k + 1, num.end)
        if a == num.start and a > 0 and sc.norms[a - 1] in EN_ADDITIVE:
            a -= 1  # "another 10 bodies": further victims
        if before:
            b = _extend_victims(sc, num.end) if not sc.ar else min(num.end + 1, len(sc.norms)) if (
                num.end < len(sc.norms) and not sc.punct(num.end)) else num.end
        if not sc.ar and num.kind == "article" and count == 1 and _and_his(sc, num.end):
            b = max(b, _and_his(sc, num.end))
            count = 2  # "killed a commander and his son"
        out.append(_record(sc, a, b, count, f"{lang}:{pattern}:{kind}"))
        used.update(range(a, b))
        i = b
        more = _coordinated(sc, b) if before and kind == EXACT else None
        if more is not None:  # "killed 15 civilians and 27 fighters", "قتل 47 متمردا و5 من القوات"
            end = _extend_victims(sc, more.end) if not sc.ar else more.end
            out.append(_record(sc, more.start, end, more.value, f"{lang}:coordinated:{EXACT}"))
            used.update(range(more.start, end))
            i = end
    out += _numberless(sc, used)
    out.sort(key=lambda f: f.start)
    return out


def _coordinated(sc: _Scanner, j: int) -> Number | None:
    """A further count joined by "and"/"و" right after a death count's victims, if not injured."""
    n = len(sc.norms)
    if sc.ar:
        k = j if j < n and sc.norms[j].startswith("و") else None
    else:
        k = j + 1 if j + 1 < n and sc.norms[j] == "and" else None
    num = sc.number(k) if k is not None else None
    if num is None or num.kind != EXACT or _injured_after(sc, num) or _after(sc, num):
        return None
    return num


def _passive(sc: _Scanner, k: int) -> bool:
    """An English death word used of its subject ("was killed", "died"), not a transitive verb."""
    if sc.norms[k] != "killed":
        return True
    return k > 0 and sc.norms[k - 1] in EN_AUX


def _extend_victims(sc: _Scanner, j: int) -> int:
    """End of the victim noun phrase after an English count (for the record's text)."""
    end = j
    for k in range(j, min(len(sc.norms), j + 4)):
        if sc.punct(k) or sc.norms[k] in ("and", "in", "on", "at", "during", "when", "while", "after", "with",
                                           "including") or sc.norms[k] in EN_ADDITIVE or sc.maybe_number[k]:
            break
        end = k + 1
    return end


def _numberless(sc: _Scanner, used: set[int]) -> list[Fatalities]:
    """Deaths stated without a number: "killed him", "مقتل شخص", "لقي مصرعه", "سقوط قتلى"."""
    out: list[Fatalities] = []
    lang, n = sc.lang, len(sc.norms)
    for i in compress(range(n), sc.cue):
        if sc.negated(i):
            continue
        if not sc.ar and i > 0 and sc.norms[i] in ("killed", "dead") and sc.norms[i - 1] in EN_PRONOUN_ONE:
            # "leaving him killed and injuring a number of ...": the death word is his, even when a
            # combined reading took it for the later count
            out.append(_record(sc, i - 1, i + 1, 1, "en:pronoun-killed:exact"))
            continue
        if i in used:
            continue
        if sc.ar:
            if sc.word(i, AR_PRONOUN_ONE):
                out.append(_record(sc, i, i + 1, 1, "ar:pronoun-one:exact"))
            elif sc.word(i, AR_PRONOUN_MANY) and not _number_near(sc, i):
                out.append(_record(sc, i, i + 1, 3, "ar:pronoun-many:vague"))
            elif sc.word(i, {"مقتل", "مصرع", "قتل", "استشهاد", "استشهد", "اغتيال", "اعدام", "وفاه"}):
                nxt = sc.norms[i + 1] if i + 1 < n else ""
                if nxt in AR_PERSON_TWO:
                    extra = 1 if i + 2 < n and sc.norms[i + 2] in AR_ADDITIVE else 0  # "جنديان آخران"
                    out.append(_record(sc, i, i + 2 + extra, 2, "ar:death-noun-dual:exact"))
                elif nxt in AR_PERSON_ONE and not sc.number(i + 2):
                    out.append(_record(sc, i, i + 2, 1, "ar:death-noun-person:exact"))
                else:
                    # the verb's subject may come first: "قتل جنود إسرائيليون صبيا" (accusative object)
                    for k in range(i + 2, min(n, i + 4)):
                        if sc.punct(k) or k in used or sc.number(k):
                            break
                        if sc.norms[k] in AR_PERSON_ONE and sc.norms[k].endswith("ا"):
                            out.append(_record(sc, i, k + 1, 1, "ar:death-verb-object:exact"))
                            break
            elif sc.word(i, AR_PLURAL_DEATHS) and i > 0 and sc.word(i - 1, AR_PLURAL_LEAD) \
                    and not sc.negated(i - 1):
                combined = i + 1 < n and sc.injury(i + 1)
                out.append(_record(sc, i - 1, i + 1, 3,
                                   f"ar:plural-deaths:{COMBINED if combined else VAGUE}"))
        else:
            w = sc.norms[i]
            if w in ("killed", "killing", "kill", "executed", "murdered") and i + 1 < n \
                    and sc.norms[i + 1] in EN_PRONOUN_ONE:
                out.append(_record(sc, i, i + 2, 1, "en:killed-pronoun:exact"))
            elif w in ("killed", "died") and i >= 4 and sc.norms[i - 1] in ("were", "both") \
                    and _person(sc.norms[i - 2]) and sc.norms[i - 3] in EN_POSSESSIVE and sc.norms[i - 4] == "and":
                out.append(_record(sc, i - 4, i + 1, 2, "en:one-and-his-companion:exact"))  # "X and his bodyguard were killed"
            elif w == "death" and sc.norms[i - 1:i] == ["the"] and sc.norms[i + 1:i + 2] == ["of"]:
                end = _person_within(sc, i + 2, 5)
                if end:
                    out.append(_record(sc, i - 1, end, 1, "en:death-of-person:exact"))  # "the death of the commander"
        if sc.word(i, SUICIDE_BOMBERS):
            count = _bombers(sc, i)
            if count:
                out.append(_record(sc, max(0, i - 1), i + 1, count, f"{lang}:suicide-bomber:{BOMBER}"))
    return out


def _person(word: str) -> bool:
    """An English person noun, singular or plural ("bodyguard", "fighters", "men")."""
    return word in EN_PERSON or word in EN_PERSONS or (word.endswith("s") and word[:-1] in EN_PERSON)


def _person_within(sc: _Scanner, j: int, width: int) -> int:
    """End of the first person noun within ``width`` tokens from ``j`` (0 at punctuation, a number, or none)."""
    for k in range(j, min(len(sc.norms), j + width)):
        if sc.punct(k) or (sc.number(k) and sc.number(k).kind != "article"):
            return 0
        if _person(sc.norms[k]):
            return k + 1
    return 0


def _and_his(sc: _Scanner, j: int) -> int:
    """End of "and his son" right after a single victim ("killed a commander and his son"), else 0."""
    for k in range(j, min(len(sc.norms) - 2, j + 5)):
        if sc.punct(k):
            return 0
        if sc.norms[k] == "and":
            return k + 3 if sc.norms[k + 1] in EN_POSSESSIVE and _person(sc.norms[k + 2]) else 0
    return 0


def _bombers(sc: _Scanner, i: int) -> int:
    """Suicide bombers named at token ``i``: 1, 2 for a dual or "two suicide bombers", 0 if not one."""
    if sc.ar:
        return 2 if sc.word(i, AR_BOMBERS_TWO) else 1
    if i == 0 or sc.norms[i - 1] != "suicide":
        return 0
    num = sc.number(i - 2) if i >= 2 else None
    if num and num.kind == EXACT and num.end == i - 1:
        return num.value
    return 1 if sc.norms[i] == "bomber" else 2


_NUMBERLESS_CUES_AR = (AR_PRONOUN_ONE | AR_PRONOUN_MANY | AR_PLURAL_DEATHS
                       | {"مقتل", "مصرع", "قتل", "استشهاد", "استشهد", "اغتيال", "اعدام", "وفاه"})
_NUMBERLESS_CUES_EN = {"killed", "killing", "kill", "executed", "murdered", "died", "death", "dead", "bomber",
                       "bombers"}
AR_BOMBERS_TWO = {"انتحاريان", "انتحاريين"}
SUICIDE_BOMBERS = {"bomber", "bombers", "انتحاري", "انتحاريا"} | AR_BOMBERS_TWO
_NUMBERLESS_CUES_AR = _NUMBERLESS_CUES_AR | SUICIDE_BOMBERS


def _number_near(sc: _Scanner, i: int) -> bool:
    return any(sc.number(k) for k in range(max(0, i - 6), i))


_HEAD_STOP = {"في", "من", "علي", "عن", "الي", "خلال", "جراء", "اثر", "بعد", "قبل", "امس", "اليوم", "بين",
              "in", "on", "at", "during", "after", "when", "while", "from", "including", "by"}


_TOLL_NOUNS = {"fatalities", "deaths", "dead", "قتيل", "قتيلا", "قتلي", "القتلي", "قتيلين", "قتيلان"}
TOLL = "*toll*"  # the victim word of a bare toll ("4 fatalities", "5 قتلى"): people in general


def _head(f: Fatalities) -> tuple[str, bool]:
    """(victim word, additive) of a count: the first word after the number, and "others"/"آخرين".

    A count whose only victim word is a death noun ("4 fatalities", "3 قتلى") is a toll of
    people in general (:data:`TOLL`); one with no victim word at all ("3 were killed") gives "".
    """
    words = normalise(f.text).split()
    marks = {w for k, w in enumerate(words) if not (w == "more" and words[k + 1:k + 2] == ["than"])}
    additive = bool(marks & (EN_ADDITIVE | AR_ADDITIVE)) or ":coordinated:" in f.rule
    for w in words:
        if _DIGITS.fullmatch(w) or w in EN_SKIP or w in EN_BEFORE or w in EN_AFTER or w in EN_AUX:
            continue
        if w in AR_SKIP or w in AR_BEFORE or w in AR_AFTER or _ar_word(w, AR_BEFORE | AR_AFTER):
            continue
        if (w,) in number_words("en")[0] or (w,) in number_words("ar")[0]:
            continue
        if "-" in w and all((part,) in number_words("en")[0] for part in w.split("-") if part):
            continue  # "thirty-five" is one word of the text
        if w in _HEAD_STOP:
            break
        return (w[2:] if w.startswith("ال") else w), additive
    if any(w in _TOLL_NOUNS or _ar_word(w, _TOLL_NOUNS) for w in words):
        return TOLL, additive
    return "", additive


# _head of a count's text and rule: the same phrases ("3 civilians") recur in every text, and
# total reads each count's once per event that holds it.
_HEADS: dict[tuple[str, str], tuple[str, bool]] = {}
_HEADS_LIMIT = 50_000
_GENERIC = frozenset(EN_GENERIC_VICTIMS | AR_GENERIC_VICTIMS | {TOLL})


def total(found: list[Fatalities]) -> int:
    """One event's death count from the counts read in its sentences.

    Exact counts win over vague and combined ones. Exact counts are either tolls of people
    in general ("31 people", "4 fatalities", a first bare "killing 5") or counts of a
    group of victims ("25 rebels", "9 soldiers", "two others"). Group counts add up: a
    figure marked as more victims ("two others", "7 آخرين"), for another victim word, or
    a bare count after a first one ("6 fighters were killed and 3 were killed"); the same
    group told twice keeps the lowest figure, and the same figure for the same group is one
    report. General tolls are estimates of the whole (the lowest is kept, codebook), so the
    result is the larger of the groups' sum and the lowest toll ("more than 50 people ... 15
    civilians and 27 fighters ... 10 bodies ... 15 fighters" = 67). Suicide bombers count
    (codebook) when others died with them. Without exact counts the largest vague value
    is used (vague values are floors), then a combined figure's implied deaths, else 0.
    """
    bombers = max((f.count for f in found if f.rule.endswith(BOMBER)), default=0)
    exact = [f for f in found if f.rule.endswith(EXACT)]
    if not exact:
        vague = [f.count for f in found if f.rule.endswith(VAGUE)]
        combined = [f.count for f in found if f.rule.endswith(COMBINED)]
        deaths = max(vague or combined or [0])
        return deaths + bombers if deaths else 0
    groups: dict[str, int] = {}
    order: list[str] = []
    tolls: list[int] = []
    seen: set[tuple[str, int]] = set()
    generic = _GENERIC
    for f in exact:
        hit = _HEADS.get((f.text, f.rule))
        if hit is None:
            if len(_HEADS) > _HEADS_LIMIT:
                _HEADS.clear()
            hit = _HEADS[(f.text, f.rule)] = _head(f)
        head, additive = hit
        if head == "" and not groups and not tolls:
            head = TOLL  # a first bare count ("killing 5") is the toll
        if not additive and ((head, f.count) in seen or (head in generic and any(c == f.count for _, c in seen))):
            continue  # the same figure again is one report
        seen.add((head, f.count))
        if additive or head == "":
            key = f"+{len(order)}"
            groups[key] = f.count
            order.append(key)
        elif head in generic:
            tolls.append(f.count)
        elif head in groups:
            groups[head] = min(groups[head], f.count)  # the same victims told twice: the lowest
        else:
            groups[head] = f.count
            order.append(head)
    deaths = max(sum(groups.values()), min(tolls) if tolls else 0)
    return deaths + bombers if deaths else 0
