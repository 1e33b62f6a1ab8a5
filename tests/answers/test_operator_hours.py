"""상담 hours: an operator setting, empty by default; outside the set hours the bot says so."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from bot.answers import hours
from bot.core.clock import KST
from bot.core.config import ROOT
from tests.conftest import TEST_TEMPLATES
from tests.support.apply_flow import freeze
from tests.support.kakao import Chat

SATURDAY_0440 = datetime(2026, 11, 21, 4, 40, tzinfo=KST).timestamp()
MONDAY_1100 = datetime(2026, 11, 23, 11, 0, tzinfo=KST).timestamp()
WEEKDAYS = "평일 10:00~18:00 (주말·공휴일 제외)"


@pytest.fixture
def with_hours(tmp_path, make_app):
    """A chat whose operators set `operator_hours` in settings.yaml."""
    def build(value: str) -> Chat:
        shipped = (ROOT / "templates" / "settings.yaml").read_text(encoding="utf-8")
        assert '\noperator_hours: ""\n' in shipped, "the shipped default must say nothing"
        root = tmp_path / "templates"
        root.mkdir(exist_ok=True)
        (root / "settings.yaml").write_text(
            shipped.replace('\noperator_hours: ""\n', f"\noperator_hours: {value}\n"),
            encoding="utf-8")
        dirs = os.pathsep.join([str(root), str(ROOT / "templates"), str(TEST_TEMPLATES)])
        return Chat(make_app(TEMPLATES_DIR=dirs))
    return build


@pytest.mark.parametrize("text", ["상담원 연결", "상담 시간이 언제예요", "오늘 날씨 어때"])
def test_by_default_no_hours_are_invented(chat, text):
    freeze(chat.app, SATURDAY_0440)
    said = chat.say(text)
    assert "10:00" not in said.text and "상담 가능 시간" not in said.text
    assert "상담원이 확인해 답해 드려요" in said.text, said.templates


def test_outside_the_set_hours_the_bot_says_nobody_is_there_and_what_happens(with_hours):
    chat = with_hours(WEEKDAYS)
    freeze(chat.app, SATURDAY_0440)
    said = chat.say("상담원 연결")
    assert "지금은 상담 시간이 아니에요" in said.text
    assert "평일 10:00~18:00" in said.text
    assert "2026년 11월 23일(월) 10:00부터" in said.text  # the next opening, KST


def test_inside_the_set_hours_the_hours_are_shown(with_hours):
    chat = with_hours(WEEKDAYS)
    freeze(chat.app, MONDAY_1100)
    said = chat.say("상담원 연결")
    assert "상담 가능 시간: 평일 10:00~18:00" in said.text
    assert "아니에요" not in said.text


def test_the_unknown_answer_and_a_form_hand_off_follow_the_setting(with_hours):
    from tests.support.apply_flow import fill

    chat = with_hours(WEEKDAYS)
    freeze(chat.app, SATURDAY_0440)
    assert "지금은 상담 시간이 아니에요" in chat.say("오늘 날씨 어때").text
    fill(chat, upto="channel")
    said = chat.say("상담원")
    assert said.templates[0] == "dialog/operator"
    assert "지금은 상담 시간이 아니에요" in said.text


@pytest.mark.parametrize(("text", "days", "start", "end"), [
    ("평일 10:00~18:00", {0, 1, 2, 3, 4}, 600, 1080),
    ("평일 10:00~18:00 (주말·공휴일 제외)", {0, 1, 2, 3, 4}, 600, 1080),
    ("월~금 09:30-18:00", {0, 1, 2, 3, 4}, 570, 1080),
    ("매일 9시~21시", set(range(7)), 540, 1260),
    ("월·수·금 10:00-12:00", {0, 2, 4}, 600, 720),
    ("10:00-17:00", set(range(7)), 600, 1020),
])
def test_the_setting_is_read_as_operators_write_it(text, days, start, end):
    (window,) = hours.parse(text)
    assert (set(window.days), window.start, window.end) == (days, start, end)


def test_two_windows_and_the_next_opening():
    windows = hours.parse("월~금 09:30~18:00, 토 10:00~13:00")
    assert len(windows) == 2
    saturday_noon = datetime(2026, 11, 21, 12, 0, tzinfo=KST)
    assert hours.is_open(windows, saturday_noon)
    after = hours.next_open(windows, datetime(2026, 11, 21, 13, 0, tzinfo=KST))
    assert after == datetime(2026, 11, 23, 9, 30, tzinfo=KST)


@pytest.mark.parametrize("text", ["", "상담원에게 문의", "평일 25:00~26:00"])
def test_empty_or_unreadable_hours_claim_nothing(text):
    status = hours.status(text, SATURDAY_0440)
    assert status["closed"] is False and status["next_open"] is None
