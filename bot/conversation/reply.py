"""What a skill returns: template names plus plain values, never rendered text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Part:
    """One template to render with its context (plain JSON-like values only)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    quick_replies: bool = True  # False: show this part's bubbles but not its quick replies
    chrome: bool = False  # navigation decoration (e.g. 이전/취소 chips), not the answer itself
    limit: int | None = None  # show only the first `limit` bubbles (several answers in one reply)


@dataclass(frozen=True)
class Deferred:
    """A slower, better answer a callback job can give later (bot/conversation/callbacks.py)."""

    job: str  # a name registered with callbacks.job()
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """A skill's answer: one or more template parts rendered in order.

    Outputs of all parts are concatenated and so are the quick replies of the
    parts whose `quick_replies` flag is set (duplicate labels dropped); the
    validator keeps the result within Kakao's limits.
    `context_values` become Kakao `context.values`; `data` becomes top-level `data`.
    `deferred` offers a better answer by callback: when the request allows one, the
    pipeline answers the waiting message instead of this reply (which stays the answer
    when it does not). `use_callback` renders the reply as that waiting message.
    """

    parts: tuple[Part, ...]
    context_values: tuple[dict[str, Any], ...] = ()
    data: dict[str, Any] | None = None
    deferred: Deferred | None = None
    use_callback: bool = False

    @classmethod
    def of(cls, template: str, context: dict[str, Any] | None = None, **kw: Any) -> Reply:
        """Build a single-part reply: `Reply.of("wallet/balance", {"amount": 3})`."""
        return cls(parts=(Part(template, dict(context or {})),), **kw)

    def quiet(self) -> Reply:
        """Return this reply with its quick replies switched off (for a detour answer)."""
        return Reply(
            parts=tuple(Part(p.template, p.context, False, p.chrome, p.limit)
                        for p in self.parts),
            context_values=self.context_values,
            data=self.data,
            deferred=self.deferred,
            use_callback=self.use_callback,
        )

    def deferring(self, job: str, **args: Any) -> Reply:
        """This reply, offering the answer of callback job `job` instead when possible."""
        return Reply(self.parts, self.context_values, self.data, Deferred(job, args),
                     self.use_callback)

    def then(self, other: Reply) -> Reply:
        """Return a reply that shows this one's parts followed by `other`'s."""
        return Reply(
            parts=self.parts + other.parts,
            context_values=self.context_values + other.context_values,
            data={**(self.data or {}), **(other.data or {})} or None,
            deferred=self.deferred or other.deferred,
            use_callback=self.use_callback or other.use_callback,
        )

    @property
    def template(self) -> str:
        """The last non-decoration template (what the user is being told or asked now)."""
        for part in reversed(self.parts):
            if not part.chrome:
                return part.template
        return self.parts[-1].template
