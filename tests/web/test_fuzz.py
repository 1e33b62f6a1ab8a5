"""Throw 1,000+ random and malformed payloads at the fallback: never a 500, never invalid."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kakao import limits
from tests.support.payloads import SHAPES, make_payload

json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                          max_leaves=12)
korean = st.text(alphabet=st.sampled_from(list("가나다라잔액신청공고월렛취소이전 0123456789?!~-@")),
                 max_size=40)


def _mutate(body: dict, path: tuple[str, ...], value) -> dict:
    node = body
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    return body


PATHS = [("userRequest",), ("userRequest", "user"), ("userRequest", "user", "properties"),
         ("userRequest", "utterance"), ("userRequest", "params"), ("action",),
         ("action", "params"), ("action", "detailParams"), ("action", "clientExtra"), ("bot",),
         ("bot", "id"), ("intent",), ("contexts",), ("flow",), ("userRequest", "callbackUrl")]


@settings(max_examples=1100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shape=st.sampled_from(SHAPES), utterance=korean | st.text(max_size=60),
       mutations=st.lists(st.tuples(st.sampled_from(PATHS), json_value), max_size=3),
       garbage=st.none() | json_value)
def test_fallback_survives_random_payloads(client, shape, utterance, mutations, garbage):
    body = make_payload(utterance, shape=shape)
    for path, value in mutations:
        body = _mutate(body, path, value)
    if isinstance(garbage, dict):
        body = {**garbage, **body} if garbage else body
    response = client.post("/skill/fallback", data=json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 200, response.data
    data = response.get_json()
    assert data["version"] == "2.0"
    assert limits.check(data) == []
