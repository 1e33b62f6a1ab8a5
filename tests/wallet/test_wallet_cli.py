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
    assert "user-key-abc" not in result.output and user_hash("user-key-abc") in result.output

    shown = _invoke(runner, "merchants", "show", "user-key-abc")
    assert json.loads(shown.output)["source"] == "staff"
    listed = _invoke(runner, "merchants", "show", BIZ)
    assert "1 linked user" in listed.output and user_hash("user-key-abc") in listed.output
    assert "user-key-abc" not in listed.output  # user keys are personal data: hashed by default
    unmasked = _invoke(runner, "merchants", "show", BIZ, "--unmasked")
    assert "user-key-abc" in unmasked.output

    assert _invoke(runner, "merchants", "unlink", "user-key-abc").exit_code == 0
    assert merchants.business_of("user-key-abc") is None
    assert "not linked" in _invoke(runner, "merchants", "show", "user-key-abc").output


def test_merchants_link_refuses_an_invalid_business_number(runner, app):
    result = _invoke(runner, "merchants", "link", "user-key-abc", "123-45-67890")
    assert result.exit_code != 0 and "checksum" in result.output
    assert app.extensions["bot"].services.merchants.business_of("user-key-abc") is None


def test_wallet_commands_drive_the_sandbox(runner, app):
    assert _invoke(runner, "wallet", "credit", BIZ, "300000", "--receipt", "R-9").exit_code == 0
    again = _invoke(runner, "wallet", "credit", BIZ, "300000", "--receipt", "R-9")
    assert "credited already" in again.output
    assert _invoke(runner, "wallet", "credit", BIZ, "5000", "--paid").exit_code == 0
    refused = _invoke(runner, "wallet", "spend", BIZ, "6000")
    assert refused.exit_code != 0 and "insufficient" in refused.output
    assert _invoke(runner, "wallet", "activate", BIZ).output.strip() == "free cash activated"
    spent = _invoke(runner, "wallet", "spend", BIZ, "8250")
    assert "free 8250, paid 0" in spent.output
    assert _invoke(runner, "wallet", "status", BIZ, "suspended").exit_code == 0

    shown = _invoke(runner, "wallet", "show", BIZ, "--ledger", "0")
    data = json.loads(shown.output)
    assert data["backend"] == "sandbox" and data["outcome"] == "found"
    assert data["wallet"]["free_balance"] == 291_750 and data["wallet"]["status"] == "SUSPENDED"
    with_ledger = _invoke(runner, "wallet", "show", BIZ)
    assert with_ledger.output.count('"kind"') == 5


def test_wallet_changes_are_refused_on_the_http_backend(make_app, http):
    runner = make_app(env=dict(HTTP_SETTINGS)).test_cli_runner()
    result = runner.invoke(args=["wallet", "credit", BIZ, "1000"])
    assert result.exit_code != 0 and "sandbox" in result.output
    assert len(http.calls) == 0
