"""Staff commands: `flask merchants link|unlink|show` (who may see which business's data).

Kakao user keys are shown hashed unless `--unmasked` is given; business numbers are
checked with bot/merchants/bizno.py before anything is stored.
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bot.core.keys import user_hash
from bot.services import Services

from . import bizno

merchants_cli = AppGroup("merchants", help="Links between KakaoTalk users and businesses.")


def _services() -> Any:
    return current_app.extensions["bot"].services


def parse_business_number(value: str) -> str:
    """The 10 digits of a valid 사업자등록번호, else a usage error."""
    parsed = bizno.parse(value)
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not a valid business number (checksum)")
    return parsed.digits


@merchants_cli.command("link")
@click.argument("user_key")
@click.argument("business_number")
def merchants_link(user_key: str, business_number: str) -> None:
    """Let USER_KEY (a Kakao botUserKey) see BUSINESS_NUMBER's data."""
    number = parse_business_number(business_number)
    _services().merchants.link(user_key, number, "staff")
    click.echo(f"linked user {user_hash(user_key)} -> {bizno.parse(number).formatted}")


@merchants_cli.command("unlink")
@click.argument("user_key")
def merchants_unlink(user_key: str) -> None:
    """Remove USER_KEY's link to a business."""
    store = _services().merchants
    if store.business_of(user_key) is None:
        click.echo(f"user {user_hash(user_key)} was not linked")
        return
    store.unlink(user_key)
    click.echo(f"unlinked user {user_hash(user_key)}")


@merchants_cli.command("show")
@click.argument("key")
@click.option("--unmasked", is_flag=True, help="List linked user keys in full, not hashed.")
def merchants_show(key: str, unmasked: bool) -> None:
    """Show the business of a user key, or the users linked to a business number."""
    svc = _services()
    parsed = bizno.parse(key)
    if parsed is not None:
        users = sorted(svc.merchants.users_of(parsed.digits))
        click.echo(f"{parsed.formatted}: {len(users)} linked user(s)")
        for user in users:
            click.echo(f"  {user if unmasked else user_hash(user)}")
        return
    link = svc.redis.hgetall(svc.keys.merchant(key))
    if not link:
        click.echo(f"user {user_hash(key)} is not linked")
        return
    click.echo(json.dumps({"user": user_hash(key), **link}, ensure_ascii=False))


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask merchants`."""
    app.cli.add_command(merchants_cli)
