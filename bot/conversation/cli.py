"""`flask chat` (the bot in a terminal) and `flask stats forms` (the form funnel).

The funnel: where merchants give up in a form, and which step refuses most answers.
Counters come from bot/conversation/funnel.py; what each number means is in README
"Form funnel (operators)". Output is for staff (English), with each step shown by its label.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from bot.services import Services

from . import funnel, simulator
from .funnel import Funnel, StepRow
from .registry import FORMS

stats_cli = AppGroup("stats", help="Usage figures for operators.")

COLUMNS = (("reached", 7), ("answered", 8), ("invalid", 7), ("rate", 5), ("questions", 9),
           ("paused", 6), ("cancelled", 9), ("ended", 5))
LABEL_WIDTH = 18
MARK = "▶"  # the step with the most validation failures


@stats_cli.command("forms")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, funnel.KEEP_DAYS),
              help="KST days to sum, today included.")
@click.option("--form", "form_name", help="Only this form (default: every registered form).")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of tables.")
def forms(days: int, form_name: str | None, as_json: bool) -> None:
    """Form funnel per step: reached, answered, refused answers, questions, exits."""
    svc = current_app.extensions["bot"].services
    if form_name is not None and form_name not in FORMS:
        known = ", ".join(sorted(FORMS)) or "none"
        raise click.BadParameter(f"no form {form_name!r} (registered: {known})",
                                 param_hint="--form")
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
    lines = [f"{title} — {span} KST, {f.days} day{'s' if f.days > 1 else ''}"]
    if not any(s.reached or s.invalid for s in f.steps) and not f.started:
        return lines + ["no form activity on these days"]
    lines.append(f"started {f.started}" + (f" (incl. {f.restarted} restarts)" if f.restarted
                                         else "") + f" · resumed drafts {f.resumed}")
    lines.append("")
    lines.append(_pad("    step", LABEL_WIDTH + 4) + "".join(
        f"  {name:>{width}}" for name, width in COLUMNS))
    for n, row in enumerate(f.steps, 1):
        mark = MARK if row.name == f.most_invalid else " "
        lines.append(_row(f"{mark}{n:>2} ", row))
    if f.review is not None:
        lines.append(_row("    ", f.review, review=True))
    lines.append("")
    lines.append(f"submitted {f.submitted} ({_share(f.submitted, f.started)} of started)"
                 + (f" · submission refused {f.refused}" if f.refused else ""))
    lines.append(f"left: paused {f.paused} · cancelled {f.cancelled} · ended {f.ended}"
                 f" (not eligible) · restarted {f.restarted}")
    worst = next((s for s in f.steps if s.name == f.most_invalid), None)
    if worst is None:
        lines.append("most validation failures: none")
    else:
        lines.append(f"{MARK} most validation failures: {worst.label} ({worst.name}) —"
                     f" {worst.invalid} refused, {_rate(worst)} of answers typed there")
    if any(s.conditional for s in f.steps):
        lines.append("* asked only when earlier answers make it apply")
    if any(s.removed for s in f.steps):
        lines.append("† no longer in the form")
    return lines


def _row(lead: str, row: StepRow, review: bool = False) -> str:
    label = row.label + ("*" if row.conditional else "") + ("†" if row.removed else "")
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
    cells = "".join(f"  {values[name]!s:>{width}}" for name, width in COLUMNS)
    return (lead + _pad(_clip(label, LABEL_WIDTH), LABEL_WIDTH) + cells).rstrip()


def _rate(row: StepRow) -> str:
    return "-" if row.invalid_rate is None else f"{row.invalid_rate:.0%}"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _width(text: str) -> int:
    """Terminal columns: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _clip(text: str, width: int) -> str:
    while _width(text) > width:
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
