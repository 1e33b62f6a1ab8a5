"""The terminal simulator and configuration from the environment."""

from __future__ import annotations

from bot.core.config import Config


def test_chat_simulator_shows_bubbles_numbered_quick_replies_and_taps(runner):
    result = runner.invoke(args=["chat"], input="6\n/user 김사장\n오늘 날씨\n/reset\n/quit\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "(1) 자주 묻는 질문" in out and "(6) 상담원 연결" in out
    assert "tester: 상담원 연결" in out  # "6" tapped the sixth quick reply
    assert "[상담원 연결하기] → operator" in out
    assert "어떤 도움이 필요하신지" in out  # 김사장's free text reached the fallback


def test_config_from_env_converts_types_and_keeps_extra_settings():
    cfg = Config.from_env({"SESSION_TTL": "60", "SKILL_BUDGET": "1.5",
                           "TEMPLATES_AUTO_RELOAD": "no", "KAKAO_SKILL_SECRET": "x",
                           "WALLET_BACKEND": "sandbox"})
    assert cfg.SESSION_TTL == 60 and cfg.SKILL_BUDGET == 1.5
    assert cfg.TEMPLATES_AUTO_RELOAD is False and cfg.KAKAO_SKILL_SECRET == "x"
    assert cfg.STRICT_RESPONSES is False  # production degrades instead of raising
    assert cfg.as_mapping()["WALLET_BACKEND"] == "sandbox"
    assert Config.from_env({"ENV": "development"}).STRICT_RESPONSES is True
