"""지원금 신청: the step-by-step application form and its status check.

Kakao blocks: 지원금 신청 (skill `apply`), 신청 현황 (skill `apply-status`); the fallback
router also sends "신청", "지원금 받고 싶어요" and "신청 현황", "진행상황 알려주세요" here.
Templates: apply/*. Flow diagram: skills/apply.mmd. The fields (questions, parsers,
stored columns): bot/applications/fields.py; storage, receipts and intake delivery:
bot/applications/service.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.applications import service as applications
from bot.applications.fields import STEPS, says, stored
from bot.applications.service import GRANT_AMOUNT, Application
from bot.conversation import understand
from bot.conversation.dialog import Form
from bot.conversation.pipeline import open_form
from bot.conversation.registry import Vocabulary, register_form, skill
from bot.conversation.reply import Reply
from bot.conversation.session import Session
from bot.kakao import SkillRequest
from bot.services import Services
from skills.fallback import AWAITING, CLAIMS

FORM_NAME = "apply"
# The form's name in the shared dialog/* templates ("…작성을 취소했어요") is the operators'
# setting; without it those templates fall back to their own generic word (신청서).
TITLE_SETTING = "apply_form_title"

# The intro's 시작하기 button sends START_WORDS[0] with clientExtra {"apply": "start"}.
START_EXTRA = ("apply", "start")
START_WORDS = ("지원금 신청 시작", "신청 시작", "시작하기", "시작할게요")
# session.data: when the intro was shown. A go-ahead in the merchant's own words ("시작",
# "네", "할게요") within INTRO_SECONDS starts the form (bot/understand.py reads it).
INTRO_AT = "apply_intro_at"
INTRO_SECONDS = 600


# -- completion ---------------------------------------------------------------------
def submit_application(answers: Mapping[str, Any], env: Any) -> Reply:
    """File the application (once per business) and hand the merchant the receipt."""
    services, request = env.services, env.request
    fields = stored(answers)
    alerts = bool((answers.get("alerts") or {}).get("agreed"))
    result = applications.submit(services, request.user_id, fields, alerts)
    app = result.application
    if result.created:
        return Reply.of("apply/submitted", {**status_context(app), "alerts": alerts})
    if app.visible_to(request.user_id, services.merchants):
        return Reply.of("apply/has_application", status_context(app))
    return Reply.of("apply/duplicate")


APPLY = register_form(Form(
    FORM_NAME,
    title_setting=TITLE_SETTING,
    review="apply/review",
    on_complete=submit_application,
    steps=STEPS,  # bot/applications/fields.py: one declaration per field
), FORM_NAME)


# -- who may see what -----------------------------------------------------------------
def current_application(user_id: str, svc: Services) -> Application | None:
    """The application this user may see: their newest, else their business's active one."""
    store = applications.store_of(svc)
    own = store.of_user(user_id)
    active = next((a for a in own if a.active), None)
    if active is not None:
        return active
    linked = svc.merchants.verified_business_of(user_id)
    shared = store.active_for_business(linked) if linked else None
    return shared or (own[0] if own else None)


def status_context(app: Application) -> dict[str, Any]:
    """Plain values for the status and receipt templates (no phone, no user key)."""
    return {
        "receipt": app.receipt,
        "status": app.status,
        "business_name": app.business_name,
        "business_number": app.business_number,
        "submitted_at": app.submitted_at,
        "reviewing_at": app.changed_at(applications.REVIEWING),
        "approved_at": app.changed_at(applications.APPROVED),
        "rejected_at": app.changed_at(applications.REJECTED),
        "paid_at": app.changed_at(applications.PAID),
        "reject_reason": app.reject_reason,
        "amount": GRANT_AMOUNT,
    }


# -- skills ---------------------------------------------------------------------------
def _wants_start(req: SkillRequest) -> bool:
    """The intro's 시작하기 (by its clientExtra, or typed)."""
    key, value = START_EXTRA
    return req.client_extra.get(key) == value or says(req.utterance, START_WORDS)


def _answers_intro(req: SkillRequest, session: Session, svc: Services) -> bool:
    """A go-ahead typed right after the intro ("시작", "네", "신청할래요")."""
    shown = session.data.get(INTRO_AT)
    recent = isinstance(shown, int | float) and 0 <= svc.clock() - shown <= INTRO_SECONDS
    return recent and understand.start(req.utterance)


# What the fallback's router sends here (compared after router.normalise, no spaces).
APPLY_WORDS = ("신청시작", "지원금신청", "신청하기", "신청할래", "신청하고싶", "신청하려",
               "캐시받고싶", "지원금받", "지원받고")
APPLY_EXACT = ("시작하기", "시작할게요", "신청")
STATUS_WORDS = ("신청현황", "접수현황", "진행상황", "심사결과", "처리현황", "접수번호", "승인됐",
                "승인되었")
# When the cash comes is a rule the FAQ states first ("캐시는 언제 들어와요?").
STATUS_TOPICS = ("언제들어와", "언제들어오", "언제입금", "언제지급")


@skill("apply", answers_to=Vocabulary(topics=APPLY_WORDS, exact=APPLY_EXACT, order=70))
def apply(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Show the intro, start or resume the form, or point to an existing application."""
    go_ahead = session.data.get(AWAITING) == "apply" and _answers_intro(req, session, svc)
    if session.data.get(AWAITING) == "apply":
        session.data.pop(AWAITING)
    session.data.pop(INTRO_AT, None)
    app = current_application(req.user_id, svc)
    if app is not None and app.active:
        return Reply.of("apply/has_application", status_context(app))
    if go_ahead or _wants_start(req) or svc.sessions.load_draft(req.user_id, FORM_NAME):
        return open_form(FORM_NAME, req, session, svc)
    session.data[AWAITING] = "apply"
    session.data[INTRO_AT] = svc.clock()
    return Reply.of("apply/intro", {"reapply": app is not None})


CLAIMS["apply"] = _answers_intro


@skill("apply-status",
       answers_to=Vocabulary(requests=STATUS_WORDS, topics=STATUS_TOPICS, order=30))
def apply_status(req: SkillRequest, session: Session, svc: Services) -> Reply:
    """Show the merchant's own application and what happens next."""
    app = current_application(req.user_id, svc)
    if app is None:
        has_draft = svc.sessions.load_draft(req.user_id, FORM_NAME) is not None
        return Reply.of("apply/status_none", {"has_draft": has_draft})
    return Reply.of("apply/status", status_context(app))


