"""Misbehaving HTTP servers on loopback: they drip their answer byte by byte, or never answer.

Real sockets, so the client's real timeouts (per read and in total) are what is tested.
Use as a context manager; `base` is the server's URL, `requests_seen` counts the calls.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class DripServer:
    """Answers every request with headers at once, then the body one byte every `interval` s.

    `body` is the JSON to drip (default: 40 bytes of padding); `drip_headers=True` drips the
    status line and headers too. `delay` sleeps before anything is sent (a hanging service).
    """

    def __init__(self, body: Any = None, *, interval: float = 0.5, drip_headers: bool = False,
                 delay: float = 0.0, status: int = 200) -> None:
        self.payload = json.dumps(body if body is not None else {"pad": "x" * 30}).encode()
        self.interval = interval
        self.drip_headers = drip_headers
        self.delay = delay
        self.status = status
        self.requests_seen = 0
        self.bodies: list[bytes] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received = self.rfile.read(length) if length else b""
                with server._lock:
                    server.requests_seen += 1
                    server.bodies.append(received)
                if server.delay and server._stop.wait(server.delay):
                    return
                # It closes the connection after each answer, so it says so: a client that
                # reused the socket would race the close (RemoteDisconnected, seen in CI).
                head = (f"HTTP/1.1 {server.status} OK\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(server.payload)}\r\nConnection: close\r\n\r\n"
                        ).encode()
                try:
                    if server.drip_headers:
                        server._drip(self.wfile, head)
                    else:
                        self.wfile.write(head)
                        self.wfile.flush()
                    server._drip(self.wfile, server.payload)
                except OSError:
                    pass  # the client gave up: that is the point
                self.close_connection = True

            do_GET = do_POST = _answer  # noqa: N815 (http.server's naming)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _drip(self, out: Any, data: bytes) -> None:
        for i in range(len(data)):
            if self._stop.wait(self.interval if i else 0):
                return
            out.write(data[i:i + 1])
            out.flush()

    def __enter__(self) -> DripServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """Call fn and return (its result or raised exception, seconds taken)."""
    started = time.monotonic()
    try:
        result = fn(*args, **kwargs)
    except Exception as exc:  # the test inspects it
        result = exc
    return result, time.monotonic() - started
