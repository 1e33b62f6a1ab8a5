"""Forms through the real pipeline: sessions, drafts, pausing, resuming, concurrency."""

from __future__ import annotations

import threading
import time

import pytest
import time_machine

from bot.conversation import dialog
from bot.conversation.registry import SKILLS, skill
from tests.support import demo_skill

demo_skill.register()


@pytest.fixture
def clock(app):
    """Freeze the services' clock and let the test move it."""
    services = app.extensions["bot"].services
    now = [1_800_000_000.0]
    services.clock = lambda: now[0]
    return now


def test_free_text_answers_the_active_form(chat):
    assert chat.say("시작", skill="demo").template == "demo/ask_name"
    assert chat.say("홍길동").template == "demo/ask_size"
    said = chat.say("작음")
    assert said.template == "demo/ask_phone" and said.templates[-1] == "dialog/nav"
    said = chat.say("010-1234-5678")
    assert said.templates[0] == "demo/review"
    assert "010-****-5678" in said.text and "1234" not in said.text
    done = chat.say("제출")
    assert done.template == "demo/done" and done.context == {"name": "홍길동"}
    assert chat.say("홍길동").template == "fallback/unknown"  # the form is over


def test_resume_after_the_session_expired(chat, app, redis, clock):
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    sessions = app.extensions["bot"].services.sessions
    sessions.clear(chat.user_id)  # the 30-minute idle TTL ran out
    clock[0] += 3 * 24 * 3600
    said = chat.say("데모 다시", skill="demo")
    assert said.template == "dialog/resume_offer"
    assert said.context["answered"] == 1
    said = chat.tap("이어서 하기")
    assert said.templates[0] == "demo/ask_size"


def test_draft_is_offered_by_the_fallback_when_text_is_unknown(chat, app):
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    app.extensions["bot"].services.sessions.clear(chat.user_id)
    said = chat.say("음 그러니까")
    assert said.template == "dialog/resume_offer"


def test_drafts_expire_after_seven_days(chat, app, redis):
    chat.say("시작", skill="demo")
    key = app.extensions["bot"].services.keys.draft(chat.user_id, "demo")
    assert 6 * 24 * 3600 < redis.ttl(key) <= 7 * 24 * 3600


def test_another_skill_pauses_the_form_and_keeps_the_draft(chat):
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    said = chat.say("안녕", skill="welcome")
    assert said.templates == ["welcome/greeting", "dialog/paused"]
    assert chat.say("오늘 날씨 어때").template != "demo/ask_size"  # free text is free again
    said = chat.tap("이어서 하기") if "이어서 하기" in chat.last.quick_replies else \
        chat.say("이어서 하기")
    assert said.templates[0] == "demo/ask_size"


def test_a_menu_request_typed_at_a_step_is_answered_and_the_form_paused(chat):
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    said = chat.say("상담원 연결해 주세요")  # not a size: the merchant wants a person
    assert said.templates == ["operator/connect", "dialog/paused"]
    said = chat.say("이어서 하기")
    assert said.templates[0] == "demo/ask_size" and said.context.get("misses", 0) == 0


def test_a_valid_answer_is_never_taken_for_a_menu_request(chat):
    chat.say("시작", skill="demo")
    said = chat.say("잔액 확인")  # the name step takes any short text: it is the answer
    assert said.template == "demo/ask_size"


def test_greeting_mid_form_is_a_miss_not_a_menu_jump(chat):
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    said = chat.say("안녕하세요")  # the menu stays with the form; the step asks again
    assert said.templates[0] == "demo/invalid_size"


def test_tapping_the_form_button_again_re_shows_the_step(chat):
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    chat.say("취소")
    said = chat.say("데모", skill="demo")
    assert said.templates[0] == "demo/ask_size"
    assert chat.say("네").template == "demo/invalid_size" or \
        chat.last.templates[0] == "demo/invalid_size"


def test_cancel_drops_the_draft(chat, app):
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    assert chat.say("취소").template == "dialog/confirm_cancel"
    assert chat.tap("네, 취소할게요").template == "dialog/cancelled"
    sessions = app.extensions["bot"].services.sessions
    assert sessions.load_draft(chat.user_id, "demo") is None


def test_an_answer_the_guard_gave_up_on_keeps_neither_the_step_nor_the_draft(
        chat, app, monkeypatch):
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    pipeline = app.extensions["bot"].pipeline
    dispatch = pipeline.dispatch
    done = threading.Event()

    def late_dispatch(name, req, session):
        reply = dispatch(name, req, session)
        time.sleep(pipeline.budget)  # ready only after the guard answered "busy"
        done.set()
        return reply

    monkeypatch.setattr(pipeline, "dispatch", late_dispatch)
    assert chat.say("작음").template == "common/busy"
    assert done.wait(5)
    time.sleep(0.1)  # the late turn ends (without saving) right after
    sessions = app.extensions["bot"].services.sessions
    # The merchant never saw the next step: the session and the draft both still ask it.
    assert sessions.load(chat.user_id).dialog["answers"] == {"name": "홍길동"}
    assert sessions.load_draft(chat.user_id, "demo")["answers"] == {"name": "홍길동"}


def test_a_double_tap_arriving_at_once_is_taken_once(chat, app, monkeypatch):
    chat.say("시작", skill="demo")
    sessions = app.extensions["bot"].services.sessions
    pipeline = app.extensions["bot"].pipeline
    dispatch = pipeline.dispatch

    def slow_dispatch(name, req, session):
        time.sleep(0.1)  # widen the race window: without the lock both would read one state
        return dispatch(name, req, session)

    monkeypatch.setattr(pipeline, "dispatch", slow_dispatch)
    results = []
    threads = [threading.Thread(target=lambda: results.append(chat.as_user(chat.user_id)
                                                              .say("작음", gap=0).templates))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r != ["common/busy"] for r in results)
    # Processed in turn under the lock; the second copy is seen as the same message.
    assert sessions.load(chat.user_id).dialog["answers"] == {"name": "작음"}
    assert [r[0] for r in results] == ["demo/ask_size", "demo/ask_size"]


def test_the_same_words_seconds_apart_answer_two_steps(chat, app):
    chat.say("시작", skill="demo")
    chat.say("작음")
    chat.say("작음", gap=3.0)
    answers = app.extensions["bot"].services.sessions.load(chat.user_id).dialog["answers"]
    assert answers == {"name": "작음", "size": "작음"}


@time_machine.travel("2026-11-21 10:00:00+09:00", tick=False)
def test_interruption_is_answered_then_the_step_is_asked_again(chat, app):
    class Faq:
        def answer_mid_form(self, text, req, session, svc):
            return dialog.Reply.of("fallback/unknown") if "언제" in text else None

        def answer(self, text, req, session, svc):
            return None

    app.extensions["bot"].services.faq = Faq()
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    said = chat.say("지원금은 언제 들어와요?")
    assert said.templates[0] == "fallback/unknown"
    assert "demo/ask_size" in said.templates
    assert "자주 묻는 질문" not in said.quick_replies  # the detour's chips are dropped


def test_skill_registry_refuses_duplicates():
    with pytest.raises(ValueError, match="already registered"):
        skill("welcome")(lambda *a: None)
    assert "welcome" in SKILLS
