"""Villages and neighbourhoods the gazetteer lacks (extractor/unlisted.py): no gazetteer needed.

The places the gazetteer would have found are given by hand, so each case controls exactly
which names are known and which place locates the rest.
"""
from __future__ import annotations

import pytest

from extractor import nlp
from extractor.records import Place
from extractor.unlisted import ENTRY_PREFIX, find_unlisted, transliterate

HAMA = dict(resolved=True, entry_id="gn:170017", kind="city", location="Hama", country="Syria",
            admin1="Hama", latitude=35.13, longitude=36.75, geo_precision=2)
KIRKUK = dict(resolved=True, entry_id="gn:94787", kind="city", location="Kirkuk", country="Iraq",
              admin1="Kirkuk", latitude=35.47, longitude=44.39, geo_precision=1)


def doc_of(text: str):
    return nlp.blank("ar")(text)


def place(text: str, name: str, occurrence: int = 0, **fields) -> Place:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(name, start + 1)
    return Place(start=start, end=start + len(name), text=name, **fields)


@pytest.mark.parametrize("arabic, latin", [
    ("المشيك", "Al-Mushayk"),          # diminutive CuCayC
    ("الدوير", "Ad-Duwayr"),           # diminutive with و, sun letter
    ("الزقوم", "Az-Zaqum"),            # article assimilated to a sun letter
    ("القاهرة", "Al-Qahirah"),         # moon letter; the participle CaCiC; ة as "ah"
    ("العنكاوي", "Al-Ankawi"),         # final ي read as a vowel
    ("الزيادية", "Az-Ziyadiyah"),      # ي before a vowel is a consonant
    ("عين", "Ain"),                    # initial ع before a long vowel
    ("أم حوش", "Umm Hush"),            # conventional first words
    ("دير حافر", "Deir Hafir"),
    ("أبودشير", "Abu Dushayr"),        # أبو glued to the name
    ("قسطون", "Qastun"),
    ("الزكاة", "Az-Zakah"),            # ة after a long a
])
def test_transliteration(arabic, latin):
    assert transliterate(arabic) == latin


@pytest.mark.parametrize("text", ["", "  "])
def test_transliteration_of_nothing_is_empty(text):
    assert transliterate(text) == ""


def test_a_list_of_villages_gets_one_place_each_located_by_the_province_after_it():
    text = "قصف الطيران قرى السنديانة والبرغلية والمقصورة بسهل الغاب في ريف حماة الشمالي."
    found = [place(text, "حماة", **HAMA)]
    got = find_unlisted(doc_of(text), found)
    assert [p.location for p in got] == ["As-Sandiyanah", "Al-Barghaliyah", "Al-Maqsurah"]
    assert [p.text for p in got] == ["السنديانة", "البرغلية", "المقصورة"]  # no و in the span
    assert all(text[p.start:p.end] == p.text for p in got)
    assert {(p.admin1, p.country, p.latitude, p.geo_precision) for p in got} == {("Hama", "Syria", 35.13, 2)}
    assert len({p.entry_id for p in got}) == 3 and all(p.entry_id.startswith(ENTRY_PREFIX) for p in got)
    assert "السنديانة" in got[0].how and "Hama" in got[0].how  # the name to geocode later


def test_dual_cue_takes_two_names_and_singular_one():
    text = "قصفت القوات قريتي الكرمة والعريضة وقرية المزرعة الشرقية بريف حماة."
    got = find_unlisted(doc_of(text), [place(text, "حماة", **HAMA)])
    assert [p.text for p in got] == ["الكرمة", "العريضة", "المزرعة"]


def test_a_province_only_anchor_gives_precision_3():
    text = "كمين قرب بلدة الحصينة في محافظة حماة."
    province = dict(HAMA, kind="admin1", geo_precision=3, entry_id="adm1:SY.10")
    (got,) = find_unlisted(doc_of(text), [place(text, "حماة", **province)])
    assert got.geo_precision == 3 and got.location == "Al-Hasinah"


def test_a_neighbourhood_is_named_city_dash_district_at_precision_1():
    text = "انفجرت قنبلة في حي الواسطي جنوبي مدينة كركوك."
    (got,) = find_unlisted(doc_of(text), [place(text, "كركوك", **KIRKUK)])
    assert got.location == "Kirkuk - Al-Wasti" and got.geo_precision == 1 and got.admin1 == "Kirkuk"


def test_an_anchor_before_the_cue_is_used_when_none_follows():
    text = "في ريف حماة، قصف الطيران قرية الصفصافة."
    (got,) = find_unlisted(doc_of(text), [place(text, "حماة", **HAMA)])
    assert got.location == "As-Safsafah"


def test_a_district_the_gazetteer_cannot_place_stands_for_its_province():
    text = "في مدينة حماة هدوء. قصف الطيران قرى التوينة والحويز بسهل الغاب."
    ghab = dict(resolved=False, kind="admin2", admin1="Hama", country="Syria",
                entry_id="adm2:SY.10.1", reason="district without a known town")
    found = [place(text, "حماة", **dict(HAMA, geo_precision=1)), place(text, "الغاب", **ghab)]
    got = find_unlisted(doc_of(text), found)
    assert [p.location for p in got] == ["At-Tuwaynah", "Al-Huwayz"]
    assert {p.geo_precision for p in got} == {2}  # the provincial capital, "rural" precision


@pytest.mark.parametrize("text", [
    "هجوم على قرية بمحافظة حماة.",               # the village is not named
    "قصف الطيران قرية السنديانة.",                # nothing locates it
    "قصف الطيران قرية السنديانة في سوريا.",       # a country is no location
    "سيطر التنظيم على القرية في ريف حماة.",       # "the village", not a cue before a name
    "انفجرت قنبلة في حي بمدينة كركوك.",
    "قصف الطيران قرية حدودية في ريف حماة.",      # an adjective, not a name
    "هاجم مسلحون قرية تقع في ريف حماة.",          # a verb
])
def test_nothing_is_coded_without_a_name_and_a_place_for_it(text):
    found = []
    if "حماة" in text:
        found.append(place(text, "حماة", **HAMA))
    if "كركوك" in text:
        found.append(place(text, "كركوك", **KIRKUK))
    if "سوريا" in text:
        found.append(place(text, "سوريا", resolved=True, kind="country", country="Syria",
                           entry_id="country:SY"))
    assert find_unlisted(doc_of(text), found) == []


def test_names_the_gazetteer_placed_are_left_alone():
    text = "قصف الطيران قرى الحواش والعنكاوي في ريف حماة."
    hawash = place(text, "الحواش", **dict(HAMA, location="Al Hawash", entry_id="gn:1@SY.10"))
    got = find_unlisted(doc_of(text), [hawash, place(text, "حماة", **HAMA)])
    assert [p.text for p in got] == ["العنكاوي"]


def test_a_name_the_gazetteer_could_not_place_is_coded_here():
    text = "قصف الطيران قرى الحواش والقاهرة في ريف حماة."
    cairo = place(text, "والقاهرة", resolved=False, reason="listed with places in SY; no namesake there")
    got = find_unlisted(doc_of(text), [cairo, place(text, "حماة", **HAMA)])
    assert [p.text for p in got] == ["الحواش", "القاهرة"]


def test_english_text_is_left_to_the_gazetteer():
    doc = nlp.blank("en")("Shelling hit the villages of Foo and Bar in rural Hama.")
    assert find_unlisted(doc, []) == []


def test_a_compound_name_may_start_with_a_stop_word():
    text = "فجر انتحاري نفسه في قرية أم الكروم بريف حماة الشمالي."
    (got,) = find_unlisted(doc_of(text), [place(text, "حماة", **HAMA)])
    assert got.text == "أم الكروم" and got.location.startswith("Umm ")


@pytest.mark.parametrize("text", [
    "قرية",
    "وبقرية الحواش",
    "قصف حي الواسطي وحيي الشرطة والعسكري واحياء أخرى وأحياء المدينة",
    "بلدتي الحواش والعنكاوي وبلدات ريف حماة وضاحية الأسد وبلدة",
    "حيث الحياة صحيح قريب بلدية البلد قريتنا",  # gate strings inside other words
    "قرى" * 30 + " قرى " + "حي " * 40 + "بقرية",
    "x" * 200 + " فقرية",
])
def test_cue_hits_equal_a_full_regex_pass(text):
    from extractor.unlisted import _CUE_TEXT, _cue_hits

    assert [m.span() for m in _cue_hits(text)] == [m.span() for m in _CUE_TEXT.finditer(text)]


def test_a_verb_after_the_list_is_no_village():
    text = "قصفت الطائرات الحربية قرى السنديانة وقتلت خمسة مدنيين في ريف حماة."
    got = find_unlisted(doc_of(text), [place(text, "حماة", **HAMA)])
    assert [p.location for p in got] == ["As-Sandiyanah"]


def test_a_latin_word_after_a_cue_is_no_arabic_village():
    text = "قصف الطيران قرية Foo في ريف حماة."
    assert find_unlisted(doc_of(text), [place(text, "حماة", **HAMA)]) == []


# ------------------------------------------------------------------------------- English

IDLEB = dict(resolved=True, entry_id="gn:169389", kind="city", location="Idleb", country="Syria",
             admin1="Idleb", latitude=35.93, longitude=36.63, geo_precision=1)


def english(text: str, *known: tuple[str, dict]) -> list[Place]:
    found = [place(text, name, **fields) for name, fields in known]
    return find_unlisted(nlp.blank("en")(text), found)


@pytest.mark.parametrize("text,names", [
    ("Regime forces shelled the villages of Sfuhen, Fleifel and Deir al Adas near Idleb.",
     ["Sfuhen", "Fleifel", "Deir al Adas"]),
    ("On Sunday Fleifel town near Idleb was shelled.", ["Fleifel"]),  # "On Sunday" is no name
    ("Gunmen besieged a mosque in Makad village of As Silm area near Idleb.", ["Makad"]),
    ("The Houthi village of Bani Qais near Idleb was shelled.", ["Bani Qais"]),
    ("Shelling hit the town of Maaret Al Naasan in Idleb.", ["Maaret Al Naasan"]),
])
def test_english_villages_are_kept_as_written_and_located_by_the_sentence(text, names):
    got = english(text, ("Idleb", IDLEB))
    assert [p.location for p in got] == names
    assert all(text[p.start:p.end] == p.text and p.entry_id.startswith(ENTRY_PREFIX) for p in got)
    assert all((p.latitude, p.admin1, p.geo_precision) == (35.93, "Idleb", 2) for p in got)


@pytest.mark.parametrize("text,name", [
    ("On 8 May 2020, Turkish forces shelled Fakkeh in Idleb using artillery.", "Fakkeh"),
    ("Insurgents clashed with troops in Muaja (Idleb).", "Muaja"),
    ("Rebels fired mortars near Khutir Vilny, Idleb.", "Khutir Vilny"),
    ("Gunmen opened fire in the market area of Thiban in Idleb.", "Thiban"),
])
def test_english_names_right_before_the_place_that_locates_them(text, name):
    (got,) = english(text, ("Idleb", IDLEB))
    assert (got.location, got.latitude, got.geo_precision) == (name, 35.93, 2)


@pytest.mark.parametrize("text", [
    "Gunmen attacked Ahmed Hassan in Idleb.",              # a verb that takes people
    "Clashes broke out on Monday in Idleb.",               # a weekday names no place
    "Fighting near Fakkeh, the army said.",                # no place after it
    "Protesters gathered in Tahrir Square in Idleb.",      # a landmark of the town
    "Supporters of the Aoun camp clashed near the market in Idleb.",  # a political camp
    "Speaking in English, officials in Idleb said.",       # no place right after the name
    "Houthi fighters captured Sheikh Salem in Idleb.",     # captured takes people too
    "Shelling hit the Al-Hamra Tahrir Street in Idleb.",
])
def test_english_names_before_a_place_that_are_no_places(text):
    known = [("Idleb", IDLEB)] if "Idleb" in text else []
    assert english(text, *known) == []


@pytest.mark.parametrize("text", [
    "Gunmen attacked a Kurdish village near Idleb.",       # describes the village, names none
    "Gunmen attacked the Old Town near Idleb.",
    "Shelling hit the town of Idleb on Sunday.",           # the gazetteer placed the name
    "Shelling hit the village of Sfuhen on Sunday.",       # nothing in the sentence places it
])
def test_english_village_cues_that_give_no_place(text):
    known = [("Idleb", IDLEB)] if "Idleb" in text else []
    assert english(text, *known) == []


@pytest.mark.parametrize("text,location", [
    ("IS seized the Shaar gas field east of Idleb.", "Shaar gas field"),   # a site keeps its name
    ("A bus exploded near the Atmeh border crossing in Idleb.", "Atmeh"),  # a crossing is its town
])
def test_english_sites_named_after_a_place_the_gazetteer_lacks(text, location):
    (got,) = english(text, ("Idleb", IDLEB))
    assert (got.location, got.latitude) == (location, 35.93)
    assert got.how.startswith("not in the gazetteer (place ")


@pytest.mark.parametrize("text,names", [
    ("Jets struck the IS-held village of Fleifel near Idleb.", ["Fleifel"]),   # an adjective before
    ("Jets struck the town of Fleifel, Anadolu Agency reported, in Idleb.", ["Fleifel"]),  # no list
    ("Jets struck the villages of Fleifel and Sfuhen, Reuters reported, near Idleb.", ["Fleifel", "Sfuhen"]),
])
def test_english_names_after_a_cue_stop_where_the_name_does(text, names):
    assert [p.location for p in english(text, ("Idleb", IDLEB))] == names



@pytest.mark.parametrize("text", [
    "Clashes in Kafr Nabl, near Maarat, the village of Deir al Adas and the villages of X, Y and Z.",
    "Fighting at Sfuhen (Ariha) and in the countryside of Idlib; the dam of Tabqa; the Shaar gas field.",
    "Their damage was at Adam's town. Insurgents stormed Hajin, Reuters said. A settlement.",
    "nothing here",
    "",
])
def test_english_cue_patterns_read_only_at_their_words_find_what_a_full_scan_finds(text):
    from extractor.normalise import finditer_where
    from extractor.unlisted import _EN_CUE_AT, _EN_CUE_AT_STARTS, _EN_LOCATED, _EN_LOCATED_STARTS

    for pattern, starts in ((_EN_CUE_AT, _EN_CUE_AT_STARTS), (_EN_LOCATED, _EN_LOCATED_STARTS)):
        assert [m.span() for m in finditer_where(pattern, text, starts)] == [m.span() for m in pattern.finditer(text)]
    assert finditer_where(_EN_LOCATED, "Clashes in Kafr Nabl, near Maarat.", _EN_LOCATED_STARTS)
