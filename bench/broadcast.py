"""Broadcast benchmark: our worker vs a bare POST loop, same fake Event API, same run.

Seeds 100,000 subscribed channel friends in Redis, starts a fake Kakao Event
API (http.server on loopback, in a subprocess that a timer shuts down), then for
each pacing setting runs `--repeat` rounds, each on a freshly created broadcast:
- bare: an EventApi built from the same settings as ours (one keep-alive Session, same
  headers, URL, JSON body, timeouts) POSTs the same batches, read from Redis
  beforehand, behind a fresh Pacer of the same rate, and reads each taskId. No
  Redis, no opt-out check, no lock, no retries, no quiet-hours check;
- ours: the worker in live mode (recipient read-ahead with the opt-out log, the begin
  script before every call, the accepted record after it, lock refresh), then delivery
  polling. `--latency` makes the fake API take that long per answer, as a remote one does.
Rounds alternate which side goes first, since the machine's load drifts. Prints
each round, then the medians: calls/s, recipients/s, the ratio ours/bare for the
sending phase, and Redis memory per recipient (INFO memory before create / after).

    python bench/broadcast.py [--recipients 100000] [--rates 0 200 50] [--repeat 3]
                              [--latency MS]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOT_ID = "benchbot!"
SEED_CHUNK = 2000


class FakeKakao(BaseHTTPRequestHandler):
    """Accepts talk calls with a taskId; reports every task fully delivered."""

    protocol_version = "HTTP/1.1"  # keep-alive, like Kakao's front end
    disable_nagle_algorithm = True  # answer at once instead of waiting for a delayed ACK
    sizes: dict[str, int] = {}
    calls = 0
    latency = 0.0  # seconds each answer takes (a remote API is not on loopback)

    def _answer(self, body: dict[str, Any]) -> None:
        if FakeKakao.latency:
            time.sleep(FakeKakao.latency)
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        """POST /v2/bots/{botId}/talk."""
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        task = uuid.uuid4().hex
        FakeKakao.sizes[task] = len(body["user"])
        FakeKakao.calls += 1
        self._answer({"taskId": task, "status": "SUCCESS", "timestamp": int(time.time() * 1000)})

    def do_GET(self) -> None:  # noqa: N802
        """GET /v1/tasks/{taskId}."""
        task = self.path.rsplit("/", 1)[1]
        size = FakeKakao.sizes.get(task, 0)
        self._answer({"taskId": task, "status": "ALL SUCCESS", "allRequestCount": size,
                      "successCount": size, "fail": {"count": 0, "list": []}})

    def log_message(self, *args: Any) -> None:
        """Quiet."""


class Notices:
    """The one notice the benchmark pushes (the notices feature's interface)."""

    def get(self, notice_id: str) -> dict[str, Any] | None:
        return {"id": notice_id, "title": "bench", "category": "", "region": "",
                "org": "bench", "url": ""}


def serve(port: Any, max_seconds: float, latency: float) -> None:
    """The fake API's process: serves until `max_seconds` pass (bounded: stops by itself)."""
    FakeKakao.latency = latency
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKakao)
    server.daemon_threads = True
    timer = threading.Timer(max_seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    port.put(server.server_address[1])
    server.serve_forever()


def start_server(max_seconds: float, latency: float = 0.0) -> tuple[mp.Process, str]:
    """Run the fake API in its own process, so it does not share our GIL."""
    port: mp.Queue = mp.Queue()
    proc = mp.Process(target=serve, args=(port, max_seconds, latency), daemon=True)
    proc.start()
    return proc, f"http://127.0.0.1:{port.get(timeout=30)}"


def make_app(redis_url: str, api: str, rate: float) -> Any:
    from bot.app import create_app
    from bot.core.config import Config

    return create_app(Config(REDIS_URL=redis_url, REDIS_PREFIX="dgbench", LOG_LEVEL="WARNING",
                             KAKAO_BOT_ID=BOT_ID).with_env({
                                 "BROADCAST_MODE": "live", "KAKAO_BOT_API": api,
                                 "KAKAO_REST_API_KEY": "bench", "BROADCAST_RATE": str(rate),
                                 "BROADCAST_INLINE": "1", "BROADCAST_POLL_INTERVAL": "0.05",
                                 # a 24-hour quiet-free window: the bench must run at night too
                                 "BROADCAST_QUIET_START": "00:00", "BROADCAST_QUIET_END": "00:00"}))


def seed(app: Any, count: int) -> None:
    """Subscribers who were seen as channel friends, written in pipelined chunks."""
    from bot.notices.subscriptions import SubscriptionStore

    svc = app.extensions["bot"].services
    now = time.time()
    for start in range(0, count, SEED_CHUNK):
        pipe = svc.redis.pipeline(transaction=False)
        subs = SubscriptionStore(pipe, svc.keys)  # its writes queue on the pipeline
        for i in range(start, min(count, start + SEED_CHUNK)):
            uid = f"{i:064x}"  # the length of a real botUserKey
            subs.subscribe(uid, now=now - 86400, source="bench")
            # ProfileStore.seen() runs its own pipeline per user: write its hash in bulk here.
            pipe.hset(svc.keys.profile(uid), mapping={"user_id": uid, "is_friend": "1",
                                                      "plusfriend_user_key": "",
                                                      "last_seen": f"{now:.0f}"})
        pipe.execute()


def bare_loop(app: Any, batches: list[list[str]], data: dict[str, str]) -> float:
    """POST the same batches with our HTTP client and pacing and nothing else; seconds taken."""
    from bot.broadcast.sender import EventApi, Pacer

    settings = app.extensions["bot"].services.broadcasts.settings
    api = EventApi(settings)
    pacer = Pacer(settings.rate)
    started = time.perf_counter()
    for users in batches:
        pacer.wait()
        resp = api.http.post(api.talk_url, json=api.body(users, data), timeout=api.timeout)
        resp.json()["taskId"]
    return time.perf_counter() - started


def ours(service: Any, bid: str, recipients: int) -> tuple[float, float]:
    """Run the worker on a created broadcast: (sending-phase seconds, seconds with polling)."""
    t0 = time.perf_counter()
    result = service.send(bid)
    total_s = time.perf_counter() - t0
    report = service.report(bid)
    assert result.status == "done" and report["delivered"] == recipients, report
    return report["sent_at"] - report["started_at"], total_s


def used_memory(app: Any) -> int:
    return int(app.extensions["bot"].services.redis.info("memory")["used_memory"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--rates", type=float, nargs="+", default=[0, 200, 50],
                        help="calls/s for both sides (0 = unpaced)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per rate (median shown)")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="milliseconds the fake API takes per answer (0 = loopback only)")
    parser.add_argument("--max-seconds", type=float, default=1200)
    parser.add_argument("--redis-url", default=None, help="default: an embedded Redis")
    args = parser.parse_args()

    from bot.core.redisconn import embedded_url

    redis_url = args.redis_url or embedded_url(tempfile.mkdtemp(prefix="danggol-bench-"))
    server, api = start_server(args.max_seconds, args.latency / 1000)
    app = make_app(redis_url, api, 0)
    svc = app.extensions["bot"].services
    svc.redis.flushdb()
    t0 = time.perf_counter()
    seed(app, args.recipients)
    print(f"seeded {args.recipients:,} subscribers in {time.perf_counter() - t0:.1f}s; "
          f"fake Event API answers after {args.latency:g} ms + loopback")

    print(f"{'rate':>6} {'round':>5} {'calls':>6} {'bare s':>7} {'ours s':>7} {'ratio':>6}  notes")
    summary = []
    for rate in args.rates:
        app = make_app(redis_url, api, rate)
        svc = app.extensions["bot"].services
        svc.notices = Notices()
        service = svc.broadcasts
        label = f"{rate:g}" if rate else "none"
        bare_runs, our_runs = [], []
        for rnd in range(args.repeat):
            before = used_memory(app)
            t0 = time.perf_counter()
            meta = service.create("N1")
            create_s = time.perf_counter() - t0
            bid = meta["id"]
            batches = [service.store.batch_slice(bid, n, meta["batch_size"])
                       for n in range(meta["batches"])]
            data = {"notice_id": meta["notice_id"], "broadcast_id": bid, "ad": "0"}
            if rnd % 2:  # alternate the order: load on the shared machine drifts
                ours_s, total_s = ours(service, bid, meta["recipients"])
                bare_s = bare_loop(app, batches, data)
            else:
                bare_s = bare_loop(app, batches, data)
                ours_s, total_s = ours(service, bid, meta["recipients"])
            after = used_memory(app)
            bare_runs.append(bare_s)
            our_runs.append(ours_s)
            print(f"{label:>6} {rnd + 1:>5} {len(batches):>6} {bare_s:>7.2f} {ours_s:>7.2f} "
                  f"{bare_s / ours_s:>6.2f}  {'ours' if rnd % 2 else 'bare'} first, "
                  f"create {create_s:.1f}s, with delivery polling {total_s:.1f}s, "
                  f"redis {(after - before) / meta['recipients']:.0f} B/recipient")
        summary.append((label, len(batches), meta["recipients"], statistics.median(bare_runs),
                        statistics.median(our_runs)))
    print(f"\nmedians of {args.repeat} round(s), sending phase:")
    print(f"{'rate':>6} {'bare calls/s':>12} {'ours calls/s':>12} {'ours recip/s':>12} "
          f"{'ours/bare':>9}")
    for label, calls, recipients, bare_s, ours_s in summary:
        print(f"{label:>6} {calls / bare_s:>12.1f} {calls / ours_s:>12.1f} "
              f"{recipients / ours_s:>12,.0f} {bare_s / ours_s:>9.2f}")
    server.terminate()
    server.join(5)


if __name__ == "__main__":
    main()
