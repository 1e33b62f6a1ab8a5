"""지원금 신청 through the real app: every step, every error, navigation, drafts, duplicates."""

from __future__ import annotations

import os
import re
import threading

import pytest

from bot.applications import fields as form
from bot.applications import service as applications
from bot.conversation.dialog import Invalid, Turn
from bot.conversation.reply import Reply
from bot.core import events
from bot.core.config import ROOT
from tests.conftest import TEST_TEMPLATES
from tests.support.apply_flow import HAPPY, NOON_KST, STEPS, fill, freeze, press, start, valid_bizno
from tests.support.kakao import Chat

DAY = 24 * 3600
RAW_PHONE = ("01024681357", "2468-1357", "2468")
RAW_BIZNO = ("1208147521", "47521")


@pytest.fixture
def clock(app):
    """The services' clock, frozen at noon KST on 2026-11-21."""
    return freeze(app)


@pytest.fixture
def store(app):
    """The app's ApplicationStore."""
    return applications.store_of(app.extensions["bot"].services)


@pytest.fixture
def services(app):
    """The app's services."""
    return app.extensions["bot"].services


@pytest.fixture
def edited_settings(tmp_path, make_app):
    """A chat with an app whose settings.yaml an operator edited: one shipped line replaced."""
    def build(line: str, edited: str) -> Chat:
        shipped = (ROOT / "templates" / "settings.yaml").read_text(encoding="utf-8")
        assert f"\n{line}\n" in shipped, f"settings.yaml no longer has {line!r}"
        root = tmp_path / "templates"
        root.mkdir()
        (root / "settings.yaml").write_text(shipped.replace(f"\n{line}\n", f"\n{edited}\n"),
                                            encoding="utf-8")
        dirs = os.pathsep.join([str(root), str(ROOT / "templates"), str(TEST_TEMPLATES)])
        return Chat(make_app(TEMPLATES_DIR=dirs))
    return build


# -- the happy path ------------------------------------------------------------------
def test_intro_explains_the_support_and_offers_start_or_later(chat):
    said = chat.say("지원금 받고 싶어요")  # free text: the router sends it to `apply`
    assert said.template == "apply/intro"
    assert said.context == {"reapply": False}
    assert said.quick_replies[:2] == ["시작하기", "나중에"]
    assert "30만 원" in said.text and "10억 원 이하" in said.text
    assert chat.tap("나중에").template == "welcome/greeting"


def test_merchants_are_told_how_long_the_draft_is_really_kept(chat, make_app):
    assert "중간에 멈춰도 7일 동안 저장돼요" in chat.say("지원금 신청", skill="apply").text
    short = Chat(make_app(DRAFT_TTL=3 * DAY))
    assert "중간에 멈춰도 3일 동안 저장돼요" in short.say("지원금 신청", skill="apply").text
    fill(short, upto="business_channel")
    assert "적어 주신 내용은 3일 동안 저장돼요" in short.tap("아니요").text
    services = short.app.extensions["bot"].services
    key = services.keys.draft(short.user_id, "apply")
    assert 2 * DAY < services.redis.ttl(key) <= 3 * DAY


def test_a_draft_kept_less_than_a_day_is_not_announced_as_zero_days(make_app):
    chat = Chat(make_app(DRAFT_TTL=6 * 3600))
    assert "중간에 멈춰도 1일 동안 저장돼요" in chat.say("지원금 신청", skill="apply").text


def test_happy_path_from_intro_to_receipt(chat, clock, store, services, redis):
    heard = []

    def on_submitted(sender, **kw):
        heard.append(kw)

    events.application_submitted.connect(on_submitted, sender=services)
    said = start(chat)
    asked = [said.templates[0]]
    for _, text in HAPPY:
        said = chat.say(text)
        asked.append(said.templates[0])
    assert asked == [f"apply/ask_{name}" for name in STEPS] + ["apply/review"]
    assert said.templates[-1] == "dialog/review_nav"
    assert len(said.cards) == 4 and len(said.buttons) == 10  # a 수정 button per field
    assert not any(raw in said.text for raw in RAW_PHONE + RAW_BIZNO)
    assert "010-****-1357" in said.text and "120-81-*****" in said.text

    done = chat.tap("제출하기")
    assert done.template == "apply/submitted"
    receipt = done.context["receipt"]
    assert receipt == "DG-20261121-0001"
    assert done.context["alerts"] is True
    app = store.get(receipt)
    assert (app.status, app.business_number, app.entity_kind) == ("received", "1208147521",
                                                                  "corporation")
    assert (app.business_name, app.representative, app.phone) == ("단골분식", "홍길동",
                                                                  "01024681357")
    assert (app.revenue_band, app.channel) == ("under_300m", "@danggol")
    assert app.business_channel and app.bizwallet
    assert app.privacy_consent_at == NOON_KST and app.alerts_consent_at == NOON_KST
    assert app.user_id == chat.user_id
    assert services.merchants.business_of(chat.user_id) == "1208147521"
    sub = services.subscriptions.get(chat.user_id)
    assert sub.active and sub.source == "application" and sub.consent_at == NOON_KST
    assert heard == [{"receipt": receipt, "business_number": "1208147521",
                      "user_id": chat.user_id}]
    assert services.sessions.load_draft(chat.user_id, "apply") is None
    assert chat.say("단골분식").template == "fallback/unknown"  # the form is over


def test_receipt_numbers_count_per_kst_day(make_app):
    app = make_app()
    clock = freeze(app)
    chats = [f"u-day-{i}" for i in range(3)]
    from tests.support.kakao import Chat

    receipts = []
    for i, user in enumerate(chats):
        if i == 2:
            clock[0] += 12 * 3600  # past midnight in Korea (still 21 Nov in UTC until 15:00)
        chat = Chat(app, user)
        number = valid_bizno(f"1234500{i}1")
        fill(chat, bizno=number)
        receipts.append(chat.tap("제출하기").context["receipt"])
    assert receipts == ["DG-20261121-0001", "DG-20261121-0002", "DG-20261122-0001"]


def test_declining_alerts_stores_no_subscription(chat, services):
    fill(chat, alerts="받지 않기")
    done = chat.tap("제출하기")
    assert done.context["alerts"] is False
    assert services.subscriptions.get(chat.user_id) is None
    app = applications.store_of(services).get(done.context["receipt"])
    assert app.alerts_consent_at is None


# -- every validation error: a specific message with its reason, then the step again ----------
@pytest.mark.parametrize(("step", "text", "error", "reason"), [
    ("bizno", "12081475", "invalid_bizno", "format"),
    ("bizno", "사업자번호요", "invalid_bizno", "format"),
    ("bizno", "120-81-47522", "invalid_bizno", "checksum"),
    ("bizno", "123-45-67890", "invalid_bizno", "checksum"),
    ("bizno", valid_bizno("123000001"), "invalid_bizno", "code"),
    ("business_name", "🍜🍜🍜", "invalid_business_name", "characters"),
    ("business_name", "https://danggol.kr", "invalid_business_name", "url"),
    ("business_name", "www.danggol.com 분식", "invalid_business_name", "url"),
    ("business_name", "가" * 41, "invalid_business_name", "length"),
    ("business_name", "!!!", "invalid_business_name", "characters"),
    ("representative", "김", "invalid_representative", "length"),
    ("representative", "홍길동😀", "invalid_representative", "characters"),
    ("representative", "홍" * 21, "invalid_representative", "length"),
    ("channel", "@" + "a" * 16, "invalid_channel", "length"),
    ("channel", "https://naver.me/abc", "invalid_channel", "url"),
    ("channel", "@dang gol!", "invalid_channel", "format"),
    ("channel", "pf.kakao.com/abc", "invalid_channel", "url"),
    ("phone", "02-123-4567", "invalid_phone", "landline"),
    ("phone", "010-123-456", "invalid_phone", "format"),
    ("phone", "011-123-4567", "invalid_phone", "format"),
    ("phone", "전화번호", "invalid_phone", "format"),
])
def test_bad_answers_are_explained_and_asked_again(chat, step, text, error, reason):
    fill(chat, upto=step)
    said = chat.say(text)
    assert said.templates[0] == f"apply/{error}"
    assert said.context_of(f"apply/{error}")["reason"] == reason
    assert f"apply/ask_{step}" in said.templates


# -- step 2: the business number ---------------------------------------------------------
@pytest.mark.parametrize("text", ["1208147521", "120-81-47521", "120 81 47521",
                                  "１２０-８１-４７５２１", " 120.81.47521 "])
def test_business_number_spellings(text):
    assert form.parse_bizno(Turn(text))["number"] == "1208147521"


@pytest.mark.parametrize(("code", "kind", "corporation"), [
    ("45", "individual", False), ("81", "corporation", True), ("85", "corporation", True),
    ("80", "group", False), ("84", "foreign", True), ("89", "religious", False),
    ("95", "individual", False), ("82", "nonprofit", True), ("83", "government", True),
])
def test_entity_kind_is_said_back(chat, code, kind, corporation):
    start(chat)
    said = chat.say(valid_bizno(f"123{code}6789"))
    assert said.templates[0] == "apply/ask_business_name"
    bizno = said.context_of("apply/ask_business_name")["answers"]["bizno"]
    assert (bizno["kind"], bizno["corporation"]) == (kind, corporation)
    note = "지원센터에서 확인해 드릴게요" in said.text
    assert note is (kind in form.CONSULT_KINDS)


@pytest.mark.parametrize(("code", "kind"), [("82", "nonprofit"), ("83", "government")])
def test_no_entity_is_refused_on_a_rule_the_sources_do_not_state(chat, services, code, kind):
    """program-facts lists no exclusion of 비영리법인 or 국가기관: the centre checks, we go on."""
    start(chat)
    said = chat.say(valid_bizno(f"123{code}6789"))
    assert said.templates[0] == "apply/ask_business_name"
    assert "지원센터에서 확인해 드릴게요" in said.text and "어려워요" not in said.text
    assert chat.say("단골분식").templates[0] == "apply/ask_representative"


# -- steps 3, 4: names ---------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   "])
def test_empty_names_are_refused(text):
    with pytest.raises(Invalid) as err:
        form.parse_business_name(Turn(text))
    assert err.value.context["reason"] == "empty"


def test_names_are_tidied():
    assert form.parse_business_name(Turn("  단골   분식 (본점) ")) == "단골 분식 (본점)"
    assert form.parse_representative(Turn("Hong Gil-dong")) == "Hong Gil-dong"


# -- step 5: revenue ---------------------------------------------------------------------
@pytest.mark.parametrize(("text", "band"), [
    ("3억 원 이하", form.REVENUE_UNDER_3), ("3억원이하", form.REVENUE_UNDER_3),
    ("8,000만 원", form.REVENUE_UNDER_3), ("5억 정도", form.REVENUE_3_TO_10),
    ("10억", form.REVENUE_3_TO_10), ("12억", form.REVENUE_OVER_10),
    ("개업한 지 3달 됐어요", form.REVENUE_NEW),
])
def test_revenue_bands_tapped_or_typed(text, band):
    assert form.parse_revenue(Turn(text)) == band


def test_revenue_is_offered_as_quick_replies_and_nonsense_reprompts(chat):
    said = fill(chat, upto="revenue")
    assert said.templates[0] == "apply/ask_revenue"
    assert said.quick_replies[:4] == list(form.REVENUE_CHOICES)
    said = chat.say("잘 몰라")
    assert said.templates[0] == "apply/invalid_revenue"


def test_revenue_over_one_billion_ends_kindly(chat, services):
    fill(chat, upto="revenue")
    said = chat.tap("10억 원 초과")
    assert said.template == "apply/over_limit"
    assert "지원사업 공고" in said.quick_replies
    assert services.sessions.load_draft(chat.user_id, "apply") is None


# -- step 6: the channel -----------------------------------------------------------------
@pytest.mark.parametrize(("text", "stored"), [
    ("@danggol", "@danggol"), ("danggol", "@danggol"), ("@단골분식", "@단골분식"),
    ("pf.kakao.com/_AbCd", "https://pf.kakao.com/_AbCd"),
    ("https://pf.kakao.com/_AbCd/chat", "https://pf.kakao.com/_AbCd"),
    ("@" + "a" * 15, "@" + "a" * 15),
])
def test_channel_id_or_url(text, stored):
    assert form.parse_channel(Turn(text)) == stored


# -- step 7: business channel and wallet -----------------------------------------------------
@pytest.mark.parametrize(("step", "howto"), [
    ("business_channel", "apply/howto_business_channel"),
    ("bizwallet", "apply/howto_bizwallet"),
])
def test_not_yet_shows_how_and_can_pause_and_resume(chat, services, step, howto):
    fill(chat, upto=step)
    said = chat.tap("아니요")
    assert said.templates[0] == howto
    assert said.templates[1] == f"apply/ask_{step}"
    assert "나중에 할게요" in said.quick_replies
    paused = chat.tap("나중에 할게요")
    assert paused.template == "dialog/paused"
    assert services.sessions.load(chat.user_id).dialog is None
    assert chat.say("잔액 알려줘").template != f"apply/ask_{step}"  # free text is free
    resumed = chat.tap("이어서 하기") if "이어서 하기" in chat.last.quick_replies else \
        chat.say("이어서 하기")
    assert resumed.templates[0] == f"apply/ask_{step}"
    assert chat.tap("네").templates[0] != f"apply/ask_{step}"


def test_yes_no_nonsense_reprompts(chat):
    fill(chat, upto="business_channel")
    assert chat.say("글쎄").templates[0] == "apply/invalid_yes_no"


def test_help_at_the_business_channel_step_is_the_how_to(chat):
    fill(chat, upto="business_channel")
    said = chat.tap("도움말")
    assert said.templates[0] == "apply/howto_business_channel"


# -- step 8: phone --------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["010-1234-5678", "01012345678", "010 1234 5678",
                                  "010.1234.5678", "+82 10-1234-5678", "+82-010-1234-5678",
                                  "(010) 1234-5678", "０１０-１２３４-５６７８"])
def test_phone_spellings(text):
    assert form.parse_phone(Turn(text)) == "01012345678"


def test_phone_is_masked_when_shown_again(chat):
    fill(chat, upto="privacy")
    said = chat.tap("이전")
    assert said.templates[0] == "apply/ask_phone"
    assert "010-****-1357" in said.text and "2468" not in said.text


# -- step 9: consent -----------------------------------------------------------------------
def test_privacy_consent_is_required(chat):
    said = fill(chat, upto="privacy")
    assert "보유 기간" in said.text and "이용 목적" in said.text
    said = chat.tap("동의하지 않아요")
    assert said.templates[0] == "apply/privacy_required"
    assert said.context_of("apply/privacy_required")["declined"] is True
    assert chat.say("흠").context_of("apply/privacy_required")["declined"] is False


@pytest.mark.parametrize("said, agreed", [("동의", True), ("동의합니다", True), ("네", True),
                                          ("동의 안 함", False), ("괜찮아요", False)])
def test_alerts_take_the_words_of_the_privacy_step_too(chat, said, agreed):
    fill(chat, upto="alerts")
    chat.say(said)
    assert chat.last.templates[0] == "apply/review"
    assert chat.say("제출").context["alerts"] is agreed


def test_alerts_answer_must_be_clear(chat):
    fill(chat, upto="alerts")
    assert chat.say("글쎄").templates[0] == "apply/invalid_alerts"


# -- navigation ----------------------------------------------------------------------------
def test_every_step_offers_back_cancel_and_help_where_useful(chat):
    said = start(chat)
    assert "취소" in said.quick_replies and "도움말" in said.quick_replies
    for name, text in HAPPY[:-1]:
        said = chat.say(text)
        assert {"이전", "취소"} <= set(said.quick_replies), (name, said.quick_replies)


def test_back_shows_the_previous_answer_and_keep_moves_on(chat):
    fill(chat, upto="revenue")
    said = chat.tap("이전")
    assert said.templates[0] == "apply/ask_representative"
    assert said.context_of("apply/ask_representative")["current"] == "홍길동"
    said = chat.tap("그대로 두기")
    assert said.templates[0] == "apply/ask_revenue"


def test_edit_from_the_review_returns_to_the_review(chat, store):
    fill(chat)
    said = press(chat, "상호 수정")
    assert said.templates[0] == "apply/ask_business_name"
    said = chat.say("단골국밥")
    assert said.templates[0] == "apply/review"
    assert "단골국밥" in said.text
    said = press(chat, "휴대폰 번호 수정")
    assert said.templates[0] == "apply/ask_phone"
    said = chat.say("010-9876-5432")
    assert said.templates[0] == "apply/review" and "010-****-5432" in said.text
    done = chat.tap("제출하기")
    app = store.get(done.context["receipt"])
    assert (app.business_name, app.phone) == ("단골국밥", "01098765432")


def test_editing_revenue_to_over_the_limit_ends_the_form(chat):
    fill(chat)
    press(chat, "연매출 수정")
    assert chat.tap("10억 원 초과").template == "apply/over_limit"


def test_cancel_asks_then_drops_the_draft(chat, services):
    fill(chat, upto="channel")
    assert chat.tap("취소").template == "dialog/confirm_cancel"
    assert chat.tap("네, 취소할게요").template == "dialog/cancelled"
    assert services.sessions.load_draft(chat.user_id, "apply") is None
    assert chat.say("지원금 신청", skill="apply").template == "apply/intro"


def test_restart_starts_over(chat):
    fill(chat, upto="channel")
    assert chat.say("처음부터").template == "dialog/confirm_restart"
    said = chat.say("네")
    assert said.templates[:2] == ["dialog/restarted", "apply/ask_bizno"]
    assert said.context_of("apply/ask_bizno")["current"] is None


def test_resume_after_the_idle_session_expired(chat, services, clock):
    fill(chat, upto="phone")
    services.sessions.clear(chat.user_id)  # 30 idle minutes passed
    clock[0] += 6 * 24 * 3600
    said = chat.say("지원금 신청", skill="apply")
    assert said.template == "dialog/resume_offer"
    assert said.context["answered"] == 7
    said = chat.tap("이어서 하기")
    assert said.templates[0] == "apply/ask_phone"


def test_unfinished_draft_is_kept_for_seven_days(chat, app, redis):
    fill(chat, upto="channel")
    key = app.extensions["bot"].services.keys.draft(chat.user_id, "apply")
    assert 6 * 24 * 3600 < redis.ttl(key) <= 7 * 24 * 3600


def test_three_misses_offer_an_operator(chat):
    start(chat)
    chat.say("123")
    assert "dialog/too_many_misses" not in chat.say("456").templates
    said = chat.say("789")
    assert "dialog/too_many_misses" in said.templates
    assert said.context_of("dialog/too_many_misses")["example"] == "000-00-00000 (숫자 10자리)"


def test_the_draft_is_said_to_be_kept_in_proper_korean(chat):
    fill(chat, upto="channel")
    assert "작성 중인 지원금 신청서는 저장해 두었어요" in chat.say("상담원 연결").text
    assert "작성 중이던 지원금 신청서는 저장해 두었어요" in chat.say("잔액", skill="wallet").text
    assert "작성 중인 지원금 신청서가 있어요" in chat.say("지원금 신청", skill="apply").text


def test_the_form_goes_by_the_name_operators_give_it(edited_settings):
    chat = edited_settings("apply_form_title: 지원금 신청서", "apply_form_title: 단골 지원 신청")
    fill(chat, upto="channel")
    assert "작성 중인 단골 지원 신청은 저장해 두었어요" in chat.say("상담원 연결").text
    assert "작성 중이던 단골 지원 신청은 저장해 두었어요" in chat.say("잔액", skill="wallet").text
    assert "작성 중인 단골 지원 신청이 있어요" in chat.say("지원금 신청", skill="apply").text
    assert chat.tap("이어서 하기").templates[0] == "apply/ask_channel"
    assert chat.tap("취소").text.startswith("단골 지원 신청 작성을 취소할까요?")
    assert chat.tap("네, 취소할게요").text.startswith("단골 지원 신청 작성을 취소했어요.")


def test_an_emptied_form_name_falls_back_to_a_plain_word(edited_settings):
    chat = edited_settings("apply_form_title: 지원금 신청서", 'apply_form_title: ""')
    fill(chat, upto="channel")
    assert "작성 중이던 신청서는 저장해 두었어요" in chat.say("잔액", skill="wallet").text
    assert "작성 중인 신청서가 있어요" in chat.say("지원금 신청", skill="apply").text


def test_a_question_mid_form_is_answered_then_the_step_repeats(chat, services):
    class Faq:
        def answer_mid_form(self, text, req, session, svc):
            return Reply.of("fallback/unknown") if "언제" in text else None

        def answer(self, text, req, session, svc):
            return None

    services.faq = Faq()
    fill(chat, upto="business_name")
    said = chat.say("지원금은 언제 들어와요?")
    assert said.templates[0] == "fallback/unknown"
    assert "apply/ask_business_name" in said.templates
    assert chat.say("단골분식").templates[0] == "apply/ask_representative"


# -- one application per business ------------------------------------------------------------
def test_the_same_user_is_shown_their_application(chat):
    fill(chat)
    receipt = chat.tap("제출하기").context["receipt"]
    said = chat.say("지원금 신청", skill="apply")
    assert said.template == "apply/has_application"
    assert said.context["receipt"] == receipt and said.context["status"] == "received"
    assert receipt in said.text and "한 번만" not in said.text  # no rule the sources lack


def test_another_user_learns_only_that_an_application_exists(chat, store):
    fill(chat)
    receipt = chat.tap("제출하기").context["receipt"]
    other = chat.as_user("u-other-0002")
    start(other)
    said = other.say("120-81-47521")
    assert said.templates[0] == "apply/already_applied"
    assert said.context_of("apply/already_applied") == {
        "mine": False, "receipt": None, "status": None, "step_label": "사업자등록번호",
        "example": "000-00-00000 (숫자 10자리)", "misses": 1}
    assert receipt not in said.text and "단골분식" not in said.text
    # Nothing tells a stranger that this business applied, or states a once-only rule.
    assert "이미" not in said.text and "한 번만" not in said.text
    assert "지원센터에서 확인" in said.text and "상담원 연결" in said.text
    assert other.say("지원금 신청", skill="apply").template != "apply/has_application"
    assert len(store.list()) == 1


def test_a_race_at_submit_gives_the_second_user_a_polite_refusal(chat, store):
    other = chat.as_user("u-other-0003")
    fill(chat)
    fill(other)  # both at the review with the same business number
    assert chat.tap("제출하기").template == "apply/submitted"
    said = other.tap("제출하기")
    assert said.template == "apply/duplicate"
    assert "단골분식" not in said.text
    assert "이미" not in said.text and "한 번만" not in said.text
    assert any(b["action"] == "operator" for b in said.buttons)
    assert len(store.list()) == 1


def _at_once(*taps):
    """Run the taps in parallel threads; return what each got (response bodies only:
    Chat's template capture listens to a shared signal, so it is not thread-safe)."""
    said = [None] * len(taps)

    def run(i):
        said[i] = taps[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(taps))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return said


def test_two_users_submitting_at_once_create_exactly_one(chat, store, services):
    users = [chat.as_user(f"u-race-{i}") for i in range(2)]
    for user in users:
        fill(user)
    said = _at_once(*(lambda u=u: u.tap("제출하기") for u in users))
    (app,) = store.list()
    winner = [u.user_id for u in users].index(app.user_id)
    loser = users[1 - winner].user_id
    assert app.receipt in said[winner].text and app.receipt not in said[1 - winner].text
    assert said[1 - winner].status == 200 and store.of_user(loser) == []
    assert services.sessions.load(loser).dialog is None  # told, and the form is over


def test_a_double_tapped_submit_files_once(chat, store):
    fill(chat)
    tap = lambda: chat.as_user(chat.user_id).say("제출", extra={"command": "submit"})  # noqa: E731
    said = _at_once(tap, tap)
    (app,) = store.list()
    assert store.of_user(chat.user_id) == [app]
    assert [app.receipt in s.text for s in said].count(True) == 1


# -- status ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["신청 현황", "진행상황 알려주세요", "접수번호 알려줘"])
def test_status_without_an_application_explains_how_to_apply(chat, text):
    said = chat.say(text)
    assert said.template == "apply/status_none"
    assert said.context == {"has_draft": False}
    assert "지원금 신청" in said.quick_replies


def test_status_mentions_an_unfinished_draft(chat, services):
    fill(chat, upto="phone")
    chat.say("안녕", skill="welcome")  # pauses the form
    said = chat.say("신청 현황", skill="apply-status")
    assert said.templates[0] == "apply/status_none" and said.context_of(
        "apply/status_none")["has_draft"] is True


def test_status_after_submitting(chat, clock):
    fill(chat)
    receipt = chat.tap("제출하기").context["receipt"]
    said = chat.say("신청 현황")
    assert said.template == "apply/status"
    assert said.context["receipt"] == receipt and said.context["status"] == "received"
    assert said.context["submitted_at"] == NOON_KST
    assert "확정된 안내가 없어요" in said.text  # the settings text, never an invented date
    assert re.search(r"120-81-\*{5}", said.text)


def test_typing_the_start_button_label_starts_the_form(chat):
    assert chat.say("지원금 신청", skill="apply").template == "apply/intro"
    said = chat.say("시작하기")  # typed, not tapped: no clientExtra
    assert said.template == "apply/ask_bizno", said.templates


# -- starting in the merchant's own words (issue #11) -------------------------------------
@pytest.mark.parametrize("word", ["시작", "할게요", "네", "신청할래요", "시작할게요", "좋아요",
                                  "넵", "지금 해볼게요", "새로 시작"])
def test_natural_words_at_the_intro_start_the_form(chat, services, word):
    assert chat.say("지원금 신청", skill="apply").template == "apply/intro"
    assert chat.say(word).template == "apply/ask_bizno", chat.last.templates
    assert chat.say("120-81-47521").template == "apply/ask_business_name"
    assert chat.say("단골분식").template == "apply/ask_representative"
    assert chat.say("홍길동").template == "apply/ask_revenue"
    assert services.faq.unanswered.top(10) == []


@pytest.mark.parametrize("word", ["나중에 할게요", "처음으로", "아니요"])
def test_declining_at_the_intro_does_not_start_the_form(chat, word):
    chat.say("지원금 신청", skill="apply")
    assert not chat.say(word).template.startswith("apply/ask")


def test_start_words_only_start_the_form_right_after_the_intro(chat, services):
    chat.say("지원금 신청", skill="apply")
    chat.say("잔액")  # the merchant moved on
    assert chat.say("시작").template == "welcome/greeting"


def test_the_intro_is_answered_only_for_a_while(chat, services):
    clock = freeze(chat.app)
    chat.say("지원금 신청", skill="apply")
    clock[0] += 3600  # an hour later "네" answers nothing we asked
    assert chat.say("네").template != "apply/ask_bizno"


@pytest.mark.parametrize("text", ["홍길동", "김 수지", "단골분식", "010-1234-5678", "1208147521",
                                  "120-81-47521", "@danggol", "3억", "남궁민수"])
def test_form_answers_are_never_logged_as_unanswered_questions(chat, services, text):
    chat.say(text)
    assert services.faq.unanswered.top(10) == []


def test_a_real_question_is_still_logged(chat, services):
    assert chat.say("주말에 비 온다던데 우산 챙겨야 하나요").template == "fallback/unknown"
    assert [q for q, _, _ in services.faq.unanswered.top(10)] == [
        "주말에 비 온다던데 우산 챙겨야 하나요"]


# -- answers in the merchant's own words (issue #11) -------------------------------------------
@pytest.mark.parametrize("text", ["했어요 방금", "네 맞아요", "응", "넵", "네네 했어요",
                                  "전환 완료했어요", "ㅇㅇ"])
def test_a_natural_yes_at_a_yes_no_step_is_taken(chat, text):
    fill(chat, upto="business_channel")
    assert chat.say(text).templates[0] == "apply/ask_bizwallet", chat.last.templates


@pytest.mark.parametrize("text", ["아니 됐어요", "아뇨", "안 했어요", "아직 못 했어요", "아직이요",
                                  "ㄴㄴ"])
def test_a_natural_no_at_a_yes_no_step_shows_how(chat, text):
    fill(chat, upto="bizwallet")
    said = chat.say(text)
    assert said.templates[:2] == ["apply/howto_bizwallet", "apply/ask_bizwallet"], said.templates


def test_natural_yes_and_no_at_the_consent_steps(chat, store):
    fill(chat, upto="privacy")
    assert chat.say("네 동의해요").templates[0] == "apply/ask_alerts"
    said = chat.say("아뇨 괜찮아요")
    assert said.templates[0] == "apply/review"
    assert said.context_of("apply/review")["answers"]["alerts"]["agreed"] is False


@pytest.mark.parametrize(("text", "step"), [
    ("상호 바꿀래요", "business_name"), ("가게 이름 잘못 썼어요", "business_name"),
    ("전화번호 변경할게요", "phone"), ("대표자명 고칠래요", "representative"),
    ("채널 아이디 바꿔주세요", "channel"),
])
def test_a_change_request_at_the_review_reopens_that_field(chat, store, text, step):
    fill(chat)
    said = chat.say(text)
    assert said.templates[0] == f"apply/ask_{step}", said.templates
    said = chat.say(dict(HAPPY)[step])
    assert said.templates[0] == "apply/review"


def test_yes_at_the_review_submits(chat, store):
    fill(chat)
    said = chat.say("네 맞아요")
    assert said.template == "apply/submitted"


def test_natural_confirmations_of_cancel(chat, services):
    fill(chat, upto="channel")
    chat.tap("취소")
    assert chat.say("아니 계속할래요").templates[0] == "apply/ask_channel"
    chat.tap("취소")
    assert chat.say("네 맞아요").template == "dialog/cancelled"


def test_continue_in_own_words_after_a_pause_and_after_a_cancel(chat, services):
    fill(chat, upto="channel")
    assert chat.say("나중에").template == "dialog/paused"
    assert chat.say("이어서 할래요").templates[0] == "apply/ask_channel"
    chat.tap("취소")
    chat.say("네")
    said = chat.say("이어서 할래요")  # nothing left to continue: said so, with the way back in
    assert said.template == "fallback/no_draft"
    assert "지원금 신청" in said.quick_replies


def test_continue_in_own_words_answers_the_resume_offer(chat, services):
    fill(chat, upto="phone")
    services.sessions.clear(chat.user_id)
    assert chat.say("지원금 신청", skill="apply").template == "dialog/resume_offer"
    assert chat.say("이어서 할래요").templates[0] == "apply/ask_phone"


@pytest.mark.parametrize("text", ["이거 꼭 써야돼요?", "이거 꼭 써야돼요", "상호가 뭔가요?",
                                  "안 써도 되나요"])
def test_a_question_at_a_free_text_step_is_helped_not_refused(chat, services, text):
    fill(chat, upto="business_name")
    said = chat.say(text)
    assert "apply/invalid_business_name" not in said.templates
    assert said.templates[-2:] == ["apply/ask_business_name", "dialog/nav"], said.templates
    assert said.templates[0] in ("apply/help_business_name",) or said.templates[0].startswith(
        "faq/")
    state = services.sessions.load(chat.user_id).dialog
    assert state["misses"] == 0 and "business_name" not in state["answers"]
    assert chat.say("단골분식").templates[0] == "apply/ask_representative"


def test_a_question_at_a_yes_no_step_is_helped_not_refused(chat):
    fill(chat, upto="bizwallet")
    said = chat.say("그게 뭔데요?")
    assert "apply/invalid_yes_no" not in said.templates
    assert said.templates[-2:] == ["apply/ask_bizwallet", "dialog/nav"]


def test_editing_the_shop_name_from_the_review_does_not_repeat_the_number_check(chat):
    said = fill(chat, upto="business_name")
    assert "법인사업자로 확인했어요" in said.text  # said once, right after the number
    fill_rest = [text for name, text in HAPPY if name != "bizno"]
    for text in fill_rest:
        said = chat.say(text)
    assert said.templates[0] == "apply/review"
    said = press(chat, "상호 수정")
    assert said.templates[0] == "apply/ask_business_name"
    assert "확인했어요" not in said.text and "지금 적힌 상호: 단골분식" in said.text


@pytest.mark.parametrize("steps", [("approve",), ("reject",), ("approve", "mark-paid")])
def test_the_status_card_shows_the_review_step_even_when_staff_skipped_it(chat, app, steps):
    fill(chat)
    receipt = chat.tap("제출하기").context["receipt"]
    runner = app.test_cli_runner()
    for step in steps:
        args = ["applications", step, receipt] + (["--reason", "확인 필요"] if step == "reject"
                                                  else [])
        assert runner.invoke(args=args).exit_code == 0
    card = chat.say("신청 현황").cards[0]["description"]
    assert "✔ 검토" in card and "○ 검토" not in card
