"""Builders for SkillResponse 2.0 JSON: plain dicts with Kakao's field names."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

VERSION = "2.0"

Json = dict[str, Any]


def _clean(**fields: Any) -> Json:
    """Return the fields whose value is not None, under their given names."""
    return {key: value for key, value in fields.items() if value is not None}


def _buttons(buttons: Iterable[Mapping[str, Any]]) -> list[Json] | None:
    """Return the buttons as a list, or None so an empty list is omitted."""
    return [dict(b) for b in buttons] or None


def _copy(value: Mapping[str, Any] | None) -> Json | None:
    """Return a plain-dict copy of an optional mapping."""
    return dict(value) if value is not None else None


def _link(link: str | Mapping[str, Any] | None) -> Json | None:
    """Return a Link object; a bare URL becomes `{"web": url}`."""
    if link is None:
        return None
    return {"web": link} if isinstance(link, str) else dict(link)


# Outputs


def simple_text(text: str) -> Json:
    """Return a simpleText output."""
    return {"simpleText": {"text": text}}


def simple_image(url: str, alt: str | None = None) -> Json:
    """Return a simpleImage output."""
    return {"simpleImage": _clean(imageUrl=url, altText=alt)}


def thumbnail(
    url: str,
    alt: str | None = None,
    link: str | Mapping[str, Any] | None = None,
    fixed_ratio: bool | None = None,
) -> Json:
    """Return a Thumbnail object for cards."""
    return _clean(imageUrl=url, altText=alt, link=_link(link), fixedRatio=fixed_ratio)


def text_card(
    title: str | None = None,
    description: str | None = None,
    buttons: Iterable[Mapping[str, Any]] = (),
    layout: str | None = None,
) -> Json:
    """Return a textCard output."""
    return {
        "textCard": _clean(
            title=title,
            description=description,
            buttons=_buttons(buttons),
            buttonLayout=layout,
        )
    }


def basic_card(
    thumbnail: str | Mapping[str, Any],
    title: str | None = None,
    description: str | None = None,
    buttons: Iterable[Mapping[str, Any]] = (),
    layout: str | None = None,
) -> Json:
    """Return a basicCard output; a bare URL is accepted as the thumbnail."""
    thumb = {"imageUrl": thumbnail} if isinstance(thumbnail, str) else dict(thumbnail)
    return {
        "basicCard": _clean(
            title=title,
            description=description,
            thumbnail=thumb,
            buttons=_buttons(buttons),
            buttonLayout=layout,
        )
    }


def list_item(
    title: str,
    description: str | None = None,
    image_url: str | None = None,
    link: str | Mapping[str, Any] | None = None,
    action: str | None = None,
    message_text: str | None = None,
    block_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Json:
    """Return a ListItem; `action` is inferred from `block_id` or `message_text`."""
    if action is None and block_id is not None:
        action = "block"
    elif action is None and message_text is not None:
        action = "message"
    return _clean(
        title=title,
        description=description,
        imageUrl=image_url,
        link=_link(link),
        action=action,
        messageText=message_text,
        blockId=block_id,
        extra=_copy(extra),
    )


def list_card(
    header_title: str,
    items: Iterable[Mapping[str, Any]],
    buttons: Iterable[Mapping[str, Any]] = (),
    layout: str | None = None,
) -> Json:
    """Return a listCard output."""
    return {
        "listCard": _clean(
            header={"title": header_title},
            items=[dict(item) for item in items],
            buttons=_buttons(buttons),
            buttonLayout=layout,
        )
    }


def item_card(
    item_list: Iterable[Mapping[str, Any] | tuple[str, str]],
    *,
    thumbnail: Mapping[str, Any] | None = None,
    head: str | Mapping[str, Any] | None = None,
    profile: Mapping[str, Any] | None = None,
    image_title: Mapping[str, Any] | None = None,
    alignment: str | None = None,
    summary: Mapping[str, Any] | tuple[str, str] | None = None,
    title: str | None = None,
    description: str | None = None,
    buttons: Iterable[Mapping[str, Any]] = (),
    layout: str | None = None,
) -> Json:
    """Return an itemCard output; rows and `summary` may be `(title, description)` pairs."""
    if isinstance(head, str):
        head = {"title": head}
    return {
        "itemCard": _clean(
            thumbnail=_copy(thumbnail),
            head=_copy(head),
            profile=_copy(profile),
            imageTitle=_copy(image_title),
            itemList=[_pair(row) for row in item_list],
            itemListAlignment=alignment,
            itemListSummary=_pair(summary) if summary is not None else None,
            title=title,
            description=description,
            buttons=_buttons(buttons),
            buttonLayout=layout,
        )
    }


def _pair(row: Mapping[str, Any] | tuple[str, str]) -> Json:
    """Return a `{title, description}` object from a mapping or a pair."""
    if isinstance(row, tuple):
        return {"title": row[0], "description": row[1]}
    return dict(row)


def carousel_header(title: str, description: str, thumbnail: str | Mapping[str, Any]) -> Json:
    """Return a CarouselHeader; only the thumbnail's imageUrl is honoured by Kakao."""
    thumb = {"imageUrl": thumbnail} if isinstance(thumbnail, str) else dict(thumbnail)
    return {"title": title, "description": description, "thumbnail": thumb}


def carousel(
    type: str,
    items: Iterable[Mapping[str, Any]],
    header: Mapping[str, Any] | None = None,
) -> Json:
    """Return a carousel output; items built by the card builders are unwrapped."""
    cards = []
    for item in items:
        # text_card() and friends return {"textCard": {...}}; a carousel wants the card.
        if len(item) == 1 and isinstance(item.get(type), Mapping):
            cards.append(dict(item[type]))
        else:
            cards.append(dict(item))
    return {"carousel": _clean(type=type, items=cards, header=_copy(header))}


# Buttons and quick replies


def web_link_button(label: str, url: str) -> Json:
    """Return a button that opens `url` in the browser."""
    return {"label": label, "action": "webLink", "webLinkUrl": url}


def message_button(
    label: str, text: str | None = None, extra: Mapping[str, Any] | None = None
) -> Json:
    """Return a button that sends `text` (or the label) as the user's utterance."""
    # Kakao falls back to the label anyway; sending it keeps stricter parsers happy.
    return _clean(
        label=label,
        action="message",
        messageText=text if text is not None else label,
        extra=_copy(extra),
    )


def phone_button(label: str, number: str) -> Json:
    """Return a button that dials `number`."""
    return {"label": label, "action": "phone", "phoneNumber": number}


def block_button(
    label: str,
    block_id: str,
    text: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Json:
    """Return a button that calls block `block_id`."""
    return _clean(
        label=label,
        action="block",
        blockId=block_id,
        messageText=text,
        extra=_copy(extra),
    )


def share_button(label: str) -> Json:
    """Return a button that shares the bubble."""
    return {"label": label, "action": "share"}


def operator_button(label: str) -> Json:
    """Return a button that hands the chat to a human agent."""
    return {"label": label, "action": "operator"}


def quick_reply(
    label: str,
    text: str | None = None,
    block_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Json:
    """Return a quick reply: a "block" action with `block_id`, else "message"."""
    if block_id is not None:
        return block_button(label, block_id, text, extra)  # same shape as the card button
    return _clean(
        label=label,
        action="message",
        messageText=text if text is not None else label,
        extra=_copy(extra),
    )


# Whole responses


def context_value(
    name: str,
    life_span: int,
    params: Mapping[str, Any] | None = None,
    ttl: int | None = None,
) -> Json:
    """Return a ContextValue; params that are not strings are JSON-encoded."""
    return _clean(
        name=name,
        lifeSpan=life_span,
        ttl=ttl,
        params=(
            {
                k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                for k, v in params.items()
            }
            if params is not None
            else None
        ),
    )


def response(
    outputs: Iterable[Mapping[str, Any]],
    quick_replies: Iterable[Mapping[str, Any]] = (),
    context_values: Iterable[Mapping[str, Any]] = (),
    data: Mapping[str, Any] | None = None,
) -> Json:
    """Return a SkillResponse; the template is left out when it has nothing to show."""
    outs = [dict(o) for o in outputs]
    replies = [dict(q) for q in quick_replies]
    values = [dict(v) for v in context_values]
    resp: Json = {"version": VERSION}
    if outs or replies:
        resp["template"] = {"outputs": outs}
        if replies:
            resp["template"]["quickReplies"] = replies
    if values:
        resp["context"] = {"values": values}
    if data is not None:
        resp["data"] = dict(data)
    return resp


def callback_ack(text: str | None = None) -> Json:
    """Return the immediate answer that tells Kakao a callback will follow."""
    resp: Json = {"version": VERSION, "useCallback": True}
    if text is not None:
        # The block's waiting message can show this through a webhook variable.
        resp["data"] = {"text": text}
    return resp
