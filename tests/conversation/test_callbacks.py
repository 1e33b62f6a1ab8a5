"""Kakao callbacks end to end: a slow wallet, a fake Kakao callback endpoint on loopback.

The merchant asks for the balance from a block with Callback on; the wallet service is slow.
The bot answers useCallback with "확인하고 있어요" at once and POSTs the balance to the
callback URL once, within the minute — never to a host off the allow-list.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from redis import Redis

from bot.conversation import callbacks
from bot.kakao import check
from tests.support.kakao import Chat
from tests.support.slow_http import DripServer
from tests.support.wallet_helpers import BIZ, HTTP_SETTINGS, wallet_json

WAIT_TEXT = "확인하고 있어요"


class FakeKakao:
    """Kakao's callback endpoint: records each POST and answers like Kakao does."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any], float]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.posts.append((self.path, body, time.time()))
                answer = json.dumps({"taskId": str(uuid.uuid4()), "status": "SUCCESS",
                                     "message": "", "timestamp": int(time.time())}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"{self.base}/v1/bots/bot-1/callback/{uuid.uuid4().hex}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, count: int, seconds: float = 15.0) -> list[tuple[str, dict, float]]:
        deadline = time.time() + seconds
        while len(self.posts) < count and time.time() < deadline:
            time.sleep(0.05)
        return self.posts

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def kakao(http):
    fake = FakeKakao()
    http.add_passthru(fake.base)
    yield fake
    fake.close()


@pytest.fixture
def slow_wallet(http):
    """A wallet service that answers correctly, but only after 2 s (past any skill turn)."""
    with DripServer(wallet_json(), interval=0, delay=2.0) as server:
        http.add_passthru(server.base)
        yield server


def _settings(wallet, kakao, **more: str) -> dict[str, str]:
    return {**HTTP_SETTINGS, "WALLET_API_URL": wallet.base, "CALLBACK_MODE": "inline",
            "KAKAO_CALLBACK_HOSTS": f"kakao.com,{kakao.base}", "CALLBACK_MIN_DELAY": "0.3",
            **more}


@pytest.fixture
def chat(make_app, slow_wallet, kakao) -> Chat:
    app = make_app(env=_settings(slow_wallet, kakao))
    app.extensions["bot"].services.merchants.link("u-chat-0001", BIZ, "staff")
    return Chat(app)


def test_a_slow_wallet_answers_by_callback_once(chat, kakao):
    started = time.time()
    said = chat.say("잔액", callback_url=kakao.url)
    assert said.body == {"version": "2.0", "useCallback": True,
                         "data": {"text": "확인하고 있어요. 잠시만 기다려 주세요."}}
    assert time.time() - started < 2.0
    check(said.body)  # a valid callback ack
    posts = kakao.wait_for(1)
    assert len(posts) == 1
    path, body, at = posts[0]
    assert kakao.url.endswith(path)
    check(body)  # the final answer is a normal, valid SkillResponse
    text = json.dumps(body, ensure_ascii=False)
    assert "241,750원" in text and body["version"] == "2.0" and "useCallback" not in body
    assert started + 0.3 <= at < started + 55
    time.sleep(0.5)
    assert len(kakao.posts) == 1  # once


def test_without_a_callback_url_the_quick_reply_stays_the_answer(chat, kakao):
    said = chat.say("잔액")
    assert said.template == "wallet/unavailable" and "useCallback" not in said.body
    time.sleep(0.5)
    assert kakao.posts == []


def test_a_callback_url_off_the_allow_list_is_never_posted_to(make_app, slow_wallet, kakao):
    app = make_app(env={**HTTP_SETTINGS, "WALLET_API_URL": slow_wallet.base,
                          "CALLBACK_MODE": "inline"})  # default list: Kakao's hosts only
    app.extensions["bot"].services.merchants.link("u-chat-0001", BIZ, "staff")
    said = Chat(app).say("잔액", callback_url=kakao.url)
    assert said.template == "wallet/unavailable" and "useCallback" not in said.body
    time.sleep(2.5)
    assert kakao.posts == []


def test_a_quick_wallet_answers_directly_even_with_a_callback_url(make_app, kakao, http):
    with DripServer(wallet_json(), interval=0) as quick:
        http.add_passthru(quick.base)
        app = make_app(env=_settings(quick, kakao))
        app.extensions["bot"].services.merchants.link("u-chat-0001", BIZ, "staff")
        said = Chat(app).say("잔액", callback_url=kakao.url)
    assert said.template == "wallet/balance" and "useCallback" not in said.body
    assert kakao.posts == []


def test_a_job_run_twice_posts_once(chat, kakao):
    bot = chat.app.extensions["bot"]
    body = {"userRequest": {"utterance": "잔액", "user": {"id": "u-chat-0001"}}}
    runner = bot.services.callbacks
    first = runner.execute("wallet.balance", body, kakao.url, time.time())
    second = runner.execute("wallet.balance", body, kakao.url, time.time())
    assert (first, second) == ("delivered", "duplicate") and len(kakao.posts) == 1


def test_a_job_past_the_window_posts_nothing(chat, kakao):
    runner = chat.app.extensions["bot"].services.callbacks
    body = {"userRequest": {"utterance": "잔액", "user": {"id": "u-chat-0001"}}}
    assert runner.execute("wallet.balance", body, kakao.url, time.time() - 58) == "expired"
    assert kakao.posts == []


def test_the_callback_post_has_a_total_deadline(chat, http):
    with DripServer({"status": "SUCCESS"}, interval=0.5) as dripping_kakao:
        http.add_passthru(dripping_kakao.base)
        runner = chat.app.extensions["bot"].services.callbacks
        runner.origins += (dripping_kakao.base,)
        runner.post_timeout = 1.0
        started = time.time()
        outcome = runner._post(dripping_kakao.base + "/cb", {"version": "2.0"},
                               time.time() + 1.0, "u")
        took = time.time() - started  # before the drip server's shutdown (up to its 0.5 s poll)
    assert outcome == "failed" and took < 1.5


def test_through_rq_the_worker_posts_the_answer(make_app, slow_wallet, kakao, redis_url,
                                                 rq_redis_url, monkeypatch):
    from rq import Queue, SimpleWorker

    settings = _settings(slow_wallet, kakao, CALLBACK_MODE="rq",
                         CALLBACK_QUEUE=f"test-callbacks-{uuid.uuid4().hex[:6]}")
    app = make_app(RQ_REDIS_URL=rq_redis_url, env=settings)  # its own server on a cluster
    app.extensions["bot"].services.merchants.link("u-chat-0001", BIZ, "staff")
    said = Chat(app).say("잔액", callback_url=kakao.url)
    assert said.body.get("useCallback") is True
    # The worker builds its app from the environment, like `rq worker` in the Procfile.
    for name, value in {**settings, "REDIS_URL": redis_url, "RQ_REDIS_URL": rq_redis_url,
                        "REDIS_PREFIX": "dgtest"}.items():
        monkeypatch.setenv(name, value)
    connection = Redis.from_url(rq_redis_url)
    queue = Queue(settings["CALLBACK_QUEUE"], connection=connection)
    assert queue.count == 1
    SimpleWorker([queue], connection=connection).work(burst=True)
    posts = kakao.wait_for(1)
    assert len(posts) == 1 and "241,750원" in json.dumps(posts[0][1], ensure_ascii=False)


@pytest.mark.parametrize(("url", "origins", "allowed"), [
    ("https://bot-api.kakao.com/v1/bots/b/callback/t", ("kakao.com",), True),
    ("http://127.0.0.1:8081/cb", ("kakao.com",), False),
    ("http://127.0.0.1:8081/cb", ("kakao.com", "http://127.0.0.1:8081"), True),
    ("http://127.0.0.1:8082/cb", ("kakao.com", "http://127.0.0.1:8081"), False),
    ("https://127.0.0.1:8081/cb", ("http://127.0.0.1:8081",), False),
    ("http://evil@127.0.0.1:8081/cb", ("http://127.0.0.1:8081",), False),
    ("https://bot-api.kakao.com/x", ("http://127.0.0.1:8081",), False),
    ("https://kakao.com.evil.example/x", ("kakao.com",), False),
    (None, ("kakao.com",), False),
])
def test_the_allow_list(url, origins, allowed):
    assert callbacks.url_allowed(url, origins) is allowed
