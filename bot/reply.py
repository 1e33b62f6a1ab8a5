"""What a skill returns: template names plus plain values, never rendered text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Part:
    """One template to render with its context (plain JSON-like values only)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """A skill's answer: one or more template parts rendered in order.

    Outputs of all parts are concatenated (the validator keeps them within
    Kakao's limits); quick replies come from the last part that defines any.
    `context_values` become Kakao `context.values`; `data` becomes top-level `data`.
    """

    parts: tuple[Part, ...]
    context_values: tuple[dict[str, Any], ...] = ()
    data: dict[str, Any] | None = None

    @classmethod
    def of(cls, template: str, context: dict[str, Any] | None = None, **kw: Any) -> Reply:
        """Build a single-part reply: `Reply.of("wallet/balance", {"amount": 3})`."""
        return cls(parts=(Part(template, dict(context or {})),), **kw)

    def then(self, other: Reply) -> Reply:
        """Return a reply that shows this one's parts followed by `other`'s."""
        return Reply(
            parts=self.parts + other.parts,
            context_values=self.context_values + other.context_values,
            data={**(self.data or {}), **(other.data or {})} or None,
        )

    @property
    def template(self) -> str:
        """The last part's template name (what the user is being asked now)."""
        return self.parts[-1].template
