"""A total deadline for outbound HTTP calls (requests' timeouts only bound each socket operation).

requests and urllib3 apply the read timeout to every single socket read, so a server that
sends its headers and then one body byte every half second never times out: the call lasts as
long as the server likes. `call()` arms a watchdog for the whole call — connecting, sending,
waiting for the headers, reading the body, retries included when the caller shares one
deadline — and when the deadline passes the watchdog shuts the call's socket down. The blocked
read returns at once, the connection is thrown away, and `call()` raises `DeadlineExceeded`
(a `requests.ReadTimeout`, so every caller's existing timeout handling applies: the request
may have reached the server).

Every outbound call of the bot goes through here: the wallet service, the application intake,
기업마당, Kakao's Event and task APIs, and the callback POST.
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["DeadlineExceeded", "call", "deadline_in"]

_local = threading.local()  # the Watch of the call running on this thread, if any


class DeadlineExceeded(requests.exceptions.ReadTimeout):
    """The whole call took longer than its total deadline (it may have reached the server)."""


def deadline_in(seconds: float) -> float:
    """The time.monotonic() value `seconds` from now."""
    return time.monotonic() + seconds


class _Watch:
    """The sockets of one call, shut down together when its deadline passes."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self.cancelled = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()

    def add(self, sock: socket.socket | None) -> None:
        """Watch a socket the call uses (a late one is shut down at once)."""
        if sock is None:
            return
        with self._lock:
            if any(s is sock for s in self._socks):
                return
            self._socks.append(sock)
            fired = self.fired
        if fired:
            _shut(sock)

    def fire(self) -> None:
        """The deadline passed: wake every blocked read of this call."""
        with self._lock:
            if self.cancelled:
                return
            self.fired = True
            socks = list(self._socks)
        for sock in socks:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for an SSLSocket: a blocked recv in another thread
    # returns at once (close() would not wake it on Linux), and SSLSocket.shutdown would
    # tear its SSL object down under the reader's feet.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed or never connected


class _Watchdog:
    """One daemon thread per process firing watches at their deadlines."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # gunicorn forks after preloading

    def _reset(self) -> None:
        self._heap: list[tuple[float, int, _Watch]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, watch: _Watch) -> None:
        """Fire `watch` at its deadline unless it is disarmed first."""
        with self._cond:
            heapq.heappush(self._heap, (watch.deadline, next(self._seq), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="http-deadline",
                                                daemon=True)
                self._thread.start()
            self._cond.notify()

    def disarm(self, watch: _Watch) -> None:
        """The call ended: never fire it (dropped from the heap when its time comes)."""
        with watch._lock:
            watch.cancelled = True

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                when, _, watch = self._heap[0]
                delay = when - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
            watch.fire()


_WATCHDOG = _Watchdog()


class _WatchedMixin:
    """Hands the connection's socket to the running call's watch before each blocking step."""

    sock: socket.socket | None

    def connect(self) -> None:
        """Connect, then watch the new socket."""
        super().connect()  # type: ignore[misc]
        _watch_sock(self.sock)

    def getresponse(self) -> Any:
        """Watch the socket (also a kept-alive one) while waiting for headers and body."""
        _watch_sock(self.sock)
        return super().getresponse()  # type: ignore[misc]


def _watch_sock(sock: socket.socket | None) -> None:
    watch: _Watch | None = getattr(_local, "watch", None)
    if watch is not None:
        watch.add(sock)


class _WatchedHTTPConnection(_WatchedMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedMixin, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections report their sockets to the running call's watch."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Use the watched connection classes for http and https."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool,
                                                   "https": _WatchedHTTPSPool}


def _ensure_adapter(session: requests.Session, url: str) -> None:
    if isinstance(session.get_adapter(url), DeadlineAdapter):
        return
    for prefix in ("https://", "http://"):
        session.mount(prefix, DeadlineAdapter())


def call(session: requests.Session | None, method: str, url: str, *, deadline: float,
         timeout: tuple[float, float], **kwargs: Any) -> requests.Response:
    """Make one request that ends by `deadline` (a time.monotonic() value), body included.

    `timeout` is requests' (connect, read) pair, each cut to the time left. Raises
    DeadlineExceeded when the deadline passes (or has passed) before the answer is in;
    other failures raise as requests raises them. `session=None` uses a one-off session.
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DeadlineExceeded(f"no time left for {method} {_origin(url)}")
    own = session is None
    http = session or requests.Session()
    try:
        _ensure_adapter(http, url)
        per_op = (min(timeout[0], remaining), min(timeout[1], remaining))
        return _watched(lambda: http.request(method, url, timeout=per_op, **kwargs),
                        deadline, method, url)
    finally:
        if own:
            http.close()


def _watched(send: Callable[[], requests.Response], deadline: float, method: str,
             url: str) -> requests.Response:
    watch = _Watch(deadline)
    outer = getattr(_local, "watch", None)
    _local.watch = watch
    _WATCHDOG.arm(watch)
    try:
        return send()
    except requests.RequestException as exc:
        if watch.fired or time.monotonic() >= deadline:
            raise DeadlineExceeded(f"{method} {_origin(url)} passed its deadline") from exc
        raise
    finally:
        _WATCHDOG.disarm(watch)
        _local.watch = outer


def _origin(url: str) -> str:
    """Scheme, host and port only: paths may carry business numbers or callback tokens."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
    except ValueError:
        return "?"
