"""Tests for bot.kakao.limits: every §2.9 limit is checked, and enforce() repairs it."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kakao import components as k
from bot.kakao import limits
from bot.kakao.limits import ResponseInvalid, Violation, check, enforce

FALLBACK = "잠시 후 다시 시도해 주세요."
IMG = "https://example.com/i.jpg"
OUT = "template.outputs[0]"
CAR = "template.outputs[0].carousel.items[0]"


def resp(*outputs: Any, **kw: Any) -> dict[str, Any]:
    """Return a response holding `outputs` as given, even malformed ones."""
    built = k.response([k.simple_text("x")], **kw)
    built["template"]["outputs"] = list(outputs)
    return built


def paths(response: Any) -> list[str]:
    """Return the paths check() flags."""
    return [v.path for v in check(response)]


def fallback_used(response: dict[str, Any]) -> bool:
    """Tell whether enforce() answered with the fallback text."""
    outputs = response.get("template", {}).get("outputs", [])
    return outputs == [{"simpleText": {"text": FALLBACK}}]


def card(n_buttons: int = 0, label: str = "확인", **kw: Any) -> dict[str, Any]:
    """Return a basicCard with `n_buttons` message buttons."""
    buttons = [k.message_button(label, "ok") for _ in range(n_buttons)]
    return k.basic_card(k.thumbnail(IMG, fixed_ratio=kw.pop("fixed", None)), buttons=buttons, **kw)


def text(n: int) -> str:
    """Return `n` Korean characters."""
    return "가" * n


def carousel_of(kind: str, cards: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a response with one carousel of `cards`."""
    return resp(k.carousel(kind, cards))


def item_rows(n: int) -> list[tuple[str, str]]:
    """Return `n` itemCard rows."""
    return [("상품", "커피")] * n


def sized(n: int) -> dict[str, Any]:
    """Return a valid response whose UTF-8 JSON is exactly `n` bytes."""
    base = {"version": "2.0", "template": {"outputs": [k.simple_text("x")]}, "data": {"pad": ""}}
    pad = n - len(json.dumps(base, ensure_ascii=False).encode())
    return {**base, "data": {"pad": "a" * pad}}


# (builder of a response with value n, the limit, the path flagged above it)
LIMITS: dict[str, tuple[Callable[[int], dict[str, Any]], int, str]] = {
    "outputs": (lambda n: resp(*[k.simple_text("a")] * n), 3, "template.outputs"),
    "quick_replies": (
        lambda n: resp(k.simple_text("a"), quick_replies=[k.quick_reply(str(i)) for i in range(n)]),
        10,
        "template.quickReplies",
    ),
    "simple_text": (lambda n: resp(k.simple_text(text(n))), 1000, f"{OUT}.simpleText.text"),
    "simple_image_alt": (
        lambda n: resp(k.simple_image(IMG, text(n))),
        50,
        f"{OUT}.simpleImage.altText",
    ),
    "thumbnail_alt": (
        lambda n: resp(k.basic_card(k.thumbnail(IMG, text(n)))),
        50,
        f"{OUT}.basicCard.thumbnail.altText",
    ),
    "text_card_title": (lambda n: resp(k.text_card(text(n))), 50, f"{OUT}.textCard.title"),
    "text_card_combined": (
        lambda n: resp(k.text_card(text(50), text(n - 50))),
        400,
        f"{OUT}.textCard.description",
    ),
    "text_card_carousel_description": (
        lambda n: carousel_of("textCard", [k.text_card("t", text(n))]),
        128,
        f"{CAR}.description",
    ),
    "basic_card_title": (lambda n: resp(card(title=text(n))), 50, f"{OUT}.basicCard.title"),
    "basic_card_description": (
        lambda n: resp(card(description=text(n))),
        230,
        f"{OUT}.basicCard.description",
    ),
    "basic_card_carousel_description": (
        lambda n: carousel_of("basicCard", [card(description=text(n))]),
        76,
        f"{CAR}.description",
    ),
    "basic_card_carousel_title": (
        lambda n: carousel_of("basicCard", [card(title=text(n))]),
        50,
        f"{CAR}.title",
    ),
    "commerce_title": (
        lambda n: resp(
            {"commerceCard": {"title": text(n), "price": 1000, "thumbnails": [k.thumbnail(IMG)]}}
        ),
        30,
        f"{OUT}.commerceCard.title",
    ),
    "commerce_description": (
        lambda n: resp(
            {
                "commerceCard": {
                    "description": text(n),
                    "price": 1000,
                    "thumbnails": [k.thumbnail(IMG)],
                }
            }
        ),
        40,
        f"{OUT}.commerceCard.description",
    ),
    "commerce_thumbnails": (
        lambda n: resp({"commerceCard": {"price": 1, "thumbnails": [k.thumbnail(IMG)] * n}}),
        1,
        f"{OUT}.commerceCard.thumbnails",
    ),
    "list_items": (
        lambda n: resp(k.list_card("목록", [k.list_item(f"항목 {i}") for i in range(n)])),
        5,
        f"{OUT}.listCard.items",
    ),
    "list_items_in_carousel": (
        lambda n: carousel_of("listCard", [k.list_card("목록", [k.list_item("a")] * n)]),
        4,
        f"{CAR}.items",
    ),
    "buttons_vertical": (lambda n: resp(card(n)), 3, f"{OUT}.basicCard.buttons"),
    "buttons_horizontal": (
        lambda n: resp(card(n, layout="horizontal")),
        2,
        f"{OUT}.basicCard.buttons",
    ),
    "buttons_fixed_ratio": (lambda n: resp(card(n, fixed=True)), 2, f"{OUT}.basicCard.buttons"),
    "buttons_text_card": (
        lambda n: resp(k.text_card("t", buttons=[k.share_button("공유")] * n)),
        3,
        f"{OUT}.textCard.buttons",
    ),
    "buttons_list_card": (
        lambda n: resp(k.list_card("h", [k.list_item("a")], [k.share_button("공유")] * n)),
        3,
        f"{OUT}.listCard.buttons",
    ),
    "label": (lambda n: resp(card(1, text(n))), 14, f"{OUT}.basicCard.buttons[0].label"),
    "label_side_by_side": (
        lambda n: resp(card(2, text(n), layout="horizontal")),
        8,
        f"{OUT}.basicCard.buttons[0].label",
    ),
    "label_one_horizontal_button": (
        lambda n: resp(card(1, text(n), layout="horizontal")),
        14,
        f"{OUT}.basicCard.buttons[0].label",
    ),
    "item_rows": (lambda n: resp(k.item_card(item_rows(n))), 10, f"{OUT}.itemCard.itemList"),
    "item_rows_in_carousel": (
        lambda n: carousel_of("itemCard", [k.item_card(item_rows(n))]),
        5,
        f"{CAR}.itemList",
    ),
    "item_row_title": (
        lambda n: resp(k.item_card([(text(n), "x")])),
        6,
        f"{OUT}.itemCard.itemList[0].title",
    ),
    "item_summary_title": (
        lambda n: resp(k.item_card(item_rows(1), summary=(text(n), "1,000원"))),
        6,
        f"{OUT}.itemCard.itemListSummary.title",
    ),
    "item_summary_description": (
        lambda n: resp(k.item_card(item_rows(1), summary=("합계", "1" * n))),
        14,
        f"{OUT}.itemCard.itemListSummary.description",
    ),
    "item_profile_title": (
        lambda n: resp(k.item_card(item_rows(1), profile={"title": text(n)})),
        15,
        f"{OUT}.itemCard.profile.title",
    ),
    "item_combined": (
        lambda n: resp(k.item_card(item_rows(1), title=text(20), description=text(n - 20))),
        200,
        f"{OUT}.itemCard.description",
    ),
    "item_combined_in_carousel": (
        lambda n: carousel_of(
            "itemCard", [k.item_card(item_rows(1), title="t", description=text(n - 1))]
        ),
        100,
        f"{CAR}.description",
    ),
    "carousel_items": (
        lambda n: carousel_of("basicCard", [card()] * n),
        10,
        "template.outputs[0].carousel.items",
    ),
    "list_carousel_items": (
        lambda n: carousel_of("listCard", [k.list_card("h", [k.list_item("a")])] * n),
        5,
        "template.outputs[0].carousel.items",
    ),
    "size": (sized, limits.MAX_BYTES, ""),
}


@pytest.mark.parametrize("name", LIMITS)
def test_value_at_the_limit_passes(name: str) -> None:
    build, limit, _ = LIMITS[name]
    assert check(build(limit)) == []


@pytest.mark.parametrize("name", LIMITS)
def test_value_over_the_limit_is_flagged(name: str) -> None:
    build, limit, path = LIMITS[name]
    violations = check(build(limit + 1))
    assert path in [v.path for v in violations]
    message = next(v.message for v in violations if v.path == path)
    assert str(limit) in message and str(limit + 1) in message or "bytes" in message


@pytest.mark.parametrize("name", LIMITS)
def test_strict_enforce_raises_naming_the_path(name: str) -> None:
    build, limit, path = LIMITS[name]
    with pytest.raises(ResponseInvalid) as info:
        enforce(build(limit + 1), True, FALLBACK)
    assert path in [v.path for v in info.value.violations]
    assert f"{path or '<response>'}: " in str(info.value)


@pytest.mark.parametrize("name", LIMITS)
def test_lenient_enforce_repairs_without_the_fallback(name: str) -> None:
    build, limit, _ = LIMITS[name]
    fixed, notes = enforce(build(limit + 1), False, FALLBACK)
    assert check(fixed) == []
    assert notes
    # Only the padded data cannot be repaired in place.
    assert fallback_used(fixed) is (name == "size")


def test_outputs_and_carousels_need_at_least_one() -> None:
    assert "template.outputs" in paths(resp())
    assert "template.outputs[0].carousel.items" in paths(carousel_of("basicCard", []))
    assert f"{OUT}.listCard.items" in paths(resp(k.list_card("h", [])))
    assert f"{OUT}.itemCard.itemList" in paths(resp(k.item_card([])))


# Structural rules: (response, flagged path, whether enforce() must fall back)

NAN = float("nan")
SHARE = k.share_button("공유")
STRUCTURE: dict[str, tuple[Any, str, bool]] = {
    "version_missing": ({"template": {"outputs": [k.simple_text("a")]}}, "version", False),
    "version_wrong": ({**resp(k.simple_text("a")), "version": "1.0"}, "version", False),
    "template_missing": ({"version": "2.0"}, "template", True),
    "template_not_object": ({"version": "2.0", "template": []}, "template", True),
    "outputs_not_array": (
        {"version": "2.0", "template": {"outputs": {}}},
        "template.outputs",
        True,
    ),
    "output_not_object": (resp("hello", k.simple_text("a")), OUT, False),  # type: ignore[arg-type]
    "output_two_components": (
        resp({"simpleText": {"text": "a"}, "textCard": {"title": "b"}}),
        f"{OUT}.textCard",
        False,
    ),
    "output_unknown_component": (resp({"video": {"url": IMG}}, k.simple_text("a")), OUT, False),
    "only_output_unknown": (resp({"video": {"url": IMG}}), OUT, True),
    "component_not_object": (
        resp({"simpleText": "a"}, k.simple_text("b")),
        f"{OUT}.simpleText",
        False,
    ),
    "simple_text_empty": (
        resp(k.simple_text("  "), k.simple_text("a")),
        f"{OUT}.simpleText.text",
        False,
    ),
    "simple_text_not_string": (resp({"simpleText": {"text": 3}}), f"{OUT}.simpleText.text", True),
    "simple_image_bad_url": (
        resp(k.simple_image("ftp://x/y.png"), k.simple_text("a")),
        f"{OUT}.simpleImage.imageUrl",
        False,
    ),
    "text_card_empty": (resp(k.text_card(), k.simple_text("a")), f"{OUT}.textCard", False),
    "text_card_title_not_string": (resp(k.text_card(5, "d")), f"{OUT}.textCard.title", False),  # type: ignore[arg-type]
    "basic_card_no_thumbnail": (
        resp({"basicCard": {"title": "t"}}, k.simple_text("a")),
        f"{OUT}.basicCard.thumbnail",
        False,
    ),
    "basic_card_thumbnail_no_url": (
        resp({"basicCard": {"thumbnail": {}}}, k.simple_text("a")),
        f"{OUT}.basicCard.thumbnail.imageUrl",
        False,
    ),
    "thumbnail_fixed_ratio_not_bool": (
        resp(k.basic_card({"imageUrl": IMG, "fixedRatio": "yes"})),
        f"{OUT}.basicCard.thumbnail.fixedRatio",
        False,
    ),
    "commerce_no_price": (
        resp({"commerceCard": {"thumbnails": [k.thumbnail(IMG)]}}, k.simple_text("a")),
        f"{OUT}.commerceCard.price",
        False,
    ),
    "commerce_price_string": (
        resp(
            {"commerceCard": {"price": "1000", "thumbnails": [k.thumbnail(IMG)]}},
            k.simple_text("a"),
        ),
        f"{OUT}.commerceCard.price",
        False,
    ),
    "commerce_no_thumbnail": (
        resp({"commerceCard": {"price": 1, "thumbnails": []}}, k.simple_text("a")),
        f"{OUT}.commerceCard.thumbnails",
        False,
    ),
    "commerce_rate_without_price": (
        resp({"commerceCard": {"price": 1, "discountRate": 10, "thumbnails": [k.thumbnail(IMG)]}}),
        f"{OUT}.commerceCard.discountRate",
        False,
    ),
    "commerce_currency": (
        resp({"commerceCard": {"price": 1, "currency": "usd", "thumbnails": [k.thumbnail(IMG)]}}),
        f"{OUT}.commerceCard.currency",
        False,
    ),
    "commerce_profile_nickname": (
        resp({"commerceCard": {"price": 1, "profile": {}, "thumbnails": [k.thumbnail(IMG)]}}),
        f"{OUT}.commerceCard.profile.nickname",
        False,
    ),
    "list_no_header": (
        resp({"listCard": {"items": [k.list_item("a")]}}, k.simple_text("a")),
        f"{OUT}.listCard.header",
        False,
    ),
    "list_header_empty_title": (
        resp(k.list_card(" ", [k.list_item("a")]), k.simple_text("a")),
        f"{OUT}.listCard.header.title",
        False,
    ),
    "list_item_no_title": (
        resp(k.list_card("h", [{"description": "d"}, k.list_item("a")])),
        f"{OUT}.listCard.items[0].title",
        False,
    ),
    "list_item_block_without_id": (
        resp(k.list_card("h", [{"title": "a", "action": "block"}])),
        f"{OUT}.listCard.items[0].action",
        False,
    ),
    "list_item_message_without_text": (
        resp(k.list_card("h", [{"title": "a", "action": "message"}])),
        f"{OUT}.listCard.items[0].action",
        False,
    ),
    "button_not_object": (
        resp({"textCard": {"title": "t", "buttons": ["x"]}}),
        f"{OUT}.textCard.buttons[0]",
        False,
    ),
    "button_empty_label": (
        resp(k.text_card("t", buttons=[k.share_button("")])),
        f"{OUT}.textCard.buttons[0].label",
        False,
    ),
    "button_weblink_ftp": (
        resp(k.text_card("t", buttons=[k.web_link_button("열기", "ftp://x"), SHARE])),
        f"{OUT}.textCard.buttons[0].webLinkUrl",
        False,
    ),
    "button_weblink_missing": (
        resp(k.text_card("t", buttons=[{"label": "a", "action": "webLink"}])),
        f"{OUT}.textCard.buttons[0].webLinkUrl",
        False,
    ),
    "button_phone_missing": (
        resp(k.text_card("t", buttons=[{"label": "a", "action": "phone"}])),
        f"{OUT}.textCard.buttons[0].phoneNumber",
        False,
    ),
    "button_block_missing": (
        resp(k.text_card("t", buttons=[{"label": "a", "action": "block"}])),
        f"{OUT}.textCard.buttons[0].blockId",
        False,
    ),
    "button_unknown_action": (
        resp(k.text_card("t", buttons=[{"label": "a", "action": "osLink"}])),
        f"{OUT}.textCard.buttons[0].action",
        False,
    ),
    "button_unhashable_action": (
        resp(k.text_card("t", buttons=[{"label": "a", "action": ["x"]}])),
        f"{OUT}.textCard.buttons[0].action",
        False,
    ),
    "buttons_not_array": (
        resp(k.text_card("t"), {"textCard": {"title": "t", "buttons": "x"}}),
        "template.outputs[1].textCard.buttons",
        False,
    ),
    "button_layout_unknown": (
        resp(k.text_card("t", layout="diagonal")),
        f"{OUT}.textCard.buttonLayout",
        False,
    ),
    "quick_replies_not_array": (
        {"version": "2.0", "template": {"outputs": [k.simple_text("a")], "quickReplies": {}}},
        "template.quickReplies",
        False,
    ),
    "quick_reply_no_label": (
        resp(k.simple_text("a"), quick_replies=[{"action": "message"}]),
        "template.quickReplies[0].label",
        False,
    ),
    "quick_reply_block_without_id": (
        resp(k.simple_text("a"), quick_replies=[{"label": "a", "action": "block"}]),
        "template.quickReplies[0].blockId",
        False,
    ),
    "quick_reply_capitalised_action": (
        resp(k.simple_text("a"), quick_replies=[{"label": "a", "action": "Message"}]),
        "template.quickReplies[0].action",
        False,
    ),
    "quick_reply_unknown_action": (
        resp(k.simple_text("a"), quick_replies=[{"label": "a", "action": "webLink"}]),
        "template.quickReplies[0].action",
        False,
    ),
    "item_head_and_profile": (
        resp(k.item_card(item_rows(1), head="h", profile={"title": "p"})),
        f"{OUT}.itemCard.profile",
        False,
    ),
    "item_description_without_title": (
        resp(k.item_card(item_rows(1), description="d")),
        f"{OUT}.itemCard.description",
        False,
    ),
    "item_alignment": (
        resp(k.item_card(item_rows(1), alignment="center")),
        f"{OUT}.itemCard.itemListAlignment",
        False,
    ),
    "item_row_without_description": (
        resp(k.item_card([{"title": "a"}, ("b", "c")])),
        f"{OUT}.itemCard.itemList[0].description",
        False,
    ),
    "item_summary_without_description": (
        resp(k.item_card(item_rows(1), summary={"title": "합계"})),
        f"{OUT}.itemCard.itemListSummary.description",
        False,
    ),
    "carousel_bad_type": (
        resp(k.carousel("simpleText", [{"text": "a"}]), k.simple_text("a")),
        "template.outputs[0].carousel.type",
        False,
    ),
    "carousel_header_on_text_cards": (
        resp(k.carousel("textCard", [k.text_card("t")], k.carousel_header("h", "d", IMG))),
        "template.outputs[0].carousel.header",
        False,
    ),
    "carousel_header_on_list_cards": (
        resp(
            k.carousel(
                "listCard", [k.list_card("h", [k.list_item("a")])], k.carousel_header("h", "d", IMG)
            )
        ),
        "template.outputs[0].carousel.header",
        False,
    ),
    "carousel_header_without_image": (
        resp(k.carousel("basicCard", [card()], {"title": "h", "description": "d"})),
        "template.outputs[0].carousel.header.thumbnail",
        False,
    ),
    "carousel_header_without_description": (
        resp(k.carousel("basicCard", [card()], {"title": "h", "thumbnail": {"imageUrl": IMG}})),
        "template.outputs[0].carousel.header.description",
        False,
    ),
    "carousel_card_invalid": (
        resp(k.carousel("basicCard", [{"title": "no image"}, card()])),
        f"{CAR}.thumbnail",
        False,
    ),
    "carousel_card_not_object": (
        resp({"carousel": {"type": "basicCard", "items": ["x", card()["basicCard"]]}}),
        CAR,
        False,
    ),
    "context_not_object": ({**resp(k.simple_text("a")), "context": []}, "context", False),
    "context_values_missing": (
        {**resp(k.simple_text("a")), "context": {}},
        "context.values",
        False,
    ),
    "context_value_no_name": (
        resp(k.simple_text("a"), context_values=[{"lifeSpan": 1}]),
        "context.values[0].name",
        False,
    ),
    "context_value_bad_lifespan": (
        resp(k.simple_text("a"), context_values=[{"name": "c", "lifeSpan": "3"}]),
        "context.values[0].lifeSpan",
        False,
    ),
    "context_value_negative_lifespan": (
        resp(k.simple_text("a"), context_values=[{"name": "c", "lifeSpan": -1}]),
        "context.values[0].lifeSpan",
        False,
    ),
    "context_param_not_string": (
        resp(k.simple_text("a"), context_values=[{"name": "c", "lifeSpan": 1, "params": {"n": 3}}]),
        "context.values[0].params.n",
        False,
    ),
    "context_ttl_not_int": (
        resp(k.simple_text("a"), context_values=[{"name": "c", "lifeSpan": 1, "ttl": "60"}]),
        "context.values[0].ttl",
        False,
    ),
    "data_not_object": ({**resp(k.simple_text("a")), "data": [1]}, "data", False),
    "use_callback_not_bool": (
        {**k.callback_ack(), "useCallback": "yes", "data": {}},
        "useCallback",
        False,
    ),
    "nan": (resp(k.simple_text("a"), data={"x": NAN}), "", True),
}


@pytest.mark.parametrize("name", STRUCTURE)
def test_structural_rule_is_flagged(name: str) -> None:
    response, path, _ = STRUCTURE[name]
    assert path in paths(response)


@pytest.mark.parametrize("name", STRUCTURE)
def test_structural_rule_strict_raises(name: str) -> None:
    response, path, _ = STRUCTURE[name]
    with pytest.raises(ResponseInvalid) as info:
        enforce(response, True, FALLBACK)
    assert path in [v.path for v in info.value.violations]


@pytest.mark.parametrize("name", STRUCTURE)
def test_structural_rule_lenient_repairs(name: str) -> None:
    response, _, falls_back = STRUCTURE[name]
    before = copy.deepcopy(response)
    fixed, notes = enforce(response, False, FALLBACK)
    assert check(fixed) == []
    assert notes and all(isinstance(note, str) for note in notes)
    assert fallback_used(fixed) is falls_back
    assert json.dumps(response, sort_keys=True, default=str) == json.dumps(
        before, sort_keys=True, default=str
    )


VALID = {
    "callback_ack": k.callback_ack(),
    "callback_ack_with_text": k.callback_ack("잠시만 기다려 주세요"),
    "context_only": k.response([], context_values=[k.context_value("order", 3, {"orderId": "3"})]),
    "data_only": {"version": "2.0", "data": {"eta": "내일"}},
    "context_delete": resp(k.simple_text("a"), context_values=[k.context_value("order", 0)]),
    "message_button_without_text": resp(
        k.text_card("t", buttons=[{"label": "a", "action": "message"}])
    ),
    "message_quick_reply_without_text": resp(
        k.simple_text("a"), quick_replies=[{"label": "a", "action": "message"}]
    ),
    "vertical_layout_beats_fixed_ratio": resp(card(3, fixed=True, layout="vertical")),
    "all_button_actions": resp(
        k.text_card(
            "t",
            buttons=[
                k.web_link_button("웹", IMG),
                k.phone_button("전화", "010"),
                k.block_button("블록", "b1"),
            ],
        ),
        k.text_card("t", buttons=[k.share_button("공유"), k.operator_button("상담원")]),
    ),
    "commerce_card_full": resp(
        {
            "commerceCard": {
                "title": "커피",
                "description": "원두 200g",
                "price": 10000,
                "currency": "won",
                "discountRate": 10,
                "discountedPrice": 9000,
                "thumbnails": [k.thumbnail(IMG, link={"web": IMG})],
                "profile": {"nickname": "가게", "imageUrl": IMG},
                "buttons": [k.web_link_button("구매", IMG)],
            }
        }
    ),
    "item_card_full": resp(
        k.item_card(
            item_rows(2),
            thumbnail=k.thumbnail(IMG),
            profile={"title": "가게", "imageUrl": IMG},
            image_title={"title": "주문", "description": "확인", "imageUrl": IMG},
            alignment="left",
            summary=("합계", "9,000원"),
            title="제목",
            description="설명",
            buttons=[k.message_button("확인")],
        )
    ),
    "header_carousels": resp(
        k.carousel("basicCard", [card()], k.carousel_header("h", "d", IMG)),
        k.carousel("itemCard", [k.item_card(item_rows(1))], k.carousel_header("h", "d", IMG)),
        k.carousel(
            "commerceCard",
            [{"price": 1, "thumbnails": [k.thumbnail(IMG)]}],
            k.carousel_header("h", "d", IMG),
        ),
    ),
    "extra_top_level_keys": {**resp(k.simple_text("a")), "extra": {"mentions": {}}},
}


@pytest.mark.parametrize("name", VALID)
def test_valid_responses_pass(name: str) -> None:
    assert check(VALID[name]) == []


@pytest.mark.parametrize("name", VALID)
def test_enforce_returns_a_valid_response_untouched(name: str) -> None:
    response = VALID[name]
    assert enforce(response, False, FALLBACK) == (response, [])
    assert enforce(response, True, FALLBACK)[0] is response


def test_violation_and_error_text() -> None:
    violation = Violation("template.outputs", "4 outputs; the limit is 3")
    assert str(violation) == "template.outputs: 4 outputs; the limit is 3"
    assert str(Violation("", "too big")) == "<response>: too big"
    err = ResponseInvalid([violation, Violation("version", "missing")])
    assert isinstance(err, ValueError)
    assert "template.outputs: 4 outputs" in str(err) and "version: missing" in str(err)
    assert pickle.loads(pickle.dumps(err)).violations == err.violations


def test_check_reports_every_violation_at_once() -> None:
    response = resp(card(4, text(20), title=text(60)), *[k.simple_text("a")] * 3)
    found = set(paths(response))
    assert {
        "template.outputs",
        f"{OUT}.basicCard.title",
        f"{OUT}.basicCard.buttons",
        f"{OUT}.basicCard.buttons[0].label",
    } <= found


@pytest.mark.parametrize("garbage", [None, [], "x", 0, 1.5, True, {"a": {"b": [1, {"c": None}]}}])
def test_check_never_raises_on_garbage(garbage: Any) -> None:
    assert check(garbage)


# enforce(strict=False): the repairs themselves

SENTENCE = "오늘 주문하신 상품은 내일 오후에 도착할 예정입니다. "


def test_long_korean_text_is_split_at_sentence_ends() -> None:
    original = (SENTENCE * 200)[:3500]
    fixed, notes = enforce(resp(k.simple_text(original)), False, FALLBACK)
    bubbles = [o["simpleText"]["text"] for o in fixed["template"]["outputs"]]
    assert check(fixed) == []
    assert len(bubbles) == 3
    assert all(0 < len(b) <= 1000 for b in bubbles)
    assert bubbles[0].endswith("니다.") and bubbles[1].endswith("니다.")
    assert bubbles[2].endswith("\u2026")
    assert " ".join(bubbles)[:-1].rstrip() in original.replace("  ", " ")
    assert any("split" in note for note in notes)


def test_text_that_fits_in_two_bubbles_loses_nothing() -> None:
    original = (SENTENCE * 80)[:1900].strip()
    fixed, _ = enforce(resp(k.simple_text(original)), False, FALLBACK)
    bubbles = [o["simpleText"]["text"] for o in fixed["template"]["outputs"]]
    assert len(bubbles) == 2
    assert " ".join(bubbles) == original


def test_split_respects_other_outputs() -> None:
    fixed, _ = enforce(resp(card(), k.simple_text(SENTENCE * 100)), False, FALLBACK)
    outputs = fixed["template"]["outputs"]
    assert list(outputs[0]) == ["basicCard"]
    assert [list(o) for o in outputs[1:]] == [["simpleText"], ["simpleText"]]
    assert outputs[2]["simpleText"]["text"].endswith("\u2026")


def test_split_with_no_room_truncates_in_place() -> None:
    response = resp(k.simple_text("a"), k.simple_text(SENTENCE * 100), k.simple_text("b"))
    fixed, _ = enforce(response, False, FALLBACK)
    texts = [o["simpleText"]["text"] for o in fixed["template"]["outputs"]]
    assert texts[0] == "a" and texts[2] == "b"
    assert len(texts[1]) <= 1000 and texts[1].endswith("\u2026")


def test_split_without_spaces_cuts_hard() -> None:
    fixed, _ = enforce(resp(k.simple_text(text(2500))), False, FALLBACK)
    lengths = [len(o["simpleText"]["text"]) for o in fixed["template"]["outputs"]]
    assert lengths == [1000, 1000, 500]


def test_split_prefers_newlines_and_spaces() -> None:
    lines = "\n".join(["가" * 99] * 15)  # 1,499 characters in 100-character lines
    fixed, _ = enforce(resp(k.simple_text(lines)), False, FALLBACK)
    first = fixed["template"]["outputs"][0]["simpleText"]["text"]
    assert len(first) == 999 and first.endswith("가")
    words = " ".join(["나" * 9] * 150)  # no sentence ends, only spaces
    fixed, _ = enforce(resp(k.simple_text(words)), False, FALLBACK)
    assert all(o["simpleText"]["text"].endswith("나") for o in fixed["template"]["outputs"])


def test_twelve_quick_replies_become_the_first_ten() -> None:
    replies = [k.quick_reply(f"선택 {i}") for i in range(12)]
    fixed, notes = enforce(resp(k.simple_text("a"), quick_replies=replies), False, FALLBACK)
    assert fixed["template"]["quickReplies"] == replies[:10]
    assert any("quickReplies" in note for note in notes)


def test_invalid_quick_replies_are_dropped_and_the_rest_kept() -> None:
    replies = [{"label": ""}, k.quick_reply("좋아요"), {"label": "x", "action": "block"}]
    fixed, _ = enforce(resp(k.simple_text("a"), quick_replies=replies), False, FALLBACK)
    assert fixed["template"]["quickReplies"] == [k.quick_reply("좋아요")]


def test_capitalised_quick_reply_action_is_lowercased() -> None:
    replies = [{"label": "a", "action": "Block", "blockId": "b1"}]
    fixed, _ = enforce(resp(k.simple_text("a"), quick_replies=replies), False, FALLBACK)
    assert fixed["template"]["quickReplies"] == [{"label": "a", "action": "block", "blockId": "b1"}]


def test_oversized_carousel_is_trimmed_card_by_card() -> None:
    cards = [
        k.basic_card(k.thumbnail(f"https://example.com/{'a' * 4000}"), f"상품 {i}")
        for i in range(10)
    ]
    response = carousel_of("basicCard", cards)
    assert len(json.dumps(response, ensure_ascii=False).encode()) > 40_000
    fixed, notes = enforce(response, False, FALLBACK)
    items = fixed["template"]["outputs"][0]["carousel"]["items"]
    assert check(fixed) == []
    assert len(json.dumps(fixed, ensure_ascii=False).encode()) <= limits.MAX_BYTES
    assert 1 <= len(items) < 10
    assert [c["title"] for c in items] == [f"상품 {i}" for i in range(len(items))]
    assert any("carousel" in note for note in notes)


def test_oversized_data_only_response_falls_back() -> None:
    response = {"version": "2.0", "data": {"pad": "a" * 40_000}}
    fixed, notes = enforce(response, False, FALLBACK)
    assert fallback_used(fixed) and "data" not in fixed
    assert not [note for note in notes if "could not be repaired" in note]


def test_single_oversized_card_falls_back() -> None:
    response = resp(k.basic_card(k.thumbnail(f"https://example.com/{'a' * 40_000}")))
    fixed, _ = enforce(response, False, FALLBACK)
    assert fallback_used(fixed) and check(fixed) == []


def test_broken_outputs_go_before_surplus_is_trimmed() -> None:
    blank = k.simple_text(" ")
    fixed, _ = enforce(resp(blank, {"video": {}}, blank, k.simple_text("남음")), False, FALLBACK)
    assert fixed["template"]["outputs"] == [k.simple_text("남음")]
    buttons = [k.web_link_button("x", "ftp://x")] * 3 + [k.share_button("공유")]
    fixed, _ = enforce(resp(k.text_card("t", buttons=buttons)), False, FALLBACK)
    assert fixed["template"]["outputs"][0]["textCard"]["buttons"] == [k.share_button("공유")]


def test_too_many_outputs_keep_the_first_three() -> None:
    outputs = [k.simple_text(str(i)) for i in range(5)]
    fixed, _ = enforce(resp(*outputs), False, FALLBACK)
    assert fixed["template"]["outputs"] == outputs[:3]


def test_titles_and_labels_are_shortened_with_an_ellipsis() -> None:
    response = resp(card(2, "아주 긴 버튼 레이블입니다", layout="horizontal", title=text(60)))
    fixed, _ = enforce(response, False, FALLBACK)
    body = fixed["template"]["outputs"][0]["basicCard"]
    assert len(body["title"]) == 50 and body["title"].endswith("\u2026")
    assert [len(b["label"]) for b in body["buttons"]] == [8, 8]
    assert body["buttons"][0]["label"].endswith("\u2026")


def test_surplus_buttons_are_dropped_before_labels_are_measured() -> None:
    fixed, _ = enforce(resp(card(5, text(14))), False, FALLBACK)
    buttons = fixed["template"]["outputs"][0]["basicCard"]["buttons"]
    assert len(buttons) == 3 and all(b["label"] == text(14) for b in buttons)


def test_invalid_buttons_are_dropped_valid_ones_kept() -> None:
    buttons = [k.web_link_button("열기", "javascript:alert(1)"), k.web_link_button("홈", IMG)]
    fixed, _ = enforce(resp(k.text_card("t", buttons=buttons)), False, FALLBACK)
    assert fixed["template"]["outputs"][0]["textCard"]["buttons"] == [buttons[1]]


def test_combined_budget_shortens_the_description() -> None:
    fixed, _ = enforce(resp(k.text_card(text(60), text(500))), False, FALLBACK)
    body = fixed["template"]["outputs"][0]["textCard"]
    assert len(body["title"]) == 50
    assert len(body["title"]) + len(body["description"]) <= 400


def test_item_card_title_alone_over_budget() -> None:
    fixed, _ = enforce(
        resp(k.item_card(item_rows(1), title=text(250), description="d")), False, FALLBACK
    )
    body = fixed["template"]["outputs"][0]["itemCard"]
    assert len(body["title"]) == 200 and "description" not in body


def test_broken_card_in_carousel_is_dropped_alone() -> None:
    cards = [card(title="하나"), {"title": "no image"}, card(title="셋")]
    fixed, _ = enforce(carousel_of("basicCard", cards), False, FALLBACK)
    items = fixed["template"]["outputs"][0]["carousel"]["items"]
    assert [c["title"] for c in items] == ["하나", "셋"]


def test_context_params_are_stringified_and_bad_values_dropped() -> None:
    values = [{"name": "a", "lifeSpan": 1, "params": {"n": 3, "s": "x"}}, {"lifeSpan": 2}]
    fixed, _ = enforce(resp(k.simple_text("a"), context_values=values), False, FALLBACK)
    assert fixed["context"]["values"] == [
        {"name": "a", "lifeSpan": 1, "params": {"n": "3", "s": "x"}}
    ]


GARBAGE = [
    None,
    [],
    "x",
    0,
    {},
    {"version": "2.0"},
    {"template": 5},
    {"version": "2.0", "template": {"outputs": "a"}},
    {"version": "2.0", "template": {"outputs": []}},
    {"version": "2.0", "template": {"outputs": [None, 1, "x", [], {}]}},
    {"version": 2, "template": {"outputs": [{"simpleText": {"text": ""}}], "quickReplies": 7}},
    {
        "version": "2.0",
        "template": {"outputs": [{"carousel": {"type": "basicCard", "items": [{}]}}]},
    },
    {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": "\ud800"}}]}},
    {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": "a"}}]}, "data": {1j: 1}},
]


@pytest.mark.parametrize("garbage", GARBAGE, ids=repr)
def test_garbage_gets_the_fallback_text(garbage: Any) -> None:
    fixed, notes = enforce(garbage, False, FALLBACK)
    assert fixed == {
        "version": "2.0",
        "template": {"outputs": [{"simpleText": {"text": FALLBACK}}]},
    }
    assert notes


@pytest.mark.parametrize("garbage", GARBAGE, ids=repr)
def test_garbage_raises_in_strict_mode(garbage: Any) -> None:
    with pytest.raises(ResponseInvalid):
        enforce(garbage, True, FALLBACK)


def test_fallback_keeps_a_valid_context_and_data() -> None:
    value = k.context_value("order", 3)
    response = {
        "version": "2.0",
        "template": {"outputs": []},
        "context": {"values": [value]},
        "data": {"a": "b"},
    }
    fixed, _ = enforce(response, False, FALLBACK)
    assert fallback_used(fixed)
    assert fixed["context"] == {"values": [value]} and fixed["data"] == {"a": "b"}


@pytest.mark.parametrize(
    ("fallback_text", "expected"),
    [("", "\u2026"), ("   ", "\u2026"), (None, "\u2026"), ("\ud800 안내", "? 안내")],
)
def test_unusable_fallback_text_still_gives_a_valid_response(
    fallback_text: Any, expected: str
) -> None:
    fixed, _ = enforce(None, False, fallback_text)
    assert fixed["template"]["outputs"][0]["simpleText"]["text"] == expected
    assert check(fixed) == []


def test_long_fallback_text_is_shortened() -> None:
    fixed, _ = enforce(None, False, SENTENCE * 100)
    assert check(fixed) == []


def test_enforce_survives_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(limits, "_degrade", explode)
    fixed, notes = enforce(resp(k.simple_text(text(1001))), False, FALLBACK)
    assert fallback_used(fixed)
    assert notes == ["<response>: could not be repaired; sent the fallback text"]


# Properties

INTERNAL_ERROR = "could not be repaired"  # the note of enforce()'s last-resort guard

KAKAO_KEYS = [
    "version", "template", "outputs", "quickReplies", "context", "values", "data",
    "useCallback", "simpleText", "simpleImage", "textCard", "basicCard", "commerceCard",
    "listCard", "itemCard", "carousel", "text", "title", "description", "thumbnail",
    "thumbnails", "imageUrl", "altText", "fixedRatio", "buttons", "buttonLayout", "label",
    "action", "webLinkUrl", "messageText", "phoneNumber", "blockId", "header", "items",
    "itemList", "itemListSummary", "profile", "head", "type", "price", "name", "lifeSpan",
    "params",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-5, 20)
    | st.floats(allow_nan=True)
    | st.sampled_from(
        ["2.0", "message", "block", "webLink", "horizontal", IMG, "basicCard", "listCard"]
    )
    | st.text(max_size=30)
    | st.sampled_from([SENTENCE * 40, text(1200), text(60)])
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=12)
        | st.dictionaries(st.sampled_from(KAKAO_KEYS) | st.text(max_size=5), inner, max_size=6)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.dictionaries(st.sampled_from(KAKAO_KEYS), JSONISH, max_size=6) | JSONISH)
def test_any_json_ish_input_is_made_valid(body: Any) -> None:
    fixed, notes = enforce(body, False, FALLBACK)
    assert check(fixed) == []
    assert not [note for note in notes if INTERNAL_ERROR in note]


LABELS = st.text(alphabet="가나다 abc", min_size=0, max_size=20)
TEXTS = st.text(alphabet="가나다라. \n", min_size=0, max_size=1500)
BUTTONS = st.lists(
    st.one_of(
        st.builds(k.message_button, LABELS),
        st.builds(k.web_link_button, LABELS, st.sampled_from([IMG, "ftp://x", ""])),
        st.builds(k.share_button, LABELS),
    ),
    max_size=5,
)
LAYOUT = st.sampled_from([None, "vertical", "horizontal"])
CARDS = st.one_of(
    st.builds(k.simple_text, TEXTS),
    st.builds(k.text_card, TEXTS, TEXTS, BUTTONS, LAYOUT),
    st.builds(
        k.basic_card,
        st.builds(k.thumbnail, st.just(IMG), LABELS, fixed_ratio=st.booleans()),
        TEXTS,
        TEXTS,
        BUTTONS,
        LAYOUT,
    ),
    st.builds(
        k.list_card, LABELS, st.lists(st.builds(k.list_item, LABELS, LABELS), max_size=7), BUTTONS
    ),
    st.builds(
        k.item_card, st.lists(st.tuples(LABELS, LABELS), max_size=12), title=LABELS, buttons=BUTTONS
    ),
)


@st.composite
def built_responses(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a response made by the builders with random sizes, often over the limits."""
    outputs = draw(st.lists(CARDS, min_size=0, max_size=5))
    # One sound output, anywhere: repairs must find it behind broken or blank ones.
    outputs.insert(draw(st.integers(0, len(outputs))), k.simple_text("안내"))
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["textCard", "basicCard", "listCard"]))
        cards = draw(st.lists(CARDS.filter(lambda c: kind in c), min_size=1, max_size=12))
        outputs.append(k.carousel(kind, cards))
    replies = draw(st.lists(st.builds(k.quick_reply, LABELS), max_size=14))
    return k.response(outputs, replies)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(response=built_responses())
def test_builder_made_responses_are_repaired_not_replaced(response: dict[str, Any]) -> None:
    fixed, notes = enforce(response, False, FALLBACK)
    assert check(fixed) == []
    assert not fallback_used(fixed)
    assert not [note for note in notes if INTERNAL_ERROR in note]
