"""Turn a Reply into a Kakao 2.0 response through the operator templates."""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from blinker import Namespace

from bot.conversation.reply import Part, Reply
from bot.kakao import components as k
from bot.kakao import limits

from .templating import TemplateError, TemplateStore

log = logging.getLogger(__name__)

ERROR_TEMPLATE = "common/error"

# Sent after every rendered reply (like Flask's template_rendered): tests listen to it.
reply_rendered = Namespace().signal("reply-rendered")
MAX_USE_DEPTH = 3
CACHE_SECONDS = 2.0  # an edited template shows within a few seconds
CACHE_SIZE = 1024


def _cache_key(reply: Reply) -> str | None:
    """A key for replies made of plain values; None when something is not JSON."""
    try:
        parts = [(p.template, p.context, p.quick_replies, p.chrome) for p in reply.parts]
        return json.dumps([parts, reply.context_values, reply.data, reply.use_callback],
                          sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class Renderer:
    """Renders replies; never lets a broken template or a limit violation reach Kakao."""

    def __init__(self, store: TemplateStore, strict: bool) -> None:
        self.store = store
        self.strict = strict  # limit violations raise (tests, development) instead of degrading
        self.errors: deque[str] = deque(maxlen=50)  # recent template failures, for tests
        self._cache: dict[str, tuple[float, dict[str, Any], str]] = {}
        # Rendered once at start-up: the answer of last resort needs no working template.
        self._last_resort = self._render_parts((Part(ERROR_TEMPLATE),))
        self._fallback_text = self._last_resort["outputs"][0]["simpleText"]["text"]
        self._last_resort_json = json.dumps(
            k.response(self._last_resort["outputs"], self._last_resort["quick_replies"]),
            ensure_ascii=False, separators=(",", ":"))

    def last_resort_json(self) -> str:
        """The apology as rendered at start-up: sent when nothing else can be."""
        return self._last_resort_json

    # -- public ------------------------------------------------------------
    def forget(self) -> None:
        """Drop the rendered-reply cache (a template was just edited in this process)."""
        self._cache.clear()

    def to_kakao(self, reply: Reply) -> dict[str, Any]:
        """Render a reply into a Kakao response dict."""
        return self._rendered(reply)[0]

    def to_json(self, reply: Reply) -> str:
        """Render a reply into the UTF-8 JSON body Kakao gets (serialised once per cache entry)."""
        return self._rendered(reply)[1]

    def _rendered(self, reply: Reply) -> tuple[dict[str, Any], str]:
        """Render (cached briefly: menus and prompts are the same for everyone)."""
        key = _cache_key(reply)
        hit = self._cache.get(key) if key else None
        now = time.monotonic()
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            response, body = hit[1], hit[2]
        else:
            errors = len(self.errors)
            response = self._render(reply)
            body = json.dumps(response, ensure_ascii=False, separators=(",", ":"))
            if key and len(self.errors) == errors:  # never cache an apology for a broken file
                if len(self._cache) >= CACHE_SIZE:
                    self._cache.clear()
                self._cache[key] = (now, response, body)
        reply_rendered.send(self, reply=reply, response=response)
        return response, body

    def _render(self, reply: Reply) -> dict[str, Any]:
        """Render a reply; on a template error answer the apology template instead."""
        try:
            body = self._render_parts(reply.parts)
        except TemplateError as exc:
            # An operator's mistake must not take the skill down: apologise and log.
            self.errors.append(str(exc))
            log.error("template failed, answering %s instead: %s", ERROR_TEMPLATE, exc)
            body = self._error_body()
        if reply.use_callback:  # the waiting bubble's text (a webhook variable in Open Builder)
            texts = [o["simpleText"]["text"] for o in body["outputs"] if "simpleText" in o]
            return k.callback_ack("\n".join(texts)[:limits.MAX_TEXT] or None)
        response = k.response(
            body["outputs"],
            body["quick_replies"],
            context_values=list(reply.context_values),
            data=reply.data,
        )
        fixed, warnings = limits.enforce(response, self.strict, fallback_text=self._fallback_text)
        for warning in warnings:
            log.warning("response degraded (%s): %s", reply.template, warning)
        return fixed

    def render_part(self, part: Part) -> dict[str, list[dict[str, Any]]]:
        """Render one template into its Kakao outputs and quick replies."""
        spec = self.store.render_spec(part.template, part.context)
        outputs = [o for o in self._outputs(spec, part.template) if o][:part.limit]
        replies = self._quick_replies(spec.get("quick_replies"), part, depth=0)
        return {"outputs": outputs, "quick_replies": replies if part.quick_replies else []}

    # -- internals ---------------------------------------------------------
    def _error_body(self) -> dict[str, Any]:
        try:
            return self._render_parts((Part(ERROR_TEMPLATE),))
        except TemplateError:
            return self._last_resort

    def _render_parts(self, parts: Iterable[Part]) -> dict[str, Any]:
        outputs: list[dict[str, Any]] = []
        replies: list[dict[str, Any]] = []
        labels: set[str] = set()
        for part in parts:
            rendered = self.render_part(part)
            outputs += rendered["outputs"]
            for qr in rendered["quick_replies"]:
                if qr["label"] not in labels:
                    labels.add(qr["label"])
                    replies.append(qr)
        if not outputs:
            raise TemplateError(part.template, "the reply has no speech bubble (all outputs empty)",
                                code="template.no_bubble")
        return {"outputs": outputs, "quick_replies": replies}

    def _outputs(self, spec: dict[str, Any], name: str) -> list[dict[str, Any] | None]:
        items: list[Any] = []
        text = spec.get("text")
        if isinstance(text, list):
            items += [{"text": t} for t in text]
        elif text is not None:
            items.append({"text": text})
        outputs = spec.get("outputs") or []
        if not isinstance(outputs, list):
            raise TemplateError(name, "'outputs' must be a list", code="template.outputs_not_list")
        items += outputs
        return [self._component(item, name) for item in items]

    def _component(self, item: Any, name: str) -> dict[str, Any] | None:
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            raise TemplateError(name, f"an output must be a mapping, got {item!r}",
                                code="template.output_not_mapping", value=repr(item)[:40])
        if "text" in item:
            text = _text(item["text"])
            return k.simple_text(text) if text else None
        if "image" in item:
            image = item["image"]
            url, alt = (image.get("url"), image.get("alt")) if isinstance(image, dict) else (
                image, item.get("alt"))
            return k.simple_image(_text(url), _text(alt) or None)
        if "card" in item:
            return self._card(item["card"], name)
        if "list" in item:
            return self._list(item["list"], name)
        if "itemcard" in item:
            return self._itemcard(item["itemcard"], name)
        if "carousel" in item:
            return self._carousel(item["carousel"], name)
        raise TemplateError(
            name, f"unknown output {sorted(item)}; use text, image, card, list, itemcard, carousel",
            code="template.unknown_output", keys=", ".join(map(str, sorted(item))))

    def _card(self, card: dict[str, Any], name: str) -> dict[str, Any] | None:
        title, desc = _text(card.get("title")), _text(card.get("description"))
        buttons = self._buttons(card.get("buttons"), name)
        layout = card.get("layout")
        image = card.get("image")
        if image:
            thumb = k.thumbnail(_text(image), _text(card.get("alt")) or None,
                                fixed_ratio=card.get("fixed_ratio"))
            return k.basic_card(thumb, title or None, desc or None, buttons, layout)
        if not (title or desc):
            return None
        return k.text_card(title or None, desc or None, buttons, layout)

    def _list(self, card: dict[str, Any], name: str) -> dict[str, Any] | None:
        items = []
        for it in card.get("items") or []:
            if not _text(it.get("title")):
                continue
            link = {"web": _text(it["url"])} if it.get("url") else None
            message = _text(it.get("message")) or None
            items.append(k.list_item(
                _text(it["title"]), _text(it.get("description")) or None,
                image_url=_text(it.get("image")) or None, link=link,
                action="message" if message else None, message_text=message,
                extra=it.get("extra")))
        if not items:
            return None
        return k.list_card(_text(card.get("header")), items,
                           self._buttons(card.get("buttons"), name), card.get("layout"))

    def _itemcard(self, card: dict[str, Any], name: str) -> dict[str, Any] | None:
        rows = [{"title": _text(r.get("title")), "description": _text(r.get("description"))}
                for r in card.get("rows") or [] if _text(r.get("title"))]
        if not rows:
            return None
        summary = card.get("summary")
        head = _text(card.get("head"))
        return k.item_card(
            rows,
            title=_text(card.get("title")) or None,
            description=_text(card.get("description")) or None,
            head={"title": head} if head else None,
            summary={"title": _text(summary.get("title")),
                     "description": _text(summary.get("description"))} if summary else None,
            buttons=self._buttons(card.get("buttons"), name),
            layout=card.get("layout"),
        )

    def _carousel(self, spec: dict[str, Any], name: str) -> dict[str, Any] | None:
        kind = spec.get("type", "card")
        build = {"card": self._card, "list": self._list, "itemcard": self._itemcard}.get(kind)
        if build is None:
            raise TemplateError(name, f"carousel type must be card, list or itemcard, not {kind}",
                                code="template.carousel_type", value=kind)
        cards = [c for c in (build(item, name) for item in spec.get("items") or []) if c]
        if not cards:
            return None
        types = {next(iter(c)) for c in cards}
        if len(types) > 1:  # Kakao needs one card type per carousel: cards without images lose
            cards = [c for c in cards if "basicCard" in c]
        kakao_type = next(iter(cards[0]))
        header = spec.get("header")
        kakao_header = None
        if header and kakao_type in ("basicCard", "itemCard"):
            kakao_header = k.carousel_header(
                _text(header.get("title")), _text(header.get("description")),
                k.thumbnail(_text(header.get("image"))))
        return k.carousel(kakao_type, [c[kakao_type] for c in cards], kakao_header)

    def _buttons(self, buttons: Any, name: str) -> list[dict[str, Any]]:
        result = []
        for b in buttons or []:
            if isinstance(b, str):
                b = {"label": b}
            label = _text(b.get("label"))
            if not label:
                continue
            if b.get("url"):
                result.append(k.web_link_button(label, _text(b["url"])))
            elif b.get("phone"):
                result.append(k.phone_button(label, _text(b["phone"])))
            elif b.get("block"):
                result.append(k.block_button(label, _text(b["block"]), extra=b.get("extra")))
            elif b.get("share"):
                result.append(k.share_button(label))
            elif b.get("operator"):
                result.append(k.operator_button(label))
            else:
                text = _text(b.get("message")) or label
                result.append(k.message_button(label, text, extra=b.get("extra")))
        return result

    def _quick_replies(self, spec: Any, part: Part, depth: int) -> list[dict[str, Any]]:
        if spec is None:
            return []
        if isinstance(spec, str):
            spec = [{"use": spec}]
        result: list[dict[str, Any]] = []
        for qr in spec:
            if isinstance(qr, str):
                qr = {"label": qr}
            if "use" in qr:
                if depth >= MAX_USE_DEPTH:
                    raise TemplateError(part.template, "quick_replies 'use' nests too deep",
                                        code="template.use_too_deep", most=MAX_USE_DEPTH)
                other = self.store.render_spec(_text(qr["use"]), part.context)
                result += self._quick_replies(other.get("quick_replies"), part, depth + 1)
                continue
            label = _text(qr.get("label"))
            if not label:
                continue
            if qr.get("block"):
                result.append(k.quick_reply(label, block_id=_text(qr["block"]),
                                            extra=qr.get("extra")))
            else:
                result.append(k.quick_reply(label, _text(qr.get("message")) or label,
                                            extra=qr.get("extra")))
        return result
