"""Numbers as merchants type them: digits, commas, decimals and Sino-Korean numerals.

One reader for every feature that takes a number out of free text: the wallet's calculator
reads friend counts with it ("1.2만", "천", "2천5백"), the FAQ's situation reader amounts of
money ("9억 8천", "오만", "11억"). Pure, no Flask or Redis.

`read(text)` takes the whole text as one number or gives None. Spaces are loose by default
("9억 8천", "천 2백"); `strict_spaces=True` allows a space only right after 만 or 억
("1만 2천"), so a friend count read out of "친구 천" is never taken for 구천.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

DIGITS = {"영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6,
          "칠": 7, "팔": 8, "구": 9}
SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
BIG_UNITS = {"만": 10_000, "억": 100_000_000}
UNIT_CHARS = "".join(SMALL_UNITS) + "".join(BIG_UNITS)

_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_SPACES = re.compile(r"\s+")


def read(text: str, strict_spaces: bool = False) -> int | None:
    """Read '500', '1,200', '1.2만', '천', '2천5백', '삼백', '1만 2천', '9억 8천' as an integer.

    In speech a bare 천/백 after 억 means 천만/백만: "9억 8천" is 980,000,000. A value that is
    not whole ('1.5') or any other character gives None.
    """
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().replace(",", "")
    if not text:
        return None
    total = Fraction(0)
    block = Fraction(0)  # what stands below the next big unit
    digit: Fraction | None = None
    after_eok = False  # a bare 천/백 after 억 means 천만/백만 ("9억 8천")
    man_after_eok = False
    i = 0
    while i < len(text):
        match = _DECIMAL.match(text, i)
        if match:
            if digit is not None:
                return None
            digit = Fraction(match.group())
            i = match.end()
            continue
        char = text[i]
        i += 1
        if char == " ":
            if strict_spaces and not (text[i - 2:i - 1] in BIG_UNITS and digit is None):
                return None
        elif char in DIGITS and digit is None:
            digit = Fraction(DIGITS[char])
        elif char in SMALL_UNITS:
            block += (1 if digit is None else digit) * SMALL_UNITS[char]
            digit = None
        elif char in BIG_UNITS:
            total += ((block + (digit or 0)) or 1) * BIG_UNITS[char]
            block, digit = Fraction(0), None
            if char == "억":
                after_eok = True
            elif after_eok:
                man_after_eok = True
        else:
            return None
    rest = block + (digit or 0)
    if after_eok and not man_after_eok and rest < 10_000 and (block or rest >= 1000):
        rest *= 10_000  # "9억 8천" is 9억 8천만 in speech
    value = total + rest
    return int(value) if value.denominator == 1 else None
