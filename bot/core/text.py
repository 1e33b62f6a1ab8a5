"""How typed text is compared with the words the bot knows: one normaliser.

The form engine's commands (취소, 이전, 네), the application form's choices and the skills'
word lists all compare text after `normalise` (or `key`, its spaceless form), so
"신청 취소!?" and "신청취소" mean the same everywhere. Pure and light (no Flask, no Redis).
"""

from __future__ import annotations

import re
import unicodedata

TRAILING_PUNCTUATION = "!?.~,;:…！？。～"
_SPACES = re.compile(r"\s+")
_NOISE = re.compile(r"[\s\.\,\!\?~·…\"'()\[\]]+")


def normalise(text: str, *, fold: bool = False) -> str:
    """Return `text` trimmed, with single spaces, no trailing '!?.~' and lower case.

    `fold` first applies NFKC, so full-width digits and letters count as their plain forms.
    """
    text = text or ""
    if fold:
        text = unicodedata.normalize("NFKC", text)
    collapsed = _SPACES.sub(" ", text.strip())
    return collapsed.rstrip(TRAILING_PUNCTUATION).strip().lower()


def key(text: str, *, fold: bool = False) -> str:
    """The normalised text without spaces: merchants often drop the spacing."""
    return normalise(text, fold=fold).replace(" ", "")


def compact(text: str) -> str:
    """Lower case with no spaces or punctuation anywhere: the keyword router's reading.

    '신청 현황?' and '"신청현황"' both give '신청현황'; a skill's declared words are compared
    in this form (bot/conversation/router.py).
    """
    return _NOISE.sub("", (text or "").lower())
