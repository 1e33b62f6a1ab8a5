"""Errors that carry a stable machine code beside their English message.

The English text (`str(exc)`) is for the logs; a Korean reader (the web console, the
`flask …` commands staff run) words the error by its `code` and `values`
(bot/core/wording.py), so staff never read a sentence half in English.
"""

from __future__ import annotations

from typing import Any


class CodedError(Exception):
    """An error with a `code` (e.g. "account.exists") and the `values` its wording needs."""

    def __init__(self, message: str = "", *, code: str = "", **values: Any) -> None:
        super().__init__(message)
        self.code = code
        self.values = values
