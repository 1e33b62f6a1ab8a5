"""FAQ conversations: several questions and a story around them, each read with the words
the merchant typed (a time, an amount), and what the channel does not answer kept apart."""

from __future__ import annotations


def test_a_night_time_in_one_of_two_questions_keeps_its_period(chat):
    # '밤' is a synonym of 야간 for matching; the time reader still sees '밤 8시 반' = 20:30.
    said = chat.say("밤 8시 반에 할인 광고 보내도 돼요? 그리고 수신거부는 어떻게 해요?")
    assert "faq_situation/send_time" in said.templates, said.templates
    assert "밤 8시 반(20:30)에는 광고 메시지를 보내셔도 돼요" in said.text
    assert "차단" in said.text  # the second question answered too


def test_the_revenue_line_quoted_in_a_question_gets_no_verdict(chat):
    said = chat.say("연매출 10억 기준은 어떤 자료로 확인해요?")
    assert "faq_situation/revenue" not in said.templates
    assert "10억 원이면 대상이에요" not in said.text


def test_two_businesses_two_revenues_get_no_verdict_on_either(chat):
    said = chat.say("식당 두 개를 사업자 따로 내서 하는데 하나는 4억 하나는 9억이에요. "
                    "합치면 13억인데 각각 신청돼요?")
    assert "faq_situation/revenue" not in said.templates
    assert "대상이에요 —" not in said.text
    assert any(b["action"] == "operator" for b in said.buttons)  # which counts: the centre says
