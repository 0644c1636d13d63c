"""Assembly rules (docs/coding.md) on short written articles; needs the real gazetteer.

The village names are invented so that no gazetteer has them: they exercise the rule for
places the gazetteer lacks, not a lookup.
"""
from __future__ import annotations

import datetime as dt

import pytest

from extractor.assemble import SpanIndex, extract, sentence_bounds
from extractor.nlp import blank
from extractor.records import Article

PUBLISHED = dt.date(2015, 8, 9)


def events(text: str, lang: str = "ar"):
    return extract(Article(id="t", text=text, language=lang, published=PUBLISHED)).events


def test_round_up_codes_one_row_per_unlisted_village(real_gazetteer):
    got = events("ألقى الطيران المروحي براميل متفجرة على قرى السنديانة والبرغلية والمقصورة "
                 "بسهل الغاب في ريف حماة الشمالي الغربي.")
    assert sorted(e.place.location for e in got) == ["Al-Barghaliyah", "Al-Maqsurah", "As-Sandiyanah"]
    assert {(e.sub_event_type, e.place.admin1, e.place.geo_precision) for e in got} == {
        ("Air/drone strike", "Hama", 2)}
    assert all("not in the gazetteer" in e.notes and e.place.text in e.notes for e in got)


def test_another_tactic_on_other_villages_of_the_sentence_is_its_own_event(real_gazetteer):
    got = events("تستمر الاشتباكات العنيفة بين قوات النظام والفصائل المعارضة في محيط قريتي "
                 "السنديانة والبرغلية في ريف حماة، ترافقت مع قصف الطيران المروحي بالبراميل "
                 "المتفجرة لمناطق في قرى المقصورة والكرمشية بريف حماة الشمالي.")
    kinds = {(e.place.location, e.event_type) for e in got}
    assert kinds == {("As-Sandiyanah", "Battles"), ("Al-Barghaliyah", "Battles"),
                     ("Al-Maqsurah", "Explosions/Remote violence"),
                     ("Al-Karmashiyah", "Explosions/Remote violence")}
    strikes = [e for e in got if e.event_type != "Battles"]
    assert all(e.fatalities == 0 for e in strikes)  # the toll stays with the main event


def test_air_strikes_and_shelling_of_one_village_are_two_events(real_gazetteer):
    got = events("ألقى الطيران المروحي براميل متفجرة على قرية السنديانة في ريف حماة أمس.\n\n"
                 "وقصفت قوات النظام بالمدفعية قرية السنديانة في ريف حماة أمس.")
    assert sorted(e.sub_event_type for e in got) == ["Air/drone strike",
                                                     "Shelling/artillery/missile attack"]


def test_neighbourhood_is_coded_inside_its_city(real_gazetteer):
    (e,) = events("أصيب ثلاثة أشخاص أمس بانفجار عبوة ناسفة في حي الزهراوي بمدينة كركوك.")
    assert (e.place.location, e.place.admin1, e.place.geo_precision) == ("Kirkuk - Az-Zahrawi", "Kirkuk", 1)
    assert e.sub_event_type == "Remote explosive/landmine/IED"


def test_a_village_near_a_town_is_the_village(real_gazetteer):
    (e,) = events("قتل ثلاثة مدنيين بقصف قوات النظام بصواريخ أرض أرض اليوم بلدة السنديانة قرب مدينة درعا.")
    assert e.place.location == "As-Sandiyanah" and e.place.admin1 == "Dar'a"


@pytest.mark.parametrize("text", [
    "قال مسؤول إن قرية السنديانة هادئة.",                  # no event
    "ألقى الطيران براميل متفجرة على قرية السنديانة أمس.",  # nothing locates the village
])
def test_no_row_without_an_event_and_a_place(real_gazetteer, text):
    assert events(text) == []


def test_a_date_that_is_only_the_statement_day_lowers_confidence(real_gazetteer):
    own, said = (events(t, "en") for t in (
        "Government forces shelled Ramadi on Saturday.",
        "The army said on Sunday that government forces shelled Ramadi."))
    assert own[0].event_date == dt.date(2015, 8, 8) and said[0].event_date == dt.date(2015, 8, 9)
    assert said[0].confidence < own[0].confidence


def test_a_statement_day_gives_way_to_the_next_sentence_date(real_gazetteer):
    (e,) = events("At least 25 rebels were killed in clashes with government forces in Ramadi the "
                  "army said on Sunday. The clashes began late on Friday.", "en")
    assert e.event_date == dt.date(2015, 8, 7) and e.time_precision == 1


def test_a_dateline_is_not_the_event_date(real_gazetteer):
    (e,) = events("9 August 2015 Government forces shelled Ramadi the army said. "
                  "The shelling started on Friday night.", "en")
    assert e.event_date == dt.date(2015, 8, 7)


def test_an_event_date_older_than_the_statement_by_days_is_not_borrowed(real_gazetteer):
    (e,) = events("Government forces shelled Ramadi the army said on Sunday. "
                  "The town had been captured on 1 August.", "en")
    assert e.event_date == dt.date(2015, 8, 9)


@pytest.mark.parametrize("text, location", [
    ("DAMASCUS (Reuters) Government forces shelled the town of Tadmur on Saturday.", "Tadmur"),
    ("BAGHDAD - Government forces shelled Ramadi on Saturday.", "Ramadi"),
    # the dateline is the event's place when the text names no other
    ("RAMADI (Reuters) Government forces shelled rebel positions on Saturday.", "Ramadi"),
])
def test_a_dateline_city_is_not_the_event_place(real_gazetteer, text, location):
    (e,) = events(text, "en")
    assert e.place.location == location


def test_since_dates_no_event(real_gazetteer):
    (e,) = events("Government forces recaptured Ramadi from Islamic State which had held it since "
                  "March the army said on Sunday.", "en")
    assert e.event_date == dt.date(2015, 8, 9) and e.sub_event_type == "Government regains territory"


@pytest.mark.parametrize("text, lang, rows", [
    ("Protesters rallied in Baghdad in recent weeks against power cuts.", "en", 0),
    ("Protesters rallied in Baghdad on Saturday as they have in recent weeks.", "en", 1),
    ("خرج العراقيون في مظاهرات ببغداد خلال الأسابيع القليلة الماضية.", "ar", 0),
])
def test_an_event_dated_only_by_a_vague_period_is_a_situation(real_gazetteer, text, lang, rows):
    assert len(events(text, lang)) == rows


def test_vague_fighters_do_not_contradict_named_ones(real_gazetteer):
    got = events("Fierce clashes between gunmen near Ramadi broke out on Saturday. Residents said "
                 "the clashes in Ramadi pitted Islamic State fighters against the Iraqi army on Saturday.",
                 "en")
    assert len(got) == 1 and got[0].event_type == "Battles"


@pytest.mark.parametrize("text, rows", [
    ("Islamic State militants seized the city of Sirte.", 0),             # background
    ("Islamic State militants seized the city of Sirte on Saturday.", 1),
])
def test_a_change_of_territory_needs_its_own_date(real_gazetteer, text, rows):
    got = events(text, "en")
    assert len(got) == rows
    assert all(e.sub_event_type == "Non-state actor overtakes territory" for e in got)


def test_security_forces_killing_one_of_the_crowd_is_the_crowd_event(real_gazetteer):
    got = events("Iraqi soldiers shot dead a teenager near Ramadi on Saturday. The army said "
                 "rioters threw stones at the soldiers near Ramadi on Saturday.", "en")
    assert len(got) == 1 and got[0].event_type in ("Riots", "Protests")


def test_gunmen_killing_a_protester_stay_an_attack_of_their_own(real_gazetteer):
    got = events("Islamic State gunmen shot dead a teenager near Ramadi on Saturday. Rioters threw "
                 "stones at the soldiers near Ramadi on Saturday.", "en")
    assert sorted(e.event_type for e in got) == ["Riots", "Violence against civilians"]


def test_the_next_sentence_may_name_the_suburb_of_the_same_event(real_gazetteer):
    got = events("قتل 43 مدنيا الأحد عندما قصف المتمردون الحوثيون مدينة عدن. وأصيب أكثر من 100 "
                 "شخص آخرين في القصف الذي تعرضت له ضاحية الكرمشية شمال مدينة عدن.")
    assert len(got) == 1
    (e,) = got
    assert e.place.text == "الكرمشية" and e.place.admin1 == "Aden" and e.fatalities == 43


@pytest.mark.parametrize("lang,text,location", [
    ("en", "On 7 May 2020, Iraqi lawmakers approved a new government.", "Baghdad"),
    ("ar", "منح البرلمان العراقي الثقة لحكومة جديدة أمس.", "Baghdad"),
    # A development in a text that names no place below its country: the capital of the
    # country named, or of the actor's country.
    ("en", "On 6 May 2020, Iraqi security forces carried out an arrest campaign.", "Baghdad"),
    ("en", "On 6 May 2020, Houthi security forces carried out an arrest campaign.", "Sanaa"),
    # Other country-level reports, and developments of no known country, stay uncoded.
    ("en", "On 6 May 2020, protesters demonstrated across Iraq.", None),
    ("en", "On 6 May 2020, security forces carried out an arrest campaign.", None),
    ("en", "On 7 May 2020, Russian military police handed over positions to the Syrian army.", None),
])
def test_a_national_development_is_coded_to_the_capital_and_nothing_else_is(
        real_gazetteer, lang, text, location):
    got = events(text, lang)
    if location is None:
        assert got == []
    else:
        (e,) = got
        assert (e.event_type, e.place.location, e.place.geo_precision) == (
            "Strategic developments", location, 3)


def test_a_development_in_a_text_naming_a_town_is_not_moved_to_the_capital(real_gazetteer):
    # The text is about a town: a development that cannot be placed is not country-level.
    got = events("Officials gave no details. Reporters were kept away. The army said clashes "
                 "erupted near Mosul on 5 May 2020.\n\nOn 6 May 2020, Iraqi security forces "
                 "carried out an arrest campaign.", "en")
    assert [e.place.location for e in got] == ["Mosul"]


@pytest.mark.parametrize("lang,text,precision", [
    ("en", "A man was found dead in his house in Mosul yesterday.", 2),
    ("ar", "عثر أمس على جثة رجل في مدينة الموصل.", 2),
    ("en", "Gunmen shot dead a man in Mosul yesterday.", 1),
])
def test_an_event_known_only_from_bodies_found_is_dated_to_a_window(real_gazetteer, lang, text, precision):
    (e,) = events(text, lang)
    assert (e.event_date, e.time_precision) == (dt.date(2015, 8, 8), precision)


def test_a_lead_dated_by_the_publication_day_is_no_dateline(real_gazetteer):
    # "on Monday" (the publication day) in the lead's first sentence dates the event itself
    got = extract(Article(id="t", language="en", published=dt.date(2016, 5, 2), text=(
        "Air strikes on Monday killed 12 civilians in Saraqib. On Saturday, rebels had shelled "
        "the town."))).events
    strike = next(e for e in got if e.sub_event_type == "Air/drone strike")
    assert (strike.event_date, strike.time_precision) == (dt.date(2016, 5, 2), 1)


def test_the_start_of_a_state_does_not_date_the_event(real_gazetteer):
    (e,) = events("Clashes between the army and the Houthis have continued in Aden since Friday.", "en")
    # Friday is when it began: the report's news, dated to the publication day as a window
    assert (e.event_date, e.time_precision) == (PUBLISHED, 2)


@pytest.mark.parametrize("lang,text,location", [
    ("en", "On 5 May 2020, Hay'at Tahrir al-Sham fighters attacked regime positions near Kafr Nubl.",
     "Kafranbel"),
    ("en", "On 7 May 2020, military forces of Artsakh fired on Azerbaijani positions near Shikharkh, "
     "Tartar.", "Shikharkh"),
    ("ar", "هاجم مقاتلو هيئة تحرير الشام مواقع قوات النظام في كفرنبل أمس.", "Kafranbel"),
])
def test_a_place_inside_an_actors_name_is_not_where_it_happened(real_gazetteer, lang, text, location):
    assert [e.place.location for e in events(text, lang)] == [location]


def test_a_village_the_gazetteer_lacks_stays_the_place_of_its_event(real_gazetteer):
    # The next sentence continues the event; Donetsk, named there nearer to its trigger, is only
    # the province of the village (its coordinates were borrowed), not a more precise place.
    (e,) = events("On 29 April 2020, rebel forces fired mortars at army positions near Taramchuk, "
                  "Donetsk. During the day, one soldier was injured at an unspecified location.", "en")
    assert (e.place.location, e.place.admin1, e.place.geo_precision) == ("Taramchuk", "Donetsk", 2)


# -- English precision: captions, background, duplicates, tallies ------------------------------

def test_a_photo_caption_dates_and_places_nothing(real_gazetteer):
    # The caption glued to the news by the sentence splitter: its day and town are the photo's.
    (e,) = events("A man walks past a damaged building in Ramadi July 2 2015 (Reuters Photo) A car bomb "
                  "exploded at a checkpoint in Fallujah on Saturday killing four soldiers.", "en")
    assert (e.event_date, e.place.location) == (dt.date(2015, 8, 8), "Al Fallujah")
    assert e.sub_event_type == "Remote explosive/landmine/IED"


def test_news_before_a_caption_keeps_its_own_date(real_gazetteer):
    (e,) = events("A car bomb exploded at a checkpoint in Fallujah on Saturday killing four soldiers. "
                  "Soldiers stand guard in Ramadi July 2 2015. REUTERS/Name Surname", "en")
    assert (e.event_date, e.place.location) == (dt.date(2015, 8, 8), "Al Fallujah")


def test_the_campaign_an_advance_is_part_of_is_no_event(real_gazetteer):
    assert events("The advance is part of a military campaign to drive the militants from Ramadi.",
                  "en") == []


def test_a_date_heading_a_statement_is_the_statement_day(real_gazetteer):
    own, said = (events(t, "en") for t in (
        "On Saturday militants killed 20 soldiers in Ramadi the monitor said.",
        "On Saturday the monitor quoted sources as saying that militants had killed 20 soldiers in Ramadi."))
    assert own[0].event_date == said[0].event_date == dt.date(2015, 8, 8)
    assert said[0].confidence < own[0].confidence


def test_a_later_statement_of_a_toll_is_the_event_already_told(real_gazetteer):
    (e,) = events("Militants attacked an army post in Ramadi on Thursday killing five soldiers. "
                  "On Saturday the monitor quoted sources as saying that the militants had killed 20 "
                  "soldiers during the assault on Ramadi.", "en")
    assert e.event_date == dt.date(2015, 8, 6)


def test_events_of_their_own_days_stay_apart(real_gazetteer):
    got = events("Militants attacked an army post in Ramadi on Thursday. "
                 "Militants attacked an army post in Ramadi on Saturday.", "en")
    assert sorted(e.event_date for e in got) == [dt.date(2015, 8, 6), dt.date(2015, 8, 8)]


def test_a_tally_over_weeks_is_not_an_event(real_gazetteer):
    assert events("At least 120 people have been killed in clashes in Ramadi. The monitor said 40 "
                  "children were among those killed over the last 15 days.", "en") == []


@pytest.mark.parametrize("text", [
    # its own day: an event, whatever tally follows
    "Clashes in Ramadi killed 30 fighters on Saturday. Another 40 were killed over the last 15 days.",
    # a short window dates the event
    "At least 12 people have been killed in clashes in Ramadi. The monitor said most were killed "
    "over the last 2 days.",
])
def test_an_event_before_a_period_is_still_coded(real_gazetteer, text):
    (e,) = events(text, "en")
    assert e.place.location == "Ramadi" and e.event_type == "Battles"


def test_a_nearby_town_is_another_place_than_the_province_event(real_gazetteer):
    got = events("Militants attacked two army posts in Al Anbar province on Saturday killing 12 soldiers. "
                 "Police said two people were wounded in militant shelling on the nearby town of Ramadi.", "en")
    assert sorted((e.sub_event_type, e.place.geo_precision) for e in got) == [
        ("Armed clash", 3), ("Shelling/artillery/missile attack", 1)]


def test_a_town_in_the_province_of_an_event_is_that_event(real_gazetteer):
    (e,) = events("Militants attacked two army posts in Al Anbar province on Saturday killing 12 soldiers. "
                  "Police said two people were wounded in militant shelling on the town of Ramadi.", "en")
    assert e.place.location == "Ramadi"


def test_the_toll_of_a_background_event_is_not_the_news_toll(real_gazetteer):
    (e,) = events("Government forces retook Ramadi on Wednesday after weeks of fighting. "
                  "A suicide bombing in the city killed more than 80 people in 2014.", "en")
    assert e.sub_event_type == "Government regains territory" and e.fatalities == 0


def test_a_toll_told_after_the_event_is_its_toll(real_gazetteer):
    (e,) = events("Militants attacked a checkpoint in Ramadi on Wednesday. "
                  "Three soldiers died of their wounds.", "en")
    assert e.fatalities == 3


def test_a_place_in_the_town_named_right_after_it_is_one_event(real_gazetteer):
    # "بالقدس" says where Issawiya is; a list joins its names with و.
    got = events("اعتقلت القوات الإسرائيلية فجر اليوم 15 فلسطينيا في حملة مداهمات في بلدة العيسوية "
                 "بالقدس المحتلة.")
    assert [(e.place.location, e.place.country) for e in got] == [("Al-Issawiya", "Palestine")]


def test_a_province_written_as_its_capitals_name_is_the_province(real_gazetteer):
    # GeoNames has "Hodeidah" only as the city; "province" makes it the governorate (GP 3).
    (e,) = events("On 6 May 2020, air strikes killed 20 Houthi fighters in Hodeidah province.", "en")
    assert (e.place.location, e.place.admin1, e.place.kind, e.place.geo_precision) == (
        "Al Hudaydah", "Al Hudaydah", "admin1", 3)


def test_a_deed_followed_by_its_past_is_still_the_news(real_gazetteer):
    # Only a perfect-tense toll before a stretch of days is a tally (docs/coding.md).
    got = events("Gunmen killed two farmers in Kaduna state. The village has been attacked four times "
                 "over the past 14 days.", "en")
    assert [(e.event_type, e.fatalities) for e in got] == [("Violence against civilians", 2)]


@pytest.mark.parametrize("lang,text", [
    ("en", "Title here\n\nClashes erupted in Aleppo. Three were killed.\nA new paragraph \"ends.\" Next"),
    ("ar", "عنوان\n\nقتل ثلاثة في حلب. ونفذ الطيران غارات، في حين سقطت قذائف\n\nفقرة أخرى"),
    ("en", "one sentence only"),
    ("en", "\n\n  trailing space line  \n"),
    ("en", ""),
])
def test_sentence_bounds_agree_with_doc_sents(lang, text):
    doc = blank(lang)(text)
    sents = list(doc.sents)
    assert sentence_bounds(doc) == (
        [s.start_char for s in sents], [s.end_char for s in sents],
        [s[-1].is_space and "\n" in s[-1].text for s in sents])


@pytest.mark.parametrize("spans,at,end,inside", [
    ([(10, 20)], 10, 20, True),
    ([(10, 20)], 12, 21, False),
    ([(10, 20)], 9, 12, False),
    ([(0, 50), (10, 20)], 30, 40, True),  # a long span earlier still holds it
    ([(10, 20), (30, 40)], 22, 25, False),
    ([], 5, 6, False),
])
def test_span_index_answers_as_a_scan_of_every_span(spans, at, end, inside):
    index = SpanIndex(spans)
    assert (index.reach(at) >= end) is inside
    assert (index.reach(at) > at) is any(s <= at < e for s, e in spans)


def _candidate(*actors):
    from extractor.assemble import Candidate
    from extractor.records import DateMention, Place

    day = DateMention(0, 0, "", dt.date(2024, 5, 9), 1, "test")
    return Candidate([0], [], Place(0, 1, "X", geo_precision=1), "sentence", day, "sentence", list(actors))


def test_named_actors_drop_civilians_and_vague_fighters_and_follow_absorb():
    from extractor.assemble import Assembler
    from extractor.records import ActorMention

    army = ActorMention(0, 4, "army", "army", "Military Forces of {country}", 1)
    gunmen = ActorMention(0, 6, "gunmen", "gunmen", "Unidentified Armed Group", 3, role_hint="unidentified")
    villagers = ActorMention(0, 9, "villagers", "civ", "Civilians", 7)
    rebels = ActorMention(0, 6, "rebels", "rebels", "Rebels", 2)
    a, b = _candidate(army, gunmen, villagers), _candidate(rebels)
    assert Assembler.named_actors(a) == {"army"}
    Assembler.absorb(a, b)  # the cached set must not outlive the actors it was read from
    assert Assembler.named_actors(a) == {"army", "rebels"}



@pytest.mark.parametrize("text", [
    "At least 76 were killed over the last 15 days in the province.",
    "OVER THE PAST 8 DAYS, and during the last 9 days too",
    "Killed for the past 9 dayſ.",  # the case-blind pattern reads ſ as an s
    "Fighting went on for days.",
    "No stretch of time is given here.",
    "",
])
def test_tally_days_finds_what_the_pattern_finds(text):
    from extractor.assemble import TALLY_DAYS, tally_days

    assert [m.span() for m in tally_days(text)] == [m.span() for m in TALLY_DAYS.finditer(text)]
