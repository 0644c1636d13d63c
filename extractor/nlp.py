"""spaCy pipelines per language: blank tokeniser, sentences and a NORM component.

Stage modules (places, actors, triggers, fatalities) match on ``token.norm_``,
which this module sets with :func:`extractor.normalise.normalise`; for Arabic a
proclitic (و ف ب ل ك ال ...) is stripped only when the rest is a word some
lexicon knows, so names keep their letters (stemmers mangle them).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .normalise import normalise, strip_clitics

SUPPORTED_LANGUAGES = ("ar", "en")
ABBREVIATION = re.compile(r"^(?:[A-Za-z]\.)+$|^(?:Mr|Mrs|Dr|Gen|Lt|Col|Maj|Sgt|Capt|St|Jr|No|Brig)\.$")
CLOSERS = frozenset({'"', "'", "»", "”", "’", ")", "]"})
SENTENCE_ENDS = frozenset({".", "!", "?", "؟", "؛", "\n"})


@Language.component("extractor_sentences", assigns=["token.is_sent_start"])
def split_sentences(doc: Doc) -> Doc:
    """Sentences end at . ! ? ؟ ؛ and at every line break (titles, paragraphs, list items)."""
    for i, token in enumerate(doc):
        if i == 0:
            token.is_sent_start = True
            continue
        j = i - 1
        while j > 0 and doc[j].text in CLOSERS:  # 'said "no."' ends after the quote
            j -= 1
        prev = doc[j]
        ends = prev.text in SENTENCE_ENDS or (
            len(prev) > 1 and prev.text[-1] in ".!?؟" and not ABBREVIATION.match(prev.text))
        token.is_sent_start = (ends and not token.is_punct and not token.is_lower) or (
            doc[i - 1].is_space and "\n" in doc[i - 1].text)
    return doc


@Language.factory("extractor_norm", assigns=["token.norm"])
def make_norm(nlp: Language, name: str):
    return NormComponent(arabic=nlp.lang == "ar")


class NormComponent:
    """Sets ``token.norm_`` to the normal form, clitics stripped for known Arabic words.

    ``known`` is set after construction (see :func:`blank`): the word list is large and has
    no place in a pipeline's config. Norms are memoised per surface form: news repeats words.
    """

    CACHE_LIMIT = 200_000

    def __init__(self, arabic: bool, known: frozenset[str] = frozenset()):
        self.arabic = arabic
        self.known = known
        self._cache: dict[str, str] = {}

    @property
    def known(self) -> frozenset[str]:
        return self._known

    @known.setter
    def known(self, words: frozenset[str]) -> None:
        self._known = frozenset(words)
        self._cache = {}

    def norm(self, text: str) -> str:
        norm = self._cache.get(text)
        if norm is None:
            norm = normalise(text)
            if self.arabic and norm not in self._known:
                norm = strip_clitics(norm, self._known)
            if len(self._cache) >= self.CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = norm
        return norm

    def __call__(self, doc: Doc) -> Doc:
        norm = self.norm
        for token in doc:
            token.norm_ = norm(token.text)
        return doc


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


@functools.cache
def get_nlp(lang: str) -> Language:
    """The blank pipeline for ``lang`` ("ar" or "en"), built once per process."""
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"language {lang!r} is not supported; use one of {SUPPORTED_LANGUAGES}")
    return blank(lang, known_words(lang))


def blank(lang: str, known: Iterable[str] = ()) -> Language:
    """A fresh pipeline with its own known-word list: for tests and lexicon builders."""
    nlp = spacy.blank(lang)
    nlp.add_pipe("extractor_sentences")
    nlp.add_pipe("extractor_norm").known = frozenset(known)
    return nlp
