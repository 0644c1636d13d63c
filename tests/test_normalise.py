"""Normalisation, clitic readings and language detection."""
import re

import pytest

from extractor.normalise import (
    LANGID_CANDIDATES,
    NeedleSets,
    _identifier,
    arabic_share,
    clitic_candidates,
    detect_language,
    find_all,
    finditer_at,
    gate_windows,
    normalise,
    strip_clitics,
)


@pytest.mark.parametrize("raw, norm", [
    ("الأنبار", "الانبار"), ("إدلب", "ادلب"), ("آمرلي", "امرلي"), ("مُحافَظة", "محافظه"),
    ("نينوى", "نينوي"), ("قتلـــى", "قتلي"), ("٣١", "31"), ("Dar'a", "dara"), ("Ḩalab", "halab"),
    # ASCII (its own fast path) and the marks and decompositions of the general one
    ("Don't `Ali`", "dont ali"), ("ʿAli’s Café", "alis cafe"), ("ﬁre", "fire"), ("سؤال", "سوال"),
])
def test_normalise(raw, norm):
    assert normalise(raw) == norm


@pytest.mark.parametrize("word, known, expected", [
    ("وبغداد", {"بغداد"}, "بغداد"),
    ("بالانبار", {"الانبار"}, "الانبار"),
    ("للجيش", {"الجيش"}, "الجيش"),
    ("وربيعه", {"ربيعه"}, "ربيعه"),
    ("بغداد", {"غداد", "بغداد"}, "بغداد"),   # the word itself wins: no stemming of names
    ("ولكن", {"الجيش"}, "ولكن"),            # nothing known: unchanged
])
def test_strip_clitics_only_to_known_words(word, known, expected):
    assert strip_clitics(word, known) == expected


def test_clitic_candidates_keep_the_word_first():
    assert clitic_candidates("والموصل")[:2] == ["والموصل", "الموصل"]


@pytest.mark.parametrize("text, lang", [
    ("اشتباكات عنيفة في ريف إدلب", "ar"),
    ("Gunmen killed two civilians in Mosul, Ninewa, on 2 May 2020.", "en"),
    ("Clashes in Mosul yesterday.", "en"),
    ("Des affrontements ont eu lieu hier à Alep entre l'armée et les rebelles.", "fr"),
    ("12345 ...", "und"),
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("text, share", [
    ("اشتباكات في ريف", 1.0), ("Mosul", 0.0), ("في Mosul", 2 / 7), ("", 0.0), ("12 ...", 0.0),
    ("aـًٌّ", 0.5),         # tatweel (U+0640) is in the range, the diacritics after it are not
    ("ءي", 1.0),            # the ends of the Arabic range (hamza, ya)
    ("ءيء @[`{ÀZaz", 0.5),  # only ASCII A-Z and a-z count as Latin: the neighbours do not
    ("\ud800 x", 0.0),     # a lone surrogate is no letter (nor an error)
])
def test_arabic_share_counts_arabic_and_ascii_letters(text, share):
    assert arabic_share(text) == pytest.approx(share)


LANGID_TEXTS = [
    "Gunmen killed two civilians in Mosul, Ninewa, on 2 May 2020.",
    "Des affrontements ont eu lieu hier à Alep entre l'armée et les rebelles.",
    "Der  Hund   ist müde. ", " ", "x", "Bom dia a todos, tudo bem?", "SHOUTING IN CAPITALS ONLY",
    "Polisi walisema watu watatu waliuawa katika shambulio hilo la jana usiku.",
]


def test_memoised_language_walk_scores_like_py3langid():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    plain = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    plain.set_languages(list(LANGID_CANDIDATES))
    fast = _identifier()
    for text in LANGID_TEXTS * 2:  # the second pass replays memoised walks
        assert fast.classify(text) == plain.classify(text)
        assert (fast._decide(text) == plain._decide(text)).all()


def test_language_tables_kept_uncompressed_score_like_py3langid(tmp_path, monkeypatch):
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    plain = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    plain.set_languages(list(LANGID_CANDIDATES))
    monkeypatch.setenv("EXTRACTOR_CACHE", str(tmp_path))
    kept = tmp_path / "langid.npz"
    try:
        for state in ("missing", "written", "damaged"):
            if state == "damaged":
                kept.write_bytes(b"PK\x03\x04 not a whole zip")
            _identifier.cache_clear()
            ident = _identifier()
            assert kept.stat().st_size > 10_000_000, state  # (made again when damaged)
            assert ident.nb_classes == plain.nb_classes
            for text in LANGID_TEXTS:
                assert ident.classify(text) == plain.classify(text), (state, text)
                assert (ident._decide(text) == plain._decide(text)).all()
    finally:
        _identifier.cache_clear()  # the next test reads the session's cache again


@pytest.mark.parametrize("text, sentences", [
    ("Title here\n\nFirst one. Second one", ["Title here", "First one.", "Second one"]),
    ('He said "no." Then left.', ['He said "no."', "Then left."]),
    ("US forces. U.S. troops came. Gen. Ali spoke.", ["US forces.", "U.S. troops came.", "Gen. Ali spoke."]),
    ("Fifth... ok then.", ["Fifth... ok then."]),
    ("قال المرصد إن 31 قتلوا. وأفاد بأن العشرات أصيبوا؛ إلا انه", [
        "قال المرصد إن 31 قتلوا.", "وأفاد بأن العشرات أصيبوا؛", "إلا انه"]),
    ("اشتباكات في المشيك، في حين استهدفت الفصائل الزيارة، كذلك أعطبت آلية، ومعلومات عن خسائر.", [
        "اشتباكات في المشيك،", "في حين استهدفت الفصائل الزيارة،", "كذلك أعطبت آلية، ومعلومات عن خسائر."]),
    ("", []),
])
def test_sentences(text, sentences):
    from extractor.nlp import blank

    lang = "ar" if any("\u0600" <= c <= "\u06ff" for c in text) else "en"
    assert [s.text.strip() for s in blank(lang)(text).sents] == sentences


def test_gate_windows_merge_overlapping_reaches_and_clip_to_the_text():
    text = "aa X bb X cc ...................... X"
    assert gate_windows(text, ("X",), 2, 3) == [(1, 11), (34, 37)]
    assert gate_windows(text, re.compile("X"), 2, 3) == [(1, 11), (34, 37)]
    assert gate_windows(text, ("Q",), 2, 3) == []


@pytest.mark.parametrize("text, needles, offsets", [
    ("Jan and Janet in June", ("Jan", "Ju"), [0, 8, 17]),
    ("aaaa", ("aa", "a"), [0, 1, 2, 3]),  # overlapping hits, each offset once
    ("no hit here", ("xyz",), []),
    ("", ("a",), []),
])
def test_find_all_gives_every_start_once_in_order(text, needles, offsets):
    assert find_all(text, needles) == offsets


NEEDLE_SETS = [("Jan", "Ju"), ("aa", "a"), ("xyz",), ("an", "Jan"), ("أمس", "الأمس"), ("مس",)]


@pytest.mark.parametrize("text", [
    "Jan and Janet in June", "aaaa", "no hit here", "", "قتل أمس والأمس مس Jan", "banana Jan",
])
def test_needle_sets_find_what_find_all_finds_for_each_set(text):
    # shared needles ("Jan" in two sets), a needle inside another (مس, أمس, الأمس), overlaps
    found = NeedleSets(NEEDLE_SETS).find(text)
    assert found == {needles: find_all(text, needles) for needles in NEEDLE_SETS}


def test_needle_sets_take_each_set_once_and_refuse_an_empty_needle():
    assert NeedleSets([("a",), ("a",)]).find("aa") == {("a",): [0, 1]}
    assert NeedleSets([]).find("text") == {}
    assert NeedleSets([()]).find("text") == {(): []}
    with pytest.raises(ValueError, match="empty needle"):
        NeedleSets([("a", "")])


@pytest.mark.parametrize("text", ["ab abab b", "aab", "", "xx ab"])
def test_finditer_at_equals_finditer_when_matches_start_at_the_offsets_given(text):
    pattern = re.compile(r"(?:ab|a)+")  # matches that would overlap if every offset were tried
    starts = find_all(text, ("a",))
    assert [m.span() for m in finditer_at(pattern, text, starts)] == [m.span() for m in pattern.finditer(text)]


def test_finditer_at_tries_only_the_offsets_given():
    assert [m.group() for m in finditer_at(re.compile(r"\d+"), "12 34 56", [3, 4])] == ["34"]
