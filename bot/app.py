"""The app factory: config → Redis → Services → each feature's init_app → skills."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import redis
from flask import Flask
from flask.cli import FlaskGroup

from bot.answers import cli as answers_cli
from bot.answers import hours
from bot.answers.render import Renderer
from bot.answers.templating import TemplateStore
from bot.applications import cli as applications_cli
from bot.applications import service as applications
from bot.broadcast import cli as broadcast_cli
from bot.broadcast import service as broadcast
from bot.conversation import callbacks
from bot.conversation import cli as conversation_cli
from bot.conversation.pipeline import Pipeline
from bot.conversation.session import SessionStore
from bot.core import logs
from bot.core.config import Config
from bot.core.keys import Keys
from bot.core.redisconn import connect, rename_legacy_keys
from bot.core.version import __version__
from bot.faq import cli as faq_cli
from bot.faq import service as faq
from bot.merchants import cli as merchants_cli
from bot.merchants.merchants import MerchantStore
from bot.merchants.profiles import ProfileStore
from bot.notices import cli as notices_cli
from bot.notices import service as notices
from bot.notices.subscriptions import SubscriptionStore
from bot.services import Services
from bot.wallet import backends as wallet
from bot.wallet import cli as wallet_cli
from bot.web import cli as web_cli
from bot.web import metrics as web_metrics
from bot.web import readiness, webhook

DAY = 24 * 3600
log = logging.getLogger(__name__)

# Each feature's init_app(app, services), in this order: the services first (broadcasts read
# notices and the wallet), then the web blueprint and every `flask …` command group.
FEATURES = (notices, faq, applications, wallet, broadcast,
            webhook, readiness, web_metrics,
            answers_cli, conversation_cli, notices_cli, faq_cli, applications_cli, wallet_cli,
            merchants_cli, broadcast_cli, web_cli)


@dataclass
class Bot:
    """Everything a request needs, kept on app.extensions['bot']."""

    services: Services
    pipeline: Pipeline
    renderer: Renderer
    templates: TemplateStore
    version: str


def template_globals(config: Mapping[str, Any],
                     clock: Callable[[], float] = time.time) -> dict[str, Any]:
    """Configuration values every template may use (README: 답변 템플릿 고치기)."""
    return {
        # Whole days an unfinished form is kept, so "7일 동안 저장돼요" follows DRAFT_TTL.
        "draft_days": max(1, int(config["DRAFT_TTL"]) // DAY),
        # consult(settings.operator_hours): whether the 상담 hours are over now, and until when.
        "consult": hours.template_global(clock),
    }


def warm_templates(templates: TemplateStore) -> None:
    """Load every template now, so each good file has a last good version to fall back on."""
    broken = templates.warm()
    if broken:
        log.warning("%d template file(s) do not load: %s (see flask templates check)",
                    len(broken), ", ".join(f"{p.name}.yaml" for p in broken))


def create_app(config: Config | Mapping[str, Any] | None = None, *, warm: bool = False) -> Flask:
    """Create the skill server. Tests pass `config`; production reads the environment.

    Heavy things (Kiwi, the FAQ index, sample notices) load on first use, so a CLI
    command starts fast; `warm=True` (gunicorn --preload, `flask serve`) loads them
    now, before the workers fork, so they share the memory and no request waits.
    """
    if config is None:
        config = Config.from_env()
    # A mapping (variable names to values) applies to the defaults; either way the values
    # one setting takes from another are resolved now.
    config = (config if isinstance(config, Config) else Config()).with_env(
        {} if isinstance(config, Config) else config)

    app = Flask(__name__)
    app.config.from_mapping(config.as_mapping())
    app.json.ensure_ascii = False  # Korean goes out as UTF-8, not \\uXXXX
    logs.setup(app.config["LOG_LEVEL"])

    client = connect(app.config["REDIS_URL"], app.config["EMBEDDED_DATA_DIR"],
                     app.config["REDIS_SOCKET_TIMEOUT"], app.config["REDIS_BREAKER_COOLDOWN"],
                     app.config["REDIS_MODE"])
    keys = Keys(app.config["REDIS_PREFIX"])
    try:
        rename_legacy_keys(client, keys.renamed())
    except redis.RedisError as exc:  # Redis down at start: the app still starts and apologises
        log.warning("legacy key check skipped: %s", type(exc).__name__)
    sessions = SessionStore(client, keys, app.config["SESSION_TTL"], app.config["DRAFT_TTL"])
    clock: list[Callable[[], float]] = [time.time]  # the services' clock, once they exist
    templates = TemplateStore(app.config["TEMPLATES_DIR"], app.config["TEMPLATES_AUTO_RELOAD"],
                              template_globals=template_globals(app.config, lambda: clock[0]()))
    services = Services(config=app.config, features=config.features, redis=client, keys=keys,
                        sessions=sessions,
                        merchants=MerchantStore(client, keys),
                        profiles=ProfileStore(client, keys),
                        subscriptions=SubscriptionStore(client, keys),
                        settings=templates.settings)
    clock[0] = lambda: services.clock()  # tests freeze services.clock: the hours follow it
    if not app.config["TESTING"]:  # tests build many apps: each loads what it renders
        services.warm_ups.append(lambda: warm_templates(templates))
    for feature in FEATURES:
        feature.init_app(app, services)
    renderer = Renderer(templates, strict=app.config["STRICT_RESPONSES"])
    callbacks.init_app(services, renderer)  # a callback's answer is rendered outside a request

    import skills  # noqa: F401  (importing registers every skill handler)

    app.extensions["bot"] = Bot(
        services=services,
        pipeline=Pipeline(services),
        renderer=renderer,
        templates=templates,
        version=__version__,
    )
    from bot.web import console  # the web console and the Redis layer of template edits

    console.init_app(app)
    if warm:
        services.warm()
    return app


def main() -> None:
    """Console entry point `danggol`: the same commands without --app."""
    FlaskGroup(create_app=create_app)()
