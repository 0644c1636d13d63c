"""Records: ``record`` keeps the frozen dataclass's behaviour with its faster constructor."""
import dataclasses
import datetime as dt
import pickle

import pytest

from extractor.records import Article, DateMention, Place, Trigger, record


def test_defaults_positional_and_keyword_arguments_as_a_dataclass():
    p = Place(3, 9, "Mosul", kind="city", iso=368)
    assert (p.start, p.end, p.text, p.resolved, p.kind, p.iso, p.latitude) == (3, 9, "Mosul", True, "city",
                                                                             368, None)
    assert Trigger(0, 4, "shelled", "Battles", "Armed clash", 0.8).modality == "asserted"
    assert Place(1, 2, "x", False, "why") == Place(1, 2, "x", resolved=False, reason="why")


@pytest.mark.parametrize("make", [
    lambda: Place(1, 2),                   # a required field missing
    lambda: Place(1, 2, "x", bogus=1),     # an unknown field
    lambda: Place(1, 2, "x", start=1),     # a field given twice
    lambda: DateMention(1, 2, "x", dt.date(2024, 1, 1), 1, "r", "extra"),  # too many
])
def test_bad_arguments_are_type_errors(make):
    with pytest.raises(TypeError):
        make()


def test_frozen_equal_hashable_replaceable_and_picklable():
    a = Article(id="a1", text="نص", published=dt.date(2024, 5, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.text = "other"
    assert a == Article("a1", "نص", published=dt.date(2024, 5, 1))
    assert hash(a) == hash(Article("a1", "نص", published=dt.date(2024, 5, 1)))
    assert a != dataclasses.replace(a, title="t")
    assert dataclasses.replace(a, title="t").title == "t"
    assert pickle.loads(pickle.dumps(a)) == a
    assert repr(Place(1, 2, "x")).startswith("Place(start=1, end=2, text='x', resolved=True")
    assert [f.name for f in dataclasses.fields(Place)][:4] == ["start", "end", "text", "resolved"]


def test_records_with_post_init_or_factories_are_refused():
    with pytest.raises(TypeError):
        @record
        class WithPostInit:
            x: int

            def __post_init__(self):
                pass

    with pytest.raises(TypeError):
        @record
        class WithFactory:
            x: list = dataclasses.field(default_factory=list)
