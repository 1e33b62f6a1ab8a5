"""Message arithmetic (program-facts §1.5) and reading friend counts from free text."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.wallet import pricing
from bot.wallet.pricing import GENERAL, TARGET


def test_the_programs_example_holds_exactly():
    # program-facts §1.5: 500 friends × 15원 × 1.1 = 8,250원 per broadcast
    assert pricing.send_cost(500, GENERAL) == 8_250
    assert pricing.send_cost(500, TARGET) == 11_000
    assert pricing.broadcasts_for(300_000, 500) == 36  # 36 × 8,250 = 297,000


@pytest.mark.parametrize("count, kind, cost", [
    (1, GENERAL, 17),   # 16.5원 rounds up
    (2, GENERAL, 33),   # 33.0원: no rounding needed, none applied
    (3, GENERAL, 50),   # 49.5원 rounds up once for the whole send, not 3 × 17
    (1, TARGET, 22),
    (267, GENERAL, 4_406),  # the research's "about 4,000원 per broadcast" audience
    (0, GENERAL, 0),
])
def test_cost_of_a_send_rounds_up_once(count, kind, cost):
    assert pricing.send_cost(count, kind) == cost


def test_what_300000_won_buys_matches_program_facts_table():
    assert pricing.messages_for(300_000, GENERAL) == 18_181
    assert pricing.messages_for(300_000, TARGET) == 13_636
    assert pricing.messages_for(0) == 0 and pricing.messages_for(-5) == 0


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([GENERAL, TARGET]))
def test_messages_for_is_the_largest_affordable_count(balance, kind):
    n = pricing.messages_for(balance, kind)
    assert pricing.send_cost(n, kind) <= balance < pricing.send_cost(n + 1, kind)


@given(st.integers(min_value=0, max_value=10**8), st.sampled_from([GENERAL, TARGET]))
def test_send_cost_is_the_exact_ceiling(count, kind):
    exact = Fraction(count * pricing.PRICES[kind]) * Fraction(11, 10)
    assert pricing.send_cost(count, kind) == math.ceil(exact)


def test_estimate_with_and_without_a_balance():
    known = pricing.estimate(1_200, 100_000, TARGET)
    assert (known.cost, known.broadcasts, known.price) == (26_400, 3, 20)
    assert pricing.estimate(1_200, None).broadcasts is None
    assert pricing.estimate(10, 0).broadcasts == 0


@pytest.mark.parametrize("text, count", [
    ("친구 500명에게 보내면?", 500),
    ("500명", 500),
    ("500명한테", 500),
    ("천 명", 1_000),
    ("1,200명", 1_200),
    ("1.2만 명", 12_000),
    ("1만 2천명", 12_000),
    ("2천5백명에게 보내면 얼마야", 2_500),
    ("삼백명", 300),
    ("친구천명", 1_000),  # the 구 of 친구 is not 9
    ("친구 천명이면", 1_000),
    ("친구가 1200인데 얼마 들어?", 1_200),
    ("500 명 에게", 500),
    ("５００명", 500),  # full-width digits
])
def test_friend_count_reads_counts(text, count):
    assert pricing.friend_count(text) == count


@pytest.mark.parametrize("text", [
    "30만원 남았어요", "1208147521", "사업자 120-81-47521 잔액", "직원 5명인데 잔액 얼마",
    "5명이서 운영해요", "월렛 잔액", "100000000명", "0명", "1.5명",
])
def test_friend_count_ignores_what_is_no_friend_count(text):
    assert pricing.friend_count(text) is None


@pytest.mark.parametrize("text, count", [
    ("500", 500), ("1,200", 1_200), ("천", 1_000), ("약 500명 정도요", 500), ("500이요", 500),
    (" 500! ", 500), ("오백", 500),
])
def test_a_bare_number_counts_only_when_asked(text, count):
    assert pricing.friend_count(text, bare=True) == count
    if "명" not in text:
        assert pricing.friend_count(text) is None


@pytest.mark.parametrize("text", ["음 글쎄", "", "1208147521", "010-1234-5678"])
def test_bare_answers_that_are_no_count(text):
    assert pricing.friend_count(text, bare=True) is None


@pytest.mark.parametrize("text, amount", [
    ("30만원이면 몇 번", 300_000), ("친구300명타겟으로30만원이면몇번", 300_000),
    ("십만 원으로요", 100_000), ("만오천원 충전하면", 15_000), ("300,000원", 300_000),
])
def test_budget_reads_the_amount_to_spend(text, amount):
    assert pricing.budget(text) == amount


@pytest.mark.parametrize("text", [
    "지원금 얼마 줘요", "건당 15원이에요?", "작년 매출 9억원인데", "친구 500명", "회원 모집",
])
def test_budget_ignores_what_is_no_budget(text):
    assert pricing.budget(text) is None
