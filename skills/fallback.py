"""Free text (Open Builder's fallback block). Templates: fallback/*.

An active form never reaches this function: the pipeline hands it the text
first. Here, in order: clear requests are routed to their skill; an answer a
skill is waiting for goes back to it (AWAITING); thanks get a kind word; a
business number typed alone points to 신청 / 신청 현황; then the features that
can answer free text get their turn (a reference to the notice list just
shown, the FAQ matcher, a notice topic search); a question naming a skill's
subject that the FAQ was unsure of goes to that skill ("대출 지원 있어?");
then an unfinished form is offered back, and only then comes an honest "I
don't know" with the main menu.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation import dialog, funnel, router
from bot.conversation.pipeline import first_draft, form_of, offer_any_draft
from bot.conversation.registry import SKILLS, free_text_answerers, skill
from bot.conversation.reply import Reply
from bot.conversation.session import AWAITING, Session
from bot.core import bulkhead
from bot.kakao import SkillRequest
from bot.kakao.payload import UTTERANCE_CHARS
from bot.merchants import bizno
from bot.services import Services

__all__ = ["AWAITING", "CLAIMS", "fallback", "resume_draft"]  # AWAITING: skills set it
# Skills whose awaited answer may be a word a route would otherwise take ("시작" is also a
# menu word): their predicate claims the utterance before routing; anything else is not the
# answer and the mark is dropped.
CLAIMS: dict[str, Callable[[SkillRequest, Session, Services], bool]] = {}


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


def menu_word(req: SkillRequest) -> str | None:
    """A menu word's skill: what this function would call first when nothing is awaited."""
    return router.menu_word(req.utterance)


@skill("fallback", shortcut=menu_word)
def fallback(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Route, match, or admit we do not know."""
    target = router.route(req.utterance)
    awaiting = session.data.get(AWAITING)
    claims = CLAIMS.get(awaiting) if isinstance(awaiting, str) else None
    if awaiting in SKILLS and (claims(req, session, svc) if claims else target is None):
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
    digits = bizno.normalise(req.utterance)  # a business number and nothing else
    if digits is not None and not digits.startswith("0"):  # 0…: a phone number (02-…)
        return Reply.of("fallback/bizno_typed",
                        {"number": digits, "valid": bizno.parse(digits) is not None})
    for answerer in free_text_answerers():  # README: the fallback's order
        if bulkhead.abandoned():  # "busy" was already answered: spend nothing more on this text
            return Reply.of("common/busy")
        answer = answerer(req, session, svc)
        if answer is not None:
            return answer
    named = router.named(req.utterance)  # a question on a skill's subject the FAQ was unsure of
    if named in SKILLS:
        return SKILLS[named](req, session, svc)
    if req.utterance_length > UTTERANCE_CHARS:  # only its beginning was read: ask for less
        return offer_any_draft(session, svc) or Reply.of("fallback/too_long",
                                                         {"chars": UTTERANCE_CHARS})
    return offer_any_draft(session, svc) or Reply.of("fallback/unknown")
