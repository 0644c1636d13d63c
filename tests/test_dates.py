"""Date expressions: case table (Arabic and English), rows that must never be dates, offsets,
publication-date rules and the undated-event fallbacks."""
from __future__ import annotations

import datetime as dt

import pytest

from extractor.dates import article_date, find_dates, news_of_the_day, vague_periods
from extractor.records import DateMention

WED = dt.date(2025, 3, 12)  # a Wednesday
SUN = dt.date(2025, 3, 9)  # a Sunday
APR = dt.date(2025, 4, 1)

# text, language, published, expected date, expected precision. The first date mention is
# checked; every row also asserts nothing is dated after publication.
CASES = [
    # Arabic relative days
    ("قتل ثلاثة أشخاص أمس في غارة", "ar", WED, "2025-03-11", 1),
    ("اندلع القتال أول أمس السبت", "ar", dt.date(2015, 8, 3), "2015-08-01", 1),
    ("وقعت الاشتباكات أول أمس", "ar", WED, "2025-03-10", 1),
    ("وقعت الاشتباكات أمس الأول", "ar", WED, "2025-03-10", 1),
    ("قتل جندي قبل يومين", "ar", WED, "2025-03-10", 1),
    ("قتل جندي قبل ثلاثة أيام", "ar", WED, "2025-03-09", 1),
    ("هاجم المسلحون القرية الأحد الماضي", "ar", WED, "2025-03-09", 1),
    ("هاجم المسلحون القرية يوم الأحد", "ar", WED, "2025-03-09", 1),
    ("هاجم المسلحون القرية يوم الأحد", "ar", SUN, "2025-03-09", 1),  # on or before
    ("هاجم المسلحون القرية الأحد الماضي", "ar", SUN, "2025-03-02", 1),  # strictly before
    ("أطلقوا مساء أمس ثمانية صواريخ", "ar", WED, "2025-03-11", 1),
    ("سقطت قذائف فجر اليوم على الحي", "ar", WED, "2025-03-12", 1),
    ("خرج الآلاف اليوم الجمعة إلى الميادين", "ar", dt.date(2015, 8, 8), "2015-08-07", 1),
    ("في وقت متأخر من يوم الجمعة", "ar", dt.date(2015, 8, 2), "2015-07-31", 1),
    ("قتل 37 في هجوم شنه ليلًا على قرية", "ar", WED, "2025-03-11", 1),
    ("قصف الطيران القرية ليل أمس", "ar", WED, "2025-03-11", 1),
    ("كثفت الطائرات غاراتها بالأمس", "ar", WED, "2025-03-11", 1),
    ("وبحلول أمس السبت كانت القوات قد استعادت القرى", "ar", dt.date(2015, 8, 2), "2015-08-01", 2),
    # Arabic spans and months
    ("تصاعدت الهجمات الأسبوع الماضي", "ar", WED, "2025-03-05", 2),
    ("قتل 9 أشخاص خلال الـ 24 ساعة الماضية", "ar", WED, "2025-03-12", 2),
    ("تكررت الاشتباكات خلال الأيام الماضية", "ar", WED, "2025-03-10", 2),
    ("سيطر التنظيم على البلدة الشهر الماضي", "ar", WED, "2025-02-15", 3),
    ("سيطر التنظيم على البلدة مطلع الشهر الماضي", "ar", WED, "2025-02-01", 3),
    ("سيطر التنظيم على البلدة أواخر الشهر الماضي", "ar", WED, "2025-02-28", 3),
    ("سيطر التنظيم على البلدة في كانون الثاني 2025", "ar", WED, "2025-01-15", 3),
    # Arabic absolute: Levantine and doubled months, ordinals, Arabic-Indic digits, Hijri
    ("قتل 5 في 3 آذار/مارس 2025", "ar", WED, "2025-03-03", 1),
    ("قتل 5 في 3 آذار (مارس) 2025", "ar", None, "2025-03-03", 1),
    ("في الثالث من آذار قتل 5", "ar", WED, "2025-03-03", 1),
    ("في الحادي والعشرين من شباط", "ar", WED, "2025-02-21", 1),
    ("قتل ٣ أشخاص في ٣ مارس ٢٠٢٥", "ar", WED, "2025-03-03", 1),
    ("وقع الهجوم في 15 كانون الأول 2024", "ar", None, "2024-12-15", 1),
    ("السبت 15 رمضان 1446 هـ", "ar", APR, "2025-03-15", 1),
    ("وقع الانفجار في غرة شوال 1446هـ", "ar", APR, "2025-03-30", 1),
    ("بتاريخ 15/09/1446", "ar", APR, "2025-03-15", 1),
    ("قتل خمسة في 15 رمضان", "ar", APR, "2025-03-15", 1),  # Hijri year from publication
    ("بتاريخ 2025/03/03", "ar", None, "2025-03-03", 1),
    ("قتل أحد عشر شخصاً في 25 ديسمبر", "ar", dt.date(2025, 1, 10), "2024-12-25", 1),
    ("قتل 4 في الخامس من الشهر الجاري", "ar", WED, "2025-03-05", 1),
    ("تصاعد القصف في الأسبوع الأول من آذار", "ar", WED, "2025-03-04", 2),
    ("قتل جنديان خلال اليومين الماضيين", "ar", WED, "2025-03-11", 2),
    # English
    ("Two soldiers were killed yesterday", "en", WED, "2025-03-11", 1),
    ("Rebels attacked the base on Sunday", "en", WED, "2025-03-09", 1),
    ("Rebels attacked the base on Wednesday", "en", WED, "2025-03-12", 1),
    ("Rebels attacked the base last Wednesday", "en", WED, "2025-03-05", 1),
    ("The US fired missiles late Thursday", "en", WED, "2025-03-06", 1),
    ("Shelling continued last night in the city", "en", WED, "2025-03-11", 1),
    ("Air strikes overnight killed five", "en", WED, "2025-03-11", 1),
    ("Clashes intensified last week", "en", WED, "2025-03-05", 2),
    ("Clashes intensified over the weekend", "en", WED, "2025-03-08", 2),
    ("IS seized the town earlier this month", "en", dt.date(2025, 3, 20), "2025-03-15", 3),
    ("The town fell in January", "en", WED, "2025-01-15", 3),
    ("It was taken in early February 2024", "en", None, "2024-02-01", 3),
    ("On 9 May 2020, regime forces brought in reinforcements", "en", None, "2020-05-09", 1),
    ("Around 9 May 2020 (as reported), 35 soldiers joined", "en", None, "2020-05-09", 2),
    ("As reported on 2 May 2020, forces looted property", "en", None, "2020-05-02", 2),
    ("On 28 April 2020 (or around), dock workers demonstrated", "en", None, "2020-04-28", 2),
    ("HPG reported that on 9 May 2020 a clash took place", "en", None, "2020-05-09", 1),
    ("Between 1 and 5 May 2020, militants attacked villages", "en", None, "2020-05-03", 2),
    ("Protesters gathered on March 3, 2025 in the capital", "en", None, "2025-03-03", 1),
    ("The bodies were found two days ago", "en", WED, "2025-03-10", 1),
    # forms no rule knows: dateparser's search_dates (language given) reads them
    ("The attack on March the 3rd killed four", "en", WED, "2025-03-03", 1),
    ("Reported 3-March-2025 by the ministry", "en", None, "2025-03-03", 1),
]


@pytest.mark.parametrize("text,lang,published,expected,precision", CASES)
def test_resolves(text, lang, published, expected, precision):
    found = find_dates(text, lang, published)
    assert found, f"no date in {text!r}"
    first = found[0]
    assert (first.date.isoformat(), first.precision) == (expected, precision), first
    assert text[first.start:first.end] == first.text
    if published is not None:
        assert all(m.date <= published for m in found)


# Text that must never yield a date (with a publication date given).
NEVER = [
    ("قتل 2014 شخصا في الهجوم", "ar"),
    ("في عام 2014 سيطر التنظيم على المدينة", "ar"),
    ("عام 1446 هـ", "ar"),
    ("أصيب 15 شخصاً و3 آخرون", "ar"),
    ("اليوم الأول من المفاوضات", "ar"),
    ("اليوم الوطني للمملكة", "ar"),
    ("وفي اليوم نفسه قتل آخرون", "ar"),
    ("منذ مطلع العام قتل المئات", "ar"),
    ("فاز الفريق 5 صفر", "ar"),
    ("قال أبو محمد إن آب الأسرة قتل", "ar"),
    ("سيبدأ الموسم في 12 أبريل", "ar"),  # a plan two months ahead, not last year's event
    ("The 2011 uprising began in Deraa", "en"),
    ("At least 270 people were killed", "en"),
    ("May God protect them, he said", "en"),
    ("A March for peace drew crowds", "en"),
    ("The score was 3/4 at half time", "en"),
    ("In 2016 the group lost Manbij", "en"),
    ("Talks will resume tomorrow", "en"),
    ("Elections are planned for next month", "en"),
]


@pytest.mark.parametrize("text,lang", NEVER)
def test_never_a_date(text, lang):
    assert find_dates(text, lang, WED) == []


def test_future_dates_are_dropped():
    assert find_dates("وقع الانفجار في 20 آذار 2025", "ar", WED) == []
    assert find_dates("The attack happened on 20 March 2025", "en", WED) == []


@pytest.mark.parametrize("text,lang", [
    ("قتل 3 أمس", "ar"), ("هاجموا يوم الأحد", "ar"), ("في الثالث من آذار", "ar"),
    ("الأسبوع الماضي", "ar"), ("killed yesterday", "en"), ("on Sunday", "en"),
    ("on 3 March", "en"), ("in January", "en"),
])
def test_relative_needs_publication_date(text, lang):
    assert find_dates(text, lang, None) == []
    assert find_dates(text, lang, WED) != []


def test_offsets_survive_diacritics_and_offset_argument():
    text = "قُتِلَ ثلاثةٌ ليلًا، وأُصيبَ آخرون مساءَ أمسِ الأحدِ في ٣ آذار ٢٠٢٥."
    found = find_dates(text, "ar", WED, offset=100)
    assert [m.text for m in found] == ["ليلًا", "مساءَ أمسِ الأحدِ", "٣ آذار ٢٠٢٥"]
    for m in found:
        assert text[m.start - 100:m.end - 100] == m.text
    assert [m.date for m in found] == [dt.date(2025, 3, 11), dt.date(2025, 3, 9),
                                       dt.date(2025, 3, 3)]


def test_sentence_by_sentence_equals_whole_text():
    first, second = "قتل جندي أمس في درعا. ", "واندلعت اشتباكات يوم الجمعة في حلب."
    whole = find_dates(first + second, "ar", WED)
    parts = find_dates(first, "ar", WED) + find_dates(second, "ar", WED, offset=len(first))
    assert whole == parts
    assert [m.start for m in whole] == sorted(m.start for m in whole)


def test_rule_is_recorded():
    (m,) = find_dates("اندلع القتال أول أمس", "ar", WED)
    assert m.rule == "day before yesterday"
    (h,) = find_dates("15 رمضان 1446", "ar", APR)
    assert "hijri" in h.rule


def test_news_of_the_day():
    m = news_of_the_day(WED)
    assert m == DateMention(0, 0, "", WED, 2, "publication date")


def test_article_date_prefers_the_reported_day():
    body = "اشتباكات عنيفة صباح أمس في سهل الغاب. وألقى الطيران براميل متفجرة أمس على القرى."
    assert article_date(find_dates(body, "ar", WED), WED) == DateMention(
        0, 0, "", dt.date(2025, 3, 11), 2, "article date")
    # A month-level or old mention does not move undated events away from the edition's day.
    old = find_dates("سيطر التنظيم على المدينة في 3 آذار 2024", "ar", WED)
    assert article_date(old, WED) == news_of_the_day(WED)
    assert article_date([], WED) == news_of_the_day(WED)


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="'fr'"):
        find_dates("le 3 mars 2025", "fr", WED)


def test_folding_equals_the_shared_normaliser():
    from extractor.dates import _fold
    from extractor.normalise import normalise_ar

    every = "".join(chr(c) for lo, hi in ((0x0600, 0x0700), (0xFB50, 0xFE00)) for c in range(lo, hi))
    for text in (every, "قُتِلَ ثلاثةٌ ليلًا في ٣ آذار", "On 9 May 2020, x", ""):
        assert _fold(text)[0] == normalise_ar(text)


@pytest.mark.parametrize("text", [
    "قُتِلَ ثلاثةٌ ليلًا في ٣ آذار",  # diacritics inside and at the end of a date
    "ًٌقُتل أمسِ",  # dropped characters first
    "هجوم يوم الجمعةِ",
    "الخميسـ الماضي قُتِلَ",  # tatweel
    "بلا تشكيل في 3 آذار 2024",
])
def test_original_spans_through_dropped_characters(text):
    from extractor.dates import _fold, _original_span
    from extractor.normalise import normalise_ar

    folded, index = _fold(text)
    keep = [i for i, c in enumerate(text) if normalise_ar(c)]  # what the spans must map to
    for s in range(len(folded)):
        for e in range(s + 1, len(folded) + 1):
            start, end = _original_span(text, index, s, e)
            assert start == keep[s]
            assert end >= keep[e - 1] + 1 and not normalise_ar(text[keep[e - 1] + 1:end])


@pytest.mark.parametrize("text", [
    "قُتِلَ ثلاثةٌ ليلًا في ٣ آذار", "ًٌقُتل أمسِ", "الخميسـ الماضي قُتِلَ", "ًٌ", "اًٌـب", "بلاًّ تشكيلـ",
])
def test_fold_index_starts_each_run_of_kept_characters(text):
    from extractor.dates import _fold, _fold_table

    dropped = _fold_table()[1]
    # the kept runs: between the runs of dropped characters that the class pattern finds
    starts_o, pos = [], 0
    for m in dropped.finditer(text):
        if m.start() > pos:
            starts_o.append(pos)
        pos = m.end()
    if len(text) > pos:
        starts_o.append(pos)
    index = _fold(text)[1]
    assert index is not None  # every text here drops a character
    assert index[1] == starts_o


@pytest.mark.parametrize("text, day", [
    ("يوم الخميس الحادي والعشرين من شهر ذي القعدة 1436 هـ قتل ثلاثة", dt.date(2015, 9, 5)),
    ("الذي قتل في الخامس من ذو الحجة 1436 هـ", dt.date(2015, 9, 18)),
])
def test_hijri_months_of_two_words_are_gated_on_the_second(text, day):
    (found,) = find_dates(text, "ar", dt.date(2015, 10, 1))
    assert found.date == day and "hijri" in found.rule


@pytest.mark.parametrize("text, lang, vague", [
    ("خرجوا في مظاهرات ببغداد خلال الأسابيع القليلة الماضية.", "ar", "خلال الأسابيع القليلة الماضية"),
    ("تتعرض البلدة للقصف منذ أشهر.", "ar", "منذ أشهر"),
    ("تدهور الوضع في الأشهر الأخيرة.", "ar", "في الأشهر الأخيرة"),
    ("Protests have spread in recent weeks.", "en", "in recent weeks"),
    ("Shelling over the past few months killed hundreds.", "en", "over the past few months"),
    ("The town has been besieged for years.", "en", "for years"),
    ("Months of fighting destroyed the town.", "en", "Months of fighting"),
])
def test_vague_periods_are_found(text, lang, vague):
    (span,) = vague_periods(text, lang)
    assert text[span[0]:span[1]] == vague


@pytest.mark.parametrize("text, lang", [
    ("قتل ثلاثة أمس في قصف على البلدة.", "ar"),
    ("الأسبوع الماضي", "ar"),
    ("last week", "en"),
    ("in the past 24 hours", "en"),
    ("two weeks ago", "en"),
    ("the weekly market", "en"),
])
def test_dated_or_short_periods_are_not_vague(text, lang):
    assert vague_periods(text, lang) == []


def test_vague_periods_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="'fr'"):
        vague_periods("depuis des mois", "fr")


@pytest.mark.parametrize("text, lang", [
    ("خلال الأسابيع القليلة الماضية " * 5 + "و" * 300 + " منذ سنوات", "ar"),
    ("في          الأشهر     الأخيرة", "ar"),
    ("For months of fighting " + "x " * 100 + "in recent YEARS and over the past several weeks", "en"),
    ("no period here, only weekly and yearly words", "en"),
    ("\u201cFor months of fighting\u201d \u2014 and in recent Years", "en"),  # non-ASCII text
    ("\u0130" * 90 + " for weeks of protests", "en"),  # lower() lengthens İ: offsets would move
    ("for weekſ of clashes" + " x" * 60 + " and for months", "en"),  # ſ is an s to the case-blind pattern
    ("for wee\u212as of clashes", "en"),  # the Kelvin sign is a k to both
])
def test_vague_periods_equal_a_full_regex_pass(text, lang):
    from extractor.dates import _VAGUE, _fold

    full = [m.span() for m in _VAGUE[lang].finditer(_fold(text)[0])]
    assert vague_periods(text, lang) == full and (full or "no period" in text)


def test_hijri_conversion_is_memoised_and_checked():
    from extractor.dates import _hijri

    _hijri.cache_clear()
    assert _hijri(1, 1, 1446) == _hijri(1, 1, 1446) == dt.date(2024, 7, 7)
    assert _hijri.cache_info().hits == 1
    assert _hijri(31, 1, 1446) is None and _hijri(1, 13, 1446) is None


def test_loose_months_are_the_regex_matches():
    """Month names read only where their first three letters stand: the same matches as a
    scan of every offset, on random strings of name pieces, letters and marks."""
    import random

    from extractor.dates import _EN_LOOSE_MONTH, _loose_months

    parts = ["January", "Jan", "Sept", "September", "Dec", "December", "Mar", "March", "May", "June",
             "Ju", "ly", "an", "ary", " ", "-", ".", "x", "X", "1", "é", "_", "Octo", "ber", "NovDec"]
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 9)))
        assert [m.span() for m in _loose_months(text)] == [m.span() for m in _EN_LOOSE_MONTH.finditer(text)]
    assert [m.group() for m in _loose_months("On 3 Sept and in December, not Decembers")] == ["Sept", "December"]


def test_numeric_gate_hits_are_the_regex_hits():
    """The numeric rule's gate read from its separators: the same hits as finditer (no overlap,
    Unicode decimal digits only), on random strings of digits, separators and letters."""
    import random

    from extractor.dates import _NUMERIC_GATE, _numeric_hits

    parts = ["1", "12", "2024", "\u0663", "\u00b2", "\uff11", "/", ".", "-", " ", "x", "ب", "1.2.3", "1/2/3"]
    rng = random.Random(11)
    for _ in range(4000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 10)))
        assert _numeric_hits(text) == [m.start() for m in _NUMERIC_GATE.finditer(text)]
    assert _numeric_hits("on 1/2/3 and 4-5") == [3, 13]


_AR_PIECES = ["قبل", "منذ", "3", "12", "ثلاثة", "أيام", "يوما", "أسابيع", "أسبوعا", "أسبوع", "يومين",
              "الماضية", "الماضيين", "الأخيرة", "الساعات", "ساعة", "24", "الأسبوع", "الماضي", "هذا",
              "الجاري", "نهاية", "الشهر", "أمس", "أول", "الأول", "آذار", "مارس", "رمضان", "1446", "هـ",
              "من", "-", "و", "في", "خلال", "اليوم", "الأحد", "عطلة", "بضعة", "ليلا", "2025", "الثاني",
              "أسبوعين", "الأسبوع الأول من آذار", "بين 3 و 5 آذار", "10-12 مارس 2025", "منذ 4 أسابيع"]
_EN_PIECES = ["between", "3", "5th", "March", "Mar", "and", "-", "to", "2025", "the", "of", "May",
              "on", "Monday", ",", "last", "week", "ago", "two", "days", "in", "early", "today", "this"]


def _random_texts(pieces: list[str], seed: int, count: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) + rng.choice(("", " ", " ", " ", "  ", "\n"))
                    for _ in range(rng.randint(1, 12))) for _ in range(count)]


@pytest.mark.parametrize("lang,pieces", [("ar", _AR_PIECES), ("en", _EN_PIECES)])
def test_every_match_of_a_rule_holds_one_of_its_other_words(lang, pieces):
    """A rule skips the windows without a hit of its ``also`` words, which is exact only if
    every match holds one: checked on every match in random strings of date pieces."""
    from extractor.dates import _fold, _rules

    matched = set()
    for text in _random_texts(pieces, 5, 4000):
        folded = _fold(text)[0]
        gated = folded.lower() if lang == "en" else folded
        for rule in _rules(lang):
            if not rule.also:
                continue
            for m in rule.pattern.finditer(folded):
                held = gated[m.start():m.end()]
                if isinstance(rule.also, tuple):
                    assert any(w in held for w in rule.also), (rule.name, m.group())
                else:
                    assert rule.also.search(held), (rule.name, m.group())
                matched.add(rule.name)
    assert matched == {rule.name for rule in _rules(lang) if rule.also}


@pytest.mark.parametrize("lang,pieces", [("ar", _AR_PIECES), ("en", _EN_PIECES)])
def test_skipping_windows_without_a_rules_other_words_changes_no_date(lang, pieces, monkeypatch):
    from extractor import dates

    texts = _random_texts(pieces, 7, 1500)
    skipping = [(find_dates(t, lang, WED), find_dates(t, lang, None)) for t in texts]
    monkeypatch.setattr(dates, "_holding", lambda spans, also, found, text: spans)
    assert [(find_dates(t, lang, WED), find_dates(t, lang, None)) for t in texts] == skipping
    assert sum(bool(a) for a, _ in skipping) > 300


# month and weekday words in both cases, inside other words too ("market", "declared", "mayor")
_EN_CASE_PIECES = _EN_PIECES + ["may", "march", "monday", "Mondays", "mar", "market", "MAY", "Jan",
                                "declared", "Dec", "dec", "mayor", "Sept", "sep", "June", "jun", "x"]


def test_skipping_windows_without_a_capitalised_name_changes_no_date(monkeypatch):
    """Rules whose names are case-sensitive skip windows where every gate hit is lower case,
    and the loose month names are read at the month gate's hits: the same dates as reading
    every window and scanning for the names."""
    import dataclasses

    from extractor import dates

    texts = _random_texts(_EN_CASE_PIECES, 11, 2000) + ["Some market, may be 5 March 2025 declared",
                                                         "market " * 20 + "on 3 March"]
    skipping = [(find_dates(t, "en", WED), find_dates(t, "en", None)) for t in texts]
    assert any(r.capital for r in dates._rules("en"))
    every = tuple(dataclasses.replace(r, capital=False) for r in dates._rules("en"))
    fallback = dates._dateparser_fallback
    monkeypatch.setattr(dates, "_rules", lambda lang: every)
    monkeypatch.setattr(dates, "_dateparser_fallback", lambda *args: fallback(*args[:-1], None))
    assert [(find_dates(t, "en", WED), find_dates(t, "en", None)) for t in texts] == skipping
    assert sum(bool(a) for a, _ in skipping) > 500
    assert skipping[-2][0] and skipping[-1][0]
