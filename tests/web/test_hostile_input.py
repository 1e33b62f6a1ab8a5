"""Hostile requests: never an HTTP 500, never an invalid Kakao body, nothing raw in the logs."""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot.conversation import registry
from bot.kakao import parse_payload
from bot.kakao.payload import UTTERANCE_CHARS
from bot.kakao.untrusted import _BAD, MAX_JSON_DEPTH, clean_text, needs_cleaning, too_deep
from tests.support.payloads import make_payload
from tests.web.test_webhook import assert_valid_kakao, post


def kakao_text(response) -> str:
    return response.get_json()["template"]["outputs"][0]["simpleText"]["text"]


def assert_kakao_400(response, code: str) -> None:
    """A malformed body: HTTP 400, the reason in a header, and still a valid Kakao answer."""
    assert response.status_code == 400
    assert response.headers["X-Skill-Error"] == code
    data = response.get_json()
    assert data["version"] == "2.0" and data["template"]["outputs"]


# -- deeply nested JSON (issue #14, break 3) ------------------------------------------------
def test_a_thousand_nested_arrays_get_a_polite_400_not_a_500(client):
    raw = b'{"userRequest": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    assert len(raw) < 2100
    response = client.post("/skill/fallback", data=raw, content_type="application/json")
    assert_kakao_400(response, "too_deep")
    assert "한 번 더 보내" in kakao_text(response)


def test_nesting_hidden_in_a_detail_param_value_is_refused_too(client):
    body = json.dumps(make_payload("안녕")).encode()
    deep = b'{"x": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}"
    raw = body[:-1] + b', "extra": ' + deep + b"}"
    assert_kakao_400(client.post("/skill/welcome", data=raw, content_type="application/json"),
                     "too_deep")


def test_brackets_inside_strings_are_text_not_nesting(chat):
    said = chat.say("[" * 500 + "{" * 500)
    assert said.status == 200
    assert not too_deep(json.dumps({"u": "[" * 5000}).encode())


def test_the_depth_check_counts_levels_not_brackets():
    flat = json.dumps({"list": [[1]] * 2000}).encode()  # 4,000 brackets, three levels deep
    assert not too_deep(flat)
    assert too_deep(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    assert not too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)


@pytest.mark.parametrize("raw", [b"not json", b"", b"\xff\xfe", b"[1,2,3]", b"42"])
def test_non_object_bodies_get_the_polite_answer_with_400(client, raw):
    assert_kakao_400(client.post("/skill/fallback", data=raw, content_type="application/json"),
                     "invalid_json")


# -- lone surrogates and control characters (break 4) -----------------------------------------
def test_a_lone_surrogate_user_id_is_answered_not_a_500(client):
    raw = json.dumps(make_payload("안녕", user_id="\ud800")).encode()  # "\\ud800" in the JSON
    assert b"\\ud800" in raw
    data = assert_valid_kakao(client.post("/skill/welcome", data=raw,
                                          content_type="application/json"))
    assert data["template"]["outputs"]


def test_a_lone_surrogate_in_the_utterance_is_replaced_and_the_form_still_works(client):
    raw = json.dumps(make_payload("지원금\ud83d 신청\udfff")).encode()
    response = client.post("/skill/fallback", data=raw, content_type="application/json")
    assert_valid_kakao(response)
    assert "\ufffd".encode() not in response.data or response.status_code == 200


def test_payload_text_is_cleaned_of_surrogates_controls_and_bidi_overrides():
    req = parse_payload(make_payload("잔액\x00 알려\u202e줘\ud800", user_id="u\x07-1"))
    assert req.utterance == "잔액 알려줘\ufffd"
    assert req.user_id == "u-1"
    assert clean_text("가\t나\n다\r") == "가\t나\n다"
    assert clean_text("😀") == "😀"  # a proper pair is one code point, kept


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_every_character_cleaning_would_change_sends_the_body_through_the_cleaning(
        ensure_ascii):
    # The webhook skips the walk over a body needs_cleaning() clears: it must never clear one
    # holding a character clean_text() removes or replaces, written raw or as a \u escape.
    bad = [c for c in map(chr, range(0x10000)) if _BAD.match(c)]
    assert len(bad) > 100
    for char in bad:
        body = make_payload(f"잔액{char}알려줘")
        try:
            raw = json.dumps(body, ensure_ascii=ensure_ascii).encode()
        except UnicodeEncodeError:  # a lone surrogate cannot be UTF-8: only its escape exists
            raw = json.dumps(body).encode()
        assert needs_cleaning(raw), repr(char)
        req = parse_payload(json.loads(raw), clean=needs_cleaning(raw))
        assert req.utterance == clean_text(f"잔액{char}알려줘")


def test_a_plain_korean_body_skips_the_cleaning_walk_and_reads_the_same():
    body = make_payload("법인도 신청할 수 있나요? 😀 (1,200명)")
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert not needs_cleaning(raw)
    assert parse_payload(json.loads(raw), clean=False) == parse_payload(json.loads(raw))


def test_a_user_id_longer_than_any_kakao_key_is_a_bad_request(chat):
    response = post(chat.client, "welcome", make_payload("안녕", user_id="u" * 5000))
    assert_valid_kakao(response)
    assert "제대로 받지 못했어요" in kakao_text(response)


@pytest.mark.parametrize("body", [
    {"userRequest": {"utterance": ["안녕"], "user": {"id": "u1"}}},
    {"userRequest": {"utterance": "안녕", "user": {"id": 12345}}},
    {"userRequest": {"utterance": "안녕", "user": {"id": "u1", "properties": []}}},
    {"userRequest": {"utterance": "안녕", "user": "u1"}, "action": "x", "bot": []},
    {"userRequest": {"utterance": "안녕", "user": {"id": "u1"}}, "action": {"params": []}},
    {"userRequest": {"utterance": "안녕", "user": {"id": "u1"}},
     "action": {"detailParams": {"x": {"value": "[" * 40 + "]" * 40}}}},
])
def test_wrong_types_anywhere_get_a_valid_answer(client, body):
    assert_valid_kakao(post(client, "fallback", body))


def test_anything_escaping_the_pipeline_gets_the_apology_not_a_500(client, monkeypatch, caplog):
    bot = client.application.extensions["bot"]

    def boom(*args, **kwargs):
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(bot.pipeline, "run", boom)
    with caplog.at_level(logging.ERROR):
        response = post(client, "welcome", make_payload("안녕"))
    data = assert_valid_kakao(response)
    assert "문제가 생겼어요" in data["template"]["outputs"][0]["simpleText"]["text"]
    assert "UnicodeEncodeError" in caplog.text


def test_when_even_rendering_fails_a_constant_valid_answer_goes_out(client, monkeypatch):
    bot = client.application.extensions["bot"]

    def broken(*args, **kwargs):
        raise RuntimeError("renderer gone")

    monkeypatch.setattr(bot.renderer, "to_json", broken)
    monkeypatch.setattr(bot.renderer, "last_resort_json", broken)
    assert_valid_kakao(post(client, "welcome", make_payload("안녕")))


# -- long utterances (break 5) --------------------------------------------------------------
def test_a_long_utterance_is_read_on_its_beginning_only(chat):
    said = chat.say("잔액 알려줘 " + "가나다라마바사 " * 2500)  # ~20,000 characters
    assert said.template == "wallet/not_linked" or said.template.startswith("wallet/")


def test_a_long_message_the_bot_cannot_place_asks_for_shorter_questions(chat):
    said = chat.say("음 " + "뷁쉙퉭 " * 5000)
    assert said.template == "fallback/too_long"
    assert said.context["chars"] == UTTERANCE_CHARS
    assert "짧게 나눠서" in said.text


def test_a_short_unknown_message_still_gets_the_honest_i_dont_know(chat):
    assert chat.say("뷁쉙퉭").template == "fallback/unknown"


def test_a_twenty_thousand_character_message_costs_no_more_than_a_short_one(chat):
    chat.say("안녕")
    started = time.perf_counter()
    chat.say("수출 지원 교육 " * 2000)
    assert time.perf_counter() - started < 1.0  # generous: 0.03 s measured (bench/faults.py)
    assert parse_payload(make_payload("가" * 20_000)).utterance_length == 20_000


# -- raw values in the logs (break 8) ---------------------------------------------------------
def request_log(caplog) -> logging.LogRecord:
    records = [r for r in caplog.records if r.name == "bot.request"]
    assert len(records) == 1
    return records[0]


def formatted(caplog) -> str:
    from bot.core.logs import JsonFormatter

    return "\n".join(JsonFormatter().format(r) for r in caplog.records)


def test_an_unknown_skill_name_in_the_path_is_logged_masked(client, caplog):
    with caplog.at_level(logging.INFO):
        response = post(client, "010-1234-5678", make_payload("안녕"))
    assert_valid_kakao(response)
    lines = formatted(caplog)
    assert "1234" not in lines
    assert request_log(caplog).skill.startswith("unknown:010-****-5678")


def test_a_very_long_unknown_skill_name_is_cut_in_the_log(client, caplog):
    with caplog.at_level(logging.INFO):
        post(client, "a" * 3000, make_payload("안녕"))
    assert len(request_log(caplog).skill) < 50
    assert "a" * 100 not in formatted(caplog)


@pytest.mark.parametrize("header", [
    "010-1234-5678 caller", "a" * 65, "id fake\tline", "<script>", "사업자 1208147521",
])
def test_a_request_id_that_is_not_a_plain_token_is_replaced(client, caplog, header):
    with caplog.at_level(logging.INFO, logger="bot.request"):
        post(client, "welcome", make_payload("안녕"), headers={"X-Request-Id": header})
    rid = request_log(caplog).request_id
    assert rid != header and len(rid) == 16
    assert header not in formatted(caplog)


def test_a_plain_request_id_is_kept_for_tracing(client, caplog):
    with caplog.at_level(logging.INFO, logger="bot.request"):
        post(client, "welcome", make_payload("안녕"), headers={"X-Request-Id": "kakao-Req_1.2"})
    assert request_log(caplog).request_id == "kakao-Req_1.2"


# -- per-user flood limit ------------------------------------------------------------------------
@pytest.fixture
def flood_client(make_app):
    return make_app(FLOOD_RATE=2.0, FLOOD_BURST=8.0).test_client()


def test_a_flooding_user_is_asked_to_slow_down_and_keeps_their_form(flood_client, redis):
    def say(text: str, user: str = "flooder"):
        return post(flood_client, "fallback", make_payload(text, user_id=user))

    def text_of(response) -> str:
        assert_valid_kakao(response)
        return response.get_data(as_text=True)

    kakao_answers = [text_of(say("지원금 신청"))]
    for _ in range(30):
        kakao_answers.append(text_of(say("아무말")))
    slowed = [t for t in kakao_answers if "천천히" in t]
    assert len(slowed) >= 20  # burst of 8 (minus refills), then every one of them
    sessions = [k for k in redis.scan_iter("dgtest:*session*")]
    assert sessions  # the form the user started is still there
    session_before = redis.get(sessions[0])
    say("또")  # a flooded message changes nothing
    assert redis.get(sessions[0]) == session_before
    # Another user is not affected at all.
    assert "천천히" not in text_of(say("처음으로", user="someone-else"))


def test_a_user_who_pauses_gets_answers_again(make_app):
    from bot.web.flood import FloodGuard

    now = [0.0]
    guard = FloodGuard(rate=2.0, burst=3.0, clock=lambda: now[0])
    assert [guard.allow("u") for _ in range(4)] == [True, True, True, False]
    now[0] += 0.5  # one token back
    assert guard.allow("u") and not guard.allow("u")
    assert guard.allow("other")
    assert FloodGuard(rate=0, burst=0).allow("u")  # FLOOD_RATE=0: off


def test_nothing_keeps_matching_after_the_reply_was_given_up(chat, monkeypatch):
    later = []

    def slow_first(req, session, svc):
        time.sleep(2.0)  # past the budget: the guard has answered "busy" meanwhile
        return None

    def recorder(req, session, svc):
        later.append("next answerer")

    # The first free-text answerer hangs; the ones after it must never run.
    monkeypatch.setattr(registry, "ANSWERERS", {"slow": (0, slow_first), "rec": (1, recorder)})
    assert chat.say("수출 지원 알려줘").template == "common/busy"
    time.sleep(0.6)  # the skill thread wakes up after the reply went out
    assert later == []
