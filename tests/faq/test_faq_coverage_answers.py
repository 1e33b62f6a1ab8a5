"""FAQ conversations about the 사업자등록번호 (§2) and the government support notices the
channel relays (§3), asked from a merchant's side."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", ["내 사업자 번호는 어디 가면 볼 수 있어요", "사업자등록번호 몇자리예요"])
def test_where_to_find_the_business_number(chat, text):
    said = chat.say(text)
    assert said.templates[0] == "faq/bizno_format"
    assert "사업자등록증" in said.text and "10자리" in said.text


def test_the_middle_digits_tell_individual_from_corporate(chat):
    said = chat.say("사업자번호 가운데 숫자 보면 법인인지 개인인지 나와요?")
    assert said.templates[0] == "faq/bizno_digits"
    assert "01~79는 개인 과세사업자" in said.text and "영리법인 본점" in said.text


def test_a_corporate_registration_number_is_not_the_business_number(chat):
    said = chat.say("법인등록번호 13자리 넣어도 돼요?")
    assert said.templates[0] == "faq/bizno_corporate_number"
    assert "사업자등록번호 10자리" in said.text


def test_a_rejected_number_is_explained_and_offers_the_operator(chat):
    said = chat.say("사업자번호 분명 맞게 썼는데 틀렸다고 떠요")
    assert said.templates[0] == "faq/bizno_rejected"
    assert "검증번호" in said.text
    assert any(b.get("action") == "operator" for b in said.buttons)


def test_where_the_notices_come_from_offers_the_notices_skill(chat):
    said = chat.say("지원사업 공고들은 어디서 가져오는 거예요?")
    assert said.templates[0] == "faq/notice_sources"
    assert "기업마당" in said.text
    assert "지원사업 공고" in said.quick_replies


def test_applying_for_a_government_program_happens_elsewhere(chat):
    said = chat.say("공고 본 정부 지원은 어디서 신청하나요")
    assert said.templates[0] == "faq/notice_apply_where"
    assert "소상공인24" in said.text and "신청은 받지 않아요" in said.text
