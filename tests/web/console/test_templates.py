"""Operators edit answers in the console: checked saves, every worker sees them, history."""

from __future__ import annotations

import time

import pytest

from bot.answers.overrides import Overrides
from bot.web.console.pages.templates import sample_yaml
from tests.support.console import Console
from tests.support.kakao import Chat

GREETING = "welcome/greeting"
OLD_LINE = "아래에서 원하시는 메뉴를 눌러 주세요."
NEW_LINE = "아래 메뉴에서 골라 주세요!"


@pytest.fixture
def operator(app) -> Console:
    """An operator logged in to the console."""
    console = Console(app)
    console.login("kim", "operator")
    return console


def source_of(app, name: str) -> str:
    return app.extensions["console"].editor.source(name)


def test_a_saved_edit_is_what_the_bot_says_next(app, operator):
    chat = Chat(app)
    assert NEW_LINE not in chat.say("안녕", skill="welcome").text
    edited = source_of(app, GREETING).replace(OLD_LINE, NEW_LINE)
    saved = operator.post(f"/console/templates/{GREETING}", {"source": edited})
    assert saved.status_code == 302
    assert NEW_LINE in chat.say("안녕", skill="welcome").text
    page = operator.text(operator.get(f"/console/templates/{GREETING}"))
    assert "저장했어요 (v1)" in page and "콘솔 버전 v1 · kim" in page


def test_another_worker_picks_the_edit_up_within_seconds(app):
    worker = Chat(app)  # warms this worker's caches with the file version
    assert NEW_LINE not in worker.say("안녕", skill="welcome").text
    overrides = Overrides(app.extensions["bot"].services.redis,
                          app.extensions["bot"].services.keys)
    overrides.save(GREETING, source_of(app, GREETING).replace(OLD_LINE, NEW_LINE), "host-b")
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        if NEW_LINE in worker.say("안녕", skill="welcome", gap=10).text:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the edit saved elsewhere did not reach this worker within 6 s")


def test_a_broken_template_is_refused_with_the_reason(app, operator):
    broken = source_of(app, GREETING).replace("{{ settings.center_name",
                                              "{{ settings.center_name }")
    response = operator.post(f"/console/templates/{GREETING}", {"source": broken})
    assert response.status_code == 422
    page = operator.text(response)
    assert "저장하지 않았어요" in page and "중괄호 문법이 맞지 않아요" in page
    assert "Jinja syntax error" not in page  # the English stays in the logs
    assert broken.split("\n")[0] in response.get_data(as_text=True)  # the draft is kept
    assert OLD_LINE in Chat(app).say("안녕", skill="welcome").text
    assert app.extensions["console"].overrides.history(GREETING) == []


def test_a_kakao_limit_problem_is_refused(app, operator):
    too_long = source_of(app, "wallet/not_linked").rstrip() + "\nquick_replies:\n" + "".join(
        f"  - 버튼{i}\n" for i in range(12))
    response = operator.post("/console/templates/wallet/not_linked", {"source": too_long})
    assert response.status_code == 422
    assert "바로가기 버튼(quick_replies)이(가) 12개예요. 카카오는 10개까지예요" in (
        operator.text(response))


def test_yaml_errors_are_refused(app, operator):
    response = operator.post(f"/console/templates/{GREETING}", {"source": "text: [unclosed"})
    assert response.status_code == 422
    assert "YAML 형식이 맞지 않아요 (1번째 줄 근처)" in operator.text(response)


def test_the_preview_draws_the_draft_with_the_operators_values(app, operator):
    draft = source_of(app, "wallet/balance")
    sample = app.extensions["console"].editor.samples_of(draft)[0]
    sample["free"]["balance"] = 1234
    response = operator.post("/console/templates/wallet/balance/preview", {
        "source": draft.replace("남은 금액", "남은 지원금"), "values": sample_yaml(sample)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-kind="simpleText"' in html
    text = operator.text(response)
    assert "남은 지원금" in text and "1,234원" in text


def test_the_preview_names_a_missing_value(app, operator):
    response = operator.post("/console/templates/wallet/balance/preview", {
        "source": source_of(app, "wallet/balance"), "values": "{}"})
    assert "값 'stale'이(가) 없어요" in operator.text(response)


def test_history_diff_and_one_click_rollback(app, operator):
    first = source_of(app, GREETING).replace(OLD_LINE, NEW_LINE)
    operator.post(f"/console/templates/{GREETING}", {"source": first})
    second = first.replace(NEW_LINE, "메뉴를 골라 주세요.")
    operator.post(f"/console/templates/{GREETING}", {"source": second})
    history = operator.get(f"/console/templates/{GREETING}/history")
    html = history.get_data(as_text=True)
    assert "v1" in html and "v2" in html
    assert '<span class="add">+      메뉴를 골라 주세요.</span>' in html
    assert f'<span class="del">-      {NEW_LINE}</span>' in html
    operator.post(f"/console/templates/{GREETING}/rollback", {"version": "1"})
    assert NEW_LINE in Chat(app).say("안녕", skill="welcome").text
    assert [v.action for v in app.extensions["console"].overrides.history(GREETING)] == [
        "rollback", "save", "save"]
    operator.post(f"/console/templates/{GREETING}/reset")
    assert OLD_LINE in Chat(app).say("안녕", skill="welcome").text
    assert not app.extensions["console"].editor.is_edited(GREETING)


def test_a_refused_rollback_says_why_instead_of_a_bad_request(app, operator):
    refused = operator.post(f"/console/templates/{GREETING}/rollback", {"version": "9"},
                            follow_redirects=True)
    said = operator.text(refused)
    assert refused.status_code == 200
    assert f"되돌리지 않았어요: {GREETING}에는 v9 버전이 없어요." in said
    assert "no version" not in said  # staff read Korean only
    assert operator.post(f"/console/templates/{GREETING}/rollback",
                         {"version": "v1"}).status_code == 400  # not a version number


def test_every_save_is_in_the_audit_log(app, operator):
    edited = source_of(app, GREETING).replace(OLD_LINE, NEW_LINE)
    operator.post(f"/console/templates/{GREETING}", {"source": edited})
    entry = app.extensions["console"].audit.recent(5, action="template.save")[0]
    assert entry.who == "kim" and entry.target == GREETING
    assert OLD_LINE in entry.before and NEW_LINE in entry.after


def test_export_writes_live_versions_back_to_files(make_app, tmp_path, config):
    import shutil

    from bot.core.config import ROOT

    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    app = make_app(TEMPLATES_DIR=str(folder))
    editor = app.extensions["console"].editor
    editor.save(GREETING, editor.source(GREETING).replace(OLD_LINE, NEW_LINE), "kim")
    result = app.test_cli_runner().invoke(args=["templates", "export", "--clear"])
    assert result.exit_code == 0, result.output
    assert "welcome/greeting → " in result.output
    assert result.output.endswith("템플릿 1개를 파일로 내보내고 Redis의 콘솔 버전은 지웠어요.\n")
    assert NEW_LINE in (folder / "welcome" / "greeting.yaml").read_text(encoding="utf-8")
    assert not editor.is_edited(GREETING)


def test_the_faq_answers_from_an_edited_entry(app, operator):
    chat = Chat(app)
    assert chat.say("법인도 신청 되나요?").template == "faq/eligibility_corporate"
    edited = source_of(app, "faq/eligibility_corporate").replace(
        "네, 개인 사업자와 법인 사업자 모두 대상이에요.", "네, 법인 사업자도 신청할 수 있어요.")
    saved = operator.post("/console/templates/faq/eligibility_corporate", {"source": edited})
    assert saved.status_code == 302, operator.text(saved)
    app.extensions["bot"].services.faq.kb.snapshot()  # rebuilt index; timing is not tested
    assert "네, 법인 사업자도 신청할 수 있어요." in chat.say("법인도 신청 되나요?", gap=30).text


def test_an_entry_without_its_faq_block_is_refused(app, operator):
    source = source_of(app, "faq/eligibility_corporate")
    response = operator.post("/console/templates/faq/eligibility_corporate",
                             {"source": source.replace("faq:", "fqa:", 1)})
    assert response.status_code == 422


CARD_WITH_FOUR_BUTTONS = """outputs:
  - card:
      title: 안내
      description: 골라 주세요
      buttons: [하나, 둘, 셋, 넷]
"""


@pytest.mark.parametrize(("source", "korean", "english"), [
    ("text: " + "가" * 1200 + "\n",
     "말풍선 글자가 1,200자예요. 카카오는 말풍선 하나에 1,000자까지 보여 줘요",
     "text is 1200 characters"),
    (CARD_WITH_FOUR_BUTTONS, "버튼(buttons)이(가) 4개예요. 카카오는 3개까지예요",
     "buttons has 4 elements"),
    ("text: '{{ amout | won }}이 남았어요'\nsample: {amount: 300000}\n",
     "값 'amout'이(가) 없어요. 예시 값(sample)에 넣거나 철자를 확인해 주세요", "is undefined"),
], ids=["over-long text", "too many buttons", "bad placeholder"])
def test_the_editor_says_each_problem_in_korean(app, operator, source, korean, english):
    saved = operator.post(f"/console/templates/{GREETING}", {"source": source})
    assert saved.status_code == 422
    page = operator.text(saved)
    assert f"{GREETING}.yaml" in page and korean in page
    assert english not in page  # the English message is for the logs only
    preview = operator.text(operator.post(f"/console/templates/{GREETING}/preview",
                                          {"source": source, "values": ""}))
    assert korean in preview and english not in preview
    assert app.extensions["console"].overrides.history(GREETING) == []
