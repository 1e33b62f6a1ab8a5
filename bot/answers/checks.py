"""`flask templates check`: render every template with its samples and validate the result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.conversation.reply import Part
from bot.kakao import components as k
from bot.kakao import limits

from .render import Renderer
from .templating import META_KEYS, TemplateError

ANSWER_KEYS = {"text", "outputs", "quick_replies"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one template file."""

    template: str
    message: str

    def __str__(self) -> str:
        return f"{self.template}.yaml: {self.message}"


def check_template(renderer: Renderer, name: str) -> list[Problem]:
    """Render one template with each of its samples; report errors and Kakao limit violations."""
    store = renderer.store
    try:
        # The file on disk as it is now, even while the running store serves a last good version.
        spec = store.spec(name, fresh=True, last_good=False)
    except TemplateError as exc:
        return [Problem(name, exc.message)]
    unknown = set(spec) - ANSWER_KEYS - set(META_KEYS)
    allowed = ", ".join((*sorted(ANSWER_KEYS), *META_KEYS))
    problems = [Problem(name, f"unknown key '{key}' (allowed: {allowed})")
                for key in sorted(unknown)]
    samples = store.samples(name)
    for i, sample in enumerate(samples, start=1):
        label = f"sample {i}" if len(samples) > 1 else "sample"
        problems += check_sample(renderer, name, sample, label)[1]
    return problems


def check_sample(renderer: Renderer, name: str, context: dict[str, Any],
                 label: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Render one template with one context: the Kakao response (None if it failed) and problems.

    The response is the template's own output, before the production fallbacks
    (apology, limit repairs), so it shows what the operator wrote.
    """
    try:
        rendered = renderer.render_part(Part(name, context))
    except TemplateError as exc:
        return None, [Problem(name, f"{label}: {exc.message}")]
    response = k.response(rendered["outputs"], rendered["quick_replies"])
    if renderer.store.is_partial(name):
        return response, []
    if not rendered["outputs"]:
        return response, [Problem(name, f"{label}: no speech bubble (all outputs empty)")]
    return response, [Problem(name, f"{label}: {v.path}: {v.message}")
                      for v in limits.check(response)]


def check_all(renderer: Renderer) -> list[Problem]:
    """Check every template and the settings file."""
    problems: list[Problem] = []
    try:
        renderer.store.settings(fresh=True, last_good=False)
    except TemplateError as exc:
        problems.append(Problem("settings", exc.message))
    for name in renderer.store.names():
        problems += check_template(renderer, name)
    return problems
