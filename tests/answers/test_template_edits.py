"""Operators edit live templates: a broken save keeps the last good answer until it is fixed."""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import time
from pathlib import Path

import pytest

from bot.answers import render
from bot.core.config import ROOT
from tests.conftest import TEST_TEMPLATES
from tests.support.kakao import Chat

SHIPPED = ROOT / "templates"
_later = itertools.count(5, 5)


def save(path: Path, body: str) -> None:
    """Save a file as an editor does, with a new modification time."""
    path.write_text(body, encoding="utf-8")
    when = time.time() + next(_later)  # a new mtime even on coarse file systems
    os.utime(path, (when, when))


@pytest.fixture
def folder(tmp_path) -> Path:
    """An operator's templates folder in front of the shipped one: settings and the greeting."""
    shutil.copy(SHIPPED / "settings.yaml", tmp_path / "settings.yaml")
    (tmp_path / "welcome").mkdir()
    shutil.copy(SHIPPED / "welcome" / "greeting.yaml", tmp_path / "welcome" / "greeting.yaml")
    return tmp_path


@pytest.fixture
def live_app(folder, make_app, monkeypatch):
    """Apps on that folder, looking at files on every render (no 1 s / 2 s caches)."""
    monkeypatch.setattr(render, "CACHE_SECONDS", 0)

    def factory(**overrides):
        app = make_app(TEMPLATES_DIR=os.pathsep.join(map(str, (folder, SHIPPED, TEST_TEMPLATES))),
                       **overrides)
        app.extensions["bot"].templates.reload_interval = 0
        return app

    return factory


@pytest.fixture
def live(live_app):
    """The app on the operator's folder."""
    return live_app()


def broken_lines(caplog, file: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.ERROR and file in r.getMessage()]


def test_a_broken_save_keeps_the_old_answer_and_logs_once_until_fixed(live, folder, caplog):
    chat, store = Chat(live), live.extensions["bot"].templates
    greeting = folder / "welcome" / "greeting.yaml"
    assert "안녕하세요" in chat.say("안녕", skill="welcome").text

    save(greeting, "text: [새 인사말인데 괄호를 안 닫았어요\nquick_replies: common/main_menu\n")
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            said = chat.say("안녕", skill="welcome")  # Chat fails on any template error
            assert "안녕하세요" in said.text and "자주 묻는 질문" in said.quick_replies
    logged = broken_lines(caplog, "greeting.yaml")
    assert len(logged) == 1 and "YAML error" in logged[0]
    assert [(p.name, p.serving_last_good) for p in store.problems()] == [
        ("welcome/greeting", True)]

    save(greeting, "text: 새 인사말이에요\nquick_replies: common/main_menu\n")
    assert chat.say("안녕", skill="welcome").text == "새 인사말이에요"
    assert store.problems() == []


def test_a_jinja_mistake_in_a_good_file_keeps_the_old_answer_too(live, folder, caplog):
    chat, store = Chat(live), live.extensions["bot"].templates
    greeting = folder / "welcome" / "greeting.yaml"
    chat.say("안녕", skill="welcome")
    save(greeting, 'text: "{{ settings.center_name }에 오신 걸 환영해요"\n')
    with caplog.at_level(logging.ERROR):
        assert "안녕하세요" in chat.say("안녕", skill="welcome").text
        assert "안녕하세요" in chat.say("안녕", skill="welcome").text
    assert len(broken_lines(caplog, "greeting.yaml")) == 1
    assert "Jinja syntax error" in store.problems()[0].message

    save(greeting, 'text: "{{ settings.center_name }}에 오신 걸 환영해요"\n')
    assert chat.say("안녕", skill="welcome").text == "단골 만들기 지원센터에 오신 걸 환영해요"


def test_a_broken_settings_file_keeps_every_answer_on_the_old_settings(live, folder, caplog):
    chat, store = Chat(live), live.extensions["bot"].templates
    settings = folder / "settings.yaml"
    good = settings.read_text(encoding="utf-8")
    assert "단골 만들기 지원센터" in chat.say("안녕", skill="welcome").text

    save(settings, good.replace("center_name: 단골 만들기 지원센터", "center_name: [새 이름"))
    with caplog.at_level(logging.ERROR):
        assert "단골 만들기 지원센터" in chat.say("안녕", skill="welcome").text
        # (operator_hours is empty in the shipped settings: no hours, the centre replies)
        assert "상담원이 확인해 답해 드려요" in chat.say("상담원 연결", skill="operator").text
    assert len(broken_lines(caplog, "settings.yaml")) == 1
    assert [p.name for p in store.problems()] == ["settings"]

    save(settings, good.replace("단골 만들기 지원센터", "단골 지원센터"))
    assert "안녕하세요, 단골 지원센터예요" in chat.say("안녕", skill="welcome").text
    assert store.problems() == []


def test_templates_check_reports_the_broken_file_on_disk_while_the_old_one_answers(live,
                                                                                folder):
    chat = Chat(live)
    chat.say("안녕", skill="welcome")
    save(folder / "welcome" / "greeting.yaml", "text: [unclosed\n")
    save(folder / "settings.yaml", "- 목록은 설정 파일이 될 수 없어요\n")
    assert "안녕하세요" in chat.say("안녕", skill="welcome").text

    result = live.test_cli_runner().invoke(args=["templates", "check"])
    assert result.exit_code == 1
    # Operators run the check: Korean, each problem with its code to search for.
    assert "welcome/greeting.yaml: YAML 형식이 맞지 않아요 (2번째 줄 근처)" in result.output
    assert "settings.yaml: 파일은 '이름: 값' 줄로 적어야 해요. [template.not_mapping]" in (
        result.output)


def test_a_file_that_never_loaded_still_gets_the_apology(live, folder):
    save(folder / "welcome" / "greeting.yaml", "text: [unclosed\n")
    said = Chat(live).say("안녕", skill="welcome", allow_template_errors=True)
    assert said.text.startswith("죄송해요, 잠시 문제가 생겼어요")  # common/error
    assert "welcome/greeting" in live.extensions["bot"].renderer.errors[0]
    problem, = live.extensions["bot"].templates.problems()
    assert problem.name == "welcome/greeting" and not problem.serving_last_good


def test_outside_tests_every_file_good_at_start_up_has_a_last_good_version(live_app, folder,
                                                                          caplog):
    (folder / "operator").mkdir()
    shutil.copy(SHIPPED / "operator" / "connect.yaml", folder / "operator" / "connect.yaml")
    save(folder / "welcome" / "greeting.yaml", "text: [unclosed\n")
    with caplog.at_level(logging.WARNING):
        app = live_app(TESTING=False)  # as gunicorn builds it, before forking workers
    started = [r.getMessage() for r in caplog.records if "do not load" in r.getMessage()]
    assert started == ["1 template file(s) do not load: welcome/greeting.yaml "
                       "(see flask templates check)"]

    save(folder / "operator" / "connect.yaml", "outputs: [unclosed\n")  # never rendered yet
    assert "상담원이 확인해 답해 드려요" in Chat(app).say("상담원 연결", skill="operator").text
