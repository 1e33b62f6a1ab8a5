"""Check a SkillResponse against Kakao's published limits and degrade it to fit.

check() walks the response once and records every broken rule together with the
smallest repair (shorten a text, trim a list, drop a node). enforce() applies
those repairs round by round until check() is clean, so the two cannot disagree.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

VERSION = "2.0"
MAX_BYTES = 30_720
MAX_OUTPUTS = 3
MAX_QUICK_REPLIES = 10
MAX_TEXT = 1000
MAX_ALT_TEXT = 50
MAX_LABEL = 14
MAX_LABEL_SIDE_BY_SIDE = 8
ELLIPSIS = "\u2026"

COMPONENTS = (
    "simpleText",
    "simpleImage",
    "textCard",
    "basicCard",
    "commerceCard",
    "listCard",
    "itemCard",
    "carousel",
)
CAROUSEL_TYPES = ("basicCard", "commerceCard", "listCard", "itemCard", "textCard")
HEADER_TYPES = ("basicCard", "commerceCard", "itemCard")
LAYOUTS = ("vertical", "horizontal")
# Button action -> the field it cannot work without (None: nothing extra).
BUTTON_ACTIONS: dict[str, str | None] = {
    "webLink": "webLinkUrl",
    "message": None,
    "phone": "phoneNumber",
    "block": "blockId",
    "share": None,
    "operator": None,
}
QUICK_REPLY_ACTIONS = ("message", "block")

# Limits as (single card, inside a carousel); None means no limit of its own.
# basicCard's carousel description uses the older 76, which fits every client.
TITLE_LIMITS = {"textCard": (50, 50), "basicCard": (50, 50), "commerceCard": (30, 30)}
DESCRIPTION_LIMITS = {
    "textCard": (None, 128),
    "basicCard": (230, 76),
    "commerceCard": (40, 40),
}
COMBINED_LIMITS = {"textCard": (400, 400), "itemCard": (200, 100)}
LIST_ITEMS = (5, 4)
ITEM_ROWS = (10, 5)
CAROUSEL_ITEMS = {"listCard": 5}
MAX_CAROUSEL_ITEMS = 10
ITEM_TITLE = 6
# itemCard sub-objects -> (title limit, description limit, description required)
ITEM_PARTS = {
    "itemListSummary": (6, 14, True),
    "profile": (15, None, False),
    "head": (None, None, False),
    "imageTitle": (None, None, False),
}

_URL = re.compile(r"https?://\S")
# A sentence ends at a newline or at . ? ! before a space; Korean sentences end
# in a syllable plus a period, so the period rule covers them too.
_SENTENCE_END = re.compile(r"\n|[.?!\u2026\u3002\uff01\uff1f](?=\s)")
_MAX_ROUNDS = 40  # a repair cascades (field, card, output); nesting is < 10 deep

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Violation:
    """One broken rule: where in the response, and what is wrong.

    `message` is English (logs, strict errors); `code` and `values` let a reader word it
    in Korean for operators (bot/core/messages.yaml, `errors:` section).
    """

    path: str
    message: str
    code: str = ""
    values: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        """Return "path: message"."""
        return f"{self.path or '<response>'}: {self.message}"


class ResponseInvalid(ValueError):
    """Raised by strict enforce() when a response breaks Kakao's rules."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = list(violations)
        lines = "".join(f"\n- {v}" for v in self.violations)
        super().__init__(f"SkillResponse breaks {len(self.violations)} rule(s):{lines}")

    def __reduce__(self) -> tuple[type[ResponseInvalid], tuple[list[Violation]]]:
        """Pickle with the violations so copies keep them."""
        return (ResponseInvalid, (self.violations,))


@dataclass(frozen=True)
class _Issue:
    """A violation plus the repair enforce() applies to `target`."""

    where: Path
    message: str
    fix: str  # drop | truncate | trim | set | split | size | fallback
    target: Path
    arg: Any = None
    code: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def _fmt(path: Path) -> str:
    """Render a path tuple as "template.outputs[1].basicCard.title"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _where(path: Path) -> str:
    """Render a path for a note, naming the root explicitly."""
    return _fmt(path) or "<response>"


def _kind(value: Any) -> str:
    """Name a value's JSON type for messages."""
    names = {type(None): "null", bool: "boolean", int: "number", float: "number"}
    names.update({str: "string", list: "array", dict: "object"})
    return names.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    """Return a short repr of a scalar, or the JSON type of anything bigger."""
    if not isinstance(value, (str, int, float, type(None))):
        return _kind(value)
    text = repr(value[:40] if isinstance(value, str) else value)
    return text if len(text) <= 40 else text[:37] + "..."


def _one_of(value: Any, choices: Any) -> bool:
    """Tell whether `value` is a string among `choices` (safe for unhashable values)."""
    return isinstance(value, str) and value in choices


def _is_int(value: Any) -> bool:
    """Tell whether `value` is a JSON integer (booleans excluded)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_url(value: Any) -> bool:
    """Tell whether `value` is an http(s) URL."""
    return isinstance(value, str) and _URL.match(value) is not None


def _filled(value: Any) -> bool:
    """Tell whether `value` is a string with more than whitespace."""
    return isinstance(value, str) and bool(value.strip())


def _side_by_side(layout: Any, thumb: Any) -> bool:
    """Tell whether buttons sit side by side; an explicit layout beats fixedRatio."""
    fixed = isinstance(thumb, dict) and thumb.get("fixedRatio") is True
    return layout == "horizontal" or (layout != "vertical" and fixed)


def _size(resp: Any) -> int | None:
    """Return the UTF-8 byte size of `resp` as strict JSON, or None if unsendable."""
    try:
        text = json.dumps(resp, ensure_ascii=False, allow_nan=False)
        return len(text.encode("utf-8"))
    except (TypeError, ValueError, RecursionError):
        return None


def _truncate(text: str, limit: int) -> str:
    """Shorten `text` to at most `limit` characters, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


class _Checker:
    """Walks a response and records every issue with its repair."""

    def __init__(self) -> None:
        self.issues: list[_Issue] = []
        self.in_carousel = False

    def limit(self, pair: tuple[int | None, int | None]) -> int | None:
        """Pick the single-card or the carousel limit from a pair."""
        return pair[1] if self.in_carousel else pair[0]

    # Recording. `owner` is the node to drop when a required part is unusable.

    def drop(self, where: Path, message: str, owner: Path | None = None, *, code: str,
             **values: Any) -> None:
        """Record an issue repaired by dropping `owner` (default: the node itself)."""
        target = where if owner is None else owner
        self.issues.append(_Issue(where, message, "drop", target, None, code, values))

    def repair(self, where: Path, message: str, fix: str, arg: Any = None, *, code: str,
               **values: Any) -> None:
        """Record an issue repaired in place by `fix`."""
        self.issues.append(_Issue(where, message, fix, where, arg, code, values))

    # Field checks

    def obj(self, value: Any, path: Path, owner: Path | None = None) -> bool:
        """Check that `value` is an object."""
        if isinstance(value, dict):
            return True
        self.drop(path, f"expected an object, got {_kind(value)}", owner,
                  code="kakao.not_object", kind=_kind(value))
        return False

    def text(
        self,
        card: dict,
        key: str,
        path: Path,
        limit: int | None = None,
        need: bool = False,
    ) -> str:
        """Check a string field (required when `need`) and return it, "" if unusable."""
        value, where = card.get(key), (*path, key)
        owner = path if need else where
        if value is None:
            if need:
                self.drop(where, f"{key} is required", owner, code="kakao.required", key=key)
            return ""
        if not isinstance(value, str):
            self.drop(where, f"{key} must be a string, got {_kind(value)}", owner,
                      code="kakao.not_string", key=key, kind=_kind(value))
            return ""
        if need and not value.strip():
            self.drop(where, f"{key} must not be empty", owner, code="kakao.empty", key=key)
        if limit is not None and len(value) > limit:
            message = f"{key} is {len(value)} characters; the limit is {limit}"
            self.repair(where, message, "truncate", limit,
                        code="kakao.too_long", key=key, length=len(value), limit=limit)
        return value

    def url(self, card: dict, key: str, path: Path, owner: Path | None = None) -> None:
        """Check a URL field; with an `owner` it is required and a bad one drops it."""
        value = card.get(key)
        if (value is not None or owner) and not _is_url(value):
            message = f"{key} must be an http(s) URL, got {_show(value)}"
            self.drop((*path, key), message, owner,
                      code="kakao.not_url", key=key, value=_show(value))

    def typed(self, card: dict, key: str, path: Path, kind: type, name: str) -> None:
        """Check that an optional field, when present, has the right JSON type."""
        value = card.get(key)
        wrong = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        if value is not None and wrong:
            self.drop((*path, key), f"{key} must be {name}, got {_kind(value)}",
                      code="kakao.wrong_type", key=key, expected=name.split()[-1],
                      kind=_kind(value))

    def array(
        self,
        card: dict,
        key: str,
        path: Path,
        low: int,
        high: int,
        optional: bool = False,
    ) -> list:
        """Check an array's length: extras are trimmed; too few drop the card."""
        items, where = card.get(key), (*path, key)
        if not isinstance(items, list):
            # A broken optional array goes alone; a required one takes its card.
            message = f"{key} must be an array, got {_kind(items)}"
            self.drop(where, message, where if optional else path,
                      code="kakao.not_array", key=key, kind=_kind(items))
            return []
        if len(items) < low:
            self.drop(where, f"{key} is empty; at least {low} required", path,
                      code="kakao.too_few", key=key, least=low)
        elif len(items) > high:
            message = f"{key} has {len(items)} elements; the limit is {high}"
            self.repair(where, message, "trim", high,
                        code="kakao.too_many", key=key, count=len(items), limit=high)
        return items

    # The response, its template and context

    def response(self, resp: Any) -> None:
        """Check a whole SkillResponse."""
        if not isinstance(resp, dict):
            message = f"the response must be an object, got {_kind(resp)}"
            self.repair((), message, "fallback", code="kakao.not_object", kind=_kind(resp))
            return
        if resp.get("version") != VERSION:
            message = f'version must be "2.0", got {_show(resp.get("version"))}'
            self.repair(("version",), message, "set", VERSION,
                        code="kakao.version", value=_show(resp.get("version")))
        self.typed(resp, "useCallback", (), bool, "a boolean")
        if "template" in resp:
            self.template(resp["template"])
        elif resp.get("useCallback") is not True and not {"context", "data"} & set(resp):
            message = "template is required unless the response is a callback ack "
            self.repair(("template",), message + "or context/data only", "fallback",
                        code="kakao.no_template")
        if "context" in resp:
            self.context(resp["context"])
        if "data" in resp:
            self.obj(resp["data"], ("data",))
        size = _size(resp)
        if size is None:
            message = "the response is not UTF-8 JSON (NaN, lone surrogate, non-JSON type)"
            self.repair((), message, "fallback", code="kakao.not_json")
        elif size > MAX_BYTES:
            message = f"the response is {size} bytes of JSON; the limit is {MAX_BYTES}"
            self.repair((), message, "size", code="kakao.too_big", size=size, limit=MAX_BYTES)

    def template(self, template: Any) -> None:
        """Check template.outputs and template.quickReplies."""
        path = ("template",)
        if not isinstance(template, dict):
            message = f"template must be an object, got {_kind(template)}"
            self.repair(path, message, "fallback", code="kakao.not_object", kind=_kind(template))
            return
        outputs = template.get("outputs")
        if not isinstance(outputs, list) or not outputs:
            message = f"outputs must hold 1 to {MAX_OUTPUTS} components"
            self.repair((*path, "outputs"), message, "fallback",
                        code="kakao.no_outputs", limit=MAX_OUTPUTS)
            return
        if len(outputs) > MAX_OUTPUTS:
            message = f"{len(outputs)} outputs; the limit is {MAX_OUTPUTS}"
            self.repair((*path, "outputs"), message, "trim", MAX_OUTPUTS,
                        code="kakao.too_many", key="outputs", count=len(outputs), limit=MAX_OUTPUTS)
        for i, output in enumerate(outputs):
            self.output(output, (*path, "outputs", i))
        if template.get("quickReplies") is not None:
            replies = self.array(template, "quickReplies", path, 0, MAX_QUICK_REPLIES, True)
            for i, reply in enumerate(replies):
                self.quick_reply(reply, (*path, "quickReplies", i))

    def quick_reply(self, reply: Any, path: Path) -> None:
        """Check one quick reply: a label and a usable action."""
        if not self.obj(reply, path):
            return
        self.text(reply, "label", path, need=True)
        self.text(reply, "messageText", path)
        action = reply.get("action")
        lower = action.lower() if isinstance(action, str) else None
        if lower in QUICK_REPLY_ACTIONS and action != lower:
            # The spec's own table spells it 'Message'; Kakao expects lowercase.
            message = f"action must be lowercase, got {_show(action)}"
            self.repair((*path, "action"), message, "set", lower,
                        code="kakao.action_case", value=_show(action))
        elif lower not in QUICK_REPLY_ACTIONS:
            message = f'action must be "message" or "block", got {_show(action)}'
            self.drop((*path, "action"), message, path,
                      code="kakao.bad_action", value=_show(action), allowed="message, block")
        if lower == "block":
            self.text(reply, "blockId", path, need=True)

    def context(self, context: Any) -> None:
        """Check context.values: each needs a name and a non-negative lifeSpan."""
        if not self.obj(context, ("context",)):
            return
        for i, value in enumerate(self.array(context, "values", ("context",), 0, 10**6)):
            where = ("context", "values", i)
            if not self.obj(value, where):
                continue
            self.text(value, "name", where, need=True)
            life = value.get("lifeSpan")
            if not _is_int(life) or life < 0:
                message = f"lifeSpan must be a non-negative integer, got {_show(life)}"
                self.drop((*where, "lifeSpan"), message, where,
                          code="kakao.life_span", value=_show(life))
            self.typed(value, "ttl", where, int, "an integer")
            params = value.get("params")
            if params is not None and self.obj(params, (*where, "params")):
                for key, item in params.items():
                    if not isinstance(item, str):
                        self.param(item, (*where, "params", key))

    def param(self, item: Any, path: Path) -> None:
        """Flag a non-string context param; the repair stores it JSON-encoded."""
        message = f"context params must be strings, got {_kind(item)}"
        try:
            encoded = json.dumps(item, ensure_ascii=False, allow_nan=False, default=str)
        except (TypeError, ValueError, RecursionError):
            self.drop(path, message, code="kakao.param_not_string", kind=_kind(item))
        else:
            self.repair(path, message, "set", encoded,
                        code="kakao.param_not_string", kind=_kind(item))

    # Outputs and components

    def output(self, output: Any, path: Path) -> None:
        """Check one output: an object with exactly one known component key."""
        if not self.obj(output, path):
            return
        known = [key for key in output if key in COMPONENTS]
        if not known:
            self.drop(path, f"an output needs one of: {', '.join(COMPONENTS)}",
                      code="kakao.no_component")
            return
        for key in output:
            if key != known[0]:
                self.drop((*path, key), f"an output holds one component; {key} is extra",
                          code="kakao.extra_component", key=key)
        self.component(known[0], output[known[0]], (*path, known[0]), owner=path)

    def component(self, kind: str, card: Any, path: Path, owner: Path) -> None:
        """Check one component body; `owner` is dropped if the body is not an object."""
        checks = {
            "simpleText": self.simple_text,
            "simpleImage": self.simple_image,
            "textCard": self.text_card,
            "basicCard": self.basic_card,
            "commerceCard": self.commerce_card,
            "listCard": self.list_card,
            "itemCard": self.item_card,
            "carousel": self.carousel,
        }
        if self.obj(card, path, owner):
            checks[kind](card, path)

    def simple_text(self, card: dict, path: Path) -> None:
        """Check a simpleText; over-long text is split into bubbles, not cut."""
        text = self.text(card, "text", path, need=True)
        if len(text) > MAX_TEXT:
            message = f"text is {len(text)} characters; the limit is {MAX_TEXT}"
            self.repair((*path, "text"), message, "split",
                        code="kakao.text_too_long", length=len(text), limit=MAX_TEXT)

    def simple_image(self, card: dict, path: Path) -> None:
        """Check a simpleImage."""
        self.url(card, "imageUrl", path, owner=path)
        self.text(card, "altText", path, MAX_ALT_TEXT)

    def titles(self, kind: str, card: dict, path: Path) -> tuple[str, str]:
        """Check a card's title and description against their own limits."""
        title = self.text(card, "title", path, self.limit(TITLE_LIMITS[kind]))
        desc = self.text(card, "description", path, self.limit(DESCRIPTION_LIMITS[kind]))
        return title, desc

    def text_card(self, card: dict, path: Path) -> None:
        """Check a textCard."""
        title, desc = self.titles("textCard", card, path)
        if not title.strip() and not desc.strip():
            self.drop(path, "a textCard needs a title or a description",
                      code="kakao.card_needs_text")
        self.combined("textCard", title, desc, path, TITLE_LIMITS["textCard"][0])
        self.buttons(card, path, None)

    def basic_card(self, card: dict, path: Path) -> None:
        """Check a basicCard."""
        self.titles("basicCard", card, path)
        self.thumbnail(card.get("thumbnail"), (*path, "thumbnail"), owner=path)
        self.buttons(card, path, card.get("thumbnail"))

    def commerce_card(self, card: dict, path: Path) -> None:
        """Check a commerceCard."""
        self.titles("commerceCard", card, path)
        if not _is_int(card.get("price")):
            message = f"price must be an integer, got {_kind(card.get('price'))}"
            self.drop((*path, "price"), message, path,
                      code="kakao.wrong_type", key="price", expected="integer",
                      kind=_kind(card.get("price")))
        for key in ("discount", "discountRate", "discountedPrice"):
            self.typed(card, key, path, int, "an integer")
        if card.get("discountRate") is not None and card.get("discountedPrice") is None:
            self.drop((*path, "discountRate"), "discountRate needs discountedPrice",
                      code="kakao.needs", key="discountRate", needed="discountedPrice")
        if card.get("currency") not in (None, "won"):
            message = f'currency must be "won", got {_show(card.get("currency"))}'
            self.drop((*path, "currency"), message,
                      code="kakao.currency", value=_show(card.get("currency")))
        thumbs = self.array(card, "thumbnails", path, 1, 1)
        if thumbs:
            self.thumbnail(thumbs[0], (*path, "thumbnails", 0), owner=path)
        profile = card.get("profile")
        if profile is not None and self.obj(profile, (*path, "profile")):
            self.text(profile, "nickname", (*path, "profile"), need=True)
            self.url(profile, "imageUrl", (*path, "profile"))
        self.buttons(card, path, thumbs[0] if thumbs else None)

    def list_card(self, card: dict, path: Path) -> None:
        """Check a listCard: a header title and 1 to 5 items (4 in a carousel)."""
        header = card.get("header")
        if self.obj(header, (*path, "header"), path) and not _filled(header.get("title")):
            self.drop((*path, "header", "title"), "header.title is required", path,
                      code="kakao.required", key="header.title")
        most = self.limit(LIST_ITEMS) or 0
        for i, item in enumerate(self.array(card, "items", path, 1, most)):
            self.list_item(item, (*path, "items", i))
        self.buttons(card, path, None)

    def list_item(self, item: Any, path: Path) -> None:
        """Check one listCard item."""
        if not self.obj(item, path):
            return
        self.text(item, "title", path, need=True)
        self.text(item, "description", path)
        self.url(item, "imageUrl", path)
        self.typed(item, "link", path, dict, "an object")
        self.typed(item, "extra", path, dict, "an object")
        action = item.get("action")
        needed = {"block": "blockId", "message": "messageText"}.get(str(action))
        # Without its action the item cannot be clicked, but it can still be shown.
        if action is not None and needed is None:
            message = f'action must be "block" or "message", got {_show(action)}'
            self.drop((*path, "action"), message,
                      code="kakao.bad_action", value=_show(action), allowed="block, message")
        elif needed is not None and not _filled(item.get(needed)):
            self.drop((*path, "action"), f"a {action} item needs {needed}",
                      code="kakao.action_needs", action=str(action), needed=str(needed))

    def item_card(self, card: dict, path: Path) -> None:
        """Check an itemCard."""
        most = self.limit(ITEM_ROWS) or 0
        for i, row in enumerate(self.array(card, "itemList", path, 1, most)):
            where = (*path, "itemList", i)
            if self.obj(row, where):
                self.text(row, "title", where, ITEM_TITLE, need=True)
                self.text(row, "description", where, need=True)
        for key, (title_limit, desc_limit, desc_needed) in ITEM_PARTS.items():
            part = card.get(key)
            if part is not None and self.obj(part, (*path, key)):
                self.text(part, "title", (*path, key), title_limit, need=True)
                self.text(part, "description", (*path, key), desc_limit, desc_needed)
                self.url(part, "imageUrl", (*path, key))
        if card.get("head") is not None and card.get("profile") is not None:
            self.drop((*path, "profile"), "an itemCard cannot have both head and profile",
                      code="kakao.head_and_profile")
        if card.get("itemListAlignment") not in (None, "left", "right"):
            message = 'itemListAlignment must be "left" or "right"'
            self.drop((*path, "itemListAlignment"), message, code="kakao.alignment")
        if card.get("thumbnail") is not None:
            self.thumbnail(card["thumbnail"], (*path, "thumbnail"))
        title = self.text(card, "title", path)
        desc = self.text(card, "description", path)
        if desc and not title:
            self.drop((*path, "description"), "an itemCard description needs a title",
                      code="kakao.needs", key="description", needed="title")
        self.combined("itemCard", title, desc, path, None)
        self.buttons(card, path, card.get("thumbnail"))

    def carousel(self, card: dict, path: Path) -> None:
        """Check a carousel, its header and every card in it."""
        kind = card.get("type")
        if not _one_of(kind, CAROUSEL_TYPES):
            message = f"type must be one of {', '.join(CAROUSEL_TYPES)}, got {_show(kind)}"
            self.drop((*path, "type"), message, path,
                      code="kakao.carousel_type", value=_show(kind),
                      allowed=", ".join(CAROUSEL_TYPES))
            return
        items = self.array(card, "items", path, 1, CAROUSEL_ITEMS.get(kind, MAX_CAROUSEL_ITEMS))
        self.in_carousel = True
        for i, item in enumerate(items):
            self.component(kind, item, (*path, "items", i), owner=(*path, "items", i))
        self.in_carousel = False
        header, where = card.get("header"), (*path, "header")
        if header is None:
            return
        if kind not in HEADER_TYPES:
            self.drop(where, f"a {kind} carousel cannot have a header",
                      code="kakao.carousel_header", kind=kind)
        elif self.obj(header, where):
            self.text(header, "title", where, need=True)
            self.text(header, "description", where, need=True)
            self.thumbnail(header.get("thumbnail"), (*where, "thumbnail"), owner=where)

    def combined(
        self, kind: str, title: str, desc: str, path: Path, title_limit: int | None
    ) -> None:
        """Check a title-plus-description budget; repair shortens the description."""
        most = self.limit(COMBINED_LIMITS[kind]) or 0
        total = len(title) + len(desc)
        if total <= most:
            return
        message = f"title and description are {total} characters; the limit is {most}"
        # Budget for the title as it will be after its own truncation.
        room = most - min(len(title), title_limit or len(title))
        if desc and room > 0:
            self.repair((*path, "description"), message, "truncate", room,
                        code="kakao.combined_too_long", length=total, limit=most)
        elif desc:
            self.drop((*path, "description"), message,
                      code="kakao.combined_too_long", length=total, limit=most)
        else:
            self.repair((*path, "title"), message, "truncate", most,
                        code="kakao.combined_too_long", length=total, limit=most)

    def thumbnail(self, thumb: Any, path: Path, owner: Path | None = None) -> None:
        """Check a Thumbnail; `owner` is dropped when its image URL is unusable."""
        owner = owner or path
        if not self.obj(thumb, path, owner):
            return
        self.url(thumb, "imageUrl", path, owner=owner)
        self.text(thumb, "altText", path, MAX_ALT_TEXT)
        self.typed(thumb, "link", path, dict, "an object")
        self.typed(thumb, "fixedRatio", path, bool, "a boolean")

    def buttons(self, card: dict, path: Path, thumb: Any) -> None:
        """Check a card's buttons: count and labels for the layout, and actions."""
        layout = card.get("buttonLayout")
        if layout is not None and not _one_of(layout, LAYOUTS):
            message = f'buttonLayout must be "vertical" or "horizontal", got {_show(layout)}'
            self.drop((*path, "buttonLayout"), message,
                      code="kakao.button_layout", value=_show(layout))
        if card.get("buttons") is None:
            return
        horizontal = _side_by_side(layout, thumb)
        buttons = self.array(card, "buttons", path, 0, 2 if horizontal else 3, True)
        wide = horizontal and len(buttons) >= 2
        for i, button in enumerate(buttons):
            self.button(button, (*path, "buttons", i), wide)

    def button(self, button: Any, path: Path, side_by_side: bool) -> None:
        """Check one button and the field its action needs."""
        if not self.obj(button, path):
            return
        limit = MAX_LABEL_SIDE_BY_SIDE if side_by_side else MAX_LABEL
        self.text(button, "label", path, limit, need=True)
        self.text(button, "messageText", path)
        self.typed(button, "extra", path, dict, "an object")
        action = button.get("action")
        if not _one_of(action, BUTTON_ACTIONS):
            known = ", ".join(BUTTON_ACTIONS)
            message = f"action must be one of {known}, got {_show(action)}"
            self.drop((*path, "action"), message, path,
                      code="kakao.bad_action", value=_show(action), allowed=known)
        elif action == "webLink":
            self.url(button, "webLinkUrl", path, owner=path)
        elif BUTTON_ACTIONS[action] is not None:
            self.text(button, str(BUTTON_ACTIONS[action]), path, need=True)


def _issues(resp: Any) -> list[_Issue]:
    """Return every issue in `resp` with its repair."""
    checker = _Checker()
    checker.response(resp)
    return checker.issues


def check(resp: Any) -> list[Violation]:
    """Return every way `resp` breaks Kakao's response rules; empty means sendable."""
    return [Violation(_fmt(issue.where), issue.message, issue.code, issue.values)
            for issue in _issues(resp)]


# enforce() and its repairs


def _split_text(text: str, limit: int, pieces: int) -> list[str]:
    """Split `text` into at most `pieces` chunks of `limit` chars at sentence ends."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit and len(chunks) < pieces - 1:
        cut = _cut_point(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    chunks.append(_truncate_words(rest, limit))
    return [chunk for chunk in chunks if chunk]


def _cut_point(text: str, limit: int) -> int:
    """Pick where to cut: the last sentence end, else the last space, else `limit`."""
    window = text[: limit + 1]
    # A cut in the first half would waste a bubble, so only later ends count.
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= limit]
    ends = [end for end in ends if end >= limit // 2]
    if ends:
        return ends[-1]
    spaces = [i for i, char in enumerate(window) if char.isspace() and i >= limit // 2]
    return spaces[-1] if spaces else limit


def _truncate_words(text: str, limit: int) -> str:
    """Shorten long text at a nearby word boundary, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = max(head.rfind(" "), head.rfind("\n"))
    return (head[:space] if space >= limit // 2 else head).rstrip() + ELLIPSIS


def _fresh(value: Any) -> Any:
    """Copy objects and arrays into new containers, never shared between two places."""
    # deepcopy keeps aliasing ([card] * 3 stays one card), so one repair would hit all.
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    return value


def _sort_key(path: Path) -> tuple[tuple[int, Any], ...]:
    """Order paths so that later list elements and deeper nodes sort last."""
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in path)


def _apply(work: dict, issues: list[_Issue], notes: list[str]) -> None:
    """Apply one round of repairs, from the last and deepest target backwards."""
    chosen: dict[Path, _Issue] = {}
    for issue in issues:
        # When one node is both dropped and shortened, dropping wins.
        if issue.target not in chosen or issue.fix == "drop":
            chosen[issue.target] = issue
    dropped = [target for target, issue in chosen.items() if issue.fix == "drop"]
    for target in sorted(chosen, key=_sort_key, reverse=True):
        if any(len(d) < len(target) and target[: len(d)] == d for d in dropped):
            continue  # an ancestor goes anyway
        issue, parent = chosen[target], work
        for part in target[:-1]:
            parent = parent[part]
        key = target[-1]
        if issue.fix == "drop":
            del parent[key]
            done = "removed"
        elif issue.fix == "truncate":
            parent[key] = _truncate(parent[key], issue.arg)
            done = f"cut to {issue.arg} characters"
        elif issue.fix == "trim":
            del parent[key][issue.arg :]
            done = f"cut to the first {issue.arg}"
        else:
            parent[key] = issue.arg
            done = f"set to {_show(issue.arg)}"
        notes.append(f"{_where(issue.where)}: {issue.message}; {_fmt(target)} {done}")


def _split_outputs(work: dict, notes: list[str]) -> None:
    """Split over-long simpleTexts into more bubbles while the 3-output budget lasts."""
    outputs = work["template"]["outputs"]
    spare = MAX_OUTPUTS - len(outputs)
    result = []
    for i, output in enumerate(outputs):
        text = output.get("simpleText", {}).get("text", "")
        if len(text) <= MAX_TEXT:
            result.append(output)
            continue
        chunks = _split_text(text, MAX_TEXT, 1 + spare)
        spare -= len(chunks) - 1
        result.extend({"simpleText": {**output["simpleText"], "text": c}} for c in chunks)
        where = f"template.outputs[{i}].simpleText.text"
        notes.append(f"{where}: {len(text)} characters split into {len(chunks)} bubbles")
    work["template"]["outputs"] = result


def _fit_size(work: dict, notes: list[str]) -> None:
    """Drop carousel cards from the end, largest carousel first, until the size fits."""
    dropped = 0
    while (_size(work) or 0) > MAX_BYTES:
        outputs = work["template"]["outputs"] if "template" in work else []
        carousels = [o["carousel"] for o in outputs if "carousel" in o]
        carousels = [c for c in carousels if len(c["items"]) > 1]
        if not carousels:
            break
        max(carousels, key=lambda c: _size(c) or 0)["items"].pop()
        dropped += 1
    if dropped:
        notes.append(f"template: dropped {dropped} carousel cards to fit {MAX_BYTES} bytes")


def _fallback(fallback_text: str, base: Any = None) -> dict:
    """Return a one-simpleText response, keeping `base`'s context and data if valid."""
    text = fallback_text.strip() if isinstance(fallback_text, str) else ""
    # Lone surrogates cannot be encoded as UTF-8; replacing them keeps it sendable.
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _truncate_words(text, MAX_TEXT) or ELLIPSIS
    resp = {
        "version": VERSION,
        "template": {"outputs": [{"simpleText": {"text": text}}]},
    }
    for key in ("context", "data"):
        if isinstance(base, dict) and key in base and not _issues({**resp, key: base[key]}):
            resp[key] = base[key]
    return resp


def _degrade(resp: Any, fallback_text: str) -> tuple[dict, list[str]]:
    """Repair a copy of `resp` until check() is clean, else use the fallback text."""
    notes: list[str] = []
    if not isinstance(resp, dict):
        notes.append(f"<response>: got {_kind(resp)}, not a response; sent the fallback text")
        return _fallback(fallback_text), notes
    work = _fresh(resp)
    lost_template = False
    for _ in range(_MAX_ROUNDS):
        issues = _issues(work)
        broken = [i for i in issues if i.fix == "fallback" and i.where[:1] == ("template",)]
        if broken and "template" in work:
            # Keep repairing context and data; the fallback text replaces the template.
            notes.append(f"{_fmt(broken[0].where)}: {broken[0].message}; template removed")
            del work["template"]
            lost_template = True
            continue
        repairable = [i for i in issues if i.fix in ("drop", "truncate", "trim", "set")]
        if not repairable:
            break
        if any(i.fix == "drop" for i in repairable):
            # Trim surplus only once the broken elements are gone, so good ones survive.
            repairable = [i for i in repairable if i.fix != "trim"]
        _apply(work, repairable, notes)
    issues = _issues(work)
    # Splitting and trimming for size need an otherwise valid template to work on.
    if issues and all(i.fix in ("split", "size") for i in issues):
        if any(i.fix == "split" for i in issues):
            _split_outputs(work, notes)
        if any(i.fix == "size" for i in _issues(work)):
            _fit_size(work, notes)
    left = sorted(_issues(work), key=lambda i: i.fix != "fallback")
    if left or lost_template:
        reason = f"{_where(left[0].where)}: {left[0].message}; " if left else ""
        notes.append(f"{reason}sent the fallback text")
        return _fallback(fallback_text, work), notes
    return work, notes


def enforce(resp: Any, strict: bool, fallback_text: str) -> tuple[dict, list[str]]:
    """Return `resp` if check() passes; else raise (strict) or return a fixed copy."""
    if strict:
        violations = check(resp)
        if violations:
            raise ResponseInvalid(violations)
        return resp, []
    try:
        return (resp, []) if not _issues(resp) else _degrade(resp, fallback_text)
    except Exception:  # the user must get some answer, whatever a skill built
        logger.exception("enforce() could not repair a response; sending the fallback")
        note = "<response>: could not be repaired; sent the fallback text"
        try:
            return _fallback(fallback_text), [note]
        except Exception:
            return _fallback(""), [note]
