"""The terminal simulator and configuration from the environment."""

from __future__ import annotations

import re

from bot.core.config import Config


def test_chat_simulator_shows_bubbles_numbered_quick_replies_and_taps(runner):
    result = runner.invoke(args=["chat"], input="6\n/user 김사장\n오늘 날씨\n/reset\n/quit\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "(1) 자주 묻는 질문" in out and "(6) 상담원 연결" in out
    assert "tester: 상담원 연결" in out  # "6" tapped the sixth quick reply
    assert "[상담원 연결하기] → operator" in out
    assert "어떤 도움이 필요하신지" in out  # 김사장's free text reached the fallback


def test_config_from_env_converts_types_and_builds_typed_feature_settings():
    cfg = Config.from_env({"SESSION_TTL": "60", "SKILL_BUDGET": "1.5",
                           "TEMPLATES_AUTO_RELOAD": "no", "KAKAO_SKILL_SECRET": "x",
                           "WALLET_BACKEND": "sandbox"})
    assert cfg.SESSION_TTL == 60 and cfg.SKILL_BUDGET == 1.5
    assert cfg.TEMPLATES_AUTO_RELOAD is False and cfg.KAKAO_SKILL_SECRET == "x"
    assert cfg.STRICT_RESPONSES is False  # production degrades instead of raising
    assert cfg.features.wallet.backend == "sandbox"
    assert Config.from_env({"ENV": "development"}).STRICT_RESPONSES is True


def test_chat_numbers_card_buttons_so_they_can_be_tapped(runner):
    # "6" taps 상담원 연결 (a quick reply); the answer has one quick reply (1), so its card's
    # 상담원 연결하기 button is "(2)".
    result = runner.invoke(args=["chat"], input="6\n2\n/quit\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "(2) [상담원 연결하기] → operator" in out
    assert "상담원 연결하기: 카카오톡에서는" in out  # what the tap does, said in the simulator


def test_chat_taps_a_review_edit_button_by_its_number(runner, app):
    from tests.support.apply_flow import HAPPY

    script = "/reset\n지원금 신청\n시작\n" + "\n".join(text for _, text in HAPPY) + "\n"
    out = runner.invoke(args=["chat"], input=script + "/quit\n").output
    edit = re.search(r"\((\d+)\) \[상호 수정\]", out)
    assert edit, out[-3000:]
    # The same conversation again, then the number: it taps that card button.
    again = runner.invoke(args=["chat"], input=script + f"{edit.group(1)}\n/quit\n").output
    assert "tester: 상호 수정" in again
    assert "상호(가게 이름)를 사업자등록증에 적힌 대로" in again.split("tester: 상호 수정")[-1]


def test_chat_help_lists_the_commands(runner):
    result = runner.invoke(args=["chat"], input="/help\n/quit\n")
    out = result.output
    assert "카드 버튼" in out and "/whoami" in out and "/help" in out


def test_readme_documents_the_port_of_flask_serve():
    from bot.core.config import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "serve --port" in readme and "PORT" in readme


def test_chat_lines_piped_at_once_are_no_flood(make_app):
    app = make_app(FLOOD_RATE=2.0, FLOOD_BURST=8.0)  # the production limit
    lines = "".join(f"{n}번째 질문이에요\n" for n in range(12))
    result = app.test_cli_runner().invoke(args=["chat"], input=lines + "/quit\n")
    assert result.exit_code == 0, result.output
    assert "11번째 질문이에요" in result.output
    assert "너무 빨리" not in result.output
