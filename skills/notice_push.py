"""A pushed notice. Kakao block: the event block named KAKAO_EVENT_NAME. Templates: notice_push/*.

Kakao runs this skill once per recipient of a staff broadcast (bot/broadcast).
The call carries the notice id; every render is recorded as a receipt, which
is how the broadcast worker settles an Event API call whose answer it lost.
"""

from __future__ import annotations

import logging

from bot.broadcast.push import lookup, push_param, push_reply
from bot.conversation.registry import skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.kakao import SkillRequest
from bot.services import Services

log = logging.getLogger(__name__)


@skill("notice-push")
def notice_push(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Show the pushed notice with 자세히 보기 / 알림 끄기."""
    notice_id = push_param(req.raw, "notice_id")
    notice = lookup(svc, notice_id)
    if notice is None:
        log.warning("notice-push without a known notice (id given: %s)", bool(notice_id))
        return push_reply(None)
    broadcasts = svc.broadcasts
    broadcasts.record_receipt(notice_id, req.user_id)
    ad = broadcasts.is_ad(push_param(req.raw, "broadcast_id"))
    if ad is None:  # an unknown broadcast id: trust the flag our own call carried
        ad = push_param(req.raw, "ad") == "1"
    return push_reply(notice, ad=ad)
