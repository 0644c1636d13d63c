"""Fatalities: death counts in Arabic and English, and how one event's counts combine."""
from __future__ import annotations

import pytest

from extractor import actors, fatalities, nlp
from extractor.records import Fatalities


@pytest.fixture(scope="module")
def pipes():
    return {lang: nlp.blank(lang, actors.vocabulary(lang)) for lang in ("ar", "en")}


def deaths(pipes, lang: str, text: str) -> int:
    return fatalities.total(fatalities.find_fatalities(pipes[lang](text)))


EN_CASES = [
    ("killing 5 people", 5),
    ("5 people were killed", 5),
    ("two soldiers died", 2),
    ("Thirty-five people were killed on Monday", 35),
    ("at least 27 people were killed", 27),
    ("between 5 and 7 people were killed", 5),
    ("5 to 7 people were killed", 5),
    ("dozens killed", 12),
    ("dozens of people were killed", 12),
    ("several killed", 3),
    ("tens killed", 10),
    ("hundreds of protesters were killed", 100),
    ("a number of people were killed", 3),
    ("killed a civilian", 1),
    ("Taliban militants shot and killed 1 civilian", 1),
    ("killing one Turkish Army soldier", 1),
    ("the gunmen killed him", 1),
    ("a man was beaten to death by 15 men", 1),
    ("two armed men killed a man", 1),
    ("Two were killed, one from each side, and two others injured.", 2),
    ("15 Taliban militants including a commander were killed and 5 were wounded", 15),
    ("Three people were killed and ten others injured.", 3),
    ("the PMF attacked IS militants and left 3 dead", 3),
    ("2 fatalities.", 2),
    ("the bodies of 2 civilians were found", 2),
    ("5 civilians (2 men, 2 women, and 1 child) were killed", 5),
    ("the attack killed 12 people and wounded 30", 12),
    ("killing at least 15 people and injuring 25 others", 15),
    ("unidentified gunmen shot dead a member of the police", 1),
    ("a laborer was shot dead", 1),
    ("killing and injuring a number of fighters", 10),  # combined, unknown toll: ACLED codes 10
    ("killing and injuring several fighters", 3),  # combined with a count word: plural deaths
    ("the district head and his bodyguard were killed", 2),
    ("forces killed a suspected commander and his son in the village", 2),
    ("clashes resulted in the death of the commander of the unit", 1),
    ("ISIS also lost 15 fighters in the attack", 15),
    ("attacked the house of an officer, leaving him killed and injuring a number of his family", 1),
    ("militiamen shot and killed 4 civilians in Ngoupou and beheaded a man in Bahema", 5),
    ("A man died by drowning. Another three men were found dead. 4 fatalities.", 4),  # a toll, not more
    ("Thirty-five people were killed on Monday. The strike was killing at least 12 people", 12),  # lowest
    ("killed more than 50 people. The attack killed 15 civilians and 27 fighters with another 10 bodies", 52),
    ("a suicide bomber blew himself up at a checkpoint, killing 5 soldiers", 6),  # the bomber counts
    ("6 fighters were killed by direct fire and 3 were killed by IEDs", 9),
    ("3 rockets hit the base where a soldier was killed", 1),
    ("nine fighters from the Republic's 5th Brigade (military police) were reported killed", 9),
    ("a member of the National Defense Forces was found dead", 1),
]

EN_NEVER = [
    "No fatalities were reported.",
    "No one was killed.",
    "Neither fatalities nor injuries were reported.",
    "five people were injured",
    "25 casualties reported",
    "killed or injured total of 4 PKK militants",  # no death is certain
    "On 9 May 2020, 3 rockets hit the base.",
    "the war has killed and around 10 million have been displaced",
    "a car bomb exploded near 4 shops",
    "the rebels lost 3 tanks in the attack",  # "lost" only before persons
    "a suicide bomber was arrested at the gate",  # a bomber alone is no death
    "the death of democracy was announced",
]

AR_CASES = [
    ("مقتل 5 أشخاص", 5),
    ("قتل 12 شخصا على الأقل عندما هاجم انتحاريان حمام سباحة", 14),  # the bombers count
    ("قال إن 31 شخصا قتلوا. وقال سكان إن 27 شخصا على الاقل قتلوا", 27),  # two estimates: lowest
    ("قتل 25 مقاتلا من المعارضة. وأفاد المرصد عن مقتل تسعة من قوات النظام", 34),
    ("أسفر عن مقتل وإصابة عدد من المسلحين", 3),  # combined, some died (in-house gold: 3)
    ("قتل ثلاثة جنود", 3),
    ("مقتل ٣ مدنيين", 3),
    ("مقتل خمسة عشر مسلحا", 15),
    ("قتل خمسة وعشرون مقاتلا", 25),
    ("سقوط 3 قتلى", 3),
    ("عشرات القتلى", 12),
    ("سقوط عدد من القتلى", 3),
    ("تسبب بوقوع قتلى من الجانبين", 3),
    ("لقي ثلاثة لاجئين فلسطينيين مصرعهم وأصيب سبعة آخرون", 3),
    ("لقي شاب مصرعه", 1),
    ("استشهد شاب برصاص الاحتلال", 1),
    ("مقتل جنديين", 2),
    ("ما أدى لإصابته بجروح ومقتل زوجته", 1),
    ("قتل جنود إسرائيليون صبياً فلسطينياً بالرصاص", 1),
    ("27 شخصًا على الاقل قتلوا وأصيب عشرات", 27),
    ("أسفر عن مقتل 18 من البيشمركة بينهم ضابط", 18),
    ("قتل 9 أشخاص بينهم 5 مدنيين، وأصيب 81 آخرين", 9),
    ("مقتل 5 وإصابة 12", 5),
    ("أعدم 11 شابًا", 11),
    ("أودى بحياة أكثر من 100 شخص", 100),
    ("أسفر عن أكثر من 50 قتيلا وجريحا", 10),  # combined figure: deaths implied, large
    ("مقتل واصابة العشرات من عناصر البيشمركة", 3),  # combined, vague
    ("فقتلوا خمسة جنود. وقتل جنديان آخران", 7),
]

AR_NEVER = [
    "إصابة ثلاثة أشخاص بانفجار عبوة",
    "دون معلومات عن خسائر بشرية",
    "لم يسفر عن سقوط قتلى",
    "لسقوط عدد من الجرحى",
    "أصيب 81 شخصا",
    "في 11 أغسطس 2015 لقي",
    "مقتل أو إصابة 5",  # killed or injured: nothing certain
    "اعتقال انتحاري قبل تفجير نفسه",  # a bomber alone is no death
]


@pytest.mark.parametrize("text,expected", EN_CASES)
def test_english_counts(pipes, text, expected):
    assert deaths(pipes, "en", text) == expected


@pytest.mark.parametrize("text", EN_NEVER)
def test_english_never(pipes, text):
    assert deaths(pipes, "en", text) == 0


@pytest.mark.parametrize("text,expected", AR_CASES)
def test_arabic_counts(pipes, text, expected):
    assert deaths(pipes, "ar", text) == expected


@pytest.mark.parametrize("text", AR_NEVER)
def test_arabic_never(pipes, text):
    assert deaths(pipes, "ar", text) == 0


def test_offsets_and_rules(pipes):
    for lang, cases in (("en", EN_CASES), ("ar", AR_CASES)):
        for text, _ in cases:
            doc = pipes[lang](text)
            for f in fatalities.find_fatalities(doc):
                assert doc.text[f.start:f.end] == f.text
                assert f.rule.startswith(f"{lang}:")
                assert f.rule.rsplit(":", 1)[1] in ("exact", "vague", "combined", "bomber")


def test_found_in_text_order(pipes):
    doc = pipes["en"]("killing 3 people. Later 2 soldiers died.")
    found = fatalities.find_fatalities(doc)
    assert [f.count for f in found] == [3, 2]
    assert found[0].start < found[1].start


def _f(text: str, count: int, kind: str = "exact") -> Fatalities:
    return Fatalities(0, len(text), text, count, f"en:test:{kind}")


@pytest.mark.parametrize("found,expected", [
    ([], 0),
    ([_f("5 people were killed", 5), _f("killing 5 people", 5)], 5),  # same figure repeated
    ([_f("31 people were killed", 31), _f("27 people were killed", 27)], 27),  # two estimates: lowest
    ([_f("25 rebels were killed", 25), _f("9 soldiers were killed", 9)], 34),  # different victims
    ([_f("5 soldiers were killed", 5), _f("two other soldiers were killed", 2)], 7),  # "others"
    ([_f("6 fighters were killed", 6), _f("3 were killed", 3)], 9),  # a bare further count
    ([_f("dozens killed", 12, "vague"), _f("35 people were killed", 35)], 35),  # exact wins
    ([_f("several killed", 3, "vague"), _f("dozens killed", 12, "vague")], 12),
    ([_f("killed and injured 50", 10, "combined")], 10),
    ([_f("killed and injured 50", 10, "combined"), _f("several killed", 3, "vague")], 3),
    ([_f("killing 5", 5), _f("3 soldiers were killed", 3)], 5),  # a first bare count is the toll
    ([_f("killed more than 50 people", 50), _f("killed 15 civilians", 15)], 50),  # a part of the toll
    ([_f("a man died", 1), _f("another three men were found dead", 3), _f("4 fatalities", 4)], 4),
    ([_f("15 civilians", 15), _f("15 fighters", 15)], 30),  # one figure, two groups
    ([_f("12 people were killed", 12), _f("انتحاريان", 2, "bomber")], 14),
    ([_f("انتحاريان", 2, "bomber")], 0),
])
def test_total(found, expected):
    assert fatalities.total(found) == expected


def test_number_words_fold_arabic_spelling():
    table, _ = fatalities.number_words("ar")
    assert table[("ثلاثه",)] == (3, "unit")  # ة folded to ه like token norms
    assert table[("عشرات",)][0] == 12
    assert fatalities.number_words("en")[0][("dozens",)] == (12, "vague")


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "the attack killed 15 civilians and 27 pro-government fighters", 42),
    ("en", "killed 3 and 5 injured", 3),
    ("ar", "قتل 47 متمردًا و5 من القوات الموالية لهادي", 52),
    ("ar", "مقتل 5 و12 جريحا", 5),
    ("en", "claimed the lives of some 80 people", 80),
])
def test_coordinated_counts(pipes, lang, text, expected):
    assert deaths(pipes, lang, text) == expected


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "5 people were wounded and 12 arrested in 2019; 300 protesters marched.", []),
    ("en", "300 protesters marched; 5 people were wounded. One died later.", [1]),
    ("ar", "أصيب 5 أشخاص واعتقل 12 في تظاهرة شارك فيها 300 شخص", []),
    ("ar", "قتل 3 أشخاص في تظاهرة شارك فيها 300 شخص", [3]),
])
def test_numbers_without_a_death_word_are_not_read(pipes, lang, text, expected):
    """A text with no death word skips reading its numbers: none is a death count."""
    assert [f.count for f in fatalities.find_fatalities(pipes[lang](text))] == expected


def test_counts_after_docs_the_stage_never_saw_are_those_of_a_fresh_pipeline():
    """The per-word info lags behind the word table when fatalities skip Docs: the words of
    the skipped Docs get their own info, not a neighbour's."""
    lang, text = "en", "Police said 4 protesters were killed and 7 wounded in Basra."
    pipe = nlp.blank(lang, actors.vocabulary(lang))
    for other in ("Clashes erupted in Mosul on Monday.", "Seven were wounded; nobody died.",
                  "Protesters and police met again in Basra."):
        pipe(other)  # made, never read by fatalities
    late = fatalities.find_fatalities(pipe(text))
    fresh = fatalities.find_fatalities(nlp.blank(lang, actors.vocabulary(lang))(text))
    assert late == fresh and fatalities.total(late) == 4


def test_fatalities_total_is_the_same_when_the_counts_are_read_again():
    from extractor.fatalities import EXACT, total
    from extractor.records import Fatalities

    found = [Fatalities(0, 11, "3 civilians", 3, f"ar:{EXACT}"), Fatalities(20, 30, "2 soldiers", 2, f"en:{EXACT}")]
    first = total(found)
    assert first == 5
    assert total(found) == first  # the second call reads the memoised victim words
