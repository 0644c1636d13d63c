"""The spaCy pipelines: the primed tokenizer, the kept text and sentence splitting."""
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


def test_memo_map_makes_only_missing_values_and_keeps_them():
    memo = {1: "one"}
    made: list[int] = []

    def make(k: int) -> str:
        made.append(k)
        return f"made {keys[k]}"

    keys = [1, 2, 1, 3, 2]
    assert nlp.memo_map(memo, keys, make) == ["one", "made 2", "one", "made 3", "made 2"]
    assert made == [1, 3]  # each new key once, at its first position
    assert nlp.memo_map(memo, keys, make) == ["one", "made 2", "one", "made 3", "made 2"] and made == [1, 3]
