"""Staff commands: `flask wallet show|credit|spend|activate|status`.

Output is plain data for staff (English labels); business numbers are checked
with bot/merchants/bizno.py before anything is stored.
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.merchants import bizno
from bot.merchants.cli import parse_business_number
from bot.services import Services

from . import STATUSES
from .sandbox import SandboxWallet, SpendRefused

wallet_cli = AppGroup("wallet", help="Merchant wallets: look-ups and the sandbox ledger.")


def _services() -> Any:
    return current_app.extensions["bot"].services


def _sandbox() -> SandboxWallet:
    backend = _services().wallet
    if not isinstance(backend, SandboxWallet):
        raise click.UsageError("only the sandbox wallet can be changed here (WALLET_BACKEND=http)")
    return backend


# -- wallet ----------------------------------------------------------------------
@wallet_cli.command("show")
@click.argument("business_number")
@click.option("--ledger", "entries", default=10, show_default=True,
              help="Sandbox ledger entries to list.")
def wallet_show(business_number: str, entries: int) -> None:
    """Look a wallet up through the configured backend (sandbox: with its ledger)."""
    number = parse_business_number(business_number)
    backend = _services().wallet
    found = backend.lookup(number)
    click.echo(json.dumps({
        "backend": "sandbox" if backend.sandbox else "http",
        "outcome": found.outcome, "reason": found.reason or None, "as_of": found.as_of,
        "wallet": found.wallet.to_dict() if found.wallet else None,
        "usable": found.wallet.usable if found.wallet else None,
    }, ensure_ascii=False, indent=2))
    if isinstance(backend, SandboxWallet) and entries > 0:
        for entry in backend.ledger(number, entries):
            click.echo(json.dumps(entry, ensure_ascii=False))


@wallet_cli.command("credit")
@click.argument("business_number")
@click.argument("amount", type=click.IntRange(min=1))
@click.option("--paid", is_flag=True, help="Credit 유상캐시 instead of 무상캐시.")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="무상캐시 expiry in days (default SANDBOX_FREE_CASH_DAYS).")
@click.option("--receipt", default=None, help="Application receipt (credited once).")
def wallet_credit(business_number: str, amount: int, paid: bool, days: int | None,
                  receipt: str | None) -> None:
    """Credit a sandbox wallet (creating it): 무상캐시 by default, not yet activated."""
    number, backend = parse_business_number(business_number), _sandbox()
    try:
        if paid:
            backend.credit_paid(number, amount)
        elif not backend.credit_free(number, amount, receipt=receipt, days=days):
            click.echo(f"receipt {receipt} was credited already; nothing done")
            return
    except SpendRefused as refused:
        raise click.ClickException(f"refused: {refused.reason}") from None
    click.echo(f"credited {amount} won ({'paid' if paid else 'free'}) to "
               f"{bizno.parse(number).formatted}")


@wallet_cli.command("spend")
@click.argument("business_number")
@click.argument("amount", type=click.IntRange(min=1))
def wallet_spend(business_number: str, amount: int) -> None:
    """Spend from a sandbox wallet: activated 무상캐시 first, then 유상캐시."""
    number, backend = parse_business_number(business_number), _sandbox()
    try:
        spent = backend.spend(number, amount)
    except SpendRefused as refused:
        raise click.ClickException(f"refused: {refused.reason}") from None
    click.echo(f"spent {amount} won: free {spent.free}, paid {spent.paid}")


@wallet_cli.command("activate")
@click.argument("business_number")
def wallet_activate(business_number: str) -> None:
    """Press 사용하기 on a sandbox wallet's 무상캐시."""
    number, backend = parse_business_number(business_number), _sandbox()
    try:
        changed = backend.activate(number)
    except SpendRefused as refused:
        raise click.ClickException(f"refused: {refused.reason}") from None
    click.echo("free cash activated" if changed else "free cash was already activated")


@wallet_cli.command("status")
@click.argument("business_number")
@click.argument("status", type=click.Choice([s.lower() for s in STATUSES]))
def wallet_status(business_number: str, status: str) -> None:
    """Set a sandbox wallet's state: active (사용중), suspended (사용중지), blocked (정지)."""
    number, backend = parse_business_number(business_number), _sandbox()
    try:
        backend.set_status(number, status.upper())
    except SpendRefused as refused:
        raise click.ClickException(f"refused: {refused.reason}") from None
    click.echo(f"wallet {bizno.parse(number).formatted} is now {status}")


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask wallet`."""
    app.cli.add_command(wallet_cli)
