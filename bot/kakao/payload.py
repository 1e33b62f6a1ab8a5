"""Tolerant, typed parsing of the SkillPayload that Kakao POSTs to a skill."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .untrusted import clean_text, clean_tree

# Only these two fields are required; everything else may be absent, null or
# oddly typed, because Kakao adds fields freely and its test tools send less.
UTTERANCE_PATH = "userRequest.utterance"
USER_ID_PATH = "userRequest.user.id"

# What the bot reads of an utterance (README: hostile input). Merchants' questions and form
# answers are far shorter; the matcher, router and notice search cost grows with the text,
# so a 20,000-character message is read on its first UTTERANCE_CHARS characters only.
UTTERANCE_CHARS = 300
# Kakao's user keys are at most 70 characters; a longer "id" is not one.
USER_ID_CHARS = 128


class PayloadError(ValueError):
    """Raised when a body lacks a field the skill server cannot work without."""

    def __init__(self, missing: str) -> None:
        super().__init__(f"SkillPayload field missing or invalid: {missing}")
        self.missing = missing

    def __reduce__(self) -> tuple[type[PayloadError], tuple[str]]:
        """Pickle with the field path so copies keep `missing` intact."""
        return (PayloadError, (self.missing,))


@dataclass(frozen=True)
class DetailParam:
    """One `action.detailParams` entry with its value already JSON-decoded."""

    origin: str | None
    value: Any
    group_name: str | None


@dataclass(frozen=True)
class Media:
    """A file the user sent, from `userRequest.params.media`."""

    type: str | None
    url: str


@dataclass(frozen=True)
class SkillRequest:
    """The parts of a SkillPayload a skill needs, with safe defaults for the rest."""

    utterance: str
    user_id: str
    # How long the utterance was as sent (it is cut to UTTERANCE_CHARS above).
    utterance_length: int = 0
    user_type: str | None = None
    plusfriend_user_key: str | None = None
    app_user_id: str | None = None
    is_friend: bool = False
    bot_id: str | None = None
    is_dev_channel: bool = False
    lang: str | None = None
    timezone: str | None = None
    block_id: str | None = None
    block_name: str | None = None
    intent_id: str | None = None
    intent_name: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    detail_params: dict[str, DetailParam] = field(default_factory=dict)
    client_extra: dict[str, Any] = field(default_factory=dict)
    callback_url: str | None = None
    trigger_type: str | None = None
    last_block_name: str | None = None
    media: Media | None = None
    surface: str | None = None
    is_test: bool = False
    in_slot_filling: bool = False
    slot_value: Any = None
    knowledge: list[dict[str, Any]] = field(default_factory=list)
    contexts: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, body: Any) -> SkillRequest:
        """Parse a decoded JSON body; same as `parse_payload(body)`."""
        return parse_payload(body)

    def param(self, name: str, default: Any = None) -> Any:
        """Return `action.params[name]`, decoding a JSON object or array string."""
        if name not in self.params:
            return default
        return decode_value(self.params[name])


def decode_value(value: Any) -> Any:
    """Decode a string that looks like a JSON object or array; return others as is."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    # System entities (sys_number, sys_date) arrive as JSON inside a string.
    if (text[:1], text[-1:]) not in (("{", "}"), ("[", "]")):
        return value
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # deeply nested junk must not escape
        return value


def parse_payload(body: Any, clean: bool = True) -> SkillRequest:
    """Build a SkillRequest from a decoded JSON body, raising PayloadError only.

    Every string is treated as untrusted text first (lone surrogates replaced,
    control characters dropped), so nothing downstream meets text it cannot encode.
    `clean=False` skips that walk for a body `untrusted.needs_cleaning` cleared.
    """
    if not isinstance(body, dict):
        raise PayloadError("body")
    if clean:
        body = clean_tree(body)
    user_request = _obj(body.get("userRequest"))
    utterance = user_request.get("utterance")
    if not isinstance(utterance, str):
        raise PayloadError(UTTERANCE_PATH)
    utterance = utterance.strip()
    user = _obj(user_request.get("user"))
    user_id = user.get("id")
    if not isinstance(user_id, str) or not user_id.strip() or len(user_id) > USER_ID_CHARS:
        raise PayloadError(USER_ID_PATH)

    props = _obj(user.get("properties"))
    req_params = _obj(user_request.get("params"))
    bot = _obj(body.get("bot"))
    action = _obj(body.get("action"))
    intent = _obj(body.get("intent"))
    flow = _obj(body.get("flow"))
    bot_id = _str(bot.get("id"))
    user_type = _str(user.get("type"))
    surface = _str(req_params.get("surface"))
    return SkillRequest(
        utterance=clean_text(utterance, UTTERANCE_CHARS).strip(),
        user_id=user_id.strip(),
        utterance_length=len(utterance),
        user_type=user_type,
        plusfriend_user_key=_ident(props, "plusfriendUserKey", "plusfriend_user_key"),
        app_user_id=_ident(props, "appUserId", "app_user_id"),
        is_friend=props.get("isFriend") is True,
        bot_id=bot_id,
        is_dev_channel=bool(bot_id and bot_id.endswith("!")),
        lang=_str(user_request.get("lang")),
        timezone=_str(user_request.get("timezone")),
        block_id=_str(_obj(user_request.get("block")).get("id")),
        block_name=_str(_obj(user_request.get("block")).get("name")),
        intent_id=_str(intent.get("id")),
        intent_name=_str(intent.get("name")),
        params={k: v for k, v in _obj(action.get("params")).items() if isinstance(k, str)},
        detail_params=_detail_params(action.get("detailParams")),
        client_extra=dict(_obj(action.get("clientExtra"))),
        callback_url=_str(user_request.get("callbackUrl")),
        trigger_type=_str(_obj(flow.get("trigger")).get("type")),
        last_block_name=_str(_obj(flow.get("lastBlock")).get("name")),
        media=_media(req_params.get("media")),
        surface=surface,
        is_test=(
            user_type == "accountId"
            or surface == "BuilderBotTest"
            or req_params.get("ignoreMe") in ("true", True)
        ),
        in_slot_filling=user_request.get("isInSlotFilling") is True,
        slot_value=user_request.get("value"),
        knowledge=_knowledge(_obj(intent.get("extra"))),
        contexts=_dicts(body.get("contexts")),
        raw=body,
    )


def callback_url_is_trusted(url: str) -> bool:
    """Tell whether `url` is an https URL on kakao.com or one of its subdomains."""
    if not isinstance(url, str) or any(c.isspace() or c == "\\" or ord(c) < 32 for c in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = parts.hostname or ""
    # Userinfo ("kakao.com@evil.example") and odd ports let look-alikes sneak in.
    if parts.scheme != "https" or "@" in parts.netloc or port not in (None, 443):
        return False
    if "" in host.split("."):
        return False
    return host == "kakao.com" or host.endswith(".kakao.com")


def _obj(value: Any) -> dict[str, Any]:
    """Return `value` if it is a dict, else an empty dict."""
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    """Return `value` if it is a string, else None."""
    return value if isinstance(value, str) else None


def _ident(props: dict[str, Any], *keys: str) -> str | None:
    """Return the first non-empty identifier among `keys`; numeric ids become text."""
    for key in keys:
        value = props.get(key)
        # Kakao Login ids are numbers; some payloads send them unquoted.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    """Return the dict elements of `value` if it is a list, else an empty list."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _detail_params(value: Any) -> dict[str, DetailParam]:
    """Parse `action.detailParams`, skipping entries that are not objects."""
    result: dict[str, DetailParam] = {}
    for name, entry in _obj(value).items():
        if isinstance(name, str) and isinstance(entry, dict):
            result[name] = DetailParam(
                origin=_str(entry.get("origin")),
                value=decode_value(entry.get("value")),
                group_name=_str(entry.get("groupName")),
            )
    return result


def _media(value: Any) -> Media | None:
    """Parse `userRequest.params.media`, which needs at least a string url."""
    media = _obj(value)
    url = _str(media.get("url"))
    return Media(type=_str(media.get("type")), url=url) if url else None


def _knowledge(extra: dict[str, Any]) -> list[dict[str, Any]]:
    """Return matched knowledge entries under either spelling Kakao uses."""
    # The spec's table says "knowledges" but its example says "knowledge".
    for key in ("knowledge", "knowledges"):
        matched = _dicts(_obj(extra.get(key)).get("matchedKnowledges"))
        if matched:
            return matched
    return []
