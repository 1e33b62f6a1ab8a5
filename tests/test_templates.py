"""Every shipped template renders with its samples within Kakao's limits (`templates check`)."""

from __future__ import annotations

import pytest

from bot import checks, template_globals
from bot.config import ROOT, Config
from bot.render import Renderer
from bot.templating import TemplateStore

# As the app builds it: the shipped templates use the configuration's globals (draft_days).
STORE = TemplateStore(ROOT / "templates", template_globals=template_globals(Config().as_mapping()))
RENDERER = Renderer(STORE, strict=True)


@pytest.mark.parametrize("name", STORE.names())
def test_template_renders_with_its_samples_within_kakao_limits(name):
    assert checks.check_template(RENDERER, name) == []


def test_templates_check_command_passes_on_shipped_templates(runner):
    result = runner.invoke(args=["templates", "check"])
    assert result.exit_code == 0, result.output
    assert "templates OK" in result.output


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
    assert "x/long.yaml" in result.output and "1000" in result.output
    assert "x/key.yaml" in result.output and "quick_reply" in result.output
