"""Staff commands: `flask merchants link|unlink|show` (who may see which business's data).

Kakao user keys are shown hashed unless `--unmasked` is given; business numbers are
checked with bot/merchants/bizno.py before anything is stored. Staff read the output in
Korean (messages.yaml `cli.merchants.*`, refusals by code through bot/core/staff_cli.py).
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
from bot.core.keys import user_hash
from bot.core.staff_cli import Misused, refusing
from bot.services import Services

from . import bizno

merchants_cli = AppGroup("merchants", help="Links between KakaoTalk users and businesses.")


def _services() -> Any:
    return current_app.extensions["bot"].services


def parse_business_number(value: str) -> str:
    """The 10 digits of a valid 사업자등록번호, else a refusal (exit status 2)."""
    parsed = bizno.parse(value)
    if parsed is None:
        raise Misused(code="bizno.invalid", value=value)
    return parsed.digits


@merchants_cli.command("link")
@click.argument("user_key")
@click.argument("business_number")
@refusing()
def merchants_link(user_key: str, business_number: str) -> None:
    """Let USER_KEY (a Kakao botUserKey) see BUSINESS_NUMBER's data."""
    number = parse_business_number(business_number)
    _services().merchants.link(user_key, number, "staff")
    click.echo(wording.text("cli.merchants.linked", user=user_hash(user_key),
                            business=bizno.parse(number).formatted))


@merchants_cli.command("unlink")
@click.argument("user_key")
def merchants_unlink(user_key: str) -> None:
    """Remove USER_KEY's link to a business."""
    store = _services().merchants
    if store.business_of(user_key) is None:
        click.echo(wording.text("cli.merchants.not_linked", user=user_hash(user_key)))
        return
    store.unlink(user_key)
    click.echo(wording.text("cli.merchants.unlinked", user=user_hash(user_key)))


@merchants_cli.command("show")
@click.argument("key")
@click.option("--unmasked", is_flag=True, help="List linked user keys in full, not hashed.")
@click.option("--json", "as_json", is_flag=True, help="A user's link as JSON (scripts).")
def merchants_show(key: str, unmasked: bool, as_json: bool) -> None:
    """Show the business of a user key, or the users linked to a business number."""
    svc = _services()
    parsed = bizno.parse(key)
    if parsed is not None:
        users = sorted(svc.merchants.users_of(parsed.digits))
        click.echo(wording.text("cli.merchants.users", business=parsed.formatted,
                                count=len(users)))
        for user in users:
            click.echo(f"  {user if unmasked else user_hash(user)}")
        return
    link = svc.redis.hgetall(svc.keys.merchant(key))
    if as_json:
        click.echo(json.dumps({"user": user_hash(key), **link} if link else {},
                              ensure_ascii=False))
        return
    if not link:
        click.echo(wording.text("cli.merchants.not_linked", user=user_hash(key)))
        return
    number = link.get("business_number", "")
    linked = bizno.parse(number)
    at = link.get("linked_at")
    click.echo(wording.text(
        "cli.merchants.link", user=user_hash(key),
        business=linked.formatted if linked else number,
        source=link.get("source", ""), verified=link.get("verified", ""),
        at=datetime.fromtimestamp(float(at), KST).strftime("%Y-%m-%d %H:%M KST") if at else "-"))


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask merchants`."""
    app.cli.add_command(merchants_cli)
