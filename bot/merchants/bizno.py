"""사업자등록번호 (10-digit business number): normalise, checksum, entity kind.

Rules from program-facts §2.1–2.2 (국세청 numbering; checksum with the
9th-digit carry term, as in realrains/kbrn).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―.·_/]+")


@dataclass(frozen=True)
class BizNo:
    """A well-formed business number and what its middle digits say."""

    digits: str
    kind: str  # individual | corporation | nonprofit | government | foreign | group | religious
    code: int

    @property
    def formatted(self) -> str:
        """'120-81-47521'."""
        return f"{self.digits[:3]}-{self.digits[3:5]}-{self.digits[5:]}"

    @property
    def is_corporation(self) -> bool:
        """법인 (81–88) as opposed to 개인 (01–80, 89–99), per program-facts §2.1."""
        return 81 <= self.code <= 88


def normalise(text: str) -> str | None:
    """Return the 10 digits of '120-81-47521', '１２０８１４７５２１', '120 81 47521'; else None."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    compact = _SEPARATORS.sub("", folded)
    return compact if re.fullmatch(r"\d{10}", compact) else None


def check_digit(digits: str) -> int:
    """The checksum digit for the first nine digits (with the 9th-digit carry term)."""
    d = [int(c) for c in digits[:9]]
    total = sum(x * w for x, w in zip(d, WEIGHTS, strict=True)) + (d[8] * 5) // 10
    return (10 - total % 10) % 10


def corporate_check_digit(digits: str) -> int:
    """A 법인등록번호's check digit (§2.3): weights 1,2,1,2… over digits 1–12, plain products
    summed (not Luhn's digit sums), then (10 − sum mod 10) mod 10."""
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10


def kind_of(code: int) -> str:
    """Entity kind from the middle two digits (program-facts §2.1)."""
    if 1 <= code <= 79 or 90 <= code <= 99:
        return "individual"
    if code in (81, 85, 86, 87, 88):
        return "corporation"
    return {80: "group", 82: "nonprofit", 83: "government", 84: "foreign",
            89: "religious"}.get(code, "unknown")


def parse(text: str) -> BizNo | None:
    """Parse and validate a business number; None when malformed or the checksum fails."""
    digits = normalise(text)
    if digits is None or check_digit(digits) != int(digits[9]):
        return None
    code = int(digits[3:5])
    return BizNo(digits, kind_of(code), code)
