"""FAQ conversations about the program, applying, the business channel and the wallet, asked
in other words than the entries' examples (session 7 wording round)."""

from __future__ import annotations

import pytest


def test_free_cash_cannot_be_turned_into_money(chat):
    said = chat.say("무상캐시 돈으로 바꿀 수 있어요")
    assert said.templates[0] == "faq/cash_no_exchange"
    assert "환전할 수 없" in said.text


def test_the_tax_invoice_follows_what_was_spent(chat):
    said = chat.say("세금계산서는 충전액이 아니라 사용액 기준인가요")
    assert said.templates[0] == "faq/tax_invoice_when"
    assert "사용한 금액" in said.text


def test_a_switched_off_wallet_still_tops_up_but_sends_nothing(chat):
    said = chat.say("월렛을 사용중지로 해 두면 충전은 할 수 있어요?")
    assert said.templates[0] == "faq/wallet_states"
    assert "발송에는 쓸 수 없" in said.text


def test_the_former_name_of_the_program(chat):
    said = chat.say("프로젝트 단골 전에는 이름이 뭐였나요")
    assert said.templates[0] == "faq/program_history"
    assert "소신상인" in said.text


def test_how_many_shops_received_it(chat):
    said = chat.say("지금까지 혜택 받은 가게가 모두 몇 곳이에요")
    assert said.templates[0] == "faq/program_scale"
    assert "7만 4천" in said.text


@pytest.mark.parametrize("text", ["비즈니스 채널 인증하는데 서류를 더 내래요",
                                  "비즈니스 채널 심사에서 허가증 내라고 해요"])
def test_extra_documents_for_the_business_channel_are_trade_permits(chat, text):
    said = chat.say(text)
    assert said.templates[0] in ("faq/business_channel", "faq/business_channel_review")
    assert "인허가" in said.text


def test_what_to_prepare_names_trade_permits_too(chat):
    said = chat.say("신청 전에 준비해야 할 것 알려주세요")
    assert said.templates[0] == "faq/apply_prepare"
    assert "사업자등록증" in said.text and "인허가 서류" in said.text


def test_the_steps_asked_in_dialect(chat):
    said = chat.say("신청 우째 하는지 하나씩 갈쳐 주이소")
    assert said.templates[0] == "faq/apply_how"
    assert "비즈니스 채널" in said.text


def test_a_misspelt_business_channel_still_needs_the_business_channel(chat):
    said = chat.say("비즈니스채녈이 없으면 사업자 월렛 못 만들어요?")
    assert said.templates[0] == "faq/business_channel_what"
    assert "비즈니스 채널이 있어야" in said.text


def test_the_start_date_of_free_cash_cannot_be_moved(chat):
    said = chat.say("무상캐시 사용 시작한 날짜를 뒤로 미룰 수 있나요")
    assert said.templates[0] == "faq/use_button"
    assert "바꿀 수 없" in said.text


def test_steps_of_something_else_are_not_the_application_steps(chat):
    said = chat.say("휴대폰 바꾸는 거 처음부터 순서대로 알려주세요")
    assert "faq/apply_how" not in said.templates
