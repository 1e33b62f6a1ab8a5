"""FAQ conversations: several questions and a story around them, each read with the words
the merchant typed (a time, an amount), and what the channel does not answer kept apart."""

from __future__ import annotations


def test_a_night_time_in_one_of_two_questions_keeps_its_period(chat):
    # '밤' is a synonym of 야간 for matching; the time reader still sees '밤 8시 반' = 20:30.
    said = chat.say("밤 8시 반에 할인 광고 보내도 돼요? 그리고 수신거부는 어떻게 해요?")
    assert "faq_situation/send_time" in said.templates, said.templates
    assert "밤 8시 반(20:30)에는 광고 메시지를 보내셔도 돼요" in said.text
    assert "차단" in said.text  # the second question answered too
