"""The one reader of numbers typed in free text (bot/core/numbers.py)."""

from __future__ import annotations

import pytest

from bot.core import numbers


@pytest.mark.parametrize(("text", "value"), [
    ("500", 500), ("1,200", 1200), ("1.2만", 12_000), ("천", 1000), ("2천5백", 2500),
    ("삼백", 300), ("1만 2천", 12_000), ("오만", 50_000), ("삼십만", 300_000),
    ("11억", 1_100_000_000), ("9억 8천", 980_000_000), ("9억8천만", 980_000_000),
    ("1억 2천만 5백", 120_000_500), ("１，２００", 1200),
])
def test_typed_numbers_are_read_whole(text, value):
    assert numbers.read(text) == value


@pytest.mark.parametrize("text", ["", "1.5", "오백원", "12 34", "천천히", "5 5"])
def test_anything_else_is_no_number(text):
    assert numbers.read(text) is None


def test_strict_spaces_allow_a_space_only_after_man_or_eok():
    assert numbers.read("1만 2천", strict_spaces=True) == 12_000
    assert numbers.read("1억 2천만", strict_spaces=True) == 120_000_000
    assert numbers.read("천 2백", strict_spaces=True) is None  # '친구 천' is never 구천
    assert numbers.read("천 2백") == 1200
