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
