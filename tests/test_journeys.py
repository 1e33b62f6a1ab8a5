"""Whole journeys across features, the way a merchant and the staff live them."""

from __future__ import annotations

import re

from tests.support.apply_flow import fill, freeze
from tests.support.kakao import Chat
from tests.support.notice_fixture import install


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
    meta = services.broadcasts.list()[0]
    assert meta["recipients"] == 1
    chat.say("알림 끄기")
    assert services.subscriptions.get(chat.user_id).active is False


def test_applying_with_someone_elses_number_shows_no_wallet_until_staff_approve(app, chat):
    """Business numbers are public: an application alone must not open a business's wallet."""
    freeze(app)
    services = app.extensions["bot"].services
    sandbox = services.wallet
    sandbox.credit_free("1208147521", 300_000)  # the real owner's wallet holds money
    receipt = submit_application(chat)  # a stranger applies with that business number
    said = chat.say("잔액 알려줘")
    assert said.template == "wallet/not_verified"
    assert "300,000" not in said.text and "120-81" not in said.text
    assert services.merchants.verified_business_of(chat.user_id) is None
    result = app.test_cli_runner().invoke(args=["applications", "reject", receipt,
                                                "--reason", "본인 확인 불가", "--by", "kim"])
    assert result.exit_code == 0, result.output
    assert chat.say("잔액 알려줘").template == "wallet/not_verified"  # still nothing


def test_staff_links_are_verified_and_approval_verifies_an_application_link(app):
    merchants = app.extensions["bot"].services.merchants
    merchants.link("u-staff", "1208147521", "staff")
    merchants.link("u-app", "1248100998", "application", verified=False)
    assert merchants.verified_business_of("u-staff") == "1208147521"
    assert merchants.business_of("u-app") == "1248100998"
    assert merchants.verified_business_of("u-app") is None
    merchants.verify("1248100998", "u-app")
    assert merchants.verified_business_of("u-app") == "1248100998"
    merchants.verify("1208147521", "u-app")  # not their business: nothing changes
    assert merchants.business_of("u-app") == "1248100998"
