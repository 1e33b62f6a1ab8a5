"""The form funnel: counters per KST day, form and step, and `flask stats forms`."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import time_machine

from bot.conversation import funnel
from bot.conversation.dialog import Reply
from bot.core import staff_cli
from bot.core.clock import KST
from tests.support import demo_skill
from tests.support.apply_flow import HAPPY, STEPS, fill, freeze, start
from tests.support.kakao import Chat

demo_skill.register()

DAY = "20261121"  # the day of apply_flow.NOON_KST


class Faq:
    """A stand-in FAQ that answers any question about when the money comes."""

    def answer_mid_form(self, text, req, session, svc):
        return Reply.of("fallback/unknown") if "언제" in text else None

    def answer(self, text, req, session, svc):
        return None


@pytest.fixture
def services(app):
    return app.extensions["bot"].services


@pytest.fixture
def clock(app):
    """The services' clock, frozen at noon KST on 2026-11-21."""
    return freeze(app)


@pytest.fixture
def counters(redis, services):
    """The counters of one KST day (default: the frozen clock's), ints."""
    def read(day: str = DAY) -> dict[str, int]:
        return {k: int(v) for k, v in redis.hgetall(services.keys.form_stats(day)).items()}
    return read


def steps(form: str, names, **events: int) -> dict[str, int]:
    """`form|step|event: n` for every step in `names`."""
    return {f"{form}|{name}|{event}": n for name in names for event, n in events.items()}


# -- counting ------------------------------------------------------------------------
def test_a_straight_application_counts_each_step_once(chat, clock, counters):
    fill(chat)
    assert chat.say("제출").template == "apply/submitted"
    assert counters() == {
        "apply|started": 1,
        **steps("apply", STEPS, reached=1, answered=1, valid=1),
        "apply|__review__|reached": 1,
        "apply|submitted": 1,
    }


def test_refusals_questions_and_a_menu_detour_are_counted_at_their_step(chat, clock, counters):
    start(chat)
    assert chat.say("123-45-67890").template == "apply/ask_bizno"  # checksum: refused
    said = chat.say("법인 사업자도 신청 가능한가요?")  # the FAQ answers, the step is asked again
    assert said.templates[-2:] == ["apply/ask_bizno", "dialog/nav"]
    for _, text in HAPPY[:3]:
        chat.say(text)
    said = chat.say("잔액 알려줘")  # not a revenue band: the wallet answers, the form pauses
    assert said.templates[-1] == "dialog/paused"
    assert chat.say("이어서 하기").templates[0] == "apply/ask_revenue"
    for _, text in HAPPY[3:]:
        chat.say(text)
    chat.say("제출")
    assert counters() == {
        "apply|started": 1,
        **steps("apply", STEPS, reached=1, answered=1, valid=1),
        "apply|bizno|invalid": 1,
        "apply|bizno|interrupted": 1,
        "apply|revenue|paused": 1,  # the menu request is not a refused answer
        "apply|resumed": 1,
        "apply|__review__|reached": 1,
        "apply|submitted": 1,
    }


def test_re_shown_steps_are_not_reached_again(chat, app, clock, counters):
    app.extensions["bot"].services.faq = Faq()
    chat.say("시작", skill="demo")
    assert chat.say("x").template == "demo/ask_name"  # too short
    assert chat.say("지원금은 언제 들어와요?").templates[0] == "fallback/unknown"
    chat.say("홍길동")
    chat.say("보통")
    assert chat.say("이전").templates[0] == "demo/ask_size"
    assert chat.say("보통").templates[0] == "demo/ask_team"  # asked again, not reached again
    chat.say("5")
    assert chat.say("010-1234-5678").templates[0] == "demo/review"
    assert chat.say("이름 수정").templates[0] == "demo/ask_name"
    assert chat.say("김철수").templates[0] == "demo/review"  # back in the review: not again
    chat.say("취소")
    assert chat.tap("네, 취소할게요").template == "dialog/cancelled"
    assert counters() == {
        "demo|started": 1,
        **steps("demo", ("name", "size", "team", "phone"), reached=1, answered=1, valid=1),
        "demo|name|invalid": 1,
        "demo|name|interrupted": 1,
        "demo|name|valid": 2,  # 홍길동, then 김철수 from the review
        "demo|size|valid": 2,  # 보통 twice, around 이전
        "demo|__review__|reached": 1,
        "demo|__review__|cancelled": 1,
    }


def test_restart_ending_pause_and_refused_submission(chat, app, services, clock, counters,
                                                     monkeypatch):
    chat.say("시작", skill="demo")
    chat.say("홍길동")
    chat.say("처음부터")
    assert chat.tap("네, 처음부터").templates[-2] == "demo/ask_name"
    chat.say("홍길동")
    assert chat.say("초대형").template == "demo/too_big"  # ends the form: not eligible

    later = chat.as_user("u-later")
    later.say("시작", skill="demo")
    later.say("김철수")
    assert later.say("작음").templates[0] == "demo/ask_phone"  # 팀원 수 does not apply
    assert later.say("나중에").template == "dialog/paused"

    monkeypatch.setattr(services, "submit_fails", True, raising=False)
    refused = chat.as_user("u-refused")
    refused.say("시작", skill="demo")
    for text in ("이순신", "작음", "01012345678"):
        refused.say(text)
    assert refused.say("제출").templates[0] == "demo/submit_failed"
    assert counters() == {
        "demo|started": 4,  # 3 merchants, one of them restarted
        "demo|name|reached": 4,
        "demo|name|valid": 4,
        "demo|name|answered": 4,
        "demo|size|restarted": 1,
        "demo|size|reached": 4,
        "demo|size|valid": 3,
        "demo|size|answered": 3,
        "demo|size|ended": 1,
        "demo|phone|reached": 2,
        "demo|phone|paused": 1,
        "demo|phone|valid": 1,
        "demo|phone|answered": 1,
        "demo|__review__|reached": 1,
        "demo|refused": 1,
    }


def test_counters_follow_the_kst_day_and_last_about_400_days(chat, redis, services, counters):
    with time_machine.travel(datetime(2026, 11, 21, 23, 59, 50, tzinfo=KST), tick=False):
        chat.say("시작", skill="demo")
    with time_machine.travel(datetime(2026, 11, 22, 0, 0, 10, tzinfo=KST), tick=False):
        chat.say("홍길동")
    assert counters("20261121") == {"demo|started": 1, "demo|name|reached": 1}
    assert counters("20261122") == {"demo|name|valid": 1, "demo|name|answered": 1,
                                    "demo|size|reached": 1}
    ttl = redis.ttl(services.keys.form_stats("20261122"))
    assert 399 * 24 * 3600 < ttl <= 400 * 24 * 3600


def test_a_failing_counter_never_loses_the_merchants_answer(chat, app, redis, services, clock,
                                                            counters, monkeypatch):
    redis.set(services.keys.form_stats(DAY), "not a hash")  # every HINCRBY fails: WRONGTYPE
    assert chat.say("시작", skill="demo").templates[-2] == "demo/ask_name"
    assert chat.say("홍길동").templates[0] == "demo/ask_size"
    saved = services.sessions.load(chat.user_id).dialog
    assert saved["answers"] == {"name": "홍길동"} and saved["step"] == "size"

    def broken(*args):
        raise RuntimeError("counting bug")

    monkeypatch.setattr(funnel, "tally", broken)
    assert chat.say("보통").templates[0] == "demo/ask_team"  # the lock was released, too
    assert services.sessions.load(chat.user_id).dialog["answers"] == {"name": "홍길동",
                                                                      "size": "보통"}
    assert services.sessions.load_draft(chat.user_id, "demo")["answers"]["size"] == "보통"


# -- flask stats forms ---------------------------------------------------------------
def demo_day(app):
    """Three merchants on the demo form: one submits, one gives up at 전화, one cancels."""
    first = Chat(app, "u-1")
    first.say("시작", skill="demo")
    for text in ("홍길동", "작음", "0101234", "01012345678", "제출"):
        first.say(text)
    second = Chat(app, "u-2")
    second.say("시작", skill="demo")
    for text in ("김철수", "보통", "열 명", "5", "02-123", "010"):
        second.say(text)
    third = Chat(app, "u-3")
    third.say("시작", skill="demo")
    third.say("취소")
    third.say("네")


def test_cli_prints_the_funnel_with_labels_and_the_worst_step(app, runner, clock):
    demo_day(app)
    result = runner.invoke(args=["stats", "forms", "--form", "demo"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "demo (데모 신청서) — 2026-11-15 … 2026-11-21 KST, 7일"
    assert lines[1] == "시작 3 · 이어서 하기 0"
    assert lines[3].split() == ["단계", "도달", "응답", "잘못된", "답", "비율", "질문", "미룸",
                                "취소", "종료"]
    rows = {line[4:].split()[0]: line for line in lines[3:] if line[1:3].strip().isdigit()}
    assert list(rows) == ["이름", "규모", "팀원", "전화"]
    # after the label: reached answered invalid rate questions paused cancelled ended
    assert rows["이름"].split()[2:] == ["3", "2", "0", "0%", "0", "0", "1", "0"]
    assert rows["팀원"].split()[3:] == ["1", "1", "1", "50%", "0", "0", "0", "0"]
    assert rows["전화"].split()[3:] == ["2", "1", "3", "75%", "0", "0", "0", "0"]
    assert rows["전화"].startswith("▶ 4 전화")  # the step with the most validation failures
    assert rows["이름"].startswith("  1 이름")
    # Each figure ends under the end of its heading (Hangul takes two terminal columns).
    ends = [staff_cli.width(lines[3][:lines[3].index(h) + len(h)]) for h in ("도달", "종료")]
    assert [staff_cli.width(rows["전화"][:rows["전화"].index(" 2 ") + 2]),
            staff_cli.width(rows["전화"])] == ends
    assert "제출 1 (시작의 33%)" in lines
    assert "▶ 잘못된 답이 가장 많은 단계: 전화 (phone) — 3번 거절, 이 단계에 적은 답의 75%" in lines
    assert "* 앞의 답에 따라 묻는 단계" in lines


def test_cli_json_sums_the_chosen_days(app, runner, clock):
    demo_day(app)
    clock[0] += 24 * 3600  # the next KST day: nothing new
    data = json.loads(runner.invoke(args=["stats", "forms", "--form", "demo", "--days", "1",
                                          "--json"]).output)
    (today,) = data["forms"]
    assert (today["first_day"], today["started"], today["most_invalid"]) == \
        ("2026-11-22", 0, None)
    data = json.loads(runner.invoke(args=["stats", "forms", "--form", "demo", "--days", "2",
                                          "--json"]).output)
    (both,) = data["forms"]
    assert (both["first_day"], both["last_day"]) == ("2026-11-21", "2026-11-22")
    assert (both["started"], both["submitted"], both["cancelled"]) == (3, 1, 1)
    phone = next(s for s in both["steps"] if s["name"] == "phone")
    assert (phone["label"], phone["reached"], phone["invalid"], phone["invalid_rate"]) == \
        ("전화", 2, 3, 0.75)
    assert both["most_invalid"] == "phone"
    assert both["review"]["reached"] == 1


def test_cli_without_activity_and_with_an_unknown_form(runner, clock):
    result = runner.invoke(args=["stats", "forms", "--form", "apply"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == "이 기간에는 신청서를 쓴 사람이 없어요."
    result = runner.invoke(args=["stats", "forms", "--form", "nope"])
    assert result.exit_code == 2 and "✗ 'nope' 신청서가 없어요 (등록된 신청서: " in result.output
    assert "[stats.unknown_form]" in result.output
