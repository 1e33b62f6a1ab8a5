"""Whole journeys across features, the way a merchant and the staff live them."""

from __future__ import annotations

import re

from tests.apply_flow import fill, freeze
from tests.kakao import Chat
from tests.notice_fixture import install


def submit_application(chat: Chat) -> str:
    """Walk the whole form with alert consent and return the receipt number."""
    review = fill(chat)
    assert review.template == "apply/review", review.templates
    done = chat.say("제출")
    receipt = re.search(r"DG-\d{8}-\d{4}", done.text)
    assert receipt, done.templates
    return receipt.group(0)


def test_apply_approve_pay_then_the_wallet_shows_the_free_cash(app, chat):
    freeze(app)
    assert chat.say("잔액 알려줘").template == "wallet/not_linked"  # nothing before applying
    receipt = submit_application(chat)
    status = chat.say("신청 현황")
    assert status.template.startswith("apply/status"), status.templates

    cli = app.test_cli_runner()
    for args in (["approve", receipt, "--by", "kim"], ["mark-paid", receipt, "--by", "kim"]):
        result = cli.invoke(args=["applications", *args])
        assert result.exit_code == 0, result.output

    wallet = chat.say("잔액 알려줘")
    assert wallet.template.startswith("wallet/"), wallet.templates
    assert wallet.template != "wallet/not_linked"
    assert "300,000원" in wallet.text
    other = chat.as_user("someone-else")
    assert other.say("잔액 알려줘").template == "wallet/not_linked"  # not theirs to see


def test_alert_consent_in_the_application_makes_the_merchant_a_broadcast_recipient(app, chat):
    freeze(app)
    submit_application(chat)
    services = app.extensions["bot"].services
    subscription = services.subscriptions.get(chat.user_id)
    assert subscription and subscription.active and subscription.source == "application"
    notice_id = install(app).put({"id": "NTC-J1", "title": "소상공인 판로 지원", "category": "내수",
                                  "region": "전국", "deadline": "2026-12-31"})["id"]
    result = app.test_cli_runner().invoke(args=["broadcast", "create", "--notice", notice_id])
    assert result.exit_code == 0, result.output
    meta = services.ext["broadcasts"].list()[0]
    assert meta["recipients"] == 1
    chat.say("알림 끄기")
    assert services.subscriptions.get(chat.user_id).active is False
