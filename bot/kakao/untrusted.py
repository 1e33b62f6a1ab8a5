"""Hostile-input guards for SkillPayloads: bounded JSON nesting and clean text.

Everything in a request body is untrusted: a JSON body nested a thousand levels
deep makes `json.loads` raise RecursionError, a lone surrogate ("\\ud800") cannot
be encoded as UTF-8 (hashing, Redis, the response), and control characters end
up in logs. These helpers run before any of that code sees the body.
"""

from __future__ import annotations

import re
from typing import Any

# Kakao's payloads are about five levels deep (detailParams values add a few); anything
# much deeper is not a SkillPayload, and Python's decoder recurses once per level.
MAX_JSON_DEPTH = 32

# A JSON string (possessive: linear even on an unterminated quote) or a bracket.
_STRUCTURE = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')
_OPENERS = frozenset(b"[{")

# Lone surrogates (a valid pair is already one code point after decoding), C0/C1 controls
# except tab and newline, DEL, line/paragraph separators and bidi overrides (log spoofing).
_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                  "\ud800-\udfff]")
_REPLACEMENT = "\ufffd"


def too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON document nests arrays/objects deeper than `limit` (strings skipped)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # the common case costs two C-speed counts
    depth = 0
    for match in _STRUCTURE.finditer(raw):
        token = match.group()
        if len(token) != 1:
            continue  # a string: brackets inside it are text
        if token[0] in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


# What a raw body must contain for any decoded string to hold a character `_BAD` matches:
# an escape other than \n, \t, \", \\ and \/ (controls and surrogates cannot appear
# raw in valid JSON text), DEL, or the UTF-8 lead bytes of C1 controls (C2) and of
# U+2028-U+206F (E2 80, E2 81). A match only means "walk the tree": false alarms cost time.
_MAYBE_BAD = re.compile(rb"\\[ubfr]|[\x7f\xc2]|\xe2[\x80\x81]")


def needs_cleaning(raw: bytes) -> bool:
    """Whether a JSON body may decode to text `clean_tree` would change (one C-speed scan)."""
    return _MAYBE_BAD.search(raw) is not None


def _fix(match: re.Match[str]) -> str:
    char = match.group()
    return _REPLACEMENT if "\ud800" <= char <= "\udfff" else ""


def clean_text(value: str, max_chars: int | None = None) -> str:
    """Replace lone surrogates, drop control characters, and cut to `max_chars`."""
    if _BAD.search(value):
        value = _BAD.sub(_fix, value)
    if max_chars is not None and len(value) > max_chars:
        value = value[:max_chars]
    return value


def clean_tree(value: Any) -> Any:
    """`clean_text` every string (and key) of a decoded JSON value; depth is already bounded.

    Returns the very same object when nothing needed cleaning (the common case).
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        cleaned = {clean_text(k) if isinstance(k, str) else k: clean_tree(v)
                   for k, v in value.items()}
        same = len(cleaned) == len(value) and all(
            k in value and v is value[k] for k, v in cleaned.items())
        return value if same else cleaned
    if isinstance(value, list):
        items = [clean_tree(v) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value
