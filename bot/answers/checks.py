"""`flask templates check`: render every template with its samples and validate the result.

Each problem carries a stable `code` and the `values` its wording needs (the Korean lines
are in bot/core/messages.yaml, `errors:`); `str()` is English,
for logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.conversation.reply import Part
from bot.kakao import components as k
from bot.kakao import limits

from .render import Renderer
from .templating import META_KEYS, TemplateError

ANSWER_KEYS = {"text", "outputs", "quick_replies"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one template file.

    `sample` is the English label of the sample it showed with ("sample 2", "preview"; ""
    when the file itself is wrong), `number` that sample's number when the file has several,
    `path` where in the Kakao response (Kakao's field names).
    """

    template: str  # "" for a problem of no one file (a section no FAQ entry covers)
    message: str  # English
    code: str = ""
    values: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    sample: str = ""
    number: int | None = None
    path: str = ""

    def __str__(self) -> str:
        where = "".join(f"{part}: " for part in (self.sample, self.path) if part)
        file = f"{self.template}.yaml: " if self.template else ""  # "": no one file (coverage)
        return f"{file}{where}{self.message}"


def problem(template: str, message: str, *, code: str, sample: str = "",
            number: int | None = None, path: str = "", **values: Any) -> Problem:
    """A Problem with its code and the values its wording fills in."""
    return Problem(template, message, code, values, sample, number, path)


def from_error(exc: TemplateError, sample: str = "", number: int | None = None,
               template: str | None = None) -> Problem:
    """A template error as a problem of `template` (default: the file the error names)."""
    return Problem(template or exc.name, exc.message, exc.code, dict(exc.values), sample, number)


def check_template(renderer: Renderer, name: str) -> list[Problem]:
    """Render one template with each of its samples; report errors and Kakao limit violations."""
    store = renderer.store
    try:
        # The file on disk as it is now, even while the running store serves a last good version.
        spec = store.spec(name, fresh=True, last_good=False)
    except TemplateError as exc:
        return [from_error(exc)]
    unknown = set(spec) - ANSWER_KEYS - set(META_KEYS)
    allowed = ", ".join((*sorted(ANSWER_KEYS), *META_KEYS))
    problems = [problem(name, f"unknown key '{key}' (allowed: {allowed})",
                        code="check.unknown_key", key=key, allowed=allowed)
                for key in sorted(unknown)]
    samples = store.samples(name)
    for i, sample in enumerate(samples, start=1):
        several = len(samples) > 1
        problems += check_sample(renderer, name, sample, f"sample {i}" if several else "sample",
                                 i if several else None)[1]
    return problems


def check_sample(renderer: Renderer, name: str, context: dict[str, Any], label: str,
                 number: int | None = None) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Render one template with one context: the Kakao response (None if it failed) and problems.

    The response is the template's own output, before the production fallbacks
    (apology, limit repairs), so it shows what the operator wrote.
    """
    try:
        rendered = renderer.render_part(Part(name, context))
    except TemplateError as exc:
        return None, [from_error(exc, label, number, name)]
    response = k.response(rendered["outputs"], rendered["quick_replies"])
    if renderer.store.is_partial(name):
        return response, []
    if not rendered["outputs"]:
        return response, [problem(name, "no speech bubble (all outputs empty)",
                                  code="template.no_bubble", sample=label, number=number)]
    return response, [Problem(name, v.message, v.code, dict(v.values), label, number, v.path)
                      for v in limits.check(response)]


def check_all(renderer: Renderer) -> list[Problem]:
    """Check every template and the settings file."""
    problems: list[Problem] = []
    try:
        renderer.store.settings(fresh=True, last_good=False)
    except TemplateError as exc:
        problems.append(from_error(exc))
    for name in renderer.store.names():
        problems += check_template(renderer, name)
    return problems
