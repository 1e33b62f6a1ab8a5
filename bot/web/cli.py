"""`flask serve`: the skill server under gunicorn, warmed once before its workers fork."""

from __future__ import annotations

import runpy
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from bot.core import wording
from bot.core.config import ROOT
from bot.services import Services

DEFAULT_PORT = 8000


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=int, default=None,
              help=f"Port to listen on (default: PORT from the environment, else {DEFAULT_PORT}).")
@click.option("--workers", default=2, type=int)
@click.option("--threads", default=4, type=int,
              help="Requests each worker serves at once (gthread).")
def serve(host: str, port: int | None, workers: int, threads: int) -> None:
    """Run the app under gunicorn (the app, and any embedded Redis, load once before forking)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    port = port or int(app.config.get("PORT") or DEFAULT_PORT)
    # Kiwi, the FAQ index and the notices load here, before the fork: workers share them.
    app.extensions["bot"].services.warm()
    server = gunicorn_server(app, host, port, workers, threads)
    click.echo(wording.text("cli.serve.listening", host=host, port=str(port)))
    server.run()


def gunicorn_server(app: Flask, host: str, port: int, workers: int, threads: int) -> Any:
    """A gunicorn application serving `app` with gunicorn.conf.py's settings and hooks."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            # The Procfile's settings and hooks (metrics of every worker), then our options.
            for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
                if name in self.cfg.settings:
                    self.cfg.set(name, value)
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            # Threads, not sync workers: a sync worker waiting on a slow dependency (up to
            # its 1.4 s deadline) holds every request queued behind it; with threads the
            # other requests go on (README, "Slow dependencies, outages and callbacks").
            self.cfg.set("threads", threads)

        def load(self) -> Flask:
            return app

    return Server()


def init_app(app: Flask, services: Services) -> None:
    """Attach `flask serve`."""
    app.cli.add_command(serve)
