"""The terminal chat simulator's logic: build payloads, draw Kakao replies as text."""

from __future__ import annotations

import textwrap
import time
import uuid
from typing import Any

BANNER_TEMPLATE = "cli/chat_banner"
WHOAMI_TEMPLATE = "cli/chat_whoami"
HELP_TEMPLATE = "cli/chat_help"
TAP_TEMPLATE = "cli/chat_tap"  # a button the simulator cannot follow (상담원, link, phone)
OPENING = "안녕"  # what the simulated merchant says to open the chat (the welcome skill)
IMAGE = "🖼"


class MessageClock:
    """Arrival times for a scripted or typed conversation: each message `gap` seconds on.

    Installed as `services.request_clock` by `flask chat` and the tests' Chat, so lines
    sent in quick succession are separate messages, never a double tap (dialog.REPEAT_WINDOW).
    """

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, gap: float = 5.0) -> None:
        """The next message comes `gap` seconds after the last."""
        self.now += gap


def payload(utterance: str, user_id: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A realistic SkillPayload as Kakao would send for a typed or tapped utterance."""
    return {
        "intent": {"id": "sim", "name": "simulator"},
        "userRequest": {
            "timezone": "Asia/Seoul",
            "params": {"surface": "Kakaotalk.plusfriend"},
            "block": {"id": "sim", "name": "simulator"},
            "utterance": utterance,
            "lang": "ko",
            "user": {"id": user_id, "type": "botUserKey",
                     "properties": {"botUserKey": user_id, "isFriend": True,
                                    "plusfriendUserKey": user_id[:12]}},
        },
        "bot": {"id": "simulator", "name": "simulator"},
        "action": {"id": uuid.uuid4().hex[:8], "name": "sim", "params": {},
                   "detailParams": {}, "clientExtra": extra or {}},
        "contexts": [],
    }


def sim_user_id(name: str) -> str:
    """A stable fake botUserKey for a simulator user name."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"danggol-sim:{name}").hex


def _wrap(text: str, indent: str = "  │ ") -> list[str]:
    lines: list[str] = []
    for raw in str(text).splitlines() or [""]:
        lines += textwrap.wrap(raw, 60) or [""]
    return [indent + line for line in lines]


def _buttons(card: dict[str, Any], taps: list[dict[str, Any]] | None) -> list[str]:
    """A card's buttons; numbered (and collected in `taps`) when the chat can tap them."""
    lines = []
    for b in card.get("buttons") or []:
        target = b.get("webLinkUrl") or b.get("phoneNumber") or b.get("messageText") or b["action"]
        number = ""
        if taps is not None:
            taps.append(b)
            number = f"({len(taps)}) "
        lines.append(f"  │ {number}[{b['label']}] → {target}")
    return lines


def _card(kind: str, card: dict[str, Any], taps: list[dict[str, Any]] | None) -> list[str]:
    lines = [f"  ┌ {kind}"]
    if card.get("thumbnail"):
        lines.append(f"  │ {IMAGE} {card['thumbnail'].get('imageUrl')}")
    if kind == "listCard":
        lines.append(f"  │ ■ {card['header']['title']}")
        for item in card.get("items", []):
            desc = f" — {item['description']}" if item.get("description") else ""
            lines.append(f"  │ • {item['title']}{desc}")
    if kind == "itemCard":
        for row in card.get("itemList", []):
            lines.append(f"  │ {row['title']}: {row['description']}")
    if card.get("title"):
        lines += _wrap(f"■ {card['title']}")
    if card.get("description"):
        lines += _wrap(card["description"])
    return lines + _buttons(card, taps) + ["  └"]


def draw(response: dict[str, Any],
         numbered: bool = False) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the lines that show a Kakao response, and what a typed number taps.

    Quick replies are numbered (1)…(n); with `numbered` (the chat) card buttons go on from
    n+1 in the order shown, and are tapped by number too.
    """
    template = response.get("template") or {}
    replies = list(template.get("quickReplies") or [])
    taps: list[dict[str, Any]] | None = list(replies) if numbered else None
    lines: list[str] = []
    for output in template.get("outputs", []):
        (kind, body), = output.items()
        if kind == "simpleText":
            lines += ["  ┌"] + _wrap(body["text"]) + ["  └"]
        elif kind == "simpleImage":
            lines.append(f"  {IMAGE} {body.get('altText') or body['imageUrl']}")
        elif kind == "carousel":
            for i, item in enumerate(body["items"], 1):
                lines += [f"  ◀ {i}/{len(body['items'])} ▶"] + _card(body["type"], item, taps)
        else:
            lines += _card(kind, body, taps)
    if replies:
        lines.append("  " + "  ".join(f"({i}) {qr['label']}" for i, qr in enumerate(replies, 1)))
    return lines, taps if taps is not None else replies


def tapped(item: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None, str | None]:
    """What tapping a quick reply or button does in the chat: (text to send, its extra, or
    the kind of a button the simulator cannot follow: operator, webLink, phone, share)."""
    action = item.get("action", "message")
    if action in ("message", "block"):
        return item.get("messageText") or item["label"], item.get("extra"), None
    return None, None, action
