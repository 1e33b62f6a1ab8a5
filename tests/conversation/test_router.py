"""The fallback's keyword router and the main menu working through it."""

from __future__ import annotations

import pytest

import skills  # noqa: F401  (the router reads the vocabulary each skill declares)
from bot.conversation import router
from bot.conversation.registry import VOCABULARIES


@pytest.mark.parametrize("text, target", [
    ("처음으로", "welcome"), ("메뉴", "welcome"), ("안녕하세요!", "welcome"), ("안녕", "welcome"),
    ("안녕하세요 잔액 알려주세요", "wallet"),
    ("상담원 연결", "operator"), ("사람이랑 얘기하고 싶어요", "operator"),
    ("신청 현황", "apply-status"), ("심사결과 나왔어요?", "apply-status"),
    ("월렛 잔액", "wallet"), ("캐시 얼마 남았어", "wallet"), ("잔액 알려줘", "wallet"),
    ("지원사업 공고", "notices"), ("대출 지원 보여줘", "notices"), ("공고", "notices"),
    ("알림 설정", "notices"), ("계산기", "wallet"),
    ("알림 꺼줘", "notices"), ("알림 그만 받을래요", "notices"), ("알림 신청할게요", "notices"),
    ("자주 묻는 질문", "faq"), ("대출 지원 있어?", "notices"),
    ("지원금 신청", "apply"), ("시작하기", "apply"), ("시작", "welcome"), ("신청", "apply"),
    ("지원금 받고 싶어요", "apply"),
    ("이어서 하기", router.RESUME),
    ("오늘 날씨 어때", None), ("", None), ("월렛이 뭐예요", None),
    # Questions about a skill reach the FAQ (which offers the skill as a chip), not the skill.
    ("지원금 받을 수 있나요", None), ("잔액 어디서 확인해요", None),
    ("충전한 캐시 돌려받고 싶어요", None), ("수신거부한 손님한테 실수로 보냈어요", None),
    ("지원금 받았다는데 잔액이 0원이에요", None),
])
def test_route(text, target):
    assert router.route(text) == target


@pytest.mark.parametrize("text, target", [
    # Questions that only name a skill's subject: the FAQ first, that skill when it is unsure.
    ("지원금 언제 들어와요?", "apply-status"),
    ("지원사업 공고는 어떤 분야로 나눠져 있어요?", "notices"),
    ("친구가 800명이에요. 한 번 보내는 데 얼마고, 30만원이면 몇 번 보낼 수 있어요?", "wallet"),
    ("카카오 채널에서는 수신거부를 어떤 식으로 하게 돼 있어요?", "notices"),
    # A question asked as a request to be told ("…는지 알려주세요") is still a question.
    ("캐시 언제 들어오는지 좀 알려주세요", "apply-status"),
    ("단골 손님 700명한테 보내면 발송 비용이 얼마인지 알려줘요", "wallet"),
    # Naming nothing, or asked *about*: the FAQ alone (it offers the skill as a chip).
    ("오늘 날씨 어때", None), ("잔액 어디서 확인해요", None),
    # Customers opting out of the merchant's ads: the ad rules, not the merchant's alerts.
    ("손님이 수신거부하면 저한테 돈 나가요?", None),
])
def test_a_question_naming_a_skill_goes_to_the_faq_first(text, target):
    assert router.route(text) is None
    assert router.named(text) == target


@pytest.mark.parametrize("text", [
    "제가 작년에 충전한 캐시가 있는데 이번에 승인됐다는 안내를 받고 들어가 보니 잔액이 그대로예요 "
    "이게 맞는 건지 궁금합니다",
    "우리 가게 친구가 한 270명 되는디 30만원이믄 몇 번이나 보낼랑가 대충 알려주쇼",
    # what is left of a budget the message names, not the wallet's balance
    "친구 900명이요. 20만원이면 몇 번 보내고 얼마 남아요?",
])
def test_a_long_message_or_a_question_is_no_command(text):
    assert router.route(text) is None


@pytest.mark.parametrize("text, target", [("잔액 알려줘", "wallet"), ("공고 보여줘", "notices"),
                                          ("캐시 얼마 남았어요?", "wallet"),
                                          ("500명에게 보내면 얼마예요?", "wallet")])
def test_a_command_or_a_request_is_routed_and_names_nothing_more(text, target):
    assert router.route(text) == target and router.named(text) is None


def test_the_router_vocabulary_is_what_each_skill_declares():
    """Every declared phrase, typed alone, reaches its skill (directly or after the FAQ)."""
    assert {"welcome", "operator", "apply", "apply-status", "wallet", "notices", "faq"} <= set(
        VOCABULARIES)
    for name, vocab in VOCABULARIES.items():
        for phrase in (*vocab.requests, *vocab.topics, *vocab.exact):
            assert name in (router.route(phrase), router.named(phrase)), (name, phrase)


def test_every_main_menu_button_reaches_a_skill_or_a_ready_notice(chat):
    menu = chat.say("안녕", skill="welcome")
    assert menu.quick_replies == ["자주 묻는 질문", "지원금 신청", "신청 현황", "월렛 잔액",
                                  "지원사업 공고", "상담원 연결"]
    for label in menu.quick_replies:
        chat.last = menu
        said = chat.tap(label)
        assert said.template not in ("fallback/unknown", "common/error"), label


def test_operator_gets_the_operator_button(chat):
    said = chat.say("상담원 연결")
    assert said.template == "operator/connect"
    assert any(b["action"] == "operator" for b in said.buttons)


def test_unknown_text_is_honest_and_offers_the_menu(chat):
    said = chat.say("오늘 날씨 어때")
    assert said.template == "fallback/unknown"
    assert "상담원 연결" in said.quick_replies


@pytest.mark.parametrize("text", ["고마워요", "감사합니다!", "정말 감사합니다 ^^", "알겠습니다",
                                  "ㅇㅋ"])
def test_thanks_get_a_kind_word_and_the_menu(chat, text):
    said = chat.say(text)
    assert said.template == "fallback/thanks"
    assert "지원금 신청" in said.quick_replies


def test_thanks_with_a_request_is_the_request(chat):
    assert chat.say("감사합니다 잔액도 알려주세요").template.startswith("wallet/")
    assert chat.say("네").template != "fallback/thanks"  # a bare yes says nothing by itself


def test_a_question_waiting_for_its_answer_hears_the_thanks_first(chat):
    chat.say("발송 비용 계산")
    said = chat.say("감사합니다")  # the calculator asked for a number: it explains again
    assert said.template == "wallet/friends_invalid"


def test_a_business_number_typed_alone_points_to_apply_and_status(chat):
    said = chat.say("120-81-47521")
    assert said.template == "fallback/bizno_typed" and said.context["valid"] is True
    assert "120-81-*****" in said.text and "47521" not in said.text
    assert said.quick_replies[:2] == ["지원금 신청", "신청 현황"]
    assert chat.say("1234567890").context["valid"] is False  # checksum: a digit is wrong
    assert chat.say("02-1234-5678").template == "fallback/unknown"  # a phone number


def test_alert_settings_and_the_calculator_reach_their_skills(chat):
    assert chat.say("알림 설정").template.startswith("notices/")
    assert chat.say("계산기").template == "wallet/ask_friends"


def test_a_question_on_a_skill_subject_gets_the_faq_answer(chat):
    said = chat.say("지원금 언제 들어와요?")
    assert said.template == "faq/credit_date"
    assert "신청 현황" in said.quick_replies  # the status is one tap away


def test_a_question_the_faq_is_unsure_of_goes_to_the_skill_it_names(chat):
    said = chat.say("요즘 정책자금 공고는 어때요?")
    assert said.template.startswith("notices/"), said.templates
    assert "정책자금" in said.text


def test_a_when_question_worded_as_a_request_gets_the_faq_answer(chat):
    said = chat.say("캐시 언제 들어오는지 좀 알려주세요")
    assert said.template == "faq/credit_date", said.templates


def test_a_short_calculator_question_still_prices_at_once(chat):
    said = chat.say("500명에게 보내면 얼마예요?")
    assert said.template == "wallet/estimate"
