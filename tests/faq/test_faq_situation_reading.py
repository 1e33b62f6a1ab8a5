"""FAQ conversations: numbers, times and digits as merchants actually type them."""

from __future__ import annotations


def test_an_amount_typed_without_spaces_is_still_read(chat):
    said = chat.say("올해매출15억정도인데신청가능해요")
    assert "연매출 15억 원이면 기준(연매출 10억 원 이하)을 넘어서 대상이 아니에요" in said.text


def test_the_middle_digits_named_as_places_get_their_meaning(chat):
    said = chat.say("가운데 자리 숫자가 95로 돼 있으면 무슨 사업자예요?")
    assert said.templates[0] == "faq_situation/bizno"
    assert "가운데 두 자리가 95이면 개인 면세사업자에 해당해요" in said.text
    said = chat.as_user("u-2").say("가운데 두 자리가 41이면 개인사업자 맞아요?")
    assert "개인 과세사업자(일반·간이)에 해당해요" in said.text
    assert "faq_situation/business" not in said.templates  # the digits are asked, not a type


def test_a_years_revenue_said_as_a_bare_number_is_in_manwon(chat):
    said = chat.say("간이과세자고 작년 매출 4천 조금 넘는데 대상이에요?")
    assert "연매출 4,000만 원이면 대상이에요" in said.text


def test_a_time_in_words_with_its_minutes_is_judged(chat):
    said = chat.say("밤 아홉 시 십오 분에 할인 광고 보내면 안 되나요?")
    assert "(21:15)에는 광고 메시지를 보낼 수 없어요" in said.text
    said = chat.as_user("u-2").say("저녁 여덟 시 오십오 분에 광고 예약해도 돼요?")
    assert "(20:55)에는 광고 메시지를 보낼 수 없어요" in said.text


def test_the_part_of_the_day_said_earlier_in_the_sentence_sets_the_hour(chat):
    said = chat.say("저녁 영업 정리하고 나면 8시 20분쯤인데 그때 광고 보내도 되나요?")
    assert "8시 20분(20:20)에는 광고 메시지를 보내셔도 돼요" in said.text


def test_a_revenue_in_words_asked_about_loosely_gets_the_verdict(chat):
    said = chat.say("매출이 구억 팔천만 원쯤 되는데 될랑가요?")
    assert "9억 8천만 원이면 대상이에요" in said.text


def test_a_shop_opened_months_ago_asked_about_loosely_gets_the_new_business_rule(chat):
    said = chat.say("점포 연 지 넉 달 좀 넘었는데 우리 같은 데도 어떻게 돼요?")
    assert "개업한 지 4개월이면 대상이에요" in said.text


def test_a_dawn_send_in_dialect_is_judged(chat):
    said = chat.say("새벽 여섯 시에 물건 들어오믄 그때 바로 쏴도 되겄어?")
    assert "새벽 여섯 시(06:00)에는 광고 메시지를 보낼 수 없어요" in said.text


def test_a_count_told_beside_another_question_gets_no_price(chat):
    said = chat.say("친구가 300명인데 메시지 보냈더니 받은 사람이 200명대밖에 안 돼요 왜 그런가요?")
    assert "faq_situation/cost" not in said.templates and "합치면" not in said.text
    said = chat.as_user("u-2").say("친구 900명 중에 차단한 손님이 100명이면 몇 명이 받아요?")
    assert "faq_situation/cost" not in said.templates and "합치면" not in said.text


def test_only_the_price_asked_is_computed_not_what_a_top_up_buys(chat):
    said = chat.say("유상캐시 2만원 남았고 친구 250명이에요. 한 번 보낼 때 얼마 빠져요?")
    assert "4,125원" in said.text  # 250 × 15원 × 1.1, rounded up
    assert "번 보낼 수 있고" not in said.text


def test_one_audience_said_twice_or_customers_a_day_are_not_added_up(chat):
    said = chat.say("손님은 하루에 마흔 명쯤 오고 친구는 90명이에요. "
                    "90명한테 한 번 보내면 얼마예요?")
    assert "1,485원" in said.text and "합치면" not in said.text


def test_a_long_message_with_a_friend_count_and_the_grant_gets_the_number_of_sends(chat):
    said = chat.say("안녕하세요 시장에서 떡집을 합니다 손님들이 채널에 많이 들어와서 "
                    "친구가 천이백 명 정도 됐어요 지원금 30만 원을 받으면 전체한테 몇 번이나 "
                    "보낼 수 있을지 미리 알고 싶어요")
    assert said.templates[0] == "faq_situation/budget"
    assert "19,800원" in said.text and "15번" in said.text  # 1,200 × 15원 × 1.1; 30만 원에
    assert "18,000원씩이면 16번" in said.text  # without VAT: whether it is taken is 미확인


def test_a_weekly_plan_over_a_month_is_priced_at_four_weeks_and_says_so(chat):
    said = chat.say("친구 300명한테 한 달 동안 일주일에 세 번씩 보내면 총 얼마예요?")
    assert "일주일에 3번이면 14,850원" in said.text
    assert "한 달을 4주로 치면 1개월에 59,400원" in said.text


def test_a_revenue_then_a_bare_can_i_apply_is_one_question(chat):
    said = chat.say("꽃집인데 작년 매출이 3억 좀 넘었어요 저희도 신청되나요")
    assert said.templates[0] == "faq_situation/revenue"
    assert "연매출 3억 원이면 대상이에요" in said.text


def test_a_revenue_beside_a_question_of_its_own_does_not_swallow_it(chat):
    said = chat.say("매출 5억인데 되나요? 그리고 무상캐시는 언제까지 써야 돼요?")
    assert "faq/cash_expiry" in said.templates  # both questions answered, each its own


def test_how_a_new_business_proves_its_revenue_is_not_answered_with_the_opening_rule(chat):
    said = chat.say("가게 연 지 석 달 됐는데 매출은 뭘로 증명하면 돼요?")
    assert "faq/eligibility_new_business" not in said.templates  # how, not whether


def test_a_dated_consent_gets_the_day_it_must_be_confirmed_again(chat):
    said = chat.say("2025년 6월 3일에 단골들한테 광고 받겠다는 동의를 받았는데 "
                    "언제 다시 받아야 해요?")
    assert "2027년 6월 3일 전에 수신 동의를 다시 확인해야 해요" in said.text


def test_a_dated_purchase_gets_the_last_day_of_the_six_month_exception(chat):
    said = chat.say("2026년 8월 31일에 화분 산 손님한테 비슷한 화분 광고는 "
                    "언제까지 동의 없이 돼요?")
    assert "2027년 2월 28일까지" in said.text  # six months on, the month's last day
