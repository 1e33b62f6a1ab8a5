"""Realistic SkillPayload bodies for tests, one per shape seen in the wild."""

from __future__ import annotations

import copy
import json
from typing import Any

SHAPES: tuple[str, ...] = (
    "modern",
    "legacy_2018",
    "dev_channel",
    "admin_tester",
    "not_friend",
    "slot_filling",
    "object_detail_value",
    "image_upload",
    "minimal",
)
DEFAULT_USER_ID = "u-test-1"
ADMIN_TESTER_USER_ID = "4821734"  # the admin tool sends a short numeric accountId
PLUSFRIEND_KEY = "Xk29fPq8LmZa"
APP_USER_ID = "3012345678"
IMAGE_URL = "https://talk.kakaocdn.net/dna/bGTNs1/K6aL0YnJQk/img.jpg"
OMIT = object()  # an override value that deletes the field

_SYS_NUMBER = json.dumps({"amount": 3, "unit": None})
_SYS_DATE = json.dumps(
    {
        "dateTag": "tomorrow",
        "dateHeadword": None,
        "year": None,
        "month": None,
        "day": None,
        "date": "2025-06-13",
    }
)


def make_payload(
    utterance: str | None = "안녕",
    user_id: str | None = DEFAULT_USER_ID,
    *,
    bot_id: str = "bot-1",
    params: dict[str, Any] | None = None,
    detail_params: dict[str, Any] | None = None,
    client_extra: dict[str, Any] | None = None,
    callback_url: str | None = None,
    is_friend: bool = True,
    shape: str = "modern",
    **overrides: Any,
) -> dict[str, Any]:
    """Build a SkillPayload body of the given shape.

    `utterance=None` / `user_id=None` omit those fields. Overrides address nested
    fields with "__" (`userRequest__lang="en"`); the value OMIT deletes a field.
    """
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; pick one of {SHAPES}")
    if shape == "admin_tester" and user_id == DEFAULT_USER_ID:
        user_id = ADMIN_TESTER_USER_ID
    if shape == "dev_channel" and not bot_id.endswith("!"):
        bot_id += "!"
    builder = _minimal if shape == "minimal" else _full
    body = builder(utterance, user_id, bot_id, shape)
    if shape != "minimal":
        action = body["action"]
        if params is not None:
            action["params"] = dict(params)
            action["detailParams"] = _details_for(params)
        if detail_params is not None:
            action["detailParams"] = copy.deepcopy(detail_params)
        if client_extra is not None:
            action["clientExtra"] = dict(client_extra)
        props = body["userRequest"]["user"]["properties"]
        if not is_friend or shape == "not_friend":
            props.pop("isFriend", None)
    if callback_url is not None:
        body["userRequest"]["callbackUrl"] = callback_url
    if utterance is None:
        del body["userRequest"]["utterance"]
    if user_id is None:
        del body["userRequest"]["user"]["id"]
    for name, value in overrides.items():
        _set(body, name.split("__"), value)
    return body


def _minimal(utterance: Any, user_id: Any, bot_id: str, shape: str) -> dict[str, Any]:
    """Return a body with only the two fields Kakao always sends."""
    return {"userRequest": {"utterance": utterance, "user": {"id": user_id}}}


def _full(utterance: Any, user_id: Any, bot_id: str, shape: str) -> dict[str, Any]:
    """Return a complete body (spec §1.8) adjusted for `shape`."""
    block = {"id": "64f0c2a1e1b2c3d4e5f60718", "name": "주문 조회"}
    body: dict[str, Any] = {
        "intent": {
            "id": block["id"],
            "name": block["name"],
            "extra": {"reason": {"code": 1, "message": "OK"}},
        },
        "userRequest": {
            "timezone": "Asia/Seoul",
            "params": {"surface": "Kakaotalk.plusfriend"},
            "block": dict(block),
            "utterance": utterance,
            "lang": "ko",
            "user": {
                "id": user_id,
                "type": "botUserKey",
                "properties": {
                    "botUserKey": user_id,
                    "plusfriendUserKey": PLUSFRIEND_KEY,
                    "appUserId": APP_USER_ID,
                    "isFriend": True,
                },
            },
        },
        "bot": {"id": bot_id, "name": "쇼핑도우미"},
        "action": {
            "id": "64f0c19be1b2c3d4e5f60700",
            "name": "order-lookup",
            "params": {"sys_number": _SYS_NUMBER, "sys_date": _SYS_DATE},
            "detailParams": {
                "sys_number": {"origin": "3번", "value": _SYS_NUMBER, "groupName": ""},
                "sys_date": {"origin": "내일", "value": _SYS_DATE, "groupName": ""},
            },
            "clientExtra": {},
        },
        "contexts": [],
        "flow": {
            "trigger": {"type": "TEXT_INPUT", "referrerBlock": dict(block)},
            "lastBlock": {"id": "64f0bf00e1b2c3d4e5f606ff", "name": "웰컴 블록"},
        },
    }
    _SHAPERS.get(shape, lambda b: None)(body)
    return body


def _legacy_2018(body: dict[str, Any]) -> None:
    """Reshape into the 2018 production payload: "kr", null clientExtra, skillOption."""
    request = body["userRequest"]
    request["lang"] = "kr"
    request.pop("params")
    props = request["user"]["properties"]
    props.pop("appUserId")
    props.update({"accountId": "78140234", "talkUserId": "5hZR0rS2Bq7a"})
    body["action"]["clientExtra"] = None
    body["action"]["params"] = {}
    body["action"]["detailParams"] = {}
    del body["flow"]
    body["skillOption"] = {
        "isTrusted": True,
        "botName": "쇼핑도우미",
        "isMini": False,
        "isCbt": False,
        "botId": body["bot"]["id"],
        "timeout": 5000,
    }


def _dev_channel(body: dict[str, Any]) -> None:
    """Reshape into a development-channel payload with callback and snake_case keys."""
    request, bot_id = body["userRequest"], body["bot"]["id"]
    token = "tksxgYuut5Cnh_XZjeHXjMmNAPUtP9oZp2LOZlTlHRdyIXxZ7ZErSQGfHeRXtw3e"
    request["callbackUrl"] = f"https://bot-api.kakao.com/v1/bots/{bot_id}/callback/{token}"
    props = request["user"]["properties"]
    props.update(
        {
            "bot_user_key": request["user"]["id"],
            "plusfriend_user_key": PLUSFRIEND_KEY,
            "app_user_id": APP_USER_ID,
            "app_user_status": "REGISTERED",
        }
    )
    body["action"]["detailParams"]["sys_number"]["groupName"] = "quantity"


def _admin_tester(body: dict[str, Any]) -> None:
    """Reshape into what the admin skill-test tool sends."""
    request = body["userRequest"]
    request["lang"] = None
    request["params"] = {"ignoreMe": "true", "surface": "BuilderBotTest"}
    request["user"]["type"] = "accountId"
    request["user"]["properties"] = {}
    del body["flow"]


def _slot_filling(body: dict[str, Any]) -> None:
    """Reshape into a follow-up answer during slot filling."""
    request = body["userRequest"]
    request["isInSlotFilling"] = True
    request["value"] = {"origin": request["utterance"]}


def _object_detail_value(body: dict[str, Any]) -> None:
    """Reshape so a detailParams value arrives as an object, not a JSON string."""
    body["action"]["params"]["sys_number_ordinal"] = json.dumps({"amount": 3})
    body["action"]["detailParams"]["sys_number_ordinal"] = {
        "origin": "3번째",
        "value": {"amount": 3},
        "groupName": "",
    }


def _image_upload(body: dict[str, Any]) -> None:
    """Reshape into an image upload."""
    request = body["userRequest"]
    request["params"]["media"] = {"type": "image", "url": IMAGE_URL}
    body["flow"]["trigger"]["type"] = "IMAGE_UPLOAD"
    body["action"]["params"] = {}
    body["action"]["detailParams"] = {}


_SHAPERS = {
    "legacy_2018": _legacy_2018,
    "dev_channel": _dev_channel,
    "admin_tester": _admin_tester,
    "slot_filling": _slot_filling,
    "object_detail_value": _object_detail_value,
    "image_upload": _image_upload,
}


def _details_for(params: dict[str, Any]) -> dict[str, Any]:
    """Derive detailParams the way Kakao does: origin text plus the same value."""
    return {
        name: {"origin": value if isinstance(value, str) else "", "value": value, "groupName": ""}
        for name, value in params.items()
    }


def _set(body: dict[str, Any], path: list[str], value: Any) -> None:
    """Set (or with OMIT delete) a nested field, creating objects on the way."""
    node = body
    for part in path[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    if value is OMIT:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
