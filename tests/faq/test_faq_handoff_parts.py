"""FAQ conversations: facts the sources leave open are handed to the centre (its set text
and the 상담원 button, never a made-up answer), also when asked beside another question."""

from __future__ import annotations

from bot.faq import parts


def _entries(said) -> list[str]:
    return [t for t in said.templates if t.startswith("faq/")]


def _offers_operator(said) -> bool:
    return any(b["action"] == "operator" for b in said.buttons)


def test_the_application_link_is_left_to_the_centre(chat):
    said = chat.say("신청서 내는 링크 좀 주실래요")
    assert _entries(said) == ["faq/apply_link"], said.templates
    assert "확정된 안내가 없어요" in said.text and "http" not in said.text
    assert _offers_operator(said)


def test_the_days_to_confirm_an_opt_out_are_not_stated(chat):
    # program-facts §5 only infers 14 days from the statute: the bot must not say it.
    said = chat.say("수신 거부 처리하고 나서 손님께 며칠 안에 통보해야 돼요?")
    assert _entries(said) == ["faq/ad_optout_notice"], said.templates
    assert "14일" not in said.text
    assert "차단" in said.text  # what the sources do say about opting out
    assert _offers_operator(said)


def test_whether_eligible_and_an_open_fact_are_both_answered(chat):
    said = chat.say("매출 2억인데 대상인지랑 무상캐시 유효기간이 있는지 알려주세요")
    assert _entries(said) == ["faq/eligibility_revenue", "faq/cash_expiry"], said.templates
    assert _offers_operator(said)  # the expiry is 미확인


def test_a_case_told_then_another_question_answers_both(chat):
    said = chat.say("연 매출 2억 고깃집이고요, 그리고 받은 캐시 쓸 수 있는 기한 있나요?")
    assert _entries(said) == ["faq/eligibility_revenue", "faq/cash_expiry"], said.templates
    assert _offers_operator(said)


def test_a_story_ending_in_one_question_stays_one_question():
    pieces = parts.split("저는 꽃집을 하는데 요새 채널 친구 수가 늘지를 않아서 고민이 많아요 "
                         "친구는 어떻게 모아요?")
    assert sum(parts.questions(pieces)) == 1, pieces


def test_two_whether_clauses_joined_by_hago_are_two_questions():
    pieces = parts.split("광고 메시지 밤에 보내도 되는지하고 앞에 뭘 붙이는지 같이 알려주세요")
    assert pieces == ["광고 메시지 밤에 보내도 되는지", "앞에 뭘 붙이는지 같이 알려주세요"]


def test_a_whether_clause_joined_by_rang_is_its_own_question():
    pieces = parts.split("개업 석 달 된 가게가 대상인지랑 캐시는 어디로 들어오는지 궁금해요")
    assert pieces == ["개업 석 달 된 가게가 대상인지", "캐시는 어디로 들어오는지 궁금해요"]


def test_one_choice_between_two_whether_clauses_stays_one():
    assert parts.split("법인인지 개인인지 나와요?") == ["법인인지 개인인지 나와요?"]


def test_a_hand_off_card_beside_a_longer_answer_keeps_its_button(chat):
    # The first answer (two bubbles, its link card last) could fill the three; the open
    # fact's 상담원 card comes before that answer's second bubble.
    said = chat.say("카톡 채널은 처음에 어떻게 만드나요? 또 무상캐시에 유효기간 있어요?")
    assert _entries(said) == ["faq/channel_open", "faq/cash_expiry"], said.templates
    assert _offers_operator(said)
