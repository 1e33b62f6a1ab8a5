"""`flask templates preview`: pick a template by name, fill in its samples, override values."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable
from typing import Any

import yaml

from bot.core.errors import CodedError

Assignment = tuple[tuple[str, ...], Any]  # dotted key split into its parts, value


def normalise(name: str) -> str:
    """Accept a name as `templates check` prints it too (wallet/balance.yaml, templates/…)."""
    name = name.strip().removeprefix("./").removeprefix("templates/")
    return name.removesuffix(".yaml")


def suggest(name: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Template names close to a mistyped one, by whole name or by the part after the folder."""
    names = list(names)
    close = difflib.get_close_matches(name, names, n=n, cutoff=0.6)
    by_base: dict[str, list[str]] = {}
    for full in names:
        by_base.setdefault(full.rsplit("/", 1)[-1], []).append(full)
    for base in difflib.get_close_matches(name.rsplit("/", 1)[-1], list(by_base), n=n,
                                          cutoff=0.75):
        close += by_base[base]
    return list(dict.fromkeys(close))[:n]


class AssignmentError(CodedError, ValueError):
    """A `--set` pair that is not key=value."""


def parse_assignments(pairs: Iterable[str]) -> list[Assignment]:
    """`key=value` pairs; a value reads as in a YAML sample (300000, true, null, [a, b]).

    Raises ValueError naming the pair that has no '=' or no key.
    """
    result: list[Assignment] = []
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        parts = tuple(p.strip() for p in key.split("."))
        if not sep or not all(parts):
            raise AssignmentError(f"--set {pair!r}: write key=value (nested: free.balance=0)",
                                  code="preview.bad_set", pair=pair)
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw  # not YAML: the text as typed
        result.append((parts, value))
    return result


def with_values(sample: dict[str, Any], assignments: Iterable[Assignment]) -> dict[str, Any]:
    """A copy of the sample with the given values set (dotted keys reach into mappings)."""
    context = copy.deepcopy(sample)
    for parts, value in assignments:
        node = context
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[parts[-1]] = value
    return context
