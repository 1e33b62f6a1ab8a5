"""`flask chat` (the bot in a terminal) and `flask stats forms` (the form funnel).

The funnel: where merchants give up in a form, and which step refuses most answers.
Counters come from bot/conversation/funnel.py; what each number means is in README
"Form funnel (operators)". Operators read it in Korean (messages.yaml `cli.stats.*`, the
columns by their `funnel_column` labels, the console's words), each step by its label.
`flask chat` is the developers' and operators' way to try the bot: it speaks through the
templates (its banner, help and notes are templates/cli/chat_*).
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from bot.core import wording
from bot.core.staff_cli import Misused, pad, refusing, width
from bot.services import Services

from . import funnel, simulator
from .funnel import Funnel, StepRow
from .registry import FORMS

stats_cli = AppGroup("stats", help="Usage figures for operators.")

# The table's columns (their headings: `funnel_column` labels) and terminal widths.
COLUMNS = (("reached", 5), ("answered", 5), ("invalid", 9), ("rate", 5), ("questions", 5),
           ("paused", 5), ("cancelled", 5), ("ended", 5))
LABEL_WIDTH = 18
MARK = "▶"  # the step with the most validation failures


@stats_cli.command("forms")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, funnel.KEEP_DAYS),
              help="KST days to sum, today included.")
@click.option("--form", "form_name", help="Only this form (default: every registered form).")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of tables.")
@refusing()
def forms(days: int, form_name: str | None, as_json: bool) -> None:
    """Form funnel per step: reached, answered, refused answers, questions, exits."""
    svc = current_app.extensions["bot"].services
    if form_name is not None and form_name not in FORMS:
        raise Misused(code="stats.unknown_form", form=form_name,
                      known=", ".join(sorted(FORMS)) or "-")
    names = [form_name] if form_name else list(FORMS)
    settings = svc.settings()
    funnels = funnel.report(svc, [FORMS[n].form.titled(settings) for n in names], days)
    if as_json:
        click.echo(json.dumps({"forms": [f.as_dict() for f in funnels]}, ensure_ascii=False,
                              indent=2))
        return
    for n, one in enumerate(funnels):
        if n:
            click.echo("")
        click.echo("\n".join(render(one)))


def render(f: Funnel) -> list[str]:
    """One funnel as text lines."""
    title = f"{f.form} ({f.title})" if f.title else f.form
    span = f.first_day if f.days == 1 else f"{f.first_day} … {f.last_day}"
    lines = [wording.text("cli.stats.head", title=title, span=span, days=f.days)]
    if not any(s.reached or s.invalid for s in f.steps) and not f.started:
        return lines + [wording.text("cli.stats.no_activity")]
    restarts = wording.text("cli.stats.restarts", count=f.restarted) if f.restarted else ""
    lines.append(wording.text("cli.stats.started", started=f.started, restarts=restarts,
                              resumed=f.resumed))
    lines.append("")
    lines.append(pad(f"    {wording.text('cli.stats.step')}", LABEL_WIDTH + 4) + "".join(
        f"  {pad(wording.label(name, 'funnel_column'), cols, right=True)}"
        for name, cols in COLUMNS))
    for n, row in enumerate(f.steps, 1):
        mark = MARK if row.name == f.most_invalid else " "
        lines.append(_row(f"{mark}{n:>2} ", row))
    if f.review is not None:
        lines.append(_row("    ", f.review, review=True))
    lines.append("")
    refused = wording.text("cli.stats.refused", count=f.refused) if f.refused else ""
    lines.append(wording.text("cli.stats.submitted", submitted=f.submitted,
                              share=_share(f.submitted, f.started), refused=refused))
    lines.append(wording.text("cli.stats.left", paused=f.paused, cancelled=f.cancelled,
                              ended=f.ended, restarted=f.restarted))
    worst = next((s for s in f.steps if s.name == f.most_invalid), None)
    if worst is None:
        lines.append(wording.text("cli.stats.worst_none"))
    else:
        lines.append(f"{MARK} " + wording.text("cli.stats.worst", label=worst.label,
                                                 name=worst.name, invalid=worst.invalid,
                                                 rate=_rate(worst)))
    if any(s.conditional for s in f.steps):
        lines.append(wording.text("cli.stats.conditional"))
    if any(s.removed for s in f.steps):
        lines.append(wording.text("cli.stats.removed"))
    return lines


def _row(lead: str, row: StepRow, review: bool = False) -> str:
    label = (wording.text("cli.stats.review") if review else row.label) + (
        "*" if row.conditional else "") + ("†" if row.removed else "")
    values = {
        "reached": row.reached,
        "answered": "" if review else row.answered,
        "invalid": "" if review else row.invalid,
        "rate": "" if review else _rate(row),
        "questions": row.interrupted,
        "paused": row.paused,
        "cancelled": row.cancelled,
        "ended": "" if review else row.ended,
    }
    cells = "".join(f"  {pad(values[name], cols, right=True)}" for name, cols in COLUMNS)
    return (lead + pad(_clip(label, LABEL_WIDTH), LABEL_WIDTH) + cells).rstrip()


def _rate(row: StepRow) -> str:
    return "-" if row.invalid_rate is None else f"{row.invalid_rate:.0%}"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _clip(text: str, columns: int) -> str:
    while width(text) > columns:
        text = text[:-2] + "…"
    return text


@click.command("chat")
@with_appcontext
@click.option("--user", default="tester", help="Simulated KakaoTalk user name.")
def chat(user: str) -> None:
    """Chat with the bot in the terminal through the real app (no Kakao needed)."""
    client = current_app.test_client()
    bot = current_app.extensions["bot"]
    bot.services.warm()  # Kiwi and the FAQ index now, not inside the first reply's budget
    headers = {"X-Skill-Secret": current_app.config.get("KAKAO_SKILL_SECRET") or ""}
    replies: list[dict[str, Any]] = []
    click.echo(bot.templates.render_spec(simulator.BANNER_TEMPLATE, {})["text"] + "\n")
    clock = bot.services.request_clock = simulator.MessageClock()  # piped lines: not double taps
    # Lines piped in while the bot warms up arrive all at once: that is no flood (bot/web/flood.py).
    current_app.config["FLOOD_RATE"] = 0

    def send(skill: str, text: str, extra: dict[str, Any] | None = None) -> None:
        nonlocal replies
        clock.advance()
        body = simulator.payload(text, simulator.sim_user_id(user), extra)
        response = client.post(f"/skill/{skill}", json=body, headers=headers)
        lines, replies = simulator.draw(response.get_json() or {}, numbered=True)
        click.echo("\n".join(lines))

    send("welcome", simulator.OPENING)
    while True:
        try:
            text = click.prompt(f"\n{user}", prompt_suffix="> ", default="",
                                show_default=False).strip()
        except (EOFError, click.Abort):
            break
        if not text:
            continue
        if text in ("/quit", "/exit"):
            break
        if text.startswith("/user"):
            user = text.partition(" ")[2].strip() or "tester"
            send("welcome", simulator.OPENING)
            continue
        if text == "/help":
            click.echo(bot.templates.render_spec(simulator.HELP_TEMPLATE, {})["text"])
            continue
        if text == "/whoami":  # the key broadcasts use (`broadcast create --test-users`)
            whoami = {"name": user, "key": simulator.sim_user_id(user)}
            click.echo(bot.templates.render_spec(simulator.WHOAMI_TEMPLATE, whoami)["text"])
            continue
        if text == "/reset":
            uid = simulator.sim_user_id(user)
            bot.services.sessions.clear(uid)
            for key in bot.services.redis.scan_iter(bot.services.keys.draft(uid, "*")):
                bot.services.redis.delete(key)
            send("welcome", simulator.OPENING)
            continue
        extra = None
        if text.isdigit() and 1 <= int(text) <= len(replies):
            item = replies[int(text) - 1]
            said, extra, other = simulator.tapped(item)
            if said is None:  # 상담원 연결하기, a link or a phone: say what Kakao would do
                target = item.get("webLinkUrl") or item.get("phoneNumber") or ""
                note = {"label": item["label"], "action": other, "target": target}
                click.echo(bot.templates.render_spec(simulator.TAP_TEMPLATE, note)["text"])
                continue
            text = said
        click.echo(f"  {user}: {text}")
        send("fallback", text, extra)


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask chat` and `flask stats`."""
    app.cli.add_command(chat)
    app.cli.add_command(stats_cli)
