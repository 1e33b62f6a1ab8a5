"""Free text (Open Builder's fallback block). Templates: fallback/*.

An active form never reaches this function: the pipeline hands it the text
first. Here: clear requests are routed to their skill, then an answer a skill
is waiting for goes back to it (AWAITING), then the FAQ matcher (when installed)
answers, then a short topic word becomes a notice search (when the notices
feature is installed), then an unfinished form is offered back, and only
then comes an honest "I don't know" with the main menu.
"""

from __future__ import annotations

from bot import dialog, funnel, router
from bot.kakao import SkillRequest
from bot.pipeline import Services, first_draft, form_of, offer_any_draft
from bot.registry import SKILLS, skill
from bot.reply import Reply
from bot.session import Session

# session.data key: a skill that asked a free-text question ("친구가 몇 명이에요?"). The next
# utterance no route claims goes back to it; that skill clears the mark.
AWAITING = "awaiting"


def resume_draft(session: Session, svc: Services) -> Reply | None:
    """Continue the user's unfinished form right where it stopped."""
    found = first_draft(session, svc)
    if found is None:
        return None
    entry, draft = found
    draft["pending"] = None
    session.dialog = draft
    funnel.count_resume(svc, session, entry.form)
    return dialog.ask(form_of(entry, svc), draft)


@skill("fallback")
def fallback(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Route, match, or admit we do not know."""
    target = router.route(req.utterance)
    awaiting = session.data.get(AWAITING)
    if target is None and awaiting in SKILLS:
        return SKILLS[awaiting](req, session, svc)
    session.data.pop(AWAITING, None)  # the merchant moved on
    if target is None and router.is_thanks(req.utterance):
        return Reply.of("fallback/thanks")
    if target == router.RESUME:
        return resume_draft(session, svc) or Reply.of("fallback/no_draft")
    if target is not None and target != "fallback":
        handler = SKILLS.get(target)
        if handler is None:
            return Reply.of("common/not_ready", {"feature": target})
        return handler(req, session, svc)
    followup = svc.ext.get("notices_followup")  # '2번 자세히' after a notice list
    if followup is not None:
        answer = followup(req, session, svc)
        if answer is not None:
            return answer
    faq = svc.ext.get("faq")
    if faq is not None:
        answer = faq.answer(req.utterance, req, session, svc)
        if answer is not None:
            return answer
    topic = svc.ext.get("notices_fallback")  # '수출', '교육': a short notice search
    if topic is not None:
        answer = topic(req, session, svc)
        if answer is not None:
            return answer
    return offer_any_draft(session, svc) or Reply.of("fallback/unknown")
