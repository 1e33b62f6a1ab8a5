"""The embedded sandbox wallet: ledger rules (program-facts §1.6) and the paid-event credit."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from bot.core import events
from bot.wallet.sandbox import SpendRefused, Spent
from tests.support.wallet_helpers import (  # noqa: F401 (fixtures)
    BIZ,
    OTHER_BIZ,
    clock_fixture,
    sandbox_fixture,
    services_fixture,
)


def test_application_paid_credits_300000_not_activated(services, sandbox, chat):
    events.application_paid.send(services, receipt="R-2026-0001", business_number=BIZ,
                                 amount=300_000)
    wallet = sandbox.lookup(BIZ).wallet
    assert wallet.free_balance == 300_000 and wallet.free_granted == 300_000
    assert wallet.free_activated is False and wallet.usable == 0
    assert wallet.free_expires_at == (date(2026, 11, 21) + timedelta(days=90)).isoformat()
    services.merchants.link(chat.user_id, BIZ, "application")
    said = chat.say("월렛 잔액")
    assert said.context["free"]["balance"] == 300_000 and said.context["usable"] == 0
    assert said.context["messages_if_activated"] == {"general": 18_181, "target": 13_636}
    assert said.context["sandbox"] is True


def test_a_repeated_event_credits_once_and_other_apps_do_not_hear_it(services, sandbox, make_app):
    other = make_app().extensions["bot"].services
    for _ in range(2):
        events.application_paid.send(services, receipt="R-1", business_number=BIZ,
                                     amount=300_000)
    assert sandbox.lookup(BIZ).wallet.free_granted == 300_000
    assert [e["kind"] for e in sandbox.ledger(BIZ)] == ["credit_free"]
    events.application_paid.send(other, receipt="R-2", business_number=OTHER_BIZ, amount=1)
    assert sandbox.lookup(OTHER_BIZ).outcome == "found"  # same Redis, but credited by `other`
    assert sandbox.lookup(OTHER_BIZ).wallet.free_balance == 1


def test_expiry_days_are_an_operator_setting(make_app, clock):
    services = make_app(env={"SANDBOX_FREE_CASH_DAYS": "30"}).extensions["bot"].services
    services.clock = clock
    services.wallet.credit_free(BIZ, 300_000)
    assert services.wallet.lookup(BIZ).wallet.free_expires_at == "2026-12-21"


def test_only_activated_free_cash_counts_and_it_is_spent_first(sandbox):
    sandbox.credit_free(BIZ, 300_000)
    sandbox.credit_paid(BIZ, 10_000)
    assert sandbox.spend(BIZ, 5_000) == Spent(free=0, paid=5_000)  # not activated yet
    wallet = sandbox.lookup(BIZ).wallet
    assert (wallet.free_balance, wallet.paid_balance, wallet.usable) == (300_000, 5_000, 5_000)

    assert sandbox.activate(BIZ) is True
    assert sandbox.activate(BIZ) is False  # pressing 사용하기 again changes nothing
    spent = sandbox.spend(BIZ, 8_250)
    assert (spent.free, spent.paid) == (8_250, 0)
    spent = sandbox.spend(BIZ, 293_000)  # 291,750 free left, the rest from paid
    assert (spent.free, spent.paid) == (291_750, 1_250)
    wallet = sandbox.lookup(BIZ).wallet
    assert (wallet.free_balance, wallet.paid_balance) == (0, 3_750)
    assert [e["kind"] for e in sandbox.ledger(BIZ)][:3] == ["spend", "spend", "activate"]


def test_spending_more_than_usable_changes_nothing(sandbox):
    sandbox.credit_free(BIZ, 300_000)
    sandbox.credit_paid(BIZ, 1_000)
    with pytest.raises(SpendRefused) as refused:
        sandbox.spend(BIZ, 2_000)  # the free cash is not activated
    assert refused.value.reason == "insufficient"
    assert sandbox.lookup(BIZ).wallet.paid_balance == 1_000


def test_states_limit_what_a_wallet_can_do(sandbox):
    sandbox.credit_paid(BIZ, 10_000)
    sandbox.set_status(BIZ, "SUSPENDED")  # 사용중지: charge yes, spend no
    sandbox.credit_paid(BIZ, 1_000)
    with pytest.raises(SpendRefused, match="not_active"):
        sandbox.spend(BIZ, 100)
    sandbox.set_status(BIZ, "BLOCKED")  # 정지: no charge either
    with pytest.raises(SpendRefused, match="blocked"):
        sandbox.credit_paid(BIZ, 1_000)
    assert sandbox.lookup(BIZ).wallet.paid_balance == 11_000
    with pytest.raises(ValueError):
        sandbox.set_status(BIZ, "FROZEN")


def test_free_cash_expires_after_its_expiry_date(sandbox, clock):
    sandbox.credit_free(BIZ, 300_000, days=10)
    sandbox.activate(BIZ)
    clock.now += 10 * 86_400  # the expiry day itself: still usable
    assert sandbox.lookup(BIZ).wallet.free_balance == 300_000
    clock.now += 86_400
    wallet = sandbox.lookup(BIZ).wallet
    assert wallet.free_balance == 0 and wallet.usable == 0
    with pytest.raises(SpendRefused, match="insufficient"):
        sandbox.spend(BIZ, 100)
    sandbox.credit_free(BIZ, 50_000)  # a new grant starts fresh and waits for 사용하기
    wallet = sandbox.lookup(BIZ).wallet
    assert (wallet.free_balance, wallet.free_granted, wallet.free_activated) == (50_000, 50_000,
                                                                                 False)


def test_a_top_up_of_running_free_cash_keeps_its_state(sandbox):
    sandbox.credit_free(BIZ, 100_000, days=30)
    sandbox.activate(BIZ)
    sandbox.credit_free(BIZ, 50_000, days=10)
    wallet = sandbox.lookup(BIZ).wallet
    assert (wallet.free_balance, wallet.free_granted) == (150_000, 150_000)
    assert wallet.free_activated is True and wallet.free_expires_at == "2026-12-21"


def test_refusals_for_missing_wallets_and_bad_amounts(sandbox):
    assert sandbox.lookup(BIZ).outcome == "not_found"
    with pytest.raises(SpendRefused, match="no_wallet"):
        sandbox.spend(BIZ, 1)
    with pytest.raises(SpendRefused, match="no_wallet"):
        sandbox.activate(BIZ)
    sandbox.credit_paid(BIZ, 1_000)
    with pytest.raises(SpendRefused, match="nothing_to_activate"):
        sandbox.activate(BIZ)
    for amount in (0, -5, 1.5, True):
        with pytest.raises(ValueError):
            sandbox.spend(BIZ, amount)


def test_concurrent_spends_never_lose_an_update(sandbox):
    sandbox.credit_paid(BIZ, 15_000)
    results: list[bool] = []

    def spend() -> None:
        try:
            sandbox.spend(BIZ, 1_000)
            results.append(True)
        except SpendRefused:
            results.append(False)

    threads = [threading.Thread(target=spend) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 15
    assert sandbox.lookup(BIZ).wallet.paid_balance == 0
