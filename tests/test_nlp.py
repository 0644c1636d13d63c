"""The spaCy pipelines: the primed tokenizer, the kept text and sentence splitting."""
import numpy
import pytest
import spacy
from spacy.attrs import IDX, IS_PUNCT, NORM, ORTH, SENT_START, SPACY

from extractor import nlp

TEXTS = [
    ("en", "The U.S. army's 3rd Brigade (Reuters) said: \"no.\"  Two  spaces,\nnew lines\n\nand :) smileys."),
    ("en", "Don't can't won't -- e-mail info@example.org 10km 5,000 people; $3.5bn."),
    ("ar", "قال المرصد السوري: \"قتل 5 عناصر\"، وأُصيب آخرون (بحسب المصادر)؛ والاشتباكات مستمرة."),
    ("ar", "الأحد 12/3/2024م - ريف حلب الشمالي... وبالرقة، وللمرة الثانية!"),
]


@pytest.mark.parametrize("lang, text", TEXTS)
def test_primed_tokens_are_spacys_own(lang, text):
    plain = spacy.blank(lang).tokenizer
    primed = nlp.PrimedTokenizer(spacy.blank(lang).tokenizer)
    want = plain(text).to_array([ORTH, SPACY]).tolist()
    assert primed(text).to_array([ORTH, SPACY]).tolist() == want
    assert primed(text).to_array([ORTH, SPACY]).tolist() == want  # the second time from the cache
    assert primed(text + " " + text).to_array([ORTH, SPACY]).tolist() == plain(text + " " + text).to_array(
        [ORTH, SPACY]).tolist()


def test_priming_stops_at_the_cache_limit(monkeypatch):
    monkeypatch.setattr(nlp.PrimedTokenizer, "CACHE_LIMIT", 3)
    primed = nlp.PrimedTokenizer(spacy.blank("en").tokenizer)
    doc = primed("one two three four five six")
    assert len(primed._seen) == 6 and len(doc) == 6  # a whole first text is primed
    primed("seven eight")
    assert len(primed._seen) == 6  # over the limit nothing more is added
    assert [t.text for t in primed("seven eight.")] == ["seven", "eight", "."]


@pytest.mark.parametrize("lang, text", TEXTS)
def test_text_of_is_the_doc_text(lang, text):
    doc = nlp.blank(lang)(text)
    assert nlp.text_of(doc) == doc.text == text
    bare = spacy.blank(lang)(text)  # a Doc from elsewhere: rebuilt from its tokens
    assert nlp.text_of(bare) == text


@pytest.mark.parametrize("text, sentences", [
    ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
    ("It ended. ) ) Then more.", ["It ended. ) )", "Then more."]),  # a chain of closers
    ("It ended ) ) Then more.", ["It ended ) ) Then more."]),
    ("Title line\n\nBody, text. More", ["Title line", "Body, text.", "More"]),
    ("one", ["one"]),
    ("قال \"لا.\" ثم غادر", ['قال "لا."', "ثم غادر"]),
    ("قصف على البلدة، فيما سمع دوي انفجار", ["قصف على البلدة،", "فيما سمع دوي انفجار"]),
    ("قصف على البلدة، في حين سمع دوي", ["قصف على البلدة،", "في حين سمع دوي"]),
    ("قصف على البلدة في حين سمع دوي", ["قصف على البلدة في حين سمع دوي"]),  # no comma, no clause
])
def test_sentences(text, sentences):
    lang = "ar" if any("\u0600" <= c <= "\u06ff" for c in text) else "en"
    assert [s.text.strip() for s in nlp.blank(lang)(text).sents] == sentences


@pytest.mark.parametrize("lang,word", [
    ("en", "clashes"), ("en", "pro-Hadi"), ("en", "People's"), ("en", "cannot"), ("en", "U.S."),
    ("ar", "اشتباكات"), ("ar", "الـ24"), ("ar", "(داعش)"),
])
def test_word_pieces_split_lexicon_words_as_the_tokenizer_does(lang, word):
    spacy_tokens = tuple(t.text for t in nlp.tokenizer(lang)(word) if not t.is_space)
    assert nlp.word_pieces(lang, word) == spacy_tokens


@pytest.mark.parametrize("lang, text", [
    ("ar", "قتل 3 مدنيين في قصف على إدلب أمس.\n\nوأفاد المرصد بأن الاشتباكات استمرت."),
    ("en", "Clashes  in Mosul killed 5. Police said:\n\n\"It's over.\""),
])
def test_columns_are_the_docs_attribute_array_read_once(lang, text):
    doc = nlp.get_nlp(lang)(text)
    cols = nlp.columns(doc)
    assert (cols == doc.to_array(list(nlp.COLUMNS))).all() and cols.shape == (len(doc), len(nlp.COLUMNS))
    assert nlp.columns(doc) is cols  # kept with the Doc
    assert nlp.COLUMNS[:5] == (ORTH, NORM, IDX, IS_PUNCT, SENT_START)  # triggers reads these by position
    with pytest.raises(ValueError):
        cols[0, 0] = 0  # shared by the stages: read-only


@pytest.mark.parametrize("lang, text", TEXTS + [
    ("en", "Emoji 🔥 and 𝐛𝐨𝐥𝐝 words, tabs\tand   runs; (again) 🔥."), ("ar", ""), ("en", "\n\n"),
])
def test_columns_from_the_word_table_are_spacys_array(lang, text):
    pipe = nlp.blank(lang)
    pipe("Words seen before. " + text[: len(text) // 2])  # a word table that already has words
    for doc in (pipe(text), spacy.blank(lang)(text)):  # a Doc from elsewhere: its own table
        assert (nlp.columns(doc) == doc.to_array(list(nlp.COLUMNS))).all()
        assert nlp.columns(doc).shape == (len(doc), len(nlp.COLUMNS))


@pytest.mark.parametrize("dtype, width, value", [
    (object, 0, lambda w: (w, f"word {w}")),  # tuples kept whole, not read as rows
    (numpy.int64, 0, lambda w: 10 * w),
    (numpy.uint64, 2, lambda w: (w, (1 << 64) - 1 - w)),
])
def test_a_word_column_fills_what_it_lacks_up_to_the_largest_id_once(dtype, width, value):
    table = nlp.WordTable()
    table._add(0, "a", 0, "a")
    made: list[int] = []

    def make(tab: nlp.WordTable, w: int):
        assert tab is table
        made.append(w)
        return value(w)

    def take(*ids: int) -> list:
        got = column.take(table, numpy.array(ids, dtype=numpy.intp), make).tolist()
        return [tuple(v) for v in got] if width else got

    column = nlp.WordColumn(dtype, width)
    assert take(0) == [value(0)]
    for w, text in enumerate("bcdefghij", start=1):
        table._add(w, text, w, text)
    assert take(3, 0, 1, 3) == [value(3), value(0), value(1), value(3)]
    assert made == [0, 1, 2, 3] and column.filled == 4  # each id once, in order, none past the largest
    assert take(9, 2) == [value(9), value(2)]  # grown past its doubled size
    assert made == list(range(10))


def _norms(doc) -> list[str]:
    return [t.norm_ for t in doc]


def test_word_ids_are_stable_and_carry_each_words_text_and_norm():
    pipe = nlp.blank("ar", {"بلده"})  # known words are normalised (ة -> ه)
    first = pipe("قصف على البلدة وبلدة أخرى")
    table, ids = nlp.word_ids(first)
    assert ids == [0, 1, 2, 3, 4] and len(table) == 5
    second = pipe("قصف على وبلدة جديدة")
    assert nlp.word_ids(second) == (table, [0, 1, 3, 5])  # known words keep their ids, new ones follow
    for doc in (first, second):
        tab, ids = nlp.word_ids(doc)
        assert [tab.texts[w] for w in ids] == [t.text for t in doc]
        assert [tab.norm_texts[w] for w in ids] == _norms(doc)
        assert [tab.norms[w] for w in ids] == [t.norm for t in doc]
    assert _norms(second)[2] == "بلده"  # the proclitic stripped from a known word


def test_a_stage_that_skipped_docs_gets_the_values_of_its_words():
    pipe = nlp.blank("en")
    docs = [pipe(text) for text in ("Clashes in Mosul.", "Shelling hit Raqqa", "Raqqa and Mosul, again.")]
    made: list[str] = []

    def make(table: nlp.WordTable, w: int) -> str:
        made.append(table.texts[w])
        return table.texts[w].upper()

    # the stage sees only the last Doc: its table fills every id up to the Doc's largest
    assert nlp.word_values(docs[2], "test.upper", make) == ["RAQQA", "AND", "MOSUL", ",", "AGAIN", "."]
    assert nlp.word_values(docs[0], "test.upper", make) == ["CLASHES", "IN", "MOSUL", "."]
    assert len(made) == len(set(made)) == len(nlp.word_ids(docs[2])[0])  # each word made once


def test_the_word_table_is_bounded_and_stale_ids_are_never_read(monkeypatch):
    monkeypatch.setattr(nlp.WordTable, "LIMIT", 6)
    pipe = nlp.blank("en")
    table = pipe.get_pipe("extractor_norm").words
    old = pipe("Clashes erupted in Mosul today.")
    assert len(table) == 6 and table.generation == 0
    nlp.word_values(old, "test.text", lambda tab, w: tab.texts[w])
    new = pipe("Police said so")  # the table is full: cleared before this Doc's words are added
    assert table.generation == 1 and len(table) == 3 and nlp.word_ids(new) == (table, [0, 1, 2])
    assert "test.text" not in table.columns  # the stage tables went with it
    # the old Doc's ids would name the new words: it gets a table of its own words instead
    own, ids = nlp.word_ids(old)
    assert own is not table and [own.texts[w] for w in ids] == [t.text for t in old]
    assert nlp.word_values(old, "test.text", lambda tab, w: tab.texts[w]) == [t.text for t in old]
    assert [s.text for s in pipe("One. Two.").sents] == ["One.", "Two."]


def test_a_doc_from_elsewhere_gets_a_table_of_its_own_words_and_norms():
    doc = spacy.blank("en")("Mosul and mosul")
    table, ids = nlp.word_ids(doc)
    assert ids == [0, 1, 2] and [table.norm_texts[w] for w in ids] == ["mosul", "and", "mosul"]
    assert nlp.word_ids(doc) == (table, ids)  # kept with the Doc


@pytest.mark.parametrize("lang, text", TEXTS[:1] + TEXTS[2:3])
def test_a_doc_with_word_ids_and_columns_still_serialises(lang, text):
    pipe = nlp.blank(lang)
    doc = pipe(text)
    cols = nlp.columns(doc)
    back = type(doc)(pipe.vocab).from_bytes(doc.to_bytes())  # the word table is not in user_data
    assert [t.norm_ for t in back] == [t.norm_ for t in doc] and (nlp.columns(back) == cols).all()


def test_the_known_words_setter_starts_a_new_table():
    pipe = nlp.blank("ar")
    norm = pipe.get_pipe("extractor_norm")
    before = pipe("وبلدة")
    old = norm.words
    norm.known = frozenset({"بلده"})
    after = pipe("وبلدة")
    assert norm.words is not old and _norms(before) == ["وبلده"] and _norms(after) == ["بلده"]
    assert nlp.word_ids(before)[0] is old  # the Doc made before keeps the table its norms came from
