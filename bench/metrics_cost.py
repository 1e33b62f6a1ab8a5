"""What metrics cost per skill request, in µs (multiprocess mode, as under gunicorn).

    python bench/metrics_cost.py [--requests 200000]

Measures, in one process with PROMETHEUS_MULTIPROC_DIR set (a temporary directory):
1. `metrics.observe_request` alone: one counter increment + one histogram observation;
2. the Flask hooks around a skill request (`_start` + `_finish`: the clock, the label
   checks and the same two updates), inside a request context;
3. one `/metrics` scrape with 2 skill × 6 outcome label sets written by 4 processes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="bench-metrics-"))

from flask import Flask, Response  # noqa: E402
from prometheus_client import values  # noqa: E402

from bot.core import metrics  # noqa: E402
from bot.web import metrics as metrics_web  # noqa: E402

OUTCOMES = ("ok", "busy", "timeout", "error", "unavailable", "bad_request")


def per_call_us(fn, n: int, rounds: int = 5) -> float:  # type: ignore[no-untyped-def]
    """The best round's mean time per call, in µs (the least disturbed by a shared machine)."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - started) / n * 1e6)
    return min(samples)


def write_some(_: int) -> None:
    """A worker process answering some requests (for the scrape cost)."""
    for skill in ("welcome", "fallback"):
        for outcome in OUTCOMES:
            for _ in range(50):
                metrics.observe_request(skill, outcome, 0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200_000)
    args = parser.parse_args()
    n = args.requests

    observe = per_call_us(lambda: metrics.observe_request("welcome", "ok", 0.0042), n)
    empty = per_call_us(lambda: None, n)

    app = Flask(__name__)
    app.add_url_rule("/skill/<name>", "webhook.skill_endpoint", lambda name: "", methods=["POST"])
    response = Response("{}")
    with app.test_request_context("/skill/welcome", method="POST"):  # matched on push
        from flask import g

        def hooks() -> None:
            metrics_web._start()
            g.skill_outcome = "ok"
            metrics_web._finish(response)

        hooked = per_call_us(hooks, n)

    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(write_some, range(4))
    client_app = Flask(__name__)
    client_app.register_blueprint(metrics_web.bp)

    class _Services:
        ext: dict = {}

    client_app.extensions["bot"] = type("B", (), {"services": _Services()})()
    client = client_app.test_client()
    scrape = per_call_us(lambda: client.get("/metrics"), 200, rounds=3)

    print(f"metrics directory: {metrics.DIRECTORY} (multiprocess values: "
          f"{getattr(values.ValueClass, '_multiprocess', False)})")
    print(f"observe_request (counter inc + histogram observe): {observe - empty:6.2f} µs/request")
    print(f"Flask hooks around a skill request, all included:  {hooked - empty:6.2f} µs/request")
    print(f"/metrics scrape, {len(os.listdir(metrics.DIRECTORY))} process files: "
          f"{scrape / 1000:6.2f} ms")


if __name__ == "__main__":
    main()
