"""사업자등록번호 checksum and kinds, exactly as program-facts §2."""

from __future__ import annotations

import pytest

from bot.merchants import bizno


@pytest.mark.parametrize("text", ["1208147521", "120-81-47521", "120 81 47521", " 120.81.47521 ",
                                  "１２０－８１－４７５２１", "１２０８１４７５２１"])
def test_accepts_common_spellings(text):
    parsed = bizno.parse(text)
    assert parsed and parsed.digits == "1208147521" and parsed.formatted == "120-81-47521"


def test_carry_term_matters():
    assert bizno.parse("124-81-00998") is not None  # valid only with floor(d9*5/10)
    assert bizno.check_digit("124810099") == 8


@pytest.mark.parametrize("text", ["123-45-67890", "120-81-47522", "12081475", "abc", "",
                                  "1208147521 1", "120-81-4752a"])
def test_rejects_bad_numbers(text):
    assert bizno.parse(text) is None


@pytest.mark.parametrize("code, kind, corp", [
    (1, "individual", False), (79, "individual", False), (80, "group", False),
    (81, "corporation", True), (82, "nonprofit", True), (83, "government", True),
    (84, "foreign", True), (85, "corporation", True), (89, "religious", False),
    (90, "individual", False), (99, "individual", False)])
def test_kind_from_middle_digits(code, kind, corp):
    body = f"123{code:02d}4567"
    digits = body + str(bizno.check_digit(body))
    parsed = bizno.parse(digits)
    assert parsed.kind == kind and parsed.is_corporation is corp


def test_a_corporate_registration_number_check_digit_follows_the_sources_examples():
    # program-facts §2.3: plain products with weights 1,2,1,2…, not Luhn's digit sums
    assert bizno.corporate_check_digit("110111112949") == 7
    assert bizno.corporate_check_digit("130111000624") == 6
