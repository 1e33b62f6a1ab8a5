"""The endpoint contract Kakao relies on: always 200 + a valid 2.0 body for JSON objects."""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot.kakao import limits
from tests.support.payloads import SHAPES, make_payload
from tests.support.redis_server import RedisServer


def post(client, skill, body, **kw):
    return client.post(f"/skill/{skill}", data=json.dumps(body), content_type="application/json",
                       **kw)


def assert_valid_kakao(response):
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["version"] == "2.0"
    assert limits.check(data) == []
    return data


@pytest.mark.parametrize("shape", SHAPES)
def test_every_real_payload_shape_gets_a_valid_answer(client, shape):
    data = assert_valid_kakao(post(client, "welcome", make_payload("안녕", shape=shape)))
    assert data["template"]["outputs"]


def test_korean_goes_out_as_utf8_not_escapes(client):
    response = post(client, "welcome", make_payload("안녕"))
    assert "안녕하세요".encode() in response.data
    assert b"\\u" not in response.data
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("body", [
    {},
    {"userRequest": {}},
    {"userRequest": {"utterance": "안녕"}},
    {"userRequest": {"user": {"id": "u1"}}},
    {"userRequest": None, "bot": 3},
    {"userRequest": {"utterance": 5, "user": {"id": "u1"}}},
])
def test_missing_fields_get_a_polite_answer_not_an_error(chat, body):
    said = chat.say("x")  # warm the app
    response = post(chat.client, "fallback", body)
    data = assert_valid_kakao(response)
    assert data["template"]["outputs"][0]["simpleText"]["text"]
    assert said.status == 200


@pytest.mark.parametrize("raw", [b"not json", b"", b"\xff\xfe", b"[1,2,3]", b"\"text\"", b"42"])
def test_non_object_bodies_get_400_with_a_valid_kakao_apology(client, raw):
    response = client.post("/skill/fallback", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.headers["X-Skill-Error"] == "invalid_json"
    assert limits.check(response.get_json()) == []


def test_body_over_64kb_gets_400(client):
    body = make_payload("가" * 70_000)
    response = post(client, "fallback", body)
    assert response.status_code == 400
    assert response.headers["X-Skill-Error"] == "body_too_large"
    assert limits.check(response.get_json()) == []


def test_secret_header_is_required_when_configured(make_app):
    client = make_app(KAKAO_SKILL_SECRET="s3cret-value").test_client()
    body = make_payload("안녕")
    assert post(client, "welcome", body).status_code == 401
    assert post(client, "welcome", body, headers={"X-Skill-Secret": "wrong"}).status_code == 401
    ok = post(client, "welcome", body, headers={"X-Skill-Secret": "s3cret-value"})
    assert_valid_kakao(ok)


def test_foreign_bot_id_is_refused_but_dev_channel_bang_is_ignored(make_app):
    client = make_app(KAKAO_BOT_ID="60d39a8e180181eb0878dc69").test_client()
    assert post(client, "welcome", make_payload("안녕", bot_id="other-bot")).status_code == 403
    assert_valid_kakao(post(client, "welcome",
                            make_payload("안녕", bot_id="60d39a8e180181eb0878dc69!")))
    assert_valid_kakao(post(client, "welcome",
                            make_payload("안녕", bot_id="60d39a8e180181eb0878dc69")))


def test_unknown_skill_gets_an_apology_and_a_warning(chat, caplog):
    with caplog.at_level(logging.WARNING):
        said = chat.say("안녕", skill="no-such-skill")
    assert said.status == 200
    assert said.template == "common/unknown_skill"
    assert "no-such-skill" in caplog.text


def test_exception_in_a_skill_is_answered_with_the_apology(chat, monkeypatch, caplog):
    from bot.conversation.registry import SKILLS

    def boom(req, session, svc):
        raise RuntimeError("kaboom")

    monkeypatch.setitem(SKILLS, "welcome", boom)
    with caplog.at_level(logging.ERROR):
        said = chat.say("안녕", skill="welcome")
    assert said.status == 200
    assert said.template == "common/error"
    assert "kaboom" in caplog.text


def test_hanging_skill_still_answers_within_the_budget(chat, monkeypatch):
    from bot.conversation.registry import SKILLS

    monkeypatch.setitem(SKILLS, "welcome", lambda req, session, svc: time.sleep(5))
    started = time.perf_counter()
    said = chat.say("안녕", skill="welcome")
    assert time.perf_counter() - started < 2.0
    assert said.template == "common/busy"


def test_healthz_reports_redis_and_version(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["redis"] is True
    assert response.get_json()["version"]


def test_redis_down_answers_politely_within_a_second_and_recovers(make_app, tmp_path):
    server = RedisServer(tmp_path)
    app = make_app(REDIS_URL=server.url)
    client = app.test_client()
    assert_valid_kakao(post(client, "welcome", make_payload("안녕")))
    server.stop()
    started = time.perf_counter()
    data = assert_valid_kakao(post(client, "welcome", make_payload("안녕")))
    assert time.perf_counter() - started < 1.0
    assert "점검" in data["template"]["outputs"][0]["simpleText"]["text"]
    assert client.get("/healthz").status_code == 503
    server.start()  # Redis comes back on the same port: no restart of the app needed
    try:
        data = assert_valid_kakao(post(client, "welcome", make_payload("안녕")))
        assert "점검" not in json.dumps(data, ensure_ascii=False)
        assert client.get("/healthz").status_code == 200
    finally:
        server.stop()


def test_one_json_log_line_per_request_without_raw_user_key(chat, caplog):
    with caplog.at_level(logging.INFO, logger="bot.request"):
        chat.say("안녕", skill="welcome")
    records = [r for r in caplog.records if r.name == "bot.request"]
    assert len(records) == 1
    rec = records[0]
    assert rec.skill == "welcome" and rec.outcome == "ok" and rec.latency_ms >= 0
    assert rec.request_id and rec.user != chat.user_id and len(rec.user) == 20
