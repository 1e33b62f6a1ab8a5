"""The form engine, driven like a conversation: pure, with no Flask and no Redis."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.conversation.dialog import (
    EDIT_SUFFIX,
    REVIEW,
    Form,
    Invalid,
    Outcome,
    Step,
    Turn,
    advance,
    ask,
    current_step,
    looks_like_question,
    offer_resume,
    position,
    refused_submission,
    start,
)
from bot.conversation.reply import Reply
from bot.core.text import normalise
from tests.support.demo_form import DEMO, DemoEnv

ROOT = Path(__file__).resolve().parents[2]
HAPPY = {"name": "홍길동", "size": "보통", "team": "5", "phone": "010-1234-5678"}
NAV = ("dialog/nav", "dialog/review_nav")
T0 = 1_000.0


class Talk:
    """One user talking to a form; the state goes through JSON between turns, as in Redis."""

    def __init__(self, form: Form = DEMO, *, env: Any = None,
                 interrupt: Callable[[str], Reply | None] | None = None) -> None:
        self.form = form
        self.env = env if env is not None else DemoEnv()
        self.interrupt = interrupt
        self.now = T0
        self._state: dict[str, Any] | None = None
        self._keep(start(form, self.tick(), env=self.env))

    def tick(self) -> float:
        """Advance the fake clock by ten seconds."""
        self.now += 10
        return self.now

    def say(self, text: str, arrived: float | None = None, **extra: Any) -> Outcome:
        """Send one utterance (extra = the tapped button's clientExtra; arrived = its
        arrival on the request clock, for double taps)."""
        before = json.dumps(self.state, sort_keys=True)
        outcome = advance(self.form, self.state, text, self.tick(), env=self.env,
                          extra=extra or None, interrupt=self.interrupt, arrived=arrived)
        assert json.dumps(self.state, sort_keys=True) == before, "advance() mutated its input"
        return self._keep(outcome)

    def offer_resume(self) -> Outcome:
        """Come back later and be offered the draft."""
        return self._keep(offer_resume(self.form, self.state, self.tick()))

    def walk_to(self, step: str, **answers: str) -> Talk:
        """Answer with HAPPY values (overridden by `answers`) until `step` is asked."""
        values = {**HAPPY, **answers}
        while self.step != step:
            assert self.step is not None and self.step != REVIEW, f"never reached {step}"
            self.say(values[self.step])
        return self

    def _keep(self, outcome: Outcome) -> Outcome:
        self.outcome = outcome
        if outcome.state is None:
            self._state = None
        else:
            assert outcome.state["updated_at"] == self.now
            self._state = json.loads(json.dumps(outcome.state))  # what Redis would give back
        return outcome

    @property
    def state(self) -> dict[str, Any]:
        """The stored state (after its JSON round trip); the form must still be open."""
        assert self._state is not None, "the form is already over"
        return self._state

    @property
    def step(self) -> str | None:
        """The step being asked (REVIEW in the review), None once the form is over."""
        return self._state["step"] if self._state else None

    @property
    def answers(self) -> dict[str, Any]:
        """The answers stored so far."""
        return self._state["answers"] if self._state else {}

    @property
    def templates(self) -> list[str]:
        """Every template of the last reply, in order."""
        return [part.template for part in self.outcome.reply.parts]

    @property
    def shown(self) -> list[str]:
        """The last reply's templates without the navigation parts."""
        return [t for t in self.templates if t not in NAV]

    @property
    def reason(self) -> str:
        """Why the engine answered the way it did."""
        return self.outcome.reason

    def context(self, template: str) -> dict[str, Any]:
        """The context the last reply gave `template`."""
        for part in self.outcome.reply.parts:
            if part.template == template:
                return part.context
        raise AssertionError(f"{template} not in {self.templates}")

    def quick_replies(self, template: str) -> bool:
        """Whether `template`'s quick replies are shown in the last reply."""
        return next(p.quick_replies for p in self.outcome.reply.parts if p.template == template)


def faq(*questions: str) -> Callable[[str], Reply | None]:
    """An interrupt hook that knows the answer to `questions` only."""
    return lambda text: Reply.of("faq/answer", {"q": text}) if text in questions else None


def never(text: str) -> Reply | None:
    """An interrupt hook that must not be consulted."""
    raise AssertionError(f"interrupt consulted for {text!r}")


# -- the happy path ------------------------------------------------------------
def test_happy_path_to_completion() -> None:
    talk = Talk()
    assert talk.templates == ["demo/intro", "demo/ask_name", "dialog/nav"]
    assert talk.reason == "started" and talk.step == "name"

    talk.say("홍길동")
    assert talk.shown == ["demo/ask_size"] and talk.reason == "answered"
    assert talk.context("demo/ask_size")["choices"] == ["작음", "보통", "큼", "초대형"]
    talk.say("보통")
    assert talk.shown == ["demo/ask_team"]
    talk.say("5명")
    assert talk.shown == ["demo/ask_phone"]
    talk.say("010-1234-5678")
    assert talk.templates == ["demo/review", "dialog/review_nav"]
    assert talk.answers == {"name": "홍길동", "size": "보통", "team": 5, "phone": "01012345678"}

    done = talk.say("제출")
    assert done.finished and done.state is None and done.reason == "completed"
    assert talk.templates == ["demo/done"] and talk.context("demo/done") == {"name": "홍길동"}


def test_small_shop_never_sees_the_team_question() -> None:
    talk = Talk().walk_to("size")
    talk.say("작음")
    assert talk.shown == ["demo/ask_phone"]
    assert talk.context("demo/ask_phone")["step_no"] == 3
    assert talk.context("demo/ask_phone")["step_total"] == 3


def test_ask_context_numbers_steps_and_shows_navigation() -> None:
    talk = Talk()
    assert talk.context("demo/ask_name") == {
        "answers": {}, "current": None, "choices": [], "step_no": 1, "step_total": 4,
        "editing": False, "form_title": "데모 신청서", "step_label": "이름",
        "sensitive": False,
    }
    assert talk.context("dialog/nav") == {
        "can_back": False, "has_help": False, "editing": False, "can_keep": False}
    talk.walk_to("team")
    assert talk.context("demo/ask_team")["step_no"] == 3
    assert talk.context("dialog/nav")["can_back"] is True
    assert talk.context("dialog/nav")["has_help"] is True


def test_state_is_plain_json_with_every_field() -> None:
    talk = Talk().walk_to("size")
    assert talk.state == {
        "v": 1, "form": "demo", "step": "size", "answers": {"name": "홍길동"},
        "history": ["name"], "misses": 0, "editing": False, "pending": None,
        "saved_at": None, "started_at": T0 + 10, "updated_at": T0 + 20,
        "last_turn": "홍길동#", "last_at": None,
    }


# -- double taps -----------------------------------------------------------------
def test_a_double_tapped_answer_is_taken_once_and_the_next_question_shown_again() -> None:
    talk = Talk()
    assert talk.say("작음", arrived=100.0).reason == "answered"  # the name
    again = talk.say("작음", arrived=100.4)
    assert again.reason == "repeat" and talk.step == "size"
    assert again.reply.template == "demo/ask_size"
    assert talk.say("작음", arrived=102.0).reason == "answered"  # seconds later: a real answer
    assert talk.state["answers"] == {"name": "작음", "size": "작음"}


def test_a_double_tapped_cancel_still_asks_before_throwing_answers_away() -> None:
    talk = Talk().walk_to("size")
    assert talk.say("취소", arrived=50.0).reason == "pending"
    again = talk.say("취소", arrived=50.3)
    assert again.reason == "repeat" and again.reply.template == "dialog/confirm_cancel"
    assert talk.state is not None and talk.state["answers"] == {"name": "홍길동"}
    assert talk.say("취소", arrived=53.0).reason == "cancelled"  # a deliberate second 취소


def test_another_message_within_the_window_is_taken() -> None:
    talk = Talk()
    talk.say("홍길동", arrived=10.0)
    assert talk.say("보통", arrived=10.2).reason == "answered"
    assert talk.say("5", arrived=10.4).reason == "answered"  # the team: a new message


# -- invalid answers -----------------------------------------------------------
@pytest.mark.parametrize(("step", "text", "error"), [
    ("name", "홍", "demo/invalid_name"),
    ("name", "https://spam.example.com", "demo/invalid_name"),
    ("name", "가" * 21, "demo/invalid_name"),
    ("size", "거대함", "demo/invalid_size"),
    ("team", "0", "demo/invalid_team"),
    ("team", "100", "demo/invalid_team"),
    ("team", "많아요", "demo/invalid_team"),
    ("phone", "010-12", "demo/invalid_phone"),
    ("phone", "전화 없어요", "demo/invalid_phone"),
])
def test_invalid_answer_explains_and_asks_again(step: str, text: str, error: str) -> None:
    talk = Talk().walk_to(step)
    before = dict(talk.answers)
    talk.say(text)
    assert talk.templates == [error, f"demo/ask_{step}", "dialog/nav"]
    assert talk.reason == "invalid" and talk.step == step and talk.answers == before
    context = talk.context(error)
    assert context["step_label"] == DEMO.step(step).label
    assert context["example"] == DEMO.step(step).example
    assert context["misses"] == 1


def test_parser_context_reaches_the_error_template() -> None:
    talk = Talk().walk_to("size")
    talk.say("거대함")
    assert talk.context("demo/invalid_size")["given"] == "거대함"


def test_third_miss_offers_a_way_out_and_a_valid_answer_resets_the_count() -> None:
    talk = Talk().walk_to("phone")
    talk.say("몰라요")
    talk.say("010")
    assert "dialog/too_many_misses" not in talk.templates
    talk.say("01")
    assert talk.templates == ["demo/invalid_phone", "dialog/too_many_misses",
                              "demo/ask_phone", "dialog/nav"]
    assert talk.context("dialog/too_many_misses")["example"] == "010-1234-5678"
    assert talk.context("dialog/too_many_misses")["step_label"] == "전화"
    talk.say("아직도 모름")
    assert "dialog/too_many_misses" in talk.templates and talk.state["misses"] == 4

    talk.say("010-1234-5678")
    assert talk.step == REVIEW and talk.state["misses"] == 0


def test_misses_are_counted_per_step() -> None:
    talk = Talk()
    talk.say("홍")
    talk.say("길")
    talk.say("홍길동")
    talk.say("거대함")
    assert talk.state["misses"] == 1
    assert "dialog/too_many_misses" not in talk.templates


# -- back ----------------------------------------------------------------------
@pytest.mark.parametrize(("at", "back_to", "shown_value"), [
    ("size", "name", "홍길동"),
    ("team", "size", "보통"),
    ("phone", "team", 5),
    (REVIEW, "phone", "01012345678"),
])
def test_back_shows_the_previous_answer_for_editing(at: str, back_to: str,
                                                    shown_value: Any) -> None:
    talk = Talk().walk_to(at)
    talk.say("이전")
    assert talk.reason == "back" and talk.step == back_to
    assert talk.shown == [f"demo/ask_{back_to}"]
    assert talk.context(f"demo/ask_{back_to}")["current"] == shown_value
    assert talk.context("dialog/nav")["can_keep"] is True


def test_back_at_the_first_step_says_there_is_nothing_before() -> None:
    talk = Talk()
    talk.say("이전")
    assert talk.templates == ["dialog/no_back", "demo/ask_name", "dialog/nav"]
    assert talk.reason == "no_back" and talk.step == "name"


def test_back_jumps_over_a_skipped_step() -> None:
    talk = Talk().walk_to("phone", size="작음")
    talk.say("뒤로")
    assert talk.step == "size"


def test_back_all_the_way_then_forward_again() -> None:
    talk = Talk().walk_to(REVIEW)
    for expected in ("phone", "team", "size", "name"):
        talk.say("이전")
        assert talk.step == expected
    assert talk.state["history"] == []
    talk.say("김철수")
    assert talk.step == "size"
    assert talk.context("demo/ask_size")["current"] == "보통"  # later answers are kept
    talk.say("그대로")
    assert talk.reason == "kept" and talk.step == "team"
    talk.say("그대로")
    talk.say("그대로")
    assert talk.step == REVIEW and talk.answers["name"] == "김철수"


def test_keep_without_a_value_is_an_ordinary_answer() -> None:
    talk = Talk().walk_to("team")
    talk.say("그대로")
    assert talk.reason == "invalid"


def test_history_follows_the_answers() -> None:
    talk = Talk().walk_to(REVIEW)
    assert talk.state["history"] == ["name", "size", "team", "phone"]
    talk.say("이전")
    assert talk.state["history"] == ["name", "size", "team"]


# -- cancel and restart ----------------------------------------------------------
def test_cancel_asks_first_and_yes_drops_the_form() -> None:
    talk = Talk().walk_to("team")
    talk.say("취소")
    assert talk.templates == ["dialog/confirm_cancel"] and talk.reason == "pending"
    assert talk.context("dialog/confirm_cancel") == {"form_title": "데모 신청서", "answered": 2}
    assert talk.state["pending"] == "cancel"
    out = talk.say("네")
    assert out.finished and out.state is None and out.reason == "cancelled"
    assert talk.templates == ["dialog/cancelled"]


@pytest.mark.parametrize("reply", ["아니요", "계속하기", "음..."])
def test_cancel_declined_keeps_everything(reply: str) -> None:
    talk = Talk().walk_to("team")
    talk.say("그만")
    talk.say(reply)
    assert talk.reason == "declined" and talk.state["pending"] is None
    assert talk.shown == ["demo/ask_team"] and talk.answers == {"name": "홍길동", "size": "보통"}


def test_a_hesitation_at_the_confirmation_is_not_taken_as_an_answer() -> None:
    talk = Talk()
    talk.say("취소")
    talk.say("잠깐만요")
    assert talk.step == "name" and talk.answers == {}


def test_saying_cancel_again_confirms_it() -> None:
    talk = Talk()
    talk.say("취소")
    assert talk.say("취소").reason == "cancelled"


def test_another_command_at_the_confirmation_runs_instead() -> None:
    talk = Talk().walk_to("team")
    talk.say("취소")
    talk.say("이전")
    assert talk.reason == "back" and talk.step == "size" and talk.state["pending"] is None


def test_restart_asks_first_and_yes_starts_over() -> None:
    talk = Talk().walk_to("phone")
    talk.say("처음부터")
    assert talk.templates == ["dialog/confirm_restart"] and talk.state["pending"] == "restart"
    talk.say("예")
    assert talk.reason == "restarted"
    assert talk.templates == ["dialog/restarted", "demo/ask_name", "dialog/nav"]
    assert talk.answers == {} and talk.state["started_at"] == talk.now


def test_restart_declined_stays_put() -> None:
    talk = Talk().walk_to("phone")
    talk.say("다시 시작")
    talk.say("아니")
    assert talk.step == "phone" and len(talk.answers) == 3


# -- help and operator -----------------------------------------------------------
def test_help_uses_the_steps_own_template() -> None:
    talk = Talk().walk_to("team")
    talk.say("도움말")
    assert talk.templates == ["demo/help_team", "demo/ask_team", "dialog/nav"]
    assert talk.reason == "help"
    assert talk.context("demo/help_team")["step_label"] == "팀원 수"
    assert talk.context("demo/help_team")["example"] == "5"


def test_help_falls_back_to_the_default_template() -> None:
    talk = Talk().walk_to("size")
    talk.say("도움")
    assert talk.templates == ["dialog/help", "demo/ask_size", "dialog/nav"]
    assert talk.context("dialog/help") == {
        "form_title": "데모 신청서", "step_label": "규모", "example": None,
        "choices": ["작음", "보통", "큼", "초대형"], "in_review": False,
    }


def test_help_in_the_review() -> None:
    talk = Talk().walk_to(REVIEW)
    talk.say("도움말")
    assert talk.templates == ["dialog/help", "demo/review", "dialog/review_nav"]
    assert talk.context("dialog/help")["in_review"] is True


@pytest.mark.parametrize(("settings", "title"), [
    ({"demo_title": "  우리 가게 신청서 "}, "우리 가게 신청서"),
    ({"demo_title": ""}, "데모 신청서"),
    ({"demo_title": None}, "데모 신청서"),
    ({}, "데모 신청서"),
])
def test_operators_may_rename_a_form_in_their_settings(settings, title) -> None:
    form = replace(DEMO, title_setting="demo_title")
    talk = Talk(form.titled(settings)).walk_to("team")
    talk.say("취소")
    assert talk.context("dialog/confirm_cancel")["form_title"] == title
    assert DEMO.titled({"demo_title": "우리 가게 신청서"}) is DEMO  # names no setting


def test_operator_keeps_the_draft_and_the_question() -> None:
    talk = Talk().walk_to("team")
    state = dict(talk.state)
    talk.say("상담원 연결")
    assert talk.templates == ["dialog/operator", "demo/ask_team", "dialog/nav"]
    assert talk.reason == "operator"
    assert talk.context("dialog/operator") == {"form_title": "데모 신청서",
                                               "step_label": "팀원 수"}
    assert talk.answers == state["answers"] and talk.step == "team"
    talk.say("3")
    assert talk.step == "phone"


@pytest.mark.parametrize("word", ["나중에", "나중에 할게요", "다음에 할게요"])
def test_pause_keeps_the_answers_for_later(word: str) -> None:
    talk = Talk().walk_to("team")
    state = dict(talk.state)
    talk.say(word)
    assert talk.templates == ["dialog/paused"] and talk.reason == "paused"
    assert talk.outcome.finished is False
    assert talk.answers == state["answers"] and talk.step == "team"


def test_pause_by_button_extra() -> None:
    talk = Talk().walk_to("size")
    talk.say("잠시 멈출게요", command="pause")
    assert talk.reason == "paused" and talk.step == "size"


# -- review and edit -------------------------------------------------------------
def test_review_lists_fields_with_labels_and_sensitivity() -> None:
    talk = Talk().walk_to(REVIEW)
    fields = talk.context("demo/review")["fields"]
    assert [f["label"] for f in fields] == ["이름", "규모", "팀원 수", "전화"]
    assert fields[3] == {"name": "phone", "label": "전화", "value": "01012345678",
                         "sensitive": True, "show": "text"}
    nav = talk.context("dialog/review_nav")
    assert nav["fields"] == ["이름", "규모", "팀원 수", "전화"]
    assert nav["edits"][0] == {"name": "name", "label": "이름", "say": f"이름 {EDIT_SUFFIX}"}


@pytest.mark.parametrize(("label", "step", "new", "stored"), [
    ("이름", "name", "김철수", "김철수"),
    ("규모", "size", "큼", "큼"),
    ("팀원 수", "team", "7", 7),
    ("전화", "phone", "010 9876 5432", "01098765432"),
])
def test_edit_each_field_from_the_review(label: str, step: str, new: str, stored: Any) -> None:
    talk = Talk().walk_to(REVIEW)
    talk.say(f"{label} 수정")
    assert talk.reason == "edit" and talk.step == step
    assert talk.context(f"demo/ask_{step}")["editing"] is True
    assert talk.context(f"demo/ask_{step}")["current"] is not None
    talk.say(new)
    assert talk.step == REVIEW and talk.answers[step] == stored
    assert talk.state["editing"] is False
    assert talk.templates == ["demo/review", "dialog/review_nav"]


def test_edit_by_label_without_a_space_or_by_button_extra() -> None:
    talk = Talk().walk_to(REVIEW)
    talk.say("팀원수수정")
    assert talk.step == "team"
    talk.say("그대로")
    talk.say("바꿀래요", edit="phone")
    assert talk.step == "phone" and talk.reason == "edit"


def test_invalid_answer_while_editing_stays_in_the_edit() -> None:
    talk = Talk().walk_to(REVIEW)
    talk.say("전화 수정")
    talk.say("010")
    assert talk.step == "phone" and talk.state["editing"] is True
    talk.say("01011112222")
    assert talk.step == REVIEW


def test_back_while_editing_returns_to_the_review_unchanged() -> None:
    talk = Talk().walk_to(REVIEW)
    talk.say("이름 수정")
    talk.say("이전")
    assert talk.step == REVIEW and talk.answers["name"] == "홍길동"


def test_edit_that_makes_a_skipped_step_required_asks_it_before_the_review() -> None:
    talk = Talk().walk_to(REVIEW, size="작음")
    assert "team" not in talk.answers
    talk.say("규모 수정")
    talk.say("보통")
    assert talk.step == "team" and talk.state["editing"] is True
    talk.say("이전")  # back from the newly required question goes to the edited one
    assert talk.step == "size"
    talk.say("그대로")
    assert talk.step == "team"
    talk.say("3")
    assert talk.step == REVIEW and talk.answers["team"] == 3


def test_edit_that_makes_a_step_skipped_drops_its_answer() -> None:
    talk = Talk().walk_to(REVIEW)
    talk.say("규모 수정")
    talk.say("작음")
    assert talk.step == REVIEW and "team" not in talk.answers
    labels = [f["label"] for f in talk.context("demo/review")["fields"]]
    assert labels == ["이름", "규모", "전화"]


def test_an_earlier_answer_can_be_edited_mid_form() -> None:
    talk = Talk().walk_to("phone")
    talk.say("이름 수정")
    assert talk.step == "name"
    talk.say("김철수")
    assert talk.step == "phone" and talk.answers["name"] == "김철수"


def test_anything_else_in_the_review_gets_a_hint() -> None:
    talk = Talk().walk_to(REVIEW)
    talk.say("음 잘 모르겠어요")
    assert talk.templates == ["dialog/review_hint", "demo/review", "dialog/review_nav"]
    assert talk.reason == "review" and talk.step == REVIEW


@pytest.mark.parametrize("word", ["제출하기", "네", "신청하기"])
def test_submit_words(word: str) -> None:
    assert Talk().walk_to(REVIEW).say(word).reason == "completed"


def test_submit_by_button_extra() -> None:
    assert Talk().walk_to(REVIEW).say("보내기", command="submit").reason == "completed"


def test_refused_submission_stays_in_the_review() -> None:
    talk = Talk(env=DemoEnv(submit_fails=True)).walk_to(REVIEW)
    talk.say("제출")
    assert talk.templates == ["demo/submit_failed", "demo/review", "dialog/review_nav"]
    assert talk.reason == "invalid" and talk.step == REVIEW and len(talk.answers) == 4
    assert talk.context("demo/submit_failed") == {"retry": True, "form_title": "데모 신청서"}
    talk.env = DemoEnv()
    assert talk.say("제출").reason == "completed"


# -- a step that ends the form ---------------------------------------------------
def test_an_answer_can_end_the_form() -> None:
    talk = Talk().walk_to("size")
    out = talk.say("초대형")
    assert out.finished and out.state is None and out.reason == "ended"
    assert talk.templates == ["demo/too_big"]


def test_ends_also_applies_while_editing() -> None:
    talk = Talk().walk_to(REVIEW)
    talk.say("규모 수정")
    assert talk.say("초대형").reason == "ended"


# -- interruptions ---------------------------------------------------------------
def test_a_question_that_fails_to_parse_is_answered_then_the_step_repeats() -> None:
    talk = Talk(interrupt=faq("지원금은 언제 나와요?")).walk_to("team")
    talk.say("지원금은 언제 나와요?")
    assert talk.templates == ["faq/answer", "demo/ask_team", "dialog/nav"]
    assert talk.reason == "interrupted" and talk.state["misses"] == 0
    assert talk.quick_replies("faq/answer") is False  # the detour leaves no chips behind
    assert talk.quick_replies("dialog/nav") is True


def test_a_free_text_answer_that_is_a_question_is_a_detour() -> None:
    talk = Talk(interrupt=faq("신청 기간이 언제인가요"))
    talk.say("신청 기간이 언제인가요")
    assert talk.reason == "interrupted" and talk.answers == {} and talk.step == "name"


def test_a_question_the_hook_cannot_answer_is_taken_as_the_answer() -> None:
    talk = Talk(interrupt=faq())
    talk.say("뭐든지 마트")
    assert talk.reason == "answered" and talk.answers == {"name": "뭐든지 마트"}


def test_an_unanswerable_question_gets_the_steps_help_not_a_miss() -> None:
    talk = Talk(interrupt=faq()).walk_to("team")
    talk.say("이거 왜 물어봐요")
    assert talk.reason == "help" and talk.state["misses"] == 0
    assert talk.templates[0] == "demo/help_team"  # the step's own help


def test_an_invalid_answer_that_is_not_a_question_never_reaches_the_hook() -> None:
    talk = Talk(interrupt=never).walk_to("team")
    talk.say("팀원이요")
    assert talk.reason == "invalid" and talk.state["misses"] == 1


def test_plain_answers_never_reach_the_hook() -> None:
    talk = Talk(interrupt=never)
    talk.walk_to(REVIEW)
    assert talk.step == REVIEW


def test_choice_steps_do_not_treat_answers_as_questions() -> None:
    talk = Talk(interrupt=never).walk_to("size")
    talk.say("보통")
    assert talk.step == "team"


def test_a_question_in_the_review_is_answered_quietly() -> None:
    talk = Talk(interrupt=faq("언제 연락 와요?")).walk_to(REVIEW)
    talk.say("언제 연락 와요?")
    assert talk.templates == ["faq/answer", "demo/review", "dialog/review_nav"]
    assert talk.reason == "interrupted"


@pytest.mark.parametrize(("text", "expected"), [
    ("언제 되나요", True),
    ("지원금 얼마예요", True),
    ("이거 맞아요?", True),
    ("할 수 있을까요", True),
    ("어떻게 해요", True),
    ("홍길동", False),
    ("맛있는 빵집", False),
    ("010-1234-5678", False),
])
def test_looks_like_question(text: str, expected: bool) -> None:
    assert looks_like_question(text) is expected


# -- resume ----------------------------------------------------------------------
def test_resume_offer_describes_the_draft() -> None:
    talk = Talk().walk_to("team")
    saved = talk.state["updated_at"]
    talk.offer_resume()
    assert talk.templates == ["dialog/resume_offer"] and talk.reason == "offered"
    assert talk.context("dialog/resume_offer") == {
        "form_title": "데모 신청서", "step_label": "팀원 수", "in_review": False,
        "saved_at": saved, "answered": 2, "step_no": 3, "step_total": 4,
    }
    assert talk.state["pending"] == "resume"


def test_resume_continues_at_the_saved_step() -> None:
    talk = Talk().walk_to("team")
    talk.offer_resume()
    talk.say("이어서")
    assert talk.reason == "resume" and talk.shown == ["demo/ask_team"]
    assert talk.state["pending"] is None and talk.answers == {"name": "홍길동", "size": "보통"}
    talk.say("4")
    assert talk.step == "phone"


def test_fresh_start_from_the_offer_clears_the_answers() -> None:
    talk = Talk().walk_to("team")
    talk.offer_resume()
    talk.say("새로 시작")
    assert talk.reason == "restarted" and talk.answers == {} and talk.step == "name"
    assert talk.templates == ["dialog/restarted", "demo/ask_name", "dialog/nav"]


def test_anything_else_repeats_the_offer_with_the_original_time() -> None:
    talk = Talk().walk_to("team")
    saved = talk.state["updated_at"]
    talk.offer_resume()
    talk.say("5")  # not taken as the team answer: the user has not chosen yet
    assert talk.reason == "pending" and talk.templates == ["dialog/resume_offer"]
    assert talk.context("dialog/resume_offer")["saved_at"] == saved
    assert "team" not in talk.answers
    talk.offer_resume()  # offered again on a later visit: still the first saved time
    assert talk.context("dialog/resume_offer")["saved_at"] == saved


def test_cancel_from_the_offer_drops_the_draft() -> None:
    talk = Talk().walk_to("team")
    talk.offer_resume()
    assert talk.say("취소").reason == "cancelled"


def test_a_question_at_the_offer_is_answered_then_the_offer_repeats() -> None:
    talk = Talk(interrupt=faq("지원금 얼마예요?")).walk_to("team")
    talk.offer_resume()
    talk.say("지원금 얼마예요?")
    assert talk.templates == ["faq/answer", "dialog/resume_offer"]
    assert talk.reason == "interrupted"


def test_resume_in_the_review() -> None:
    talk = Talk().walk_to(REVIEW)
    talk.offer_resume()
    assert talk.context("dialog/resume_offer")["in_review"] is True
    talk.say("이어서 하기")
    assert talk.templates == ["demo/review", "dialog/review_nav"]


# -- keywords --------------------------------------------------------------------
@pytest.mark.parametrize(("text", "reason"), [
    ("취소!", "pending"),
    ("  취소  ", "pending"),
    ("신청취소", "pending"),
    (" 이전 ", "back"),
    ("이전으로~", "back"),
    ("도움말?", "help"),
    ("상담원연결", "operator"),
    ("  다시   시작 ", "pending"),
])
def test_commands_match_after_normalising(text: str, reason: str) -> None:
    talk = Talk().walk_to("team")
    assert talk.say(text).reason == reason


def test_normalise() -> None:
    assert normalise("  신청   취소!?~ ") == "신청 취소"
    assert normalise("OK.") == "ok"


def test_command_words_with_a_button_extra() -> None:
    talk = Talk().walk_to("team")
    assert talk.say("⬅", command="back").reason == "back"


def test_a_listed_choice_beats_a_command_word() -> None:
    form = Form("visit", title="방문", on_complete=lambda a, env: Reply.of("visit/done"), steps=(
        Step("how", "방법", "visit/ask_how", lambda t: t.text.strip(), choices=("상담", "방문")),
    ))
    talk = Talk(form)
    out = talk.say("상담")
    assert out.reason == "completed" and talk.templates == ["visit/done"]


# -- forms without a review, and other edges --------------------------------------
def _quick_form(fails: bool = False) -> Form:
    def done(answers: Any, env: Any) -> Reply:
        if fails:
            raise Invalid("quick/failed")
        return Reply.of("quick/done", dict(answers))

    return Form("quick", on_complete=done, steps=(
        Step("a", "가", "quick/ask_a", lambda t: t.text),
        Step("b", "나", "quick/ask_b", lambda t: t.text),
    ))


def test_without_a_review_the_last_answer_completes_the_form() -> None:
    talk = Talk(_quick_form())
    assert talk.templates == ["quick/ask_a", "dialog/nav"]  # no intro
    talk.say("하나")
    out = talk.say("둘")
    assert out.reason == "completed" and talk.context("quick/done") == {"a": "하나", "b": "둘"}


def test_without_a_review_a_refused_completion_repeats_the_last_step() -> None:
    talk = Talk(_quick_form(fails=True))
    talk.say("하나")
    talk.say("둘")
    assert talk.templates == ["quick/failed", "quick/ask_b", "dialog/nav"]
    assert talk.step == "b" and talk.answers == {"a": "하나", "b": "둘"}


def test_parser_sees_answers_env_and_extra() -> None:
    seen: list[Turn] = []

    def spy(turn: Turn) -> str:
        seen.append(turn)
        return turn.text

    form = Form("spy", on_complete=lambda a, env: Reply.of("spy/done"), steps=(
        Step("a", "가", "spy/ask_a", lambda t: t.text),
        Step("b", "나", "spy/ask_b", spy),
    ))
    talk = Talk(form, env="services")
    talk.say("하나")
    talk.say("둘", source="button")
    assert seen == [Turn("둘", {"a": "하나"}, "services", {"source": "button"})]


def test_current_step_and_ask() -> None:
    talk = Talk().walk_to("team")
    assert current_step(DEMO, talk.state) is DEMO.step("team")
    assert ask(DEMO, talk.state).parts[0].template == "demo/ask_team"
    talk.walk_to(REVIEW)
    assert current_step(DEMO, talk.state) is None


def test_state_of_a_changed_form_is_repaired() -> None:
    talk = Talk().walk_to("team")
    stale = {**talk.state, "step": "retired_step", "answers": {**talk.answers, "old": 1}}
    assert current_step(DEMO, stale) is DEMO.step("team")
    out = advance(DEMO, stale, "3", talk.tick())
    assert out.state is not None and out.state["step"] == "phone"
    assert "old" not in out.state["answers"]


def test_a_review_with_gaps_asks_the_missing_step() -> None:
    talk = Talk().walk_to("team")
    early = {**talk.state, "step": REVIEW}
    assert current_step(DEMO, early) is DEMO.step("team")


def test_state_of_another_form_is_rejected() -> None:
    talk = Talk(_quick_form())
    with pytest.raises(ValueError, match="quick"):
        advance(DEMO, talk.state, "홍길동", talk.tick())


def test_duplicate_or_missing_steps_fail_at_definition() -> None:
    step = Step("a", "가", "x/ask", lambda t: t.text)
    with pytest.raises(ValueError, match="duplicate"):
        Form("bad", steps=(step, step), on_complete=lambda a, env: Reply.of("x"))
    with pytest.raises(ValueError, match="no steps"):
        Form("bad", steps=(), on_complete=lambda a, env: Reply.of("x"))


def test_reserved_names_and_zero_misses_fail_at_definition() -> None:
    step = Step("a", "가", "x/ask", lambda t: t.text)
    with pytest.raises(ValueError, match="reserved"):
        Form("bad", steps=(Step(REVIEW, "가", "x/ask", lambda t: t.text),),
             on_complete=lambda a, env: Reply.of("x"))
    with pytest.raises(ValueError, match="max_misses"):
        Form("bad", steps=(step,), on_complete=lambda a, env: Reply.of("x"), max_misses=0)
    with pytest.raises(KeyError):
        DEMO.step("nope")


def test_a_form_with_nothing_to_ask_cannot_start() -> None:
    form = Form("empty", on_complete=lambda a, env: Reply.of("x"), steps=(
        Step("a", "가", "x/ask", lambda t: t.text, skip=lambda answers: True),
    ))
    with pytest.raises(ValueError, match="nothing to ask"):
        start(form, T0)


def test_unknown_state_version_is_rejected() -> None:
    talk = Talk()
    with pytest.raises(ValueError, match="version"):
        advance(DEMO, {**talk.state, "v": 99}, "홍길동", talk.tick())


def test_choices_can_depend_on_earlier_answers() -> None:
    def menu(answers: Any) -> tuple[str, ...]:
        return ("아메리카노", "라떼") if answers.get("shop") == "카페" else ("김밥", "라면")

    def pick(turn: Turn) -> str:
        if turn.text not in menu(turn.answers):
            raise Invalid("menu/invalid")
        return turn.text

    form = Form("menu", on_complete=lambda a, env: Reply.of("menu/done"), steps=(
        Step("shop", "가게", "menu/ask_shop", lambda t: t.text, choices=("카페", "분식")),
        Step("item", "메뉴", "menu/ask_item", pick, choices=menu),
    ))
    talk = Talk(form)
    talk.say("카페")
    assert talk.context("menu/ask_item")["choices"] == ["아메리카노", "라떼"]
    talk.say("김밥")
    assert talk.reason == "invalid"
    assert talk.say("라떼").reason == "completed"


# -- watching the engine (the form funnel) ------------------------------------------
def test_position_says_which_step_a_turn_is_about() -> None:
    talk = Talk().walk_to("phone", size="보통")
    talk.say("이전")
    at = position(DEMO, talk.state)
    assert at is not None
    assert (at.step, at.first_missing, at.answered) == ("team", "phone",
                                                        frozenset({"name", "size", "team"}))
    assert position(DEMO, None) is None
    assert position(DEMO, {**talk.state, "form": "other"}) is None
    talk.say("나중에")
    assert position(DEMO, talk.offer_resume().state).offered


def test_refused_submission_tells_a_refused_answer_from_a_refused_submit() -> None:
    talk = Talk(env=DemoEnv(submit_fails=True)).walk_to("phone", size="작음")
    before = position(DEMO, talk.state)
    assert not refused_submission(before, talk.say("123"))  # the step refused the answer
    talk.say("010-1234-5678")
    before = position(DEMO, talk.state)
    assert refused_submission(before, talk.say("제출"))  # on_complete refused, in the review

    def name(turn: Turn) -> str:
        if len(turn.text) < 2:
            raise Invalid("x/invalid")
        return turn.text

    def refuse(answers: Any, env: Any) -> Reply:
        raise Invalid("x/refused")

    no_review = Form("short", on_complete=refuse, steps=(Step("name", "이름", "x/ask", name),))
    talk = Talk(no_review)
    before = position(no_review, talk.state)
    assert not refused_submission(before, talk.say("a"))  # too short: refused by the step
    before = position(no_review, talk.state)
    outcome = talk.say("홍길동")  # valid, and the last step: on_complete refuses at once
    assert outcome.reason == "invalid" and refused_submission(before, outcome)


# -- purity ----------------------------------------------------------------------
def test_engine_source_imports_nothing_from_flask_or_redis() -> None:
    tree = ast.parse((ROOT / "bot" / "conversation" / "dialog.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0] if node.level == 0 else "bot")
    assert imported <= set(sys.stdlib_module_names) | {"__future__", "bot"}


def test_engine_loads_without_flask_or_redis() -> None:
    # The real package, no stand-in: bot/__init__ and bot/conversation/__init__ are light.
    code = (
        "import sys\n"
        "import bot.conversation.dialog\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "               {'flask', 'redis', 'werkzeug', 'jinja2', 'requests'})\n"
        "assert not heavy, heavy\n"
        "assert sorted(m for m in sys.modules if m.startswith('bot.')) == "
        "['bot.conversation', 'bot.conversation.dialog', 'bot.conversation.reply', "
        "'bot.conversation.understand', 'bot.core', 'bot.core.text', 'bot.core.version'], "
        "sorted(m for m in sys.modules if m.startswith('bot'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr


def test_one_normaliser_serves_the_engine_and_the_application_form() -> None:
    from bot.applications.fields import says
    from bot.core.text import key

    assert key("  신청   취소!?~ ") == "신청취소"
    assert key("ＯＫ", fold=True) == "ok" and key("ＯＫ") == "ｏｋ"  # width folded only when asked
    assert says("동의 합니다!", ("동의합니다",)) and not says("", ("",))


def test_the_router_reads_text_through_the_same_module() -> None:
    from bot.conversation import router
    from bot.core.text import compact

    assert router.normalise is compact
    assert compact(' "신청 현황?" (지금)') == "신청현황지금"  # inner punctuation goes too
