"""The Chat helper: talk to the bot like a merchant, assert on templates and values.

Modelled on errbot's testbot and Click's CliRunner: `chat.say("잔액")` posts a
real Kakao payload through the Flask app and returns a `Said`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.answers.render import reply_rendered
from bot.conversation.reply import Reply
from bot.conversation.simulator import MessageClock
from tests.support.payloads import make_payload

CARD_KINDS = ("basicCard", "textCard", "listCard", "itemCard", "commerceCard")


@dataclass
class Said:
    """What the bot answered to one utterance."""

    body: dict[str, Any]
    reply: Reply | None
    status: int = 200
    outputs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def template(self) -> str | None:
        """The last template rendered (what the merchant is asked or told now)."""
        return self.reply.template if self.reply else None

    @property
    def templates(self) -> list[str]:
        """Every template rendered for this answer, in order."""
        return [p.template for p in self.reply.parts] if self.reply else []

    @property
    def context(self) -> dict[str, Any]:
        """The last part's template context (the values the wording is built from)."""
        return self.reply.parts[-1].context if self.reply else {}

    def context_of(self, template: str) -> dict[str, Any]:
        """The context given to one named template of this answer."""
        for part in self.reply.parts if self.reply else ():
            if part.template == template:
                return part.context
        raise KeyError(f"{template} was not rendered; got {self.templates}")

    @property
    def text(self) -> str:
        """All visible text (bubbles, card titles and descriptions), newline-joined."""
        chunks: list[str] = []
        for output in self.outputs:
            (kind, body), = output.items()
            items = body["items"] if kind == "carousel" else [body]
            for item in items:
                for key in ("text", "title", "description"):
                    if item.get(key):
                        chunks.append(item[key])
                if item.get("header", {}).get("title"):
                    chunks.append(item["header"]["title"])
                for row in item.get("items", []) + item.get("itemList", []):
                    chunks.append(row.get("title", ""))
        return "\n".join(chunks)

    @property
    def quick_replies(self) -> list[str]:
        """Quick-reply labels, in order."""
        return [q["label"] for q in self.body.get("template", {}).get("quickReplies", [])]

    @property
    def cards(self) -> list[dict[str, Any]]:
        """Cards in the answer, carousel items flattened."""
        found: list[dict[str, Any]] = []
        for output in self.outputs:
            (kind, body), = output.items()
            if kind == "carousel":
                found += body["items"]
            elif kind in CARD_KINDS:
                found.append(body)
        return found

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every card button."""
        return [b for card in self.cards for b in card.get("buttons", [])]


class Chat:
    """One merchant (one Kakao user key) talking to the bot across turns."""

    def __init__(self, app: Any, user_id: str = "u-chat-0001") -> None:
        self.app = app
        self.client = app.test_client()
        self.user_id = user_id
        self.last: Said | None = None
        self.headers: dict[str, str] = {}
        secret = app.config.get("KAKAO_SKILL_SECRET")
        if secret:
            self.headers["X-Skill-Secret"] = secret

    def as_user(self, user_id: str) -> Chat:
        """Another merchant on the same app."""
        other = Chat(self.app, user_id)
        other.headers = dict(self.headers)
        return other

    def say(self, text: str, skill: str = "fallback", *, extra: dict[str, Any] | None = None,
            allow_template_errors: bool = False, gap: float = 5.0, **payload: Any) -> Said:
        """Send an utterance to a skill (free text goes to the fallback, like Open Builder).

        The message arrives `gap` seconds after the previous one (a small gap with the
        same words is a double tap).
        """
        services = self.app.extensions["bot"].services
        if not isinstance(services.request_clock, MessageClock):
            services.request_clock = MessageClock(start=1_000_000.0)
        services.request_clock.advance(gap)
        captured: list[Reply] = []

        def listen(sender: Any, reply: Reply, response: dict[str, Any]) -> None:
            captured.append(reply)

        renderer = self.app.extensions["bot"].renderer
        renderer.errors.clear()
        body = make_payload(text, self.user_id, client_extra=extra, **payload)
        with reply_rendered.connected_to(listen, sender=renderer):
            response = self.client.post(f"/skill/{skill}", json=body, headers=self.headers)
        if not allow_template_errors:
            assert not renderer.errors, f"template errors: {list(renderer.errors)}"
        data = response.get_json(silent=True) or {}
        said = Said(data, captured[-1] if captured else None, response.status_code,
                    data.get("template", {}).get("outputs", []))
        self.last = said
        return said

    def tap(self, label: str) -> Said:
        """Tap a quick reply of the last answer by its label."""
        assert self.last is not None, "nothing was said yet"
        for qr in self.last.body.get("template", {}).get("quickReplies", []):
            if qr["label"] == label:
                return self.say(qr.get("messageText") or label, extra=qr.get("extra"))
        raise AssertionError(f"no quick reply {label!r}; have {self.last.quick_replies}")
