"""Korean text analysis shared by the FAQ matcher and notice search (kiwipiepy).

The Kiwi model loads once per process (about a second), lazily and thread-safely.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import warnings
from typing import Any

_KIWI: Any = None
_LOCK = threading.Lock()

# Morpheme tags that carry meaning: nouns, verb/adjective stems, roots, foreign words, numbers.
CONTENT_TAGS = ("NNG", "NNP", "NNB", "NR", "NP", "VV", "VA", "XR", "SL", "SN", "MAG")
# Domain words Kiwi should keep whole (so "무상캐시" is not split into 무상 + 캐시).
DOMAIN_WORDS = ("비즈월렛", "월렛", "무상캐시", "유상캐시", "톡채널", "카톡채널", "카카오톡채널",
                "비즈니스채널", "사업자등록번호", "사업자등록증", "단골데이", "프로젝트단골",
                "친구톡", "알림톡", "세금계산서", "소상공인", "지원사업")


def kiwi() -> Any:
    """The process-wide Kiwi analyser, loaded on first use."""
    global _KIWI
    if _KIWI is None:
        with _LOCK:
            if _KIWI is None:
                from kiwipiepy import Kiwi

                # Single-threaded: the app loads before gunicorn forks its workers, and a
                # thread pool made in the parent is gone in the children (abort at exit).
                with warnings.catch_warnings():  # "num_workers=0 changed in 0.21": we want it
                    warnings.simplefilter("ignore", DeprecationWarning)
                    analyser = Kiwi(num_workers=0)
                for word in DOMAIN_WORDS:
                    analyser.add_user_word(word, "NNP", 0.0)
                _KIWI = analyser
    return _KIWI


def fold(text: str) -> str:
    """NFKC-fold, lowercase and collapse spaces (full-width digits, odd spaces)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().lower()


def tokens(text: str) -> list[str]:
    """Content morphemes of a sentence: '지원금 언제 들어와용' → ['지원금', '언제', '들어오']."""
    folded = fold(text)
    if not folded:
        return []
    return [t.form for t in kiwi().tokenize(folded) if t.tag in CONTENT_TAGS]


def morphemes(text: str) -> list[tuple[str, str]]:
    """Every morpheme of a sentence as (form, tag), e.g. '들어와용' → [('들어오', 'VV'), …].

    Casual codas ('들어와용' = '들어와요' + ㅇ) are normalised first, so the ending does not
    swallow the stem; callers pick the tags they need (tokens() keeps its own fixed set).
    """
    folded = fold(text)
    if not folded:
        return []
    return [(t.form, t.tag) for t in kiwi().tokenize(folded, normalize_coda=True)]
