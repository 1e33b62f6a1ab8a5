"""Every shipped template renders with its samples within Kakao's limits (`templates check`)."""

from __future__ import annotations

import pytest

from bot.answers import checks
from bot.answers.render import Renderer
from bot.answers.templating import TemplateStore
from bot.app import template_globals
from bot.conversation import simulator
from bot.conversation.reply import Part
from bot.core.config import ROOT, Config
from bot.kakao import components as k

# As the app builds it: the shipped templates use the configuration's globals (draft_days).
STORE = TemplateStore(ROOT / "templates", template_globals=template_globals(Config().as_mapping()))
RENDERER = Renderer(STORE, strict=True)


@pytest.mark.parametrize("name", STORE.names())
def test_template_renders_with_its_samples_within_kakao_limits(name):
    assert checks.check_template(RENDERER, name) == []


def test_templates_check_command_passes_on_shipped_templates(runner):
    result = runner.invoke(args=["templates", "check"])
    assert result.exit_code == 0, result.output
    assert "모두 카카오 제한 안에서 잘 보여요" in result.output


def test_templates_check_fails_naming_the_file_and_problem(make_app, tmp_path):
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "error.yaml").write_text("text: 죄송해요\n", encoding="utf-8")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "typo.yaml").write_text('text: "{{ amout }}"\nsample: {amount: 1}\n',
                                              encoding="utf-8")
    (tmp_path / "x" / "long.yaml").write_text("text: " + "가" * 1200 + "\n", encoding="utf-8")
    (tmp_path / "x" / "key.yaml").write_text("text: 안녕\nquick_reply: [a]\n", encoding="utf-8")
    app = make_app(TEMPLATES_DIR=str(tmp_path))
    result = app.test_cli_runner().invoke(args=["templates", "check"])
    assert result.exit_code == 1
    assert "x/typo.yaml" in result.output and "amout" in result.output
    assert "x/long.yaml" in result.output and "1,000자까지" in result.output
    assert "x/key.yaml" in result.output and "quick_reply" in result.output


def preview(runner, *args: str):
    return runner.invoke(args=["templates", "preview", *args])


def test_preview_draws_a_sample_as_flask_chat_does(app, runner):
    bot = app.extensions["bot"]
    sample = bot.templates.samples("wallet/balance")[1]
    rendered = bot.renderer.render_part(Part("wallet/balance", sample))
    drawn, _ = simulator.draw(k.response(rendered["outputs"], rendered["quick_replies"]))
    result = preview(runner, "wallet/balance", "--sample", "2")
    assert result.exit_code == 0, result.output
    assert "wallet/balance · 예시 2/4" in result.output
    assert "\n".join(drawn) in result.output and "(1) 발송 비용 계산" in result.output
    assert "예시 1/4" not in result.output and "카카오 제한 안에서 잘 보여요" in result.output


def test_preview_without_sample_shows_every_sample(runner):
    result = preview(runner, "welcome/greeting.yaml")
    assert result.exit_code == 0, result.output
    assert "예시 1/2" in result.output and "예시 2/2" in result.output
    assert result.output.count("친구로 추가하시면") == 1  # only the sample with is_friend: false


def test_preview_with_values_from_the_command_line(runner):
    result = preview(runner, "welcome/greeting", "--sample", "1", "--set", "is_friend=false",
                     "--set", "settings.center_name=동네 가게 지원센터")
    assert result.exit_code == 0, result.output
    assert "안녕하세요, 동네 가게 지원센터예요" in result.output
    assert "친구로 추가하시면" in result.output
    result = preview(runner, "operator/connect", "--set", "settings.operator_phone=1577-0000",
                     "--set", "settings.operator_hours=매일 00:00~24:00")
    assert "[전화 상담] → 1577-0000" in result.output
    assert "상담 가능 시간: 매일 00:00~24:00" in result.output


def test_preview_of_an_unknown_name_says_so_in_one_line_and_suggests(runner):
    result = preview(runner, "walet/balanse")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "✗ 'walet/balanse' 템플릿이 없어요. 혹시 wallet/balance, wallet/unavailable?"]
    result = preview(runner, "balance")
    assert result.exit_code == 1 and "혹시 wallet/balance?" in result.output
    result = preview(runner, "welcome/greeting", "--sample", "3")
    assert result.exit_code == 1 and "예시 3은(는) 없어요" in result.output
    result = preview(runner, "welcome/greeting", "--set", "is_friend")
    assert result.exit_code == 1
    assert "--set 'is_friend'은(는) 이름=값으로 적어 주세요" in result.output


def test_preview_lists_limit_problems_and_render_errors(make_app, tmp_path):
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "error.yaml").write_text("text: 죄송해요\n", encoding="utf-8")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "long.yaml").write_text('text: "{{ word * 1200 }}"\nsample: {word: 가}\n',
                                              encoding="utf-8")
    (tmp_path / "x" / "bad.yaml").write_text("text: [unclosed\n", encoding="utf-8")
    runner = make_app(TEMPLATES_DIR=str(tmp_path)).test_cli_runner()
    result = preview(runner, "x/long")
    assert result.exit_code == 1
    assert "  │ 가가가" in result.output  # drawn all the same
    assert "✗ x/long.yaml · template.outputs[0].simpleText.text: 말풍선 글자가 1,200자" in (
        result.output)
    assert "[kakao.text_too_long]" in result.output
    result = preview(runner, "x/long", "--set", "word=")
    assert result.exit_code == 1 and "말풍선이 하나도 없어요" in result.output
    result = preview(runner, "x/long", "--set", "word=null")
    assert result.exit_code == 1 and "x/long.yaml: 값을 채우다가 오류가 났어요: TypeError" in (
        result.output)
    result = preview(runner, "x/bad")
    assert result.exit_code == 1 and "x/bad.yaml: YAML 형식이 맞지 않아요" in result.output
