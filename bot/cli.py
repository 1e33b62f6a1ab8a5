"""Flask CLI commands: `flask templates check|preview`, `flask chat`, `flask serve`."""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from . import checks, preview, simulator, wallet_cli
from .applications_cli import applications_cli
from .broadcast.cli import broadcast_cli
from .faq_cli import faq_cli
from .funnel_cli import stats_cli
from .notices_cli import notices_cli
from .templating import TemplateError

templates_cli = AppGroup("templates", help="Operator answer templates.")


@templates_cli.command("check")
def templates_check() -> None:
    """Render every template with its samples and validate it against Kakao's limits."""
    bot = current_app.extensions["bot"]
    problems = checks.check_all(bot.renderer)
    names = bot.templates.names()
    for problem in problems:
        click.echo(f"✗ {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {len(names)} templates", err=True)
        sys.exit(1)
    click.echo(f"✓ {len(names)} templates OK")


@templates_cli.command("preview")
@click.argument("name")
@click.option("--sample", "sample_no", type=click.IntRange(min=1),
              help="Only this sample of the file (1 = the first); default: every sample.")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Set a value (read as YAML; nested: free.balance=0). Repeatable.")
def templates_preview(name: str, sample_no: int | None, assignments: tuple[str, ...]) -> None:
    """Draw a template as `flask chat` shows it, then list its Kakao limit problems."""
    bot = current_app.extensions["bot"]
    store = bot.templates
    name = preview.normalise(name)
    names = store.names()
    if name not in names:
        close = preview.suggest(name, names)
        hint = f"; did you mean {', '.join(close)}?" if close else " (see templates/<group>/)"
        _fail(f"unknown template '{name}'{hint}")
    try:
        values = preview.parse_assignments(assignments)
        store.spec(name, fresh=True, last_good=False)  # the file on disk, as check judges it
    except ValueError as exc:
        _fail(str(exc))
    except TemplateError as exc:
        _fail(f"{name}.yaml: {exc.message}")
    samples = store.samples(name)
    if sample_no is not None and sample_no > len(samples):
        _fail(f"{name}.yaml has {len(samples)} sample(s), no sample {sample_no}")
    picked = [sample_no] if sample_no else range(1, len(samples) + 1)
    problems: list[checks.Problem] = []
    for i in picked:
        label = f"sample {i}" if len(samples) > 1 else "sample"
        which = f" · sample {i} of {len(samples)}" if len(samples) > 1 else ""
        click.echo(f"── {name}{which}{' with --set values' if values else ''}")
        base = dict(samples[i - 1])
        if any(parts[0] == "settings" for parts, _ in values):  # change one setting, keep the rest
            base.setdefault("settings", store.settings())
        context = preview.with_values(base, values)
        response, found = checks.check_sample(bot.renderer, name, context, label)
        if response is not None:
            click.echo("\n".join(simulator.draw(response)[0]))
        if store.is_partial(name):
            click.echo("  (partial: quick replies other templates take with `use:`)")
        for problem in found:
            click.echo(f"✗ {problem}")
        problems += found
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo("✓ renders within Kakao's limits")


def _fail(message: str) -> NoReturn:
    click.echo(f"✗ {message}", err=True)
    sys.exit(1)


@click.command("chat")
@with_appcontext
@click.option("--user", default="tester", help="Simulated KakaoTalk user name.")
def chat(user: str) -> None:
    """Chat with the bot in the terminal through the real app (no Kakao needed)."""
    client = current_app.test_client()
    bot = current_app.extensions["bot"]
    headers = {"X-Skill-Secret": current_app.config.get("KAKAO_SKILL_SECRET") or ""}
    replies: list[dict[str, Any]] = []
    click.echo(bot.templates.render_spec(simulator.BANNER_TEMPLATE, {})["text"] + "\n")
    clock = bot.services.request_clock = simulator.MessageClock()  # piped lines: not double taps

    def send(skill: str, text: str, extra: dict[str, Any] | None = None) -> None:
        nonlocal replies
        clock.advance()
        body = simulator.payload(text, simulator.sim_user_id(user), extra)
        response = client.post(f"/skill/{skill}", json=body, headers=headers)
        lines, replies = simulator.draw(response.get_json() or {})
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
        if text == "/reset":
            uid = simulator.sim_user_id(user)
            bot.services.sessions.clear(uid)
            for key in bot.services.redis.scan_iter(bot.services.keys.draft(uid, "*")):
                bot.services.redis.delete(key)
            send("welcome", simulator.OPENING)
            continue
        extra = None
        if text.isdigit() and 1 <= int(text) <= len(replies):
            tapped = replies[int(text) - 1]
            text, extra = tapped.get("messageText") or tapped["label"], tapped.get("extra")
        click.echo(f"  {user}: {text}")
        send("fallback", text, extra)


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int)
@click.option("--workers", default=2, type=int)
@click.option("--threads", default=4, type=int,
              help="Requests each worker serves at once (gthread).")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Run the app under gunicorn (the app, and any embedded Redis, load once before forking)."""
    from gunicorn.app.base import BaseApplication

    app = current_app._get_current_object()  # type: ignore[attr-defined]

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            # Threads, not sync workers: a sync worker waiting on a slow dependency (up to
            # its 1.4 s deadline) holds every request queued behind it; with threads the
            # other requests go on (README, "Slow dependencies, outages and callbacks").
            self.cfg.set("threads", threads)
            self.cfg.set("preload_app", True)
            self.cfg.set("timeout", 30)

        def load(self) -> Flask:
            return app

    click.echo(f"skill server on http://{host}:{port}/skill/<name> — health: /healthz, /readyz")
    Server().run()


def init_app(app: Flask) -> None:
    """Attach the commands to an app."""
    app.cli.add_command(templates_cli)
    app.cli.add_command(chat)
    app.cli.add_command(serve)
    wallet_cli.init_app(app)
    app.cli.add_command(applications_cli)
    app.cli.add_command(notices_cli)
    app.cli.add_command(broadcast_cli)
    app.cli.add_command(faq_cli)
    app.cli.add_command(stats_cli)


def main() -> None:
    """Console entry point `danggol`: the same commands without --app."""
    from . import create_app

    FlaskGroup(create_app=create_app)()
