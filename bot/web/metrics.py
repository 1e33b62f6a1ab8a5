"""GET /metrics: every worker's counters summed, plus states read from Redis at scrape time.

Counters and histograms come from the multiprocess files (bot/core/metrics.py). Shared states
— the breakers kept in Redis, the progress of running broadcasts — are read when
Prometheus scrapes, so every worker reports the same value and a worker on another
host (the RQ worker) is still seen. With METRICS_TOKEN set, the scraper must send
`Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request

from bot.conversation.registry import SKILLS
from bot.core import metrics
from bot.services import Services

bp = Blueprint("metrics", __name__)
log = logging.getLogger(__name__)

BREAKER_VALUES = {"closed": 0, "half-open": 1, "open": 2}
ACTIVE_BROADCASTS = ("queued", "sending", "paused", "scheduled")  # shown while under way
RECENT_BROADCASTS = 20  # newest broadcasts looked at per scrape: bounded Redis work
PROGRESS = ("recipients", "sent", "delivered", "failed", "skipped", "unconfirmed")
SKILL_ENDPOINT = "webhook.skill_endpoint"


class SharedStateCollector:
    """Breaker states and broadcast progress, read from Redis on each scrape."""

    def __init__(self, services: Services) -> None:
        self.svc = services

    def collect(self) -> Iterator[Any]:
        """Yield the gauges; a Redis failure yields `danggol_scrape_redis_ok 0`, never an error."""
        from prometheus_client.core import GaugeMetricFamily

        breakers = GaugeMetricFamily(
            "danggol_breaker_state", "Circuit breaker state: 0 closed, 1 half-open, 2 open.",
            labels=["breaker"])
        progress = GaugeMetricFamily(
            "danggol_broadcast_progress", "Recipients of a broadcast under way, by outcome "
            "so far.", labels=["broadcast", "status", "kind"])
        ok = 1
        try:
            for name, state in shared_breakers(self.svc).items():
                breakers.add_metric([name], BREAKER_VALUES.get(state, 2))
            for bid, meta in active_broadcasts(self.svc):
                for kind in PROGRESS:
                    progress.add_metric([bid, meta["status"], kind], meta.get(kind) or 0)
        except Exception as exc:  # Redis down: the scrape still answers (and says so)
            metrics.redis_error(exc)
            ok = 0
        yield breakers
        yield progress
        yield GaugeMetricFamily("danggol_scrape_redis_ok",
                                "1 when the scrape could read shared state from Redis.",
                                value=ok)


def shared_breakers(services: Services) -> dict[str, str]:
    """Breakers whose state lives in Redis, by name: the wallet service's (HTTP backend)."""
    wallet_breaker = getattr(getattr(services, "wallet", None), "breaker", None)
    return {"wallet": wallet_breaker.state()} if wallet_breaker is not None else {}


def active_broadcasts(services: Services) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, fields) of recent broadcasts that are queued, sending or paused."""
    store = getattr(getattr(services, "broadcasts", None), "store", None)
    if store is None:
        return
    for bid in store.ids(RECENT_BROADCASTS):
        meta = store.meta(bid)
        if meta and meta.get("status") in ACTIVE_BROADCASTS:
            yield bid, meta


def _authorised() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        return True
    sent = request.headers.get("Authorization", "")
    return hmac.compare_digest(sent.encode("utf-8"), f"Bearer {token}".encode())


@bp.get("/metrics")
def metrics_endpoint() -> Response:
    """Prometheus text format, summed over every process writing to the metrics directory."""
    if not _authorised():
        return Response("unauthorized\n", status=401, mimetype="text/plain",
                        headers={"WWW-Authenticate": "Bearer"})
    # Loaded here, not at import: `flask …` commands build the app without ever scraping.
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=metrics.DIRECTORY)
    registry.register(SharedStateCollector(current_app.extensions["bot"].services))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _start() -> None:
    if request.endpoint == SKILL_ENDPOINT:
        g.metrics_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:
        skill = (request.view_args or {}).get("name", "")
        outcome = g.pop("skill_outcome", None) or _rejection(response.status_code)
        metrics.observe_request(skill if skill in SKILLS else metrics.UNKNOWN,
                                outcome.partition(":")[0], time.perf_counter() - started)
    return response


def _rejection(status: int) -> str:
    """The outcome of a request the webhook turned away before the pipeline."""
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden"}.get(
        status, "ok" if status < 400 else f"http_{status}")


def init_app(app: Flask, services: Services) -> None:
    """Serve /metrics and time every skill request."""
    app.register_blueprint(bp)
    app.before_request(_start)
    app.after_request(_finish)
