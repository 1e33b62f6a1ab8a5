"""The FAQ benchmark's grading (bench/faq_eval.py): what counts as a right answer."""

from __future__ import annotations

from bench.faq_eval import FactCase, Outcome, grade


def _case(*, handoff: bool = False, expect: tuple[tuple[str, ...], ...] = ()) -> FactCase:
    return FactCase("t1", "지원센터", ("plain",), "상담원이랑 통화하고 싶어요", expect,
                    handoff, False)


def test_a_handoff_question_sent_to_the_operator_skill_is_right():
    assert grade(_case(handoff=True), Outcome("routed:operator", "상담원 연결", False)) == "right"


def test_a_handoff_question_sent_to_another_skill_is_still_routed():
    assert grade(_case(handoff=True), Outcome("routed:wallet", "잔액", False)) == "routed"


def test_a_question_with_facts_sent_to_the_operator_is_not_right():
    case = _case(expect=(("30만",),))
    assert grade(case, Outcome("routed:operator", "상담원 연결", False)) == "routed"


def test_a_handoff_answered_by_an_entry_without_the_operator_is_wrong():
    assert grade(_case(handoff=True), Outcome("answer", "네 됩니다", False)) == "wrong"
