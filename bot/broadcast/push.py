"""What a recipient sees: one notice rendered for a push (the notice-push skill and previews).

`lookup` turns the notices feature's Notice into a plain record and
`push_context` turns that record into the push template's values.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.reply import Reply

PUSH_TEMPLATE = "notice_push/notice"
GONE_TEMPLATE = "notice_push/gone"


def lookup(svc: Any, notice_id: str | None) -> dict[str, Any] | None:
    """The notice as the plain record a push needs, from the notices feature's store.

    Hidden notices are treated as gone: staff hid them for a reason.
    """
    found = svc.notices.get(notice_id) if notice_id else None
    if found is None or getattr(found, "hidden", False):
        return None
    if isinstance(found, dict):
        return found
    return {"id": found.id, "title": found.title, "org": found.agency or found.ministry,
            "category": found.category, "regions": list(found.regions), "url": found.url,
            "apply_url": found.apply_url, "deadline": found.end}


def notice_regions(notice: dict[str, Any]) -> list[str]:
    """A notice's regions, whether it stores one `region` or a `regions` list."""
    regions = notice.get("regions")
    if isinstance(regions, list | tuple):
        return [str(r) for r in regions if r]
    return [str(notice["region"])] if notice.get("region") else []


def push_context(notice: dict[str, Any], *, ad: bool = False) -> dict[str, Any]:
    """Plain template values for one notice (ad: add the (광고) and 수신거부 wording)."""
    return {
        "notice_id": str(notice.get("id") or ""),
        "title": str(notice.get("title") or ""),
        "org": str(notice.get("org") or ""),
        "category": str(notice.get("category") or ""),
        "regions": notice_regions(notice),
        "url": str(notice.get("url") or ""),
        "deadline": notice.get("deadline") or notice.get("end_date") or None,
        "ad": bool(ad),
    }


def push_reply(notice: dict[str, Any] | None, *, ad: bool = False) -> Reply:
    """The push answer for a notice, or the 'no longer available' answer."""
    if not notice:
        return Reply.of(GONE_TEMPLATE)
    return Reply.of(PUSH_TEMPLATE, push_context(notice, ad=ad))


def push_param(raw: dict[str, Any], name: str) -> str | None:
    """Find a value our Event API call carried, wherever Kakao hands it to the skill.

    The call sends it as `params` (documented to reach `userRequest.params`) and as
    `event.data`; action params and clientExtra are read too, in case the block maps them.
    """
    user_request = raw.get("userRequest") if isinstance(raw.get("userRequest"), dict) else {}
    action = raw.get("action") if isinstance(raw.get("action"), dict) else {}
    event = user_request.get("event") if isinstance(user_request.get("event"), dict) else {}
    for source in (user_request.get("params"), action.get("params"), action.get("clientExtra"),
                   event.get("data"), raw.get("event", {}).get("data")
                   if isinstance(raw.get("event"), dict) else None):
        if isinstance(source, dict) and source.get(name) not in (None, ""):
            return str(source[name]).strip()
    return None
