"""단골 만들기 지원센터 skill server: the Flask app factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Flask

from . import logs
from .config import Config
from .keys import Keys
from .merchants import MerchantStore
from .pipeline import Pipeline, Services
from .profiles import ProfileStore
from .redisconn import connect
from .render import Renderer
from .session import SessionStore
from .subscriptions import SubscriptionStore
from .templating import TemplateStore

DAY = 24 * 3600
log = logging.getLogger(__name__)

try:
    __version__ = version("danggol-bot")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"


@dataclass
class Bot:
    """Everything a request needs, kept on app.extensions['bot']."""

    services: Services
    pipeline: Pipeline
    renderer: Renderer
    templates: TemplateStore
    version: str


def template_globals(config: Mapping[str, Any]) -> dict[str, Any]:
    """Configuration values every template may use (README: 답변 템플릿 고치기)."""
    return {
        # Whole days an unfinished form is kept, so "7일 동안 저장돼요" follows DRAFT_TTL.
        "draft_days": max(1, int(config["DRAFT_TTL"]) // DAY),
    }


def create_app(config: Config | Mapping[str, Any] | None = None) -> Flask:
    """Create the skill server. Tests pass `config`; production reads the environment."""
    if config is None:
        config = Config.from_env()
    settings = config.as_mapping() if isinstance(config, Config) else {
        **Config().as_mapping(), **config}

    app = Flask(__name__)
    app.config.from_mapping(settings)
    app.json.ensure_ascii = False  # Korean goes out as UTF-8, not \\uXXXX
    logs.setup(app.config["LOG_LEVEL"])

    client = connect(app.config["REDIS_URL"], app.config["EMBEDDED_DATA_DIR"],
                     app.config["REDIS_SOCKET_TIMEOUT"], app.config["REDIS_BREAKER_COOLDOWN"])
    keys = Keys(app.config["REDIS_PREFIX"])
    sessions = SessionStore(client, keys, app.config["SESSION_TTL"], app.config["DRAFT_TTL"])
    templates = TemplateStore(app.config["TEMPLATES_DIR"], app.config["TEMPLATES_AUTO_RELOAD"],
                              template_globals=template_globals(app.config))
    if not app.config["TESTING"]:  # tests build many apps: each loads what it renders
        broken = templates.warm()  # every good file gets a last good version to fall back on
        if broken:
            log.warning("%d template file(s) do not load: %s (see flask templates check)",
                        len(broken), ", ".join(f"{p.name}.yaml" for p in broken))
    services = Services(config=app.config, redis=client, keys=keys, sessions=sessions,
                        merchants=MerchantStore(client, keys),
                        profiles=ProfileStore(client, keys),
                        subscriptions=SubscriptionStore(client, keys),
                        settings=templates.settings)

    import skills

    skills.init_services(services)
    app.extensions["bot"] = Bot(
        services=services,
        pipeline=Pipeline(services),
        renderer=Renderer(templates, strict=app.config["STRICT_RESPONSES"]),
        templates=templates,
        version=__version__,
    )

    from . import callbacks, cli, readiness, webhook

    callbacks.init_app(services, app.extensions["bot"].renderer)

    app.register_blueprint(webhook.bp)
    app.register_blueprint(readiness.bp)
    cli.init_app(app)
    from .web import console  # the web console and the Redis layer of template edits

    console.init_app(app)
    return app
