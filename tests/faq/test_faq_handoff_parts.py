"""FAQ conversations: facts the sources leave open are handed to the centre (its set text
and the 상담원 button, never a made-up answer), also when asked beside another question."""

from __future__ import annotations

from bot.faq import parts


def _entries(said) -> list[str]:
    return [t for t in said.templates if t.startswith("faq/")]


def _offers_operator(said) -> bool:
    return any(b["action"] == "operator" for b in said.buttons)


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
