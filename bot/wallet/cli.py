"""Staff commands: `flask wallet show|credit|spend|activate|status`.

Staff read the output in Korean (messages.yaml `cli.wallet.*`, states and ledger entries by
their labels, refusals by code through bot/core/staff_cli.py); `show --json` keeps the plain
data for scripts. Business numbers are checked with bot/merchants/bizno.py before anything is
stored.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.core import wording
from bot.core.clock import KST
from bot.core.staff_cli import Misused, Refused, refusing
from bot.merchants import bizno
from bot.merchants.cli import parse_business_number
from bot.services import Services

from . import STATUSES, Lookup
from .sandbox import SandboxWallet, SpendRefused

wallet_cli = AppGroup("wallet", help="Merchant wallets: look-ups and the sandbox ledger.")


def _services() -> Any:
    return current_app.extensions["bot"].services


def _sandbox() -> SandboxWallet:
    backend = _services().wallet
    if not isinstance(backend, SandboxWallet):
        raise Misused(code="wallet.not_sandbox")
    return backend


def _refused(refused: SpendRefused) -> Refused:
    """The sandbox's rule that said no (its reason by the `wallet_refusal` label)."""
    return Refused(code="wallet.refused", reason=refused.reason)


def _time(epoch: Any) -> str:
    return datetime.fromtimestamp(float(epoch), KST).strftime("%Y-%m-%d %H:%M KST")


# -- wallet ----------------------------------------------------------------------
@wallet_cli.command("show")
@click.argument("business_number")
@click.option("--ledger", "entries", default=10, show_default=True,
              help="Sandbox ledger entries to list.")
@click.option("--json", "as_json", is_flag=True, help="Plain JSON (scripts), ledger as lines.")
@refusing()
def wallet_show(business_number: str, entries: int, as_json: bool) -> None:
    """Look a wallet up through the configured backend (sandbox: with its ledger)."""
    number = parse_business_number(business_number)
    backend = _services().wallet
    found = backend.lookup(number)
    ledger = (backend.ledger(number, entries)
              if isinstance(backend, SandboxWallet) and entries > 0 else [])
    if not as_json:
        _print_wallet(number, "sandbox" if backend.sandbox else "http", found)
        if ledger:
            click.echo(wording.text("cli.wallet.ledger_head", count=len(ledger)))
        for entry in ledger:
            click.echo(_ledger_line(entry))
        return
    click.echo(json.dumps({
        "backend": "sandbox" if backend.sandbox else "http",
        "outcome": found.outcome, "reason": found.reason or None, "as_of": found.as_of,
        "wallet": found.wallet.to_dict() if found.wallet else None,
        "usable": found.wallet.usable if found.wallet else None,
    }, ensure_ascii=False, indent=2))
    for entry in ledger:
        click.echo(json.dumps(entry, ensure_ascii=False))


def _print_wallet(number: str, backend: str, found: Lookup) -> None:
    """What the backend said of one wallet, in Korean."""
    reason = f" ({found.reason})" if found.reason else ""
    click.echo(wording.text("cli.wallet.head", business=bizno.parse(number).formatted,
                            backend=backend, outcome=str(found.outcome), reason=reason))
    wallet = found.wallet
    if wallet is None:
        return
    click.echo(wording.text("cli.wallet.status", status=wallet.status))
    if wallet.free_activated:
        pressed = wording.text("cli.wallet.activated")
    else:
        pressed = wording.text("cli.wallet.not_activated")
    click.echo(wording.text("cli.wallet.free", balance=wallet.free_balance,
                            granted=wallet.free_granted, pressed=pressed,
                            expires=wallet.free_expires_at or "-"))
    click.echo(wording.text("cli.wallet.paid", balance=wallet.paid_balance))
    click.echo(wording.text("cli.wallet.usable", usable=wallet.usable))
    if found.as_of:
        click.echo(wording.text("cli.wallet.as_of", at=_time(found.as_of)))


def _ledger_line(entry: dict[str, Any]) -> str:
    """One sandbox ledger entry as staff read it (an unknown kind as its JSON)."""
    at, kind = _time(entry.get("at") or 0), entry.get("kind")
    if kind == "credit_free":
        receipt = entry.get("receipt")
        return wording.text("cli.wallet.ledger_credit_free", at=at, amount=entry["amount"],
                            expires=entry.get("expires_at") or "-",
                            receipt=(wording.text("cli.wallet.ledger_receipt", receipt=receipt)
                                     if receipt else ""))
    if kind == "credit_paid":
        return wording.text("cli.wallet.ledger_credit_paid", at=at, amount=entry["amount"])
    if kind == "activate":
        return wording.text("cli.wallet.ledger_activate", at=at)
    if kind == "spend":
        return wording.text("cli.wallet.ledger_spend", at=at, amount=entry["amount"],
                            free=entry.get("free", 0), paid=entry.get("paid", 0))
    if kind == "status":
        return wording.text("cli.wallet.ledger_status", at=at, status=entry.get("status", ""))
    return f"  {at}  {json.dumps(entry, ensure_ascii=False)}"


@wallet_cli.command("credit")
@click.argument("business_number")
@click.argument("amount", type=click.IntRange(min=1))
@click.option("--paid", is_flag=True, help="Credit 유상캐시 instead of 무상캐시.")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="무상캐시 expiry in days (default SANDBOX_FREE_CASH_DAYS).")
@click.option("--receipt", default=None, help="Application receipt (credited once).")
@refusing()
def wallet_credit(business_number: str, amount: int, paid: bool, days: int | None,
                  receipt: str | None) -> None:
    """Credit a sandbox wallet (creating it): 무상캐시 by default, not yet activated."""
    number, backend = parse_business_number(business_number), _sandbox()
    try:
        if paid:
            backend.credit_paid(number, amount)
        elif not backend.credit_free(number, amount, receipt=receipt, days=days):
            click.echo(wording.text("cli.wallet.credited_already", receipt=receipt))
            return
    except SpendRefused as refused:
        raise _refused(refused) from None
    click.echo(wording.text("cli.wallet.credited", business=bizno.parse(number).formatted,
                            kind="paid" if paid else "free", amount=amount))


@wallet_cli.command("spend")
@click.argument("business_number")
@click.argument("amount", type=click.IntRange(min=1))
@refusing()
def wallet_spend(business_number: str, amount: int) -> None:
    """Spend from a sandbox wallet: activated 무상캐시 first, then 유상캐시."""
    number, backend = parse_business_number(business_number), _sandbox()
    try:
        spent = backend.spend(number, amount)
    except SpendRefused as refused:
        raise _refused(refused) from None
    click.echo(wording.text("cli.wallet.spent", amount=amount, free=spent.free,
                            paid=spent.paid))


@wallet_cli.command("activate")
@click.argument("business_number")
@refusing()
def wallet_activate(business_number: str) -> None:
    """Press 사용하기 on a sandbox wallet's 무상캐시."""
    number, backend = parse_business_number(business_number), _sandbox()
    try:
        changed = backend.activate(number)
    except SpendRefused as refused:
        raise _refused(refused) from None
    if changed:
        click.echo(wording.text("cli.wallet.activated_now"))
    else:
        click.echo(wording.text("cli.wallet.activated_already"))


@wallet_cli.command("status")
@click.argument("business_number")
@click.argument("status", type=click.Choice([s.lower() for s in STATUSES]))
@refusing()
def wallet_status(business_number: str, status: str) -> None:
    """Set a sandbox wallet's state: active (사용중), suspended (사용중지), blocked (정지)."""
    number, backend = parse_business_number(business_number), _sandbox()
    try:
        backend.set_status(number, status.upper())
    except SpendRefused as refused:
        raise _refused(refused) from None
    click.echo(wording.text("cli.wallet.status_set", business=bizno.parse(number).formatted,
                            status=status.upper()))


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask wallet`."""
    app.cli.add_command(wallet_cli)
