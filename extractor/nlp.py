"""spaCy pipelines per language: blank tokeniser, sentences and a NORM component.

Stage modules (places, actors, triggers, fatalities) match on ``token.norm_``,
which this module sets with :func:`extractor.normalise.normalise`; for Arabic a
proclitic (و ف ب ل ك ال ...) is stripped only when the rest is a word some
lexicon knows, so names keep their letters (stemmers mangle them).
"""
from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable, Iterable
from itertools import filterfalse

import numpy
import spacy
from spacy.attrs import IDX, IS_PUNCT, LENGTH, NORM, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from .normalise import normalise, strip_clitics

SUPPORTED_LANGUAGES = ("ar", "en")
ABBREVIATION = re.compile(r"^(?:[A-Za-z]\.)+$|^(?:Mr|Mrs|Dr|Gen|Lt|Col|Maj|Sgt|Capt|St|Jr|No|Brig)\.$")
CLOSERS = frozenset({'"', "'", "»", "”", "’", ")", "]"})
SENTENCE_ENDS = frozenset({".", "!", "?", "؟", "؛", "\n"})


# What a token's text means for sentence splitting, kept per word of the word table, with
# the word's spaCy flags is_punct and is_lower (read from the lexeme once, not per token through
# Doc.to_array, which cost more than the rest of the splitting).
_CLOSER, _ENDS, _NEWLINE, _COMMA, _CLAUSE, _CLAUSE_FIRST, _CLAUSE_SECOND = 1, 2, 4, 8, 16, 32, 64
_PUNCT, _LOWER = 128, 256
# Arabic news (SOHR round-ups above all) strings many events into one sentence with commas and
# connectors: "...، في حين ألقى الطيران ...، كذلك أعطبت الفصائل ...، فيما سمع دوي انفجار".
# A comma followed by one of these starts a new clause, read as a sentence of its own.
CLAUSE_CONNECTORS = frozenset(normalise(w) for w in (
    "كما", "كذلك", "وكذلك", "بينما", "وبينما", "فيما", "وفيما", "أيضا", "أيضاً", "عقبه", "تلاه",
    "وتزامنا", "بالتزامن"))
CLAUSE_PAIRS = (normalise("في"), normalise("حين"))
_SHAPES = "nlp.shapes"  # the splitter's per-word table (see WordTable.column)


def _shape(text: str, vocab) -> int:
    lex = vocab[text]
    shape = (_CLOSER if text in CLOSERS else 0) | (_NEWLINE if "\n" in text and not text.strip() else 0)
    norm = normalise(text)
    shape |= (_COMMA if text in ("،", ",") else 0) | (_CLAUSE if norm in CLAUSE_CONNECTORS else 0)
    shape |= (_CLAUSE_FIRST if norm == CLAUSE_PAIRS[0] else 0) | (_CLAUSE_SECOND if norm == CLAUSE_PAIRS[1] else 0)
    if text in SENTENCE_ENDS or (len(text) > 1 and text[-1] in ".!?؟"
                                 and not ABBREVIATION.match(text)):
        shape |= _ENDS
    return shape | (_PUNCT if lex.is_punct else 0) | (_LOWER if lex.is_lower else 0)


@Language.component("extractor_sentences", assigns=["token.is_sent_start"])
def split_sentences(doc: Doc) -> Doc:
    """Sentences end at . ! ? ؟ ؛ (closing quotes and brackets stay with them) and at every
    line break (titles, paragraphs, list items); "U.S." and "Gen." end none. A comma followed by
    a clause connector (، في حين / ، كما / ، فيما ...) starts a new one.

    Works on attribute arrays, not Token objects: this runs on every token of every article.
    A token starts a sentence after a line break or at a clause, or when the text before it
    ended one and it is neither punctuation nor lower case. What "ended" means before a token
    is the previous token's own ending, except after a closing quote or bracket, which passes
    on the state before it ('said "no."' ends after the quote): only those few tokens are
    walked one by one.
    """
    n = len(doc)
    if not n:
        return doc
    vocab = doc.vocab
    shape = word_array(doc, _SHAPES, lambda table, w: _shape(table.texts[w], vocab), numpy.int64)

    def has(flag: int) -> numpy.ndarray:
        return (shape & flag) != 0

    after = numpy.zeros(n, dtype=bool)  # the previous token has the flag
    newline, comma = after.copy(), after.copy()
    newline[1:], comma[1:] = has(_NEWLINE)[:-1], has(_COMMA)[:-1]
    second = numpy.zeros(n, dtype=bool)
    second[:-1] = has(_CLAUSE_SECOND)[1:]
    clause = comma & (has(_CLAUSE) | (has(_CLAUSE_FIRST) & second))
    forced = newline | clause
    forced[0] = True
    may = ~has(_PUNCT) & ~has(_LOWER)
    ended = numpy.ones(n, dtype=bool)  # the text before the token ends a sentence
    ended[1:] = has(_ENDS)[:-1]
    closers = has(_CLOSER)
    for k in numpy.flatnonzero(closers[:-1]).tolist():  # in order: chains of closers carry on
        ended[k + 1] = ended[k] and not (forced[k] or (ended[k] and may[k]))
    start = forced | (ended & may)
    doc.from_array([SENT_START], numpy.where(start, 1, -1).astype("int64").astype("uint64"))
    return doc


@Language.factory("extractor_norm", assigns=["token.norm"])
def make_norm(nlp: Language, name: str):
    return NormComponent(arabic=nlp.lang == "ar")


class NormComponent:
    """Sets ``token.norm_`` to the normal form, clitics stripped for known Arabic words, and
    gives the Doc its word ids (:func:`word_ids`).

    ``known`` is set after construction (see :func:`blank`): the word list is large and has
    no place in a pipeline's config. A norm is made once per word of the component's
    :class:`WordTable` (news repeats words) and the norms are written as one array. Runs
    before the sentence splitter, which reads the word ids.
    """

    def __init__(self, arabic: bool, known: frozenset[str] = frozenset()):
        self.arabic = arabic
        self.known = known

    @property
    def known(self) -> frozenset[str]:
        return self._known

    @known.setter
    def known(self, words: frozenset[str]) -> None:
        self._known = frozenset(words)
        # other known words, other norms: a new table (Docs made before keep the old one,
        # which agrees with the norms they carry)
        self.words = WordTable(self.norm)

    def norm(self, text: str) -> str:
        """The normal form of one token's text."""
        norm = normalise(text)
        if self.arabic and norm not in self._known:
            norm = strip_clitics(norm, self._known)
        return norm

    def __call__(self, doc: Doc) -> Doc:
        table = self.words
        # signed: uint64 -> Python int conversion costs more; hashes are masked where read
        ids = table.ids(doc.to_array(ORTH).view(numpy.int64).tolist(), doc.vocab.strings)
        _DOC_WORDS[doc] = (table, table.generation, ids, _id_array(ids))
        if ids:
            doc.from_array([NORM], word_array(doc, _NORMS, _norm_of, numpy.uint64))
        return doc


def _norm_of(table: WordTable, w: int) -> int:
    return table.norms[w]


_NORMS = "nlp.norms"  # the NORM hash of each word, as an array (see word_array)


_MASK = (1 << 64) - 1
# Doc -> (its word table, the table's generation then, its word ids as a list and an array).
# Beside the Doc rather than in its user_data, which Doc.to_bytes writes out: a table is no
# data to serialise. Weak keys: an entry goes with its Doc.
_DOC_WORDS: weakref.WeakKeyDictionary[Doc, tuple] = weakref.WeakKeyDictionary()


class WordTable:
    """Dense ids (0, 1, 2 ...) for the words one pipeline has seen, with each word's ORTH
    hash, text, NORM hash and norm, and the stages' per-word tables (:class:`WordColumn`).

    A Doc's ids are found once, one dict lookup per token (:meth:`ids`); a stage then takes its
    values for the Doc from a per-word array by the ids (:func:`word_values`, :func:`word_array`),
    where each stage kept its own dict keyed by a hash (three cache misses a token each, about
    170 ns a token for each of six memos). A word's NORM is a function of its ORTH within a
    pipeline (only :class:`NormComponent` writes it), so every per-word value is a function of
    the id. Past ``LIMIT`` words the table is cleared with every stage table and its
    ``generation`` moves on: ids a Doc kept from before are stale, and never read.
    """

    LIMIT = 200_000

    def __init__(self, norm: Callable[[str], str] | None = None):
        self._norm = norm
        self.generation = 0
        self._start()

    def _start(self) -> None:
        self.index: dict = {}  # signed ORTH hash -> id
        self.orths: list[int] = []  # unsigned, as the StringStore reads them
        self.texts: list[str] = []
        self.norms: list[int] = []  # NORM hashes, unsigned
        self.norm_texts: list[str] = []
        self.columns: dict[object, WordColumn] = {}

    def __len__(self) -> int:
        return len(self.orths)

    def clear(self) -> None:
        """Forget every word and stage table; ids made before are stale from now on."""
        self.generation += 1
        self._start()

    def column(self, key: object, dtype=object, width: int = 0) -> WordColumn:
        """The per-word table a stage keeps under ``key`` (made empty the first time); dropped
        when the word table is cleared."""
        held = self.columns.get(key)
        if held is None:
            held = self.columns[key] = WordColumn(dtype, width)
        return held

    def ids(self, orths: list[int], strings) -> list[int]:
        """The ids of the words with these (signed) ORTH hashes, new words added with their
        norm (stored in ``strings``). The table is cleared first when it is full."""
        if len(self.orths) >= self.LIMIT:
            self.clear()
        index = self.index
        try:
            return list(map(index.__getitem__, orths))  # one C-level pass once words are known
        except KeyError:
            for orth in orths:
                if orth not in index:
                    text = strings[orth & _MASK]
                    norm = self._norm(text) if self._norm is not None else text
                    self._add(orth, text, strings.add(norm), norm)
            return list(map(index.__getitem__, orths))

    def _add(self, key, text: str, norm_hash: int, norm: str) -> None:
        self.index[key] = len(self.orths)
        self.orths.append(self._orth(key))
        self.texts.append(text)
        self.norms.append(norm_hash)
        self.norm_texts.append(norm)

    @staticmethod
    def _orth(key) -> int:
        return (key[0] if type(key) is tuple else key) & _MASK

    @classmethod
    def of_doc(cls, doc: Doc) -> tuple[WordTable, list[int]]:
        """A table of one Doc's own words, each an (ORTH, NORM) pair with the norm the Doc
        carries: for a Doc not made by these pipelines, or whose ids are stale."""
        table = cls()
        strings = doc.vocab.strings
        keys = list(map(tuple, doc.to_array([ORTH, NORM]).tolist()))
        for key in keys:
            if key not in table.index:
                table._add(key, strings[key[0]], key[1], strings[key[1]])
        return table, list(map(table.index.__getitem__, keys))


def _id_array(ids: list[int]) -> numpy.ndarray:
    return numpy.fromiter(ids, dtype=numpy.intp, count=len(ids))


def _held(doc: Doc) -> tuple[WordTable, int, list[int], numpy.ndarray]:
    """The word table of ``doc``, its generation and the tokens' ids (a list and an array)."""
    held = _DOC_WORDS.get(doc)
    if held is not None and held[1] == held[0].generation and len(held[2]) == len(doc):
        return held
    table, ids = WordTable.of_doc(doc)
    held = _DOC_WORDS[doc] = (table, table.generation, ids, _id_array(ids))
    return held


def word_ids(doc: Doc) -> tuple[WordTable, list[int]]:
    """The word table of ``doc`` and its tokens' word ids, found by the NORM component and
    kept with the Doc. A Doc without them (made elsewhere), or whose table was cleared since,
    gets a table of its own words, kept with it too: stale ids are never read."""
    held = _held(doc)
    return held[0], held[2]


class WordColumn:
    """A stage's value for each word id of one word table, in a numpy array (``dtype`` object
    for Python values; rows of ``width`` values when ``width`` is given) that grows by doubling.

    A stage does not see every Doc (fatalities skip texts without a death word, extract()
    stops after the triggers when none is asserted), so a column may lag behind its table: a
    Doc with an id past it first gets every id up to its largest made, each by ``make(table,
    id)``, a function of the word alone (its text, norm, ORTH), never of a token position.
    Taking a Doc's values from an array by its ids cost half a ``list(map(list.__getitem__,
    ids))`` for Python values, and a fifth of converting a list of Python ints to an array.
    """

    def __init__(self, dtype=object, width: int = 0):
        self.words = numpy.empty((0, width) if width else 0, dtype=dtype)
        self.filled = 0

    def take(self, table: WordTable, at: numpy.ndarray, make: Callable[[WordTable, int], object]
             ) -> numpy.ndarray:
        """The values of the words ``at`` (ids of ``table``, the column's own table)."""
        if self.filled < len(table) and len(at):
            top = int(at.max()) + 1
            if self.filled < top:
                self._fill(table, top, make)
        return self.words.take(at, axis=0)

    def _fill(self, table: WordTable, top: int, make: Callable[[WordTable, int], object]) -> None:
        words, filled = self.words, self.filled
        if len(words) < top:
            grown = numpy.empty((max(top, 2 * len(words)),) + words.shape[1:], dtype=words.dtype)
            grown[:filled] = words[:filled]
            self.words = words = grown
        if words.dtype == object and words.ndim == 2:  # cell by cell: a value may be a tuple
            for w in range(filled, top):
                for k, value in enumerate(make(table, w)):
                    words[w, k] = value
        elif words.dtype == object:  # one by one: a list of tuples would be read as rows
            for w in range(filled, top):
                words[w] = make(table, w)
        else:
            words[filled:top] = [make(table, w) for w in range(filled, top)]
        self.filled = top


def word_array(doc: Doc, key: object, make: Callable[[WordTable, int], object], dtype,
               width: int = 0) -> numpy.ndarray:
    """Per token of ``doc``, as a numpy array, the value (a row of ``width`` values when
    ``width`` is given) kept per word under ``key`` in the Doc's word table, a missing one made
    by ``make(table, id)`` (a function of the word alone) and kept (see :class:`WordColumn`)."""
    table, _, _, at = _held(doc)
    return table.column(key, dtype, width).take(table, at, make)


def word_values(doc: Doc, key: object, make: Callable[[WordTable, int], object]) -> list:
    """Per token of ``doc``, the Python value a stage keeps per word under ``key`` in the Doc's
    word table, a missing one made by ``make(table, id)`` (a function of the word) and kept."""
    return word_array(doc, key, make, object).tolist()


def word_id_array(doc: Doc) -> numpy.ndarray:
    """The word ids of ``doc``'s tokens as an array (see :func:`word_ids`)."""
    return _held(doc)[3]


def known_words(lang: str) -> frozenset[str]:
    """Every normalised word a lexicon of ``lang`` starts an entry with; empty for languages
    without proclitics (English), where nothing is stripped."""
    if lang != "ar":
        return frozenset()
    from . import actors, places, triggers

    words: set[str] = set()
    for module in (places, actors, triggers):
        words |= module.vocabulary(lang)
    return frozenset(words)


class PrimedTokenizer:
    """spaCy's tokenizer with its chunk cache filled one white-space chunk at a time.

    spaCy caches how it split each white-space-delimited chunk, but stops caching for the
    rest of a Doc once any chunk used a special case (``has_special`` is one flag per Doc),
    so in long articles most words were split again, affix rule by affix rule, every time
    (about 6 of the 8 ms of a 500-word Arabic article). A chunk not seen before is first
    tokenised alone, which caches it; the Doc then comes from the cache. The tokens are
    spaCy's own, unchanged. Priming stops once ``CACHE_LIMIT`` chunks were primed (the
    article that crosses it is primed whole): beyond that spaCy caches no more, and memory
    stays bounded.
    """

    CACHE_LIMIT = 300_000

    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer  # spaCy's own: what lexicon builders split entries with
        self.vocab = tokenizer.vocab
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, self.CACHE_LIMIT)
        self._seen: set[str] = set()

    def __call__(self, text: str) -> Doc:
        seen = self._seen
        if len(seen) < self.CACHE_LIMIT:
            # one C-level pass over the chunks; a set only of the few new ones
            new = set(filterfalse(seen.__contains__, text.split()))
            for chunk in new:
                self.tokenizer(chunk)
            seen |= new
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text  # spaCy's tokens are lossless: this is doc.text
        return doc


TEXT_KEY = "extractor_text"


def text_of(doc: Doc) -> str:
    """``doc.text`` without its cost: spaCy rebuilds it from a Token object per token (0.5 ms
    for 800 tokens) on every access; a Doc made by these pipelines keeps its input text."""
    text = doc.user_data.get(TEXT_KEY)
    return doc.text if text is None else text


# The token attributes the stages read (places, actors, triggers, fatalities, the assembler's
# sentence bounds): one Doc.to_array per Doc for all of them, where each stage read its own
# (a call has a fixed cost besides its columns'). triggers reads the first five by position.
COLUMNS = (ORTH, NORM, IDX, IS_PUNCT, SENT_START, SPACY, LENGTH)
COLUMNS_KEY = "extractor_columns"


# The columns that belong to the word (ORTH, NORM, IS_PUNCT, LENGTH) come from a per-word array
# by the Doc's word ids; spaCy reads only the token's own (IDX, SENT_START, SPACY): its lexeme
# attributes cost about twice as much per token as the rest.
_WORD_ATTRS = (ORTH, NORM, IS_PUNCT, LENGTH)
_TOKEN_ATTRS = [a for a in COLUMNS if a not in _WORD_ATTRS]
_WORD_AT = [COLUMNS.index(a) for a in _WORD_ATTRS]
_TOKEN_AT = [COLUMNS.index(a) for a in _TOKEN_ATTRS]
_WORD_COLUMNS = "nlp.word_columns"


def _word_columns(table: WordTable, w: int, vocab) -> tuple[int, int, int, int]:
    text = table.texts[w]
    return table.orths[w], table.norms[w], int(vocab[text].is_punct), len(text)  # spaCy's LENGTH is len()


def columns(doc: Doc) -> numpy.ndarray:
    """``doc.to_array(COLUMNS)`` (one row per token, uint64), read once per Doc and kept with
    it; read-only, since every stage shares it."""
    held = doc.user_data.get(COLUMNS_KEY)
    if held is None or len(held) != len(doc):
        held = numpy.empty((len(doc), len(COLUMNS)), dtype=numpy.uint64)
        held[:, _TOKEN_AT] = doc.to_array(_TOKEN_ATTRS)
        vocab = doc.vocab
        held[:, _WORD_AT] = word_array(doc, _WORD_COLUMNS, lambda table, w: _word_columns(table, w, vocab),
                                       numpy.uint64, len(_WORD_ATTRS))
        held.flags.writeable = False
        doc.user_data[COLUMNS_KEY] = held
    return held


@functools.cache
def _language(lang: str) -> Language:
    # spacy.blank costs about 0.2 s (the tokenizer's exception table): one per language and
    # process, shared by the pipeline and the lexicon builders (actors, triggers)
    nlp = spacy.blank(lang)
    nlp.tokenizer = PrimedTokenizer(nlp.tokenizer)
    return nlp


def tokenizer(lang: str) -> Tokenizer:
    """spaCy's blank tokenizer of ``lang``, built once per process: lexicon builders split
    their entries with it, so entries and text are split the same way."""
    return _language(lang).tokenizer.tokenizer


_PLAIN = re.compile(r"^\w+$")


def word_pieces(lang: str, word: str) -> tuple[str, ...]:
    """spaCy's tokens of one space-free lexicon word, as the blank tokenizer splits it. A plain
    word (letters and digits only, no special case of the tokenizer such as "cannot") is one
    token without asking spaCy: lexicon builders split thousands of words at start-up."""
    if _PLAIN.match(word) and word not in _special_cases(lang):
        return (word,)
    return tuple(t.text for t in tokenizer(lang)(word) if not t.is_space)


@functools.cache
def _special_cases(lang: str) -> frozenset[str]:
    return frozenset(tokenizer(lang).rules or ())


@functools.cache
def get_nlp(lang: str) -> Language:
    """The blank pipeline for ``lang`` ("ar" or "en"), built once per process."""
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"language {lang!r} is not supported; use one of {SUPPORTED_LANGUAGES}")
    known = known_words(lang)  # builds the lexicons, which use tokenizer(lang) first
    return _add_pipes(_language(lang), known)


def blank(lang: str, known: Iterable[str] = ()) -> Language:
    """A fresh pipeline with its own known-word list: for tests and lexicon builders."""
    nlp = spacy.blank(lang)
    nlp.tokenizer = PrimedTokenizer(nlp.tokenizer)
    return _add_pipes(nlp, known)


def _add_pipes(nlp: Language, known: Iterable[str]) -> Language:
    nlp.add_pipe("extractor_norm").known = frozenset(known)
    nlp.add_pipe("extractor_sentences")  # reads the word ids the NORM component finds
    return nlp
