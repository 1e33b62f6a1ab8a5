"""FAQ conversations: long and multi-part messages (a story, then one to three questions),
each question found in the story and answered on its own words."""

from __future__ import annotations


def _entries(said) -> list[str]:
    return [t for t in said.templates if t.startswith("faq/")]


def test_a_step_and_when_it_comes_is_one_question(chat):
    # "승인 나고 언제 …": after the approval, when — not a question about approval itself.
    said = chat.say("캐시는 승인 나고 언제 들어와요?")
    assert _entries(said) == ["faq/credit_date"], said.templates
    assert any(b["action"] == "operator" for b in said.buttons)  # the date is 미확인


def test_a_long_story_with_two_questions_answers_both(chat):
    said = chat.say("수신거부는 어떻게 받아요? 저녁에 할인 광고를 보내려는데 몇 시까지 돼요?")
    assert _entries(said) == ["faq/ad_optout", "faq/ad_night"], said.templates
    assert "차단" in said.text and "8시 50분" in said.text


def test_a_dialect_message_of_two_questions_answers_each(chat):
    said = chat.say("매출 3억인디 신청 되능교? 신청은 어데서 하능교?")
    assert "faq_ui/multi" not in said.templates, said.templates
    assert "faq/eligibility_revenue" in said.templates and "faq/apply_where" in said.templates
    assert "연매출 3억 원이면 대상이에요" in said.text


def test_a_closing_thanks_leaves_the_question_asked(chat):
    said = chat.say("무상캐시 유효기간이 있는지 궁금합니다 감사합니다")
    assert _entries(said) == ["faq/cash_expiry"], said.templates
    assert any(b["action"] == "operator" for b in said.buttons)


def test_one_topic_asked_twice_in_a_message_is_answered_once(chat):
    # Both clauses ask whether something heard of is this programme; only the second names
    # it clearly (the first is torn between two entries, one of them the answered one).
    # No chip list for one question asked twice.
    said = chat.say("동네 시장에 카카오에서 사장님 교육을 하러 온다는데 그게 이 지원이랑 같은 "
                    "프로젝트인지, 단골데이 행사도 한다던데 그것도 같은 프로젝트인지 궁금해요")
    assert "faq_ui/multi" not in said.templates, said.templates
    assert "faq/program_activities" in said.templates, said.templates


def test_questions_none_placed_get_chips_not_the_storys_entry(chat):
    # Neither question is clear alone; the revenue told after them would make the whole
    # message the revenue rule, which answers neither "이거 받는 거래요" in full nor "얼마".
    said = chat.say("시골 민박도 이거 받는 거래요? 그럼 돈은 얼마나 주는 거래요? "
                    "작년 매출이 3억 좀 넘드래요")
    assert said.templates == ["faq_ui/multi"], said.templates
    assert "두 가지를 물어보셨네요" in said.text


def test_a_case_told_without_asking_is_the_story_of_the_question(chat):
    # "…분식집이에요", "…채널이 없어요" end like a question but only tell; the one question
    # is answered, not offered back as three chips.
    said = chat.say("저희는 작은 분식집이에요. 아직 카톡 채널이 없어요. 채널은 어디서 만드나요?")
    assert "faq_ui/multi" not in said.templates, said.templates
    assert _entries(said) == ["faq/channel_open"], said.templates


def test_a_business_type_told_beside_another_question_is_judged_too(chat):
    said = chat.say("면세사업자예요. 신청하면 캐시는 언제 들어오나요?")
    assert "faq/eligibility_individual" in said.templates, said.templates
    assert "faq/credit_date" in said.templates, said.templates


def test_numbers_told_before_a_question_are_its_case(chat):
    # "저희 같은 곳도 받을 수 있는지" names too little alone; with the revenue told before it,
    # it is the revenue rule, answered beside the other question.
    said = chat.say("작년 매출은 2억 3천쯤이고 채널은 아직 없어요. 저희 같은 곳도 받을 수 "
                    "있는지, 그리고 미리 챙길 게 뭔지도 알려주세요")
    assert "faq_ui/multi" not in said.templates, said.templates
    assert "faq/apply_prepare" in said.templates, said.templates
    assert "10억" in said.text


def test_a_part_only_suggested_is_answered_when_the_whole_message_agrees(chat):
    # "받은 걸 다른 데 써도 되는지" only suggests on its own, but its best entry is the one
    # the whole message points to, and the other part is clear: both are answered.
    said = chat.say("신청은 어디서 하는지, 받은 걸 다른 데 써도 되는지 궁금해요")
    assert "faq_ui/multi" not in said.templates, said.templates
    assert _entries(said) == ["faq/apply_where", "faq/usage"], said.templates


def test_parts_none_clear_are_still_offered_even_when_the_whole_agrees(chat):
    said = chat.say("어떤 게 광고로 치는 건지 기준이 뭐예요")
    assert not any(t.startswith("faq/eligibility") for t in said.templates), said.templates


def test_a_short_part_the_kb_cannot_place_asks_more_about_the_answer_before(chat):
    said = chat.say("채널을 차단한 손님한테도 메시지가 가요? 그 몫도 돈이 빠져요?")
    assert "faq_ui/multi" not in said.templates, said.templates
    assert _entries(said) == ["faq/message_blocked"], said.templates

