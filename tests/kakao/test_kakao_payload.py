"""Tests for bot.kakao.payload: tolerant parsing of Kakao's SkillPayload."""

from __future__ import annotations

import dataclasses
import json
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kakao import (
    DetailParam,
    Media,
    PayloadError,
    SkillRequest,
    callback_url_is_trusted,
    parse_payload,
)
from tests.support.payloads import (
    ADMIN_TESTER_USER_ID,
    APP_USER_ID,
    IMAGE_URL,
    OMIT,
    PLUSFRIEND_KEY,
    SHAPES,
    make_payload,
)

# Expected values per shape for the fields that differ between shapes.
EXPECTED: dict[str, dict[str, Any]] = {
    "modern": {"lang": "ko", "is_friend": True, "is_test": False, "bot_id": "bot-1"},
    "legacy_2018": {"lang": "kr", "app_user_id": None, "trigger_type": None},
    "dev_channel": {"is_dev_channel": True, "bot_id": "bot-1!", "app_user_id": APP_USER_ID},
    "admin_tester": {
        "user_id": ADMIN_TESTER_USER_ID,
        "user_type": "accountId",
        "lang": None,
        "is_test": True,
        "surface": "BuilderBotTest",
        "is_friend": False,
    },
    "not_friend": {"is_friend": False, "plusfriend_user_key": PLUSFRIEND_KEY},
    "slot_filling": {"in_slot_filling": True, "slot_value": {"origin": "주문 조회해줘"}},
    "object_detail_value": {},
    "image_upload": {"trigger_type": "IMAGE_UPLOAD", "media": Media("image", IMAGE_URL)},
    "minimal": {
        "user_type": None,
        "bot_id": None,
        "lang": None,
        "is_friend": False,
        "params": {},
        "detail_params": {},
        "client_extra": {},
        "knowledge": [],
        "contexts": [],
        "media": None,
    },
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_parses(shape: str) -> None:
    body = make_payload("주문 조회해줘", shape=shape)
    req = parse_payload(body)
    assert req.utterance == "주문 조회해줘"
    assert req.user_id == EXPECTED[shape].get("user_id", "u-test-1")
    assert req.raw is body
    for name, value in EXPECTED[shape].items():
        assert getattr(req, name) == value, name


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_has_consistent_types(shape: str) -> None:
    req = parse_payload(make_payload(shape=shape))
    assert isinstance(req.is_friend, bool)
    assert isinstance(req.is_dev_channel, bool)
    assert isinstance(req.is_test, bool)
    assert isinstance(req.params, dict)
    assert isinstance(req.client_extra, dict)
    assert all(isinstance(d, DetailParam) for d in req.detail_params.values())
    assert isinstance(req.knowledge, list)
    assert isinstance(req.contexts, list)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_is_json_round_trippable(shape: str) -> None:
    body = make_payload(shape=shape)
    assert parse_payload(json.loads(json.dumps(body))) == parse_payload(body)


def test_modern_payload_fields() -> None:
    req = parse_payload(make_payload("3번 주문 내일 도착해?"))
    assert req.plusfriend_user_key == PLUSFRIEND_KEY
    assert req.app_user_id == APP_USER_ID
    assert req.timezone == "Asia/Seoul"
    assert (req.block_id, req.block_name) == ("64f0c2a1e1b2c3d4e5f60718", "주문 조회")
    assert req.intent_name == "주문 조회"
    assert req.trigger_type == "TEXT_INPUT"
    assert req.last_block_name == "웰컴 블록"
    assert req.surface == "Kakaotalk.plusfriend"
    assert req.callback_url is None
    assert req.in_slot_filling is False


# Required fields


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        (None, "body"),
        ([], "body"),
        ("{}", "body"),
        (42, "body"),
        ({}, "userRequest.utterance"),
        ({"userRequest": None}, "userRequest.utterance"),
        ({"userRequest": []}, "userRequest.utterance"),
        ({"userRequest": "hello"}, "userRequest.utterance"),
        ({"userRequest": {"utterance": "hi"}}, "userRequest.user.id"),
        ({"userRequest": {"utterance": "hi", "user": None}}, "userRequest.user.id"),
        ({"userRequest": {"utterance": "hi", "user": ["id"]}}, "userRequest.user.id"),
        ({"userRequest": {"utterance": "hi", "user": {"id": ""}}}, "userRequest.user.id"),
        ({"userRequest": {"utterance": "hi", "user": {"id": "  "}}}, "userRequest.user.id"),
        ({"userRequest": {"utterance": "hi", "user": {"id": 123}}}, "userRequest.user.id"),
        ({"userRequest": {"utterance": None, "user": {"id": "u"}}}, "userRequest.utterance"),
        ({"userRequest": {"utterance": 7, "user": {"id": "u"}}}, "userRequest.utterance"),
        ({"userRequest": {"utterance": ["a"], "user": {"id": "u"}}}, "userRequest.utterance"),
    ],
)
def test_missing_required_field_raises_payload_error(body: Any, missing: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_payload(body)
    assert info.value.missing == missing
    assert missing in str(info.value)


@pytest.mark.parametrize("shape", SHAPES)
def test_omitted_utterance_or_user_id_raises(shape: str) -> None:
    with pytest.raises(PayloadError) as info:
        parse_payload(make_payload(utterance=None, shape=shape))
    assert info.value.missing == "userRequest.utterance"
    with pytest.raises(PayloadError) as info:
        parse_payload(make_payload(user_id=None, shape=shape))
    assert info.value.missing == "userRequest.user.id"


def test_payload_error_is_a_value_error_and_pickles() -> None:
    err = PayloadError("userRequest.user.id")
    assert isinstance(err, ValueError)
    assert pickle.loads(pickle.dumps(err)).missing == "userRequest.user.id"


def test_empty_utterance_is_accepted() -> None:
    assert parse_payload(make_payload("")).utterance == ""


def test_utterance_and_user_id_are_stripped_only() -> None:
    req = parse_payload(make_payload("  !가격 btc \n", user_id=" abc "))
    assert req.utterance == "!가격 btc"
    assert req.user_id == "abc"


def test_user_id_longer_than_70_chars_is_accepted() -> None:
    long_id = "f" * 100
    assert parse_payload(make_payload(user_id=long_id)).user_id == long_id


# Optional fields of the wrong type

WRONG_VALUES = [None, [], 0, 1.5, True, "x", {"x": 1}]
OPTIONAL_PATHS = [
    "intent",
    "intent__extra",
    "intent__extra__knowledge",
    "intent__extra__knowledge__matchedKnowledges",
    "userRequest__params",
    "userRequest__params__media",
    "userRequest__params__media__url",
    "userRequest__params__surface",
    "userRequest__params__ignoreMe",
    "userRequest__block",
    "userRequest__block__name",
    "userRequest__lang",
    "userRequest__timezone",
    "userRequest__callbackUrl",
    "userRequest__isInSlotFilling",
    "userRequest__user__type",
    "userRequest__user__properties",
    "userRequest__user__properties__isFriend",
    "userRequest__user__properties__plusfriendUserKey",
    "userRequest__user__properties__appUserId",
    "bot",
    "bot__id",
    "action",
    "action__params",
    "action__detailParams",
    "action__detailParams__sys_number",
    "action__detailParams__sys_number__value",
    "action__clientExtra",
    "contexts",
    "flow",
    "flow__trigger",
    "flow__trigger__type",
    "flow__lastBlock",
]


@pytest.mark.parametrize("path", OPTIONAL_PATHS)
@pytest.mark.parametrize("value", WRONG_VALUES, ids=repr)
def test_wrong_typed_optional_field_never_breaks_parsing(path: str, value: Any) -> None:
    req = parse_payload(make_payload("hi", **{path: value}))
    assert (req.utterance, req.user_id) == ("hi", "u-test-1")
    assert isinstance(req.is_friend, bool)
    assert isinstance(req.params, dict)
    assert isinstance(req.client_extra, dict)
    assert isinstance(req.detail_params, dict)
    assert req.bot_id is None or isinstance(req.bot_id, str)
    assert req.media is None or isinstance(req.media.url, str)
    assert all(isinstance(k, dict) for k in req.knowledge)


def test_missing_optional_sections_use_defaults() -> None:
    body = make_payload(intent=OMIT, bot=OMIT, action=OMIT, flow=OMIT, contexts=OMIT)
    req = parse_payload(body)
    assert req.bot_id is None and req.intent_id is None and req.trigger_type is None
    assert req.params == {} and req.client_extra == {} and req.contexts == []


def test_unknown_fields_are_ignored() -> None:
    body = make_payload(futureField={"a": 1}, userRequest__chat={"id": "g"})
    assert parse_payload(body).utterance == "안녕"


def json_values() -> st.SearchStrategy[Any]:
    """Return arbitrary JSON-like values, nested a few levels."""
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )


@settings(max_examples=300, deadline=None)
@given(
    path=st.sampled_from(OPTIONAL_PATHS + ["userRequest__user", "userRequest"]),
    value=json_values(),
)
def test_any_value_anywhere_gives_request_or_payload_error(path: str, value: Any) -> None:
    try:
        req = parse_payload(make_payload(**{path: value}))
    except PayloadError as err:
        assert err.missing in ("userRequest.utterance", "userRequest.user.id")
    else:
        assert isinstance(req, SkillRequest)


@settings(max_examples=200, deadline=None)
@given(body=json_values())
def test_any_json_body_gives_request_or_payload_error(body: Any) -> None:
    try:
        parse_payload(body)
    except PayloadError:
        pass


# isFriend, dev channel, legacy keys, test traffic


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", False), (1, False), (None, False), (OMIT, False)],
)
def test_is_friend_only_for_literal_true(value: Any, expected: bool) -> None:
    body = make_payload(userRequest__user__properties__isFriend=value)
    assert parse_payload(body).is_friend is expected


def test_is_friend_false_parameter_omits_the_field() -> None:
    body = make_payload(is_friend=False)
    assert "isFriend" not in body["userRequest"]["user"]["properties"]
    assert parse_payload(body).is_friend is False


@pytest.mark.parametrize(
    ("bot_id", "dev"),
    [("667e5382f2b2f84cb555091c!", True), ("667e5382f2b2f84cb555091c", False), ("!", True)],
)
def test_dev_channel_is_a_trailing_bang(bot_id: str, dev: bool) -> None:
    req = parse_payload(make_payload(bot_id=bot_id))
    assert req.is_dev_channel is dev
    assert req.bot_id == bot_id


def test_snake_case_keys_are_fallbacks() -> None:
    body = make_payload(
        shape="dev_channel",
        userRequest__user__properties__plusfriendUserKey=OMIT,
        userRequest__user__properties__appUserId=OMIT,
    )
    req = parse_payload(body)
    assert req.plusfriend_user_key == PLUSFRIEND_KEY
    assert req.app_user_id == APP_USER_ID


def test_camel_case_keys_win_over_snake_case() -> None:
    body = make_payload(
        userRequest__user__properties__appUserId="111",
        userRequest__user__properties__app_user_id="222",
    )
    assert parse_payload(body).app_user_id == "111"


def test_numeric_app_user_id_becomes_text() -> None:
    body = make_payload(userRequest__user__properties__appUserId=3012345678)
    assert parse_payload(body).app_user_id == "3012345678"


@pytest.mark.parametrize(
    "overrides",
    [
        {"userRequest__user__type": "accountId"},
        {"userRequest__params__surface": "BuilderBotTest"},
        {"userRequest__params__ignoreMe": "true"},
    ],
)
def test_is_test_signals(overrides: dict[str, Any]) -> None:
    assert parse_payload(make_payload(**overrides)).is_test is True


def test_real_channel_traffic_is_not_test() -> None:
    assert parse_payload(make_payload(userRequest__params__ignoreMe="false")).is_test is False


# Parameters


def test_params_keep_json_strings_and_param_decodes_them() -> None:
    req = parse_payload(make_payload())
    assert isinstance(req.params["sys_number"], str)
    assert req.param("sys_number") == {"amount": 3, "unit": None}
    assert req.param("sys_date")["date"] == "2025-06-13"


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("강남", "강남"),
        ("3", "3"),
        ('{"amount": 1}', {"amount": 1}),
        (" [1, 2] ", [1, 2]),
        ("{not json}", "{not json}"),
        ("[" * 5000 + "]" * 5000, "[" * 5000 + "]" * 5000),
        ({"amount": 3}, {"amount": 3}),
        (None, None),
    ],
    ids=["text", "digits", "object", "array", "broken", "deep", "dict", "null"],
)
def test_param_decoding(raw: Any, decoded: Any) -> None:
    req = parse_payload(make_payload(params={"p": raw}))
    assert req.param("p") == decoded


def test_param_default_when_missing() -> None:
    req = parse_payload(make_payload())
    assert req.param("nope") is None
    assert req.param("nope", "fallback") == "fallback"


def test_detail_params_string_json_value_is_decoded() -> None:
    detail = parse_payload(make_payload()).detail_params["sys_number"]
    assert detail == DetailParam(origin="3번", value={"amount": 3, "unit": None}, group_name="")


def test_detail_params_object_value_stays_object() -> None:
    req = parse_payload(make_payload(shape="object_detail_value"))
    detail = req.detail_params["sys_number_ordinal"]
    assert detail.value == {"amount": 3}
    assert detail.origin == "3번째"
    assert req.param("sys_number_ordinal") == {"amount": 3}


def test_detail_params_plain_string_and_group_name() -> None:
    body = make_payload(
        detail_params={"sys_location": {"origin": "강남", "value": "강남", "groupName": "g"}}
    )
    detail = parse_payload(body).detail_params["sys_location"]
    assert detail == DetailParam(origin="강남", value="강남", group_name="g")


def test_detail_params_skip_non_objects_and_tolerate_missing_keys() -> None:
    body = make_payload(detail_params={"a": "text", "b": None, "c": {}, "d": {"origin": 5}})
    details = parse_payload(body).detail_params
    assert set(details) == {"c", "d"}
    assert details["c"] == DetailParam(None, None, None)
    assert details["d"].origin is None


@pytest.mark.parametrize("value", [None, [], "x", 3])
def test_client_extra_defaults_to_empty_dict(value: Any) -> None:
    assert parse_payload(make_payload(action__clientExtra=value)).client_extra == {}


def test_client_extra_from_a_button() -> None:
    req = parse_payload(make_payload(client_extra={"from": "order", "id": 3}))
    assert req.client_extra == {"from": "order", "id": 3}


# Knowledge, media, slot filling, callback


@pytest.mark.parametrize("key", ["knowledge", "knowledges"])
def test_knowledge_under_either_spelling(key: str) -> None:
    matched = [{"question": "영업시간?", "answer": "9시부터", "categories": ["매장"]}]
    body = make_payload(
        intent__name="지식+",
        intent__extra={key: {"responseType": "skill", "matchedKnowledges": matched}},
    )
    assert parse_payload(body).knowledge == matched


def test_knowledge_skips_non_objects() -> None:
    body = make_payload(intent__extra__knowledge__matchedKnowledges=[{"q": 1}, "x", None])
    assert parse_payload(body).knowledge == [{"q": 1}]


def test_media_needs_a_url() -> None:
    assert parse_payload(make_payload(userRequest__params__media={"type": "image"})).media is None


def test_slot_filling_value_is_kept_raw() -> None:
    body = make_payload(shape="slot_filling", userRequest__value={"origin": "내일", "x": [1]})
    assert parse_payload(body).slot_value == {"origin": "내일", "x": [1]}


def test_contexts_keep_objects_only() -> None:
    body = make_payload(contexts=[{"name": "order", "lifespan": 3}, "junk"])
    assert parse_payload(body).contexts == [{"name": "order", "lifespan": 3}]


def test_callback_url_passes_through() -> None:
    url = "https://bot-api.kakao.com/v1/bots/bot-1/callback/abc"
    assert parse_payload(make_payload(callback_url=url)).callback_url == url


# The dataclass itself


def test_raw_is_excluded_from_repr_and_equality() -> None:
    one = parse_payload(make_payload(extraField=1))
    two = parse_payload(make_payload(extraField=2))
    assert one == two
    assert "raw" not in repr(one)
    assert "extraField" not in repr(one)


def test_skill_request_is_frozen() -> None:
    req = parse_payload(make_payload())
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.utterance = "changed"  # type: ignore[misc]


def test_from_json_is_parse_payload() -> None:
    body = make_payload()
    assert SkillRequest.from_json(body) == parse_payload(body)


# callback_url_is_trusted


@pytest.mark.parametrize(
    "url",
    [
        "https://bot-api.kakao.com/v1/bots/60d39a8e180181eb0878dc69/callback/tok",
        "https://bot-api.kakao.com/v1/bots/60d39a8e180181eb0878dc69!/callback/tok",
        "https://kakao.com/x",
        "https://BOT-API.KAKAO.COM/v1/x",
        "https://bot-api.kakao.com:443/v1/x",
    ],
)
def test_trusted_callback_urls(url: str) -> None:
    assert callback_url_is_trusted(url) is True


@pytest.mark.parametrize(
    "url",
    [
        "http://bot-api.kakao.com/v1/x",
        "https://evilkakao.com/x",
        "https://kakao.com.evil.example/x",
        "https://kakao.com@evil.example/x",
        "https://evil.example\\@bot-api.kakao.com/x",
        "https://evil.example/.kakao.com",
        "https://bot-api.kakao.com:8443/x",
        "https://.kakao.com/x",
        "https://bot-api.kakao.com./x",
        "https://bot-api.kakao.com /x",
        "https://[::1/x",
        "ftp://kakao.com/x",
        "kakao.com/x",
        "",
        None,
        42,
    ],
)
def test_untrusted_callback_urls(url: Any) -> None:
    assert callback_url_is_trusted(url) is False
