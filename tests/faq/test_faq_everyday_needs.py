"""FAQ conversations for basic needs asked in everyday words (session 7, room B1): what an
ad must hold and what goes at its start, gathering friends, where government support is
found, the two prices, VAT per message, links, carousel cards, the customer file's lead
time, the 알림톡 sanction date, the business number's last digit, refusals."""

from __future__ import annotations


def test_what_an_ad_must_hold_gets_the_whole_rule(chat):
    said = chat.say("광고 보낼 때 꼭 넣어야 할 게 뭐 있어요")
    assert said.templates[0] == "faq/ad_rules"
    assert "(광고)" in said.text and "수신을 거부" in said.text


def test_what_goes_at_the_start_of_an_ad(chat):
    said = chat.say("광고할 때 맨 앞에 뭐라고 적어요")
    assert said.templates[0] == "faq/ad_label"
    assert "'(광고)'" in said.text


def test_a_notice_with_a_discount_line_is_asked_about_as_an_ad(chat):
    said = chat.say("공지에 할인 한 줄 섞어도 광고예요?")
    assert said.templates[0] == "faq/ad_what_counts"
    assert "정보 안내 형식이어도" in said.text


def test_sending_once_more_to_someone_who_refused(chat):
    said = chat.say("수신거부한 손님한테 한 번만 더 보내도 돼요")
    assert said.templates[0] == "faq/ad_withdrawn"
    assert "보내시면 안 돼요" in said.text


def test_gathering_friends(chat):
    said = chat.say("채널 친구 좀 늘리고 싶은데 방법 있나요")
    assert said.templates[0] == "faq/get_friends"
    assert "QR" in said.text


def test_where_government_support_is_found(chat):
    said = chat.say("정부 지원사업은 어디서 한꺼번에 찾아봐요")
    assert said.templates[0] == "faq/sbiz_help"
    assert "기업마당" in said.text and "1357" in said.text


def test_the_two_prices_by_their_amounts(chat):
    said = chat.say("15원이랑 20원 메시지는 뭐가 달라요")
    assert said.templates[0] == "faq/general_vs_target"
    assert "타겟 메시지" in said.text


def test_what_one_message_costs_with_vat(chat):
    said = chat.say("부가세 합치면 일반 한 통 실제로 몇 원 나가요")
    assert said.templates[0] == "faq/price_vat"
    assert "16.5원" in said.text and "22원" in said.text


def test_a_link_typed_in_the_body(chat):
    said = chat.say("메시지 본문에 적은 링크 눌리나요")
    assert said.templates[0] == "faq/message_links"
    assert "버튼" in said.text


def test_several_products_to_swipe_through(chat):
    said = chat.say("상품 여러 개 사진 넘겨 보는 메시지 만들고 싶어요")
    assert said.templates[0] == "faq/format_carousel"


def test_the_customer_file_on_the_day_of_sending(chat):
    said = chat.say("고객파일 오늘 올리면 오늘 바로 보낼 수 있어요")
    assert said.templates[0] == "faq/customer_file"
    assert "2~3일" in said.text


def test_when_the_alimtalk_sanction_changes(chat):
    said = chat.say("알림톡 제재 언제부터 사업자 단위로 바뀌어요")
    assert said.templates[0] == "faq/alimtalk"
    assert "2026년 4월 1일" in said.text


def test_the_last_digit_of_a_business_number(chat):
    said = chat.say("사업자번호 마지막 숫자 뜻이 뭐예요")
    assert said.templates[0] == "faq/bizno_digits"
    assert "검증번호" in said.text


def test_the_required_parts_of_an_ad_in_other_words(chat):
    said = chat.say("광고 메시지에 빠지면 안 되는 필수 항목 알려주세요")
    assert said.templates[0] == "faq/ad_rules"
    assert "연락처" in said.text


def test_a_sub_won_amount_is_rounded_up_with_an_example_that_rounds(chat):
    said = chat.say("금액에 1원 미만이 생기면 어떻게 계산해요")
    assert said.templates[0] == "faq/price_vat"
    assert "올려서" in said.text and "17원" in said.text


def test_a_dialect_spelling_of_how_many(chat):
    # 멫 reads as 몇 (faq_synonyms.yaml)
    said = chat.say("30만원이면 멫 통이나 가요")
    assert "faq/message_count" in said.templates
    assert "1만 3천" in said.text
