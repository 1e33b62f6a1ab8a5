"""Skill latency benchmark: our app vs a bare Flask route, same gunicorn settings, same run.

Starts both under gunicorn on loopback (2 sync workers each, one at a time),
drives /skill/welcome and /skill/fallback with N concurrent keep-alive-free
clients, and prints requests/s, p50/p99 latency and the ratio ours/bare.

    python bench/skill_latency.py [--seconds 5] [--concurrency 4 64]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(app: str, env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--preload", "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{app} did not start")


def body(utterance: str, user: str) -> bytes:
    from bot.conversation.simulator import payload

    return json.dumps(payload(utterance, user)).encode()


def client(port: int, path: str, utterance: str, seconds: float, threads: int,
           worker_no: int, out: mp.Queue) -> None:
    """One client process running `threads` closed-loop clients; reports latencies."""
    import threading

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def loop(n: int) -> None:
        data = body(utterance, f"bench-user-{worker_no}-{n}")
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("POST", path, data, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status != 200:
                    bad += 1
            except OSError:
                bad += 1
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((latencies, errors[0]))


def drive(port: int, path: str, utterance: str, concurrency: int, seconds: float) -> dict:
    procs_n = min(2, concurrency)
    q: mp.Queue = mp.Queue()
    share = [concurrency // procs_n + (1 if i < concurrency % procs_n else 0)
             for i in range(procs_n)]
    procs = [mp.Process(target=client, args=(port, path, utterance, seconds, n, i, q))
             for i, n in enumerate(share)]
    for p in procs:
        p.start()
    results = [q.get() for _ in procs]
    for p in procs:
        p.join()
    lat = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)
    if not lat:
        return {"rps": 0.0, "p50": 0.0, "p99": 0.0, "errors": errors}
    return {
        "rps": len(lat) / seconds,
        "p50": statistics.median(lat) * 1000,
        "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 64])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from bot.core.redisconn import embedded_url

    redis_url = os.environ.get("REDIS_URL") or embedded_url(tempfile.mkdtemp(prefix="bench-"))
    env = {"REDIS_URL": redis_url, "REDIS_PREFIX": "dgbench", "ENV": "production",
           "LOG_LEVEL": "INFO"}
    cases = [("bare", "bench.bare_app:app", "/skill/welcome", "안녕"),
             ("welcome", "bot:create_app(warm=True)", "/skill/welcome", "안녕"),
             ("fallback", "bot:create_app(warm=True)", "/skill/fallback", "처음으로")]
    rows: dict[tuple[str, int], dict] = {}
    for name, app, path, utterance in cases:
        proc, port = start(app, env, args.workers)
        try:
            drive(port, path, utterance, 4, 1.0)  # warm-up
            for c in args.concurrency:
                rows[(name, c)] = drive(port, path, utterance, c, args.seconds)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    print(f"gunicorn {args.workers} sync workers, {args.seconds:.0f}s per case, "
          f"{os.cpu_count()} cores, redis {redis_url.split(':')[0]}")
    print(f"{'case':<10}{'clients':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}{'ratio':>8}")
    for (name, c), r in rows.items():
        bare = rows[("bare", c)]["rps"] or 1
        print(f"{name:<10}{c:>8}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
              f"{r['errors']:>8}{r['rps'] / bare:>8.2f}")


if __name__ == "__main__":
    main()
