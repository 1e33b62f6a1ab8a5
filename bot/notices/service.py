"""The notices feature's set-up: the store on services.notices and the sample notices.

Without a BIZINFO_API_KEY an empty store gets the sample notices, so the embedded
demo has something to show. Seeding runs on the store's first read in a process (or
in warm(), at server start-up), because indexing notices needs Kiwi (seconds).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import redis

from bot.conversation import korean
from bot.core.clock import today_of
from bot.core.config import ROOT
from bot.services import Services

from .store import NoticeStore, load_samples

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

SAMPLE_FILE = ROOT / "data" / "sample_notices.yaml"


def init_app(app: Flask, services: Services) -> None:
    """Install the notice store; samples and Kiwi load on first use (or in warm())."""
    # Tests seed their own notices into a flushed Redis: no samples behind their back.
    seed = None if services.config.get("TESTING") else (lambda store: seed_samples(services, store))
    services.notices = NoticeStore(services.redis, services.keys, seed=seed)
    services.warm_ups.append(lambda: warm(services))


def warm(services: Services) -> None:
    """Load the Korean analyser and the samples now: inside a request they break the budget."""
    try:
        korean.kiwi()
    except Exception as exc:  # search degrades to listing; the bot must still start
        log.warning("korean analyser not loaded: %s", type(exc).__name__)
    services.notices.ready()  # the samples, if this app seeds them


def seed_samples(services: Services, store: NoticeStore) -> None:
    """Load the sample notices when there is no feed and no notice; never raises."""
    if services.features.notices.bizinfo_key:
        return
    path = str(services.features.notices.sample_file or SAMPLE_FILE)
    try:
        if store.count() == 0:
            count = load_samples(store, path, today_of(services.clock()))
            log.info("loaded %d sample notices (no BIZINFO_API_KEY)", count)
    except (redis.RedisError, OSError, ValueError) as exc:
        log.warning("sample notices not loaded: %s", exc)
