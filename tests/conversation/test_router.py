"""The fallback's keyword router and the main menu working through it."""

from __future__ import annotations

import pytest

from bot.conversation import router


@pytest.mark.parametrize("text, target", [
    ("처음으로", "welcome"), ("메뉴", "welcome"), ("안녕하세요!", "welcome"), ("안녕", "welcome"),
    ("안녕하세요 잔액 알려주세요", "wallet"),
    ("상담원 연결", "operator"), ("사람이랑 얘기하고 싶어요", "operator"),
    ("신청 현황", "apply-status"), ("지원금 언제 들어와요?", "apply-status"),
    ("월렛 잔액", "wallet"), ("캐시 얼마 남았어", "wallet"), ("잔액 알려줘", "wallet"),
    ("지원사업 공고", "notices"), ("대출 지원 있어?", "notices"), ("공고", "notices"),
    ("알림 꺼줘", "notices"), ("알림 그만 받을래요", "notices"), ("알림 신청할게요", "notices"),
    ("자주 묻는 질문", "faq"),
    ("지원금 신청", "apply"), ("시작하기", "apply"), ("시작", "welcome"), ("신청", "apply"), ("지원금 받고 싶어요", "apply"),
    ("이어서 하기", router.RESUME),
    ("오늘 날씨 어때", None), ("", None), ("월렛이 뭐예요", None),
    # Questions about a skill reach the FAQ (which offers the skill as a chip), not the skill.
    ("지원금 받을 수 있나요", None), ("잔액 어디서 확인해요", None),
    ("충전한 캐시 돌려받고 싶어요", None), ("수신거부한 손님한테 실수로 보냈어요", None),
    ("지원금 받았다는데 잔액이 0원이에요", None),
])
def test_route(text, target):
    assert router.route(text) == target


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


@pytest.mark.parametrize("text", ["고마워요", "감사합니다!", "정말 감사합니다 ^^", "알겠습니다", "ㅇㅋ"])
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
