"""JSON log lines with personal data masked (사업자등록번호, phone numbers, user keys)."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any

# 10-digit business numbers (any separators) and Korean mobile/landline numbers.
_BIZNO = re.compile(r"(?<!\d)(\d{3})[-\s.]?(\d{2})[-\s.]?(\d{5})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(01[016789]|0\d{1,2})[-\s.]?(\d{3,4})[-\s.]?(\d{4})(?!\d)")
# Kakao botUserKeys are long hex/base64-ish tokens.
_USER_KEY = re.compile(r"\b[0-9a-fA-F]{32,70}\b")

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Fields the request log fills with values we generate (ids, hashes, names): no personal data.
SAFE_FIELDS = frozenset({"request_id", "skill", "user", "outcome", "template", "latency_ms"})


_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._\-가-힣*<>]")
NAME_SHOWN = 32  # characters of an outside-supplied name (URL path segment) kept in logs


def safe_name(text: str) -> str:
    """An outside-supplied name fit for a log line: masked, odd characters '?', cut short."""
    shown = _NAME_UNSAFE.sub("?", mask(text[:200]))
    return shown if len(shown) <= NAME_SHOWN else shown[:NAME_SHOWN] + "…"


def mask(text: str) -> str:
    """Hide business numbers, phone numbers and long user keys in free text."""
    text = _USER_KEY.sub("<user-key>", text)
    text = _BIZNO.sub(lambda m: f"{m[1]}-{m[2]}-*****", text)
    return _PHONE.sub(lambda m: f"{m[1]}-****-{m[3]}", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; every free-text value passes through `mask`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": mask(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                masked = isinstance(value, str) and key not in SAFE_FIELDS
                entry[key] = mask(value) if masked else value
        if record.exc_info:
            entry["exc"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup(level: str = "INFO") -> None:
    """Send JSON lines to stderr (PaaS-friendly); idempotent across app factories."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        root.setLevel(level)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
