"""FAQ conversations for the knowledge base's words (session 8, room tkb): dialect endings and
words ('되노', '우데서', '아이제', '읎'), '-여' typos, '단골 프로젝트' said backwards, 세일 for
할인, and answers that state the fact the question needs (the order cash is spent in, over
10억 is not eligible, what an ad needs beside name and phone, every middle-digit code, what
a wide image costs, when a new friend starts receiving)."""

from __future__ import annotations


def test_a_gyeongsang_ending_on_where_to_apply(chat):
    said = chat.say("이거 신청은 우데서 하능교")
    assert said.templates[0] in ("faq/apply_where", "faq/apply_link")
    assert "프로젝트 단골" in said.text


def test_a_gyeongsang_question_on_who_can_get_it(chat):
    said = chat.say("이 지원 아무나 주는 거 아이제? 조건이 우찌 되노")
    assert said.templates[0] == "faq/eligibility"
    assert "10억" in said.text


def test_a_typo_in_cash_is_read_as_cash(chat):
    said = chat.say("받은 캐시를 현굼으로 바꿀 수 있나여")
    assert said.templates[0] == "faq/cash_no_exchange"


def test_the_project_named_backwards(chat):
    said = chat.say("단골 프로젝트 신청 자격이 어떻게 돼요")
    assert said.templates[0] == "faq/eligibility"


def test_sale_is_read_as_a_discount_ad(chat):
    said = chat.say("세일 알림 보낼 때 맨 앞에 붙이는 표시가 있나요")
    assert said.templates[0] == "faq/ad_label"
    assert "'(광고)'" in said.text


def test_which_cash_goes_first_says_free_cash_first(chat):
    said = chat.say("충전 캐시하고 지원 캐시 중에 어느 쪽이 먼저 나가요")
    assert said.templates[0] == "faq/free_before_paid"
    assert "무상캐시가 유상캐시보다 먼저 차감" in said.text


def test_the_revenue_rule_says_over_the_line_is_not_eligible(chat):
    said = chat.say("연매출 기준이 어떻게 되나요")
    assert said.templates[0] == "faq/eligibility_revenue"
    assert "넘으면 대상이 아니에요" in said.text


def test_name_and_phone_alone_do_not_make_an_ad(chat):
    said = chat.say("광고에 보내는 사람 연락처는 꼭 밝혀야 해요?")
    assert said.templates[0] == "faq/ad_sender_info"
    assert "'(광고)'" in said.text and "수신거부" in said.text


def test_every_middle_digit_code_is_named(chat):
    said = chat.say("사업자번호 가운데 두 숫자는 무슨 뜻이에요")
    assert said.templates[0] == "faq/bizno_digits"
    assert "84는 외국법인" in said.text and "83은 국가" in said.text


def test_a_wide_image_costs_by_target_not_by_shape(chat):
    said = chat.say("와이드 이미지형은 글 몇 자 들어가요")
    assert said.templates[0] == "faq/format_wide_image"
    assert "15원" in said.text and "WIDE_MESSAGE" in said.text


def test_a_new_friend_starts_receiving_messages(chat):
    said = chat.say("채널 친구 모으는 좋은 방법 있어요?")
    assert said.templates[0] == "faq/get_friends"
    assert "친구가 되면 그때부터 메시지를 받을 수 있어요" in said.text


def test_the_list_of_formats_gives_the_feed_cards_text_limit(chat):
    said = chat.say("메시지 모양은 어떤 종류가 있어요")
    assert said.templates[0] == "faq/message_types"
    assert "본문 180자" in said.text


def test_a_fraction_of_a_won_is_rounded_up(chat):
    said = chat.say("소수점 아래 요금은 버려요?")
    assert said.templates[0] == "faq/price_vat"
    assert "올려서" in said.text


def test_how_many_merchants_got_it_so_far(chat):
    said = chat.say("지금까지 이 지원받은 사장님이 몇 명이에요")
    assert said.templates[0] == "faq/program_scale"
    assert "7만 4천" in said.text


def test_a_dropped_final_consonant_and_a_yeo_ending(chat):
    said = chat.say("신청 햇는데 언제 승인 나여")
    assert said.templates[0] == "faq/approval_time"


def test_what_a_business_channel_is_says_cash_dealing_is_refused(chat):
    said = chat.say("비즈니스 채널이란 게 정확히 뭔가요")
    assert said.templates[0] == "faq/business_channel_what"
    assert "현금 거래 내용은 심사에서 거절돼요" in said.text


def test_after_opening_a_channel_in_dialect_gets_the_steps(chat):
    said = chat.say("톡채널 하나 맹글어 놨으면 그다음은 뭘 해야 되노")
    assert said.templates[0] == "faq/apply_how"
    assert "비즈니스 채널" in said.text


def test_the_list_of_formats_says_the_price_follows_the_target(chat):
    said = chat.say("보낼 수 있는 메시지 형식을 다 알려 주세요")
    assert said.templates[0] == "faq/message_types"
    assert "일반 메시지 15원, 타겟 메시지 20원" in said.text
