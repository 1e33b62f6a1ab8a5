"""What the staff's `flask …` commands share: a refusal in Korean with its code, and columns.

Staff read these commands' output, so a refusal is worded from messages.yaml (`errors:`, by
code, bot/core/wording.py) and printed as `✗ <Korean> [code]` on stderr, with the exit status
scripts relied on before (1, or 2 where the command was called wrongly, as Click's own usage
errors). The English message of a domain error stays in the logs.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Callable
from typing import Any, NoReturn

import click

from . import wording
from .errors import CodedError


class Refused(CodedError):
    """A staff command said no: worded by its `code`, exit status 1."""

    exit_status = 1


class Misused(Refused):
    """Refused for how the command was called (a file, an option): exit status 2."""

    exit_status = 2


def refusal(exc: BaseException) -> str:
    """An error in Korean, with its code in brackets when it has one."""
    code = getattr(exc, "code", "")
    return f"{wording.explain(exc)} [{code}]" if code else wording.explain(exc)


def fail(exc: BaseException, status: int | None = None) -> NoReturn:
    """Print the refusal on stderr and exit (status: the error's own, else 1)."""
    click.echo(f"✗ {refusal(exc)}", err=True)
    sys.exit(status if status is not None else getattr(exc, "exit_status", 1))


def refusing(*errors: type[Exception]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Turn a Refused, or one of the domain `errors`, into a Korean line and its exit status."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                command(*args, **kwargs)
            except (Refused, *errors) as exc:
                fail(exc)

        return run

    return decorate


def width(text: str) -> int:
    """Columns a text takes in a terminal (Hangul and other wide letters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: Any, columns: int, *, right: bool = False) -> str:
    """`text` padded with spaces to `columns` terminal columns (left-aligned unless `right`)."""
    text = str(text)
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill
