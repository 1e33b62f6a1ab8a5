"""Staff commands: `flask merchants …` and `flask wallet …`."""

from __future__ import annotations

import json

from bot.core.keys import user_hash
from tests.support.wallet_helpers import BIZ, HTTP_SETTINGS


def _invoke(runner, *args: str):
    return runner.invoke(args=list(args))


def test_merchants_link_show_unlink(runner, app):
    merchants = app.extensions["bot"].services.merchants
    result = _invoke(runner, "merchants", "link", "user-key-abc", "120-81-47521")
    assert result.exit_code == 0, result.output
    assert merchants.business_of("user-key-abc") == BIZ
    hashed = user_hash("user-key-abc")
    assert result.output == f"사용자 {hashed}을(를) 120-81-47521에 연결했어요.\n"

    shown = _invoke(runner, "merchants", "show", "user-key-abc").output
    assert shown.startswith(f"사용자 {hashed}: 120-81-47521 · 직원이 연결 · 확인됨 · 연결 20")
    as_json = _invoke(runner, "merchants", "show", "user-key-abc", "--json")
    assert json.loads(as_json.output)["source"] == "staff"  # for scripts, as before
    listed = _invoke(runner, "merchants", "show", BIZ)
    assert listed.output == f"120-81-47521: 연결된 사용자 1명\n  {hashed}\n"
    assert "user-key-abc" not in listed.output  # user keys are personal data: hashed by default
    unmasked = _invoke(runner, "merchants", "show", BIZ, "--unmasked")
    assert "user-key-abc" in unmasked.output

    assert _invoke(runner, "merchants", "unlink", "user-key-abc").exit_code == 0
    assert merchants.business_of("user-key-abc") is None
    assert _invoke(runner, "merchants", "show", "user-key-abc").output == (
        f"사용자 {hashed}은(는) 연결된 사업자가 없어요.\n")


def test_merchants_link_refuses_an_invalid_business_number(runner, app):
    result = _invoke(runner, "merchants", "link", "user-key-abc", "123-45-67890")
    assert result.exit_code == 2 and result.output == (
        "✗ '123-45-67890'은(는) 사업자등록번호가 아니에요. 10자리 숫자와 마지막 검증 숫자를 "
        "확인해 주세요. [bizno.invalid]\n")
    assert app.extensions["bot"].services.merchants.business_of("user-key-abc") is None


def test_wallet_commands_drive_the_sandbox(runner, app):
    credited = _invoke(runner, "wallet", "credit", BIZ, "300000", "--receipt", "R-9")
    assert credited.output == "120-81-47521에 무상캐시 300,000원을 충전했어요.\n"
    again = _invoke(runner, "wallet", "credit", BIZ, "300000", "--receipt", "R-9")
    assert again.output == "접수번호 R-9은(는) 이미 충전했어요. 아무것도 바꾸지 않았어요.\n"
    assert _invoke(runner, "wallet", "credit", BIZ, "5000", "--paid").exit_code == 0
    refused = _invoke(runner, "wallet", "spend", BIZ, "6000")
    assert refused.exit_code == 1 and refused.output == (
        "✗ 월렛을 바꾸지 않았어요: 쓸 수 있는 잔액이 모자라요. [wallet.refused]\n")
    assert _invoke(runner, "wallet", "activate", BIZ).output == "무상캐시를 사용하기로 바꿨어요.\n"
    spent = _invoke(runner, "wallet", "spend", BIZ, "8250")
    assert spent.output == "8,250원을 썼어요: 무상캐시 8,250원, 유상캐시 0원\n"
    suspended = _invoke(runner, "wallet", "status", BIZ, "suspended")
    assert suspended.output == "월렛 120-81-47521의 상태를 사용중지(으)로 바꿨어요.\n"

    shown = _invoke(runner, "wallet", "show", BIZ, "--ledger", "0").output.splitlines()
    assert shown[0] == "월렛 120-81-47521 (샌드박스): 찾았어요"
    assert "  상태          사용중지" in shown and "  쓸 수 있는 돈 296,750원" in shown
    assert any(line.startswith("  무상캐시      291,750원 (지급 300,000원) · 사용하기 누름")
               for line in shown)
    with_ledger = _invoke(runner, "wallet", "show", BIZ).output.splitlines()
    assert "기록 (최근 5건):" in with_ledger
    ledger = with_ledger[with_ledger.index("기록 (최근 5건):") + 1:]
    assert [line.split("  ")[2] for line in ledger] == [
        "상태를 사용중지(으)로 바꿈", "사용 8,250원 (무상캐시 8,250원, 유상캐시 0원)",
        "무상캐시 사용하기", "유상캐시 충전 5,000원", ledger[-1].split("  ")[2]]
    assert ledger[-1].split("  ")[2].startswith("무상캐시 충전 300,000원 · 만료 ")
    assert ledger[-1].endswith(" · 접수번호 R-9")

    data = json.loads(_invoke(runner, "wallet", "show", BIZ, "--ledger", "0", "--json").output)
    assert data["backend"] == "sandbox" and data["outcome"] == "found"
    assert data["wallet"]["free_balance"] == 291_750 and data["wallet"]["status"] == "SUSPENDED"
    as_json = _invoke(runner, "wallet", "show", BIZ, "--json")
    assert as_json.output.count('"kind"') == 5


def test_wallet_changes_are_refused_on_the_http_backend(make_app, http):
    runner = make_app(env=dict(HTTP_SETTINGS)).test_cli_runner()
    result = runner.invoke(args=["wallet", "credit", BIZ, "1000"])
    assert result.exit_code == 2 and result.output == (
        "✗ 샌드박스 월렛만 여기서 바꿀 수 있어요 (지금은 WALLET_BACKEND=http). "
        "[wallet.not_sandbox]\n")
    assert len(http.calls) == 0
