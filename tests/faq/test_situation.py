"""The merchant's situation read out of a question, and the program rules applied to it."""

from __future__ import annotations

import pytest

from bot.faq import situation
from bot.faq.situation import judge, read


@pytest.mark.parametrize("text, value", [
    ("9억 8천", 980_000_000), ("11억", 1_100_000_000), ("1,200", 1200), ("1.2만", 12_000),
    ("오만", 50_000), ("삼십만", 300_000), ("1만 2천", 12_000), ("10억", 1_000_000_000),
    ("9억 5000", 950_000_000), ("천", 1000), ("이거", None), ("", None),
])
def test_numbers_as_people_say_them(text, value):
    assert situation.number(text) == value


@pytest.mark.parametrize("text, revenue, ok", [
    ("작년 매출 9억 8천인데 돼요?", 980_000_000, True),
    ("매출 11억 좀 넘는데", 1_100_000_000, False),
    ("연매출 10억 조금 넘어요", 1_000_000_000, False),  # at the line and over it
    ("연매출 10억이에요", 1_000_000_000, True),  # 이하 includes 10억
    ("매출 1,200,000,000원", 1_200_000_000, False),
    ("매출 7억 정도예요", 700_000_000, True),
    ("1년 매출 8000만원 벌어요", 80_000_000, True),
])
def test_revenue_and_its_verdict(text, revenue, ok):
    found = read(text)
    assert found.revenue is not None and found.revenue.value == revenue
    assert judge(found).revenue_ok is ok


@pytest.mark.parametrize("text, money, general, target", [
    ("오만원 충전하면 몇 건이에요", 50_000, 3030, 2272),
    ("5만원 충전하면 몇 건", 50_000, 3030, 2272),
    ("30만원이면 몇 건 보내요", 300_000, 18_181, 13_636),  # program-facts §1.5's table
])
def test_a_budget_becomes_a_message_count(text, money, general, target):
    verdicts = judge(read(text))
    assert (verdicts.money, verdicts.messages_general, verdicts.messages_target) == (
        money, general, target)


@pytest.mark.parametrize("text", ["1원 밑으로 소수점 나오면 어떻게 계산해요",
                                  "15원짜리 메시지 맞죠?", "한 건에 22원이면 몇 명까지 돼요"])
def test_a_price_or_a_rounding_is_no_budget(text):
    verdicts = judge(read(text))
    assert verdicts.money is None and verdicts.messages_general is None


def test_the_grant_is_worded_as_program_facts_suggests():
    context = judge(read("30만원이면 몇 건이에요")).context()
    assert context["messages_range"] == "약 1만 3천~1만 8천 건"


@pytest.mark.parametrize("text, friends, general, target", [
    ("친구 450명한테 보내면 얼마", 450, 7425, 9900),
    ("500명에게 보내면요", 500, 8250, 11_000),  # §1.5: 500 × 15원 × 1.1 = 8,250원
    ("친구 천명", 1000, 16_500, 22_000),
])
def test_a_friend_count_becomes_the_cost_of_one_send(text, friends, general, target):
    verdicts = judge(read(text))
    assert (verdicts.friends, verdicts.cost_general, verdicts.cost_target) == (
        friends, general, target)


def test_money_and_friends_give_the_number_of_sends():
    assert judge(read("30만원으로 친구 300명한테 몇 번 보내요")).broadcasts == 60


@pytest.mark.parametrize("text, clock, window", [
    ("밤 11시에 할인 문자 보내도 돼요?", "23:00", "night"),
    ("오후 9시 반에 예약", "21:30", "night"),
    ("21:30에 보내면", "21:30", "night"),
    ("저녁 8시 50분", "20:50", "kakao_night"),  # Kakao blocks from 20:50, the law from 21:00
    ("저녁 8시 55분", "20:55", "kakao_night"),
    ("저녁 8시 40분", "20:40", "day"),
    ("오후 3시", "15:00", "day"),
    ("새벽 2시", "02:00", "night"),
    ("아침 7시에 오늘의 메뉴", "07:00", "night"),
    ("아침 8시", "08:00", "day"),
    ("밤 열시에", "22:00", "night"),
    ("밤 12시", "00:00", "night"),
])
def test_send_times_against_the_night_windows(text, clock, window):
    verdicts = judge(read(text))
    assert (verdicts.clock, verdicts.window) == (clock, window)


def test_a_time_without_morning_or_evening_gets_no_verdict():
    verdicts = judge(read("9시에 보내도 돼요?"))
    assert verdicts.clock_text == "9시" and verdicts.window is None


@pytest.mark.parametrize("text, months, ok", [
    ("개업 두 달 됐어요", 2, True),
    ("가게 오픈한 지 3개월", 3, True),
    ("창업한 지 반년", 6, True),
    ("개업한 지 일주일 됐어요", 0, True),
    ("장사한 지 1년 됐어요", 12, None),  # over 6 months: the revenue rule decides, no verdict
    ("사업자 등록한 지 3개월", 3, True),
    ("두 달 된 카페예요", 2, True),
    ("개업 하루 만에 신청해도 돼요?", 0, True),
    ("사업자 낸 지 닷새 됐는데요", 0, True),  # native day counts: 나흘, 닷새, 열흘 …
    ("가게 문 연 지 열흘밖에 안 됐어요", 0, True),
    # A time since something else is no age of the business.
    ("신청한 지 일주일 됐는데", None, None),
    ("신청한 지 하루 만에 승인 나요?", None, None),
    ("충전한 지 두 달 됐어요", None, None),
    ("개업하고 채널 만든 지 한 달 됐어요", None, None),
])
def test_months_since_opening(text, months, ok):
    verdicts = judge(read(text))
    assert (verdicts.months_open, verdicts.new_business_ok) == (months, ok)


@pytest.mark.parametrize("text, kind, ok", [
    ("간이과세자예요", "간이과세자", True), ("간이사업자도 돼요?", "간이과세자", True),
    ("법인인데 돼요", "법인", True), ("주식회사도 되나요", "법인", True),
    ("면세사업자예요", "면세사업자", True), ("개인사업자입니다", "개인", True),
    ("비영리 단체도 되나요", "비영리", None),  # the sources do not say: no verdict
    ("프리랜서인데요", "프리랜서", None),
])
def test_business_types(text, kind, ok):
    verdicts = judge(read(text))
    assert (verdicts.business, verdicts.business_ok) == (kind, ok)


@pytest.mark.parametrize("text", [
    "이거 뭐예요", "천천히 알려주세요", "오늘 이거 사용하기 눌러요", "백화점 매장도 돼요",
    "신청 어떻게 해요", "",
])
def test_plain_questions_carry_no_situation(text):
    assert judge(read(text)).signals == ()


def test_other_values_are_read_too():
    found = read("가게가 두 개인데 3월 15일에 신청했어요 1000건")
    assert found.stores == 2 and found.date == (None, 3, 15) and found.messages == 1000


@pytest.mark.parametrize("value, text", [
    (980_000_000, "9억 8천만 원"), (1_100_000_000, "11억 원"), (50_000, "5만 원"),
    (8250, "8,250원"), (1_234_560_000, "12억 3,456만 원"),
])
def test_amounts_are_worded_as_people_say_them(value, text):
    assert situation.won(value) == text


def test_several_counts_each_with_its_kind():
    s = situation.read("친구 1,500명 전체한테 일반으로 보내는 거랑 "
                       "그중 750명만 골라서 타겟으로 보내는 거")
    assert s.sends == ((1500, "general"), (750, "target"))
    v = situation.judge(s)
    assert v.sends_total == 24_750 + 16_500 and v.sends_difference is None
    assert situation.judge(situation.read("200명 일반이랑 100명 타겟 차이")).sends_difference == (
        3_300 - 2_200)


def test_a_budget_with_a_friend_count_gives_sends_and_what_is_left():
    v = situation.judge(situation.read("친구 2,480명이에요. 30만원으로 몇 번 보내요?"))
    assert (v.broadcast_cost, v.broadcasts, v.money_left) == (40_920, 7, 300_000 - 7 * 40_920)
    assert v.signals[0] == "budget" and v.asks_cost


@pytest.mark.parametrize("text, per_month, per_week, months", [
    ("한 달에 두 번씩 보내려고", 2, None, None), ("매달 세 번씩 일 년 동안", 3, None, 12),
    ("일주일에 2번", None, 2, None), ("한 달에 4번씩 석 달 동안", 4, None, 3),
    ("한 번 보내면", None, None, None),
])
def test_how_often_and_how_long(text, per_month, per_week, months):
    s = situation.read(f"친구 100명 {text}")
    assert (s.per_month, s.per_week, s.for_months) == (per_month, per_week, months)
    v = situation.judge(s)
    assert v.month_cost == (1_650 * per_month if per_month else None)
    assert v.period_cost == (1_650 * per_month * months if per_month and months else None)


@pytest.mark.parametrize("text, masked, valid, code, kind", [
    ("사업자번호 120-81-47521 맞는 번호예요?", "120-81-*****", True, "81", "corporation_hq"),
    ("1234567890 이거 틀린 번호예요?", "123-45-*****", False, "45", "individual_taxable"),
    ("학원인데 사업자번호 가운데가 91이에요", None, None, "91", "individual_exempt"),
    ("사업자 번호 가운데 숫자가 90번대면 뭐여?", None, None, "90", "individual_exempt"),
    ("중간에 83 들어간 사업자번호는 뭐예요?", None, None, "83", "government"),
    ("사업자번호 가운데가 00이면요?", None, None, "00", None),  # §2.1 names no class
    ("전화 010-1234-5678로 주세요", None, None, None, None),
])
def test_a_business_number_is_checked_and_its_middle_digits_read(text, masked, valid, code, kind):
    v = judge(read(text))
    assert (v.bizno_masked, v.bizno_valid, v.bizno_code, v.bizno_class) == (masked, valid, code,
                                                                            kind)
    assert ("bizno" in v.signals) == (code is not None)


def test_a_business_number_is_no_revenue():
    assert judge(read("사업자등록번호 1208147521 맞아요?")).revenue_ok is None


@pytest.mark.parametrize("text, revenue", [
    ("연매출 기준 10억은 뭘로 확인해요?", None),  # the line quoted, not the merchant's case
    ("10억 기준은 작년 매출이에요?", None),
    ("가게가 둘인데 한 곳은 4억 다른 곳은 8억이에요", None),  # which one counts: not sourced
    ("매출 12억인데 10억 넘으면 안 되는 거예요?", 1_200_000_000),  # the line named beside it
    ("연매출이 딱 10억이에요", 1_000_000_000),
])
def test_only_the_merchants_own_single_revenue_gets_a_verdict(text, revenue):
    found = read(text)
    assert (found.revenue.value if found.revenue else None) == revenue
    assert (judge(found).revenue_ok is None) is (revenue is None)


@pytest.mark.parametrize(("text", "months", "within"), [
    ("4개월 전에 케이크 주문했던 손님한테 광고 보내도 돼요?", 4, True),
    ("일 년 전에 꽃 사 간 손님한테도 동의 없이 광고해도 돼요?", 12, False),
    ("두 달 전에 다녀간 손님한테 홍보 문자", 2, True),
])
def test_months_since_a_purchase_in_an_ad_question(text, months, within):
    verdicts = judge(read(text))
    assert (verdicts.purchase_months, verdicts.purchase_within) == (months, within)


@pytest.mark.parametrize("text", [
    "4개월 전에 주문했는데 캐시가 안 들어왔어요",  # no ad asked about
    "개업 4개월 됐는데 광고 보내도 돼요?",  # the business's age, not a purchase
    "채널 만든 지 두 달 됐는데 광고 동의 받아야 돼요?",
])
def test_other_durations_are_no_purchase(text):
    assert judge(read(text)).purchase_months is None


@pytest.mark.parametrize("text, asks", [
    ("지원금은 얼마나 주는 거예요?", False),  # the size of the grant: the amount entry
    ("이거 을매 받을 수 있는데예", False),
    ("30만원이면 메시지 몇 건 보내요?", True),
    ("친구 300명한테 한 번 보내면 얼마 들어요?", True),
    ("지원금 얼마 들어와요? 친구 200명이면 비용은요?", True),  # the price asked too
])
def test_the_grant_asked_is_no_price_asked(text, asks):
    assert judge(read(text)).asks_cost is asks


@pytest.mark.parametrize("text, received", [
    ("재작년에 한 번 지원받았는데 올해도 신청되나요?", True),
    ("예전 가게로 받은 적이 있는데 이번에도 가능해요?", True),
    ("지난해에 받았었는데", True),
    # a story clause: it goes with the question after it
    ("소신상인 때 한 번 타 봤는데 또 돼요?", True),
    ("이미 받았는데 잔액이 안 보여요", False),  # received, but nothing asked about again
    ("작년에 손님한테 광고 동의 받았는데 또 보내도 돼요?", False),  # a consent, not the grant
    ("이미 승인 받았는데 언제 들어와요?", False),
    ("한 번 받으면 끝인가요?", False),
])
def test_the_grant_received_before_is_read_without_a_verdict(text, received):
    verdicts = judge(read(text))
    assert verdicts.received_before is received
    assert ("received" in verdicts.signals) is received


@pytest.mark.parametrize("text, span, due", [
    ("2021년 3월에 수신 동의 받은 손님한테 2024년 5월에 보내도 돼요?", "3년 2개월", True),
    ("4년 전에 받은 광고 동의 아직 써도 되나요", "4년", True),
    ("광고 동의 받은 지 8개월 됐어요", "8개월", False),
    ("2년 전에 동의 받은 손님", "2년", True),  # 2년마다: at two years it is due
    ("6개월 전에 케이크 주문한 손님한테 광고해도 돼요?", None, None),  # a purchase, not a consent
    ("2020년에 개업했고 2023년 6월에 동의 받았어요", None, None),  # the first date is no consent
])
def test_the_age_of_an_ad_consent_against_the_two_year_reconfirmation(text, span, due):
    verdicts = judge(read(text))
    assert (verdicts.consent_span, verdicts.reconsent_due) == (span, due)


# -- a month's revenue: §1.2's rule is on the year's, so the month is judged × 12 -----------
@pytest.mark.parametrize("text, month, year, ok", [
    ("우리 가게 한 달 매출이 7,900만원쯤 돼요", 79_000_000, 948_000_000, True),
    ("월 2억씩 매출 찍는 마트예요", 200_000_000, 2_400_000_000, False),
    ("월매출 칠천이면요?", 70_000_000, 840_000_000, True),  # a bare 천 is 천만 in a month's takings
    ("매달 구천이백씩 꾸준히 들어오는 식당", 92_000_000, 1_104_000_000, False),
    ("한 달에 많이 벌면 오천만 원이에요", 50_000_000, 600_000_000, True),
])
def test_a_months_revenue_is_judged_as_twelve_months(text, month, year, ok):
    found = read(text)
    assert found.revenue_monthly == month and found.revenue.value == year
    verdicts = judge(found)
    assert verdicts.revenue_ok is ok and situation.topic_hint(verdicts) == situation.REVENUE_TOPIC


@pytest.mark.parametrize("text", [
    "한 달에 세 번 보내면 얼마예요",  # a count of sends, not money
    "매달 캐시 5만원씩 충전하면 몇 건이에요",  # a top-up
    "3월 매출 자료로 증빙해도 돼요",  # a date's month, no amount
    "월 8천 넘게 나오는데 돼요?",  # over 9억 6천 a year: either side of the line
    "월렛에 1억 넣을 수 있어요?",
])
def test_no_months_revenue_where_there_is_none(text):
    assert read(text).revenue_monthly is None


# -- friend counts as they are said ------------------------------------------------------
@pytest.mark.parametrize("text, friends", [
    ("친구가 삼천인디 한 번 쏘면 얼마여", 3000),
    ("친구 수가 천이백인데 보내면 얼마 나와요", 1200),
    ("친구 두 명한테 시험으로 보내면 얼마예요", 2),
    ("딱 한 명한테 먼저 보내 보면 비용이요?", 1),
])
def test_friend_counts_without_digits_or_without_myeong(text, friends):
    assert judge(read(text)).friends == friends


@pytest.mark.parametrize("text", ["친구 이벤트 하려면 뭐가 필요해요", "친구가 한 명도 없어요"])
def test_no_friend_count_where_there_is_none(text):
    assert judge(read(text)).friends is None


# -- the grant as a budget: with VAT and without (미확인, §1.5: give both) ------------------
def test_the_grant_named_with_a_friend_count_counts_sends_both_ways():
    verdicts = judge(read("채널 친구는 1,500명인데 지원금으로 전체 메시지 몇 회 보내요"))
    assert verdicts.grant_budget and verdicts.money == 300_000
    assert (verdicts.broadcast_cost, verdicts.broadcasts) == (24_750, 12)
    assert (verdicts.broadcast_cost_novat, verdicts.broadcasts_novat) == (22_500, 13)


def test_the_grant_alone_counts_messages_both_ways():
    verdicts = judge(read("받은 무상캐시 30만 원 다 쓰면 몇 건이에요"))
    assert (verdicts.messages_general, verdicts.messages_target) == (18_181, 13_636)
    assert (verdicts.messages_general_novat, verdicts.messages_target_novat) == (20_000, 15_000)


def test_a_paid_top_up_is_no_grant():
    verdicts = judge(read("30만원 충전하면 친구 500명한테 몇 번 보내요"))
    assert not verdicts.grant_budget and verdicts.broadcasts_novat is None


# -- numbers to check ----------------------------------------------------------------------
def test_a_business_number_asked_about_is_no_business_type_told():
    verdicts = judge(read("214-86-11112 이 번호 개인사업자 거 맞아요?"))
    assert verdicts.business is None and "bizno" in verdicts.signals


@pytest.mark.parametrize("text, valid", [
    ("우리 법인 등록번호 175811-0045677 맞아요?", True),
    ("법인 번호 2846110123459 확인 부탁해요", True),
    ("법인등록번호가 284611-0123451 인데 틀린 건지요", False),
])
def test_a_corporate_registration_number_is_checked(text, valid):
    verdicts = judge(read(text))
    assert verdicts.crn_valid is valid and verdicts.crn_masked.endswith("-*******")
    assert "bizno" in verdicts.signals


def test_thirteen_digits_without_beopin_are_not_read():
    assert judge(read("850101-1234567 이거 뭐예요")).crn_valid is None  # a 주민등록번호's shape
