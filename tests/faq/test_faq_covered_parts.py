"""Several questions in one message: a question that the message's own answer covers is not
asked back, and one that it does not cover still is."""

from __future__ import annotations


def test_a_question_the_other_answer_covers_is_not_asked_back(chat):
    # The first question is unsure on its own, but its best entry is the one the second
    # question gets: one answer, not "두 가지를 물어보셨네요".
    said = chat.say("채널 친구 적은 게 고민이에요 친구 늘리는 방법이 있을까요? "
                    "손님들이 추가를 안 해요")
    assert said.templates[0] == "faq/get_friends"
    assert "faq_ui/multi" not in said.templates


def test_an_unclear_question_beside_a_different_answer_is_still_offered(chat):
    said = chat.say("세금계산서는 언제 나와요? 그리고 그거 말고 다른 건 어떻게 되나요?")
    assert said.templates == ["faq_ui/multi"]

