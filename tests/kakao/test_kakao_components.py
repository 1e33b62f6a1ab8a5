"""Tests for bot.kakao.components: builders emit exactly Kakao's 2.0 JSON."""

from __future__ import annotations

import json

import pytest

from bot.kakao import components as k
from bot.kakao import limits

IMG = "https://example.com/p/3.jpg"


def test_simple_text() -> None:
    assert k.simple_text("3번 주문은 내일 도착 예정이에요.") == {
        "simpleText": {"text": "3번 주문은 내일 도착 예정이에요."}
    }


def test_simple_image_with_and_without_alt() -> None:
    assert k.simple_image(IMG) == {"simpleImage": {"imageUrl": IMG}}
    assert k.simple_image(IMG, "상품 사진") == {
        "simpleImage": {"imageUrl": IMG, "altText": "상품 사진"}
    }


def test_thumbnail_fields() -> None:
    assert k.thumbnail(IMG) == {"imageUrl": IMG}
    assert k.thumbnail(IMG, "사진", link="https://example.com", fixed_ratio=True) == {
        "imageUrl": IMG,
        "altText": "사진",
        "link": {"web": "https://example.com"},
        "fixedRatio": True,
    }
    assert k.thumbnail(IMG, link={"mobile": "https://m.example.com"})["link"] == {
        "mobile": "https://m.example.com"
    }
    assert k.thumbnail(IMG, fixed_ratio=False)["fixedRatio"] is False


def test_buttons() -> None:
    assert k.web_link_button("배송 조회", "https://example.com/track/3") == {
        "label": "배송 조회",
        "action": "webLink",
        "webLinkUrl": "https://example.com/track/3",
    }
    assert k.message_button("취소하기", "3번 주문 취소") == {
        "label": "취소하기",
        "action": "message",
        "messageText": "3번 주문 취소",
    }
    assert k.message_button("취소하기") == {
        "label": "취소하기",
        "action": "message",
        "messageText": "취소하기",
    }
    assert k.message_button("a", extra={"id": 3})["extra"] == {"id": 3}
    assert k.phone_button("전화", "1588-0000") == {
        "label": "전화",
        "action": "phone",
        "phoneNumber": "1588-0000",
    }
    assert k.block_button("상담", "64f0c3aa") == {
        "label": "상담",
        "action": "block",
        "blockId": "64f0c3aa",
    }
    assert k.block_button("상담", "b1", text="상담원 연결", extra={"from": "x"}) == {
        "label": "상담",
        "action": "block",
        "blockId": "b1",
        "messageText": "상담원 연결",
        "extra": {"from": "x"},
    }
    assert k.share_button("공유") == {"label": "공유", "action": "share"}
    assert k.operator_button("상담원") == {"label": "상담원", "action": "operator"}


def test_quick_replies() -> None:
    assert k.quick_reply("다른 주문", "주문 조회") == {
        "label": "다른 주문",
        "action": "message",
        "messageText": "주문 조회",
    }
    assert k.quick_reply("처음으로") == {
        "label": "처음으로",
        "action": "message",
        "messageText": "처음으로",
    }
    assert k.quick_reply("상담원 연결", block_id="64f0c3aa", extra={"from": "order"}) == {
        "label": "상담원 연결",
        "action": "block",
        "blockId": "64f0c3aa",
        "extra": {"from": "order"},
    }


def test_text_card() -> None:
    assert k.text_card("제목") == {"textCard": {"title": "제목"}}
    assert k.text_card(description="설명만") == {"textCard": {"description": "설명만"}}
    button = k.share_button("공유")
    assert k.text_card("t", "d", [button], "horizontal") == {
        "textCard": {
            "title": "t",
            "description": "d",
            "buttons": [button],
            "buttonLayout": "horizontal",
        }
    }


def test_basic_card_matches_the_spec_example() -> None:
    card = k.basic_card(
        k.thumbnail(IMG, "주문 상품 사진"),
        "주문 #3",
        "배송 중 · 내일 도착",
        [
            k.web_link_button("배송 조회", "https://example.com/track/3"),
            k.message_button("취소하기", "3번 주문 취소"),
        ],
    )
    assert card == json.loads(
        """{"basicCard": {
        "title": "주문 #3", "description": "배송 중 · 내일 도착",
        "thumbnail": {"imageUrl": "https://example.com/p/3.jpg", "altText": "주문 상품 사진"},
        "buttons": [
          {"action": "webLink", "label": "배송 조회", "webLinkUrl": "https://example.com/track/3"},
          {"action": "message", "label": "취소하기", "messageText": "3번 주문 취소"}
        ]}}"""
    )


def test_basic_card_accepts_a_bare_url() -> None:
    assert k.basic_card(IMG) == {"basicCard": {"thumbnail": {"imageUrl": IMG}}}


def test_list_item_and_card() -> None:
    assert k.list_item("주문 #3") == {"title": "주문 #3"}
    assert k.list_item("a", "b", IMG, "https://example.com", message_text="보기") == {
        "title": "a",
        "description": "b",
        "imageUrl": IMG,
        "link": {"web": "https://example.com"},
        "action": "message",
        "messageText": "보기",
    }
    assert k.list_item("a", block_id="b1", extra={"n": 1}) == {
        "title": "a",
        "action": "block",
        "blockId": "b1",
        "extra": {"n": 1},
    }
    assert k.list_item("a", action="message", message_text="x")["action"] == "message"
    items = [k.list_item("하나"), k.list_item("둘")]
    assert k.list_card("최근 주문", items, [k.share_button("공유")], "vertical") == {
        "listCard": {
            "header": {"title": "최근 주문"},
            "items": items,
            "buttons": [{"label": "공유", "action": "share"}],
            "buttonLayout": "vertical",
        }
    }
    assert "buttons" not in k.list_card("h", items)["listCard"]


def test_item_card() -> None:
    card = k.item_card(
        [("상품", "커피"), {"title": "수량", "description": "2"}],
        thumbnail=k.thumbnail(IMG),
        head="주문 확인",
        alignment="right",
        summary=("합계", "9,000원"),
        title="주문",
        description="확인해 주세요",
        buttons=[k.message_button("확인")],
        layout="vertical",
    )
    assert card == {
        "itemCard": {
            "thumbnail": {"imageUrl": IMG},
            "head": {"title": "주문 확인"},
            "itemList": [
                {"title": "상품", "description": "커피"},
                {"title": "수량", "description": "2"},
            ],
            "itemListAlignment": "right",
            "itemListSummary": {"title": "합계", "description": "9,000원"},
            "title": "주문",
            "description": "확인해 주세요",
            "buttons": [{"label": "확인", "action": "message", "messageText": "확인"}],
            "buttonLayout": "vertical",
        }
    }


def test_item_card_profile_image_title_and_head_mapping() -> None:
    card = k.item_card(
        [("a", "b")],
        head={"title": "머리"},
        profile={"title": "가게", "imageUrl": IMG},
        image_title={"title": "제목", "description": "설명", "imageUrl": IMG},
    )["itemCard"]
    assert card["head"] == {"title": "머리"}
    assert card["profile"] == {"title": "가게", "imageUrl": IMG}
    assert card["imageTitle"]["title"] == "제목"
    assert k.item_card([("a", "b")]) == {
        "itemCard": {"itemList": [{"title": "a", "description": "b"}]}
    }


def test_carousel_unwraps_cards_and_takes_a_header() -> None:
    header = k.carousel_header("추천", "오늘의 상품", IMG)
    assert header == {"title": "추천", "description": "오늘의 상품", "thumbnail": {"imageUrl": IMG}}
    cards = [k.basic_card(IMG, "하나"), k.basic_card(IMG, "둘")["basicCard"]]
    assert k.carousel("basicCard", cards, header) == {
        "carousel": {
            "type": "basicCard",
            "items": [
                {"title": "하나", "thumbnail": {"imageUrl": IMG}},
                {"title": "둘", "thumbnail": {"imageUrl": IMG}},
            ],
            "header": header,
        }
    }
    assert "header" not in k.carousel("textCard", [k.text_card("t")])["carousel"]


def test_context_value_stringifies_params() -> None:
    assert k.context_value("order", 3) == {"name": "order", "lifeSpan": 3}
    assert k.context_value("order", 0, {"id": "3", "n": 3, "obj": {"a": "가"}}, ttl=60) == {
        "name": "order",
        "lifeSpan": 0,
        "ttl": 60,
        "params": {"id": "3", "n": "3", "obj": '{"a": "가"}'},
    }


def test_response_minimal_and_full() -> None:
    text = k.simple_text("hi")
    assert k.response([text]) == {"version": "2.0", "template": {"outputs": [text]}}
    reply = k.quick_reply("다시")
    value = k.context_value("order", 3, {"orderId": "3"})
    assert k.response([text], [reply], [value], {"eta": "내일"}) == {
        "version": "2.0",
        "template": {"outputs": [text], "quickReplies": [reply]},
        "context": {"values": [value]},
        "data": {"eta": "내일"},
    }


def test_response_context_and_data_only() -> None:
    value = k.context_value("order", 3, {"orderId": "3"})
    assert k.response([], context_values=[value], data={"eta": "내일"}) == {
        "version": "2.0",
        "context": {"values": [{"name": "order", "lifeSpan": 3, "params": {"orderId": "3"}}]},
        "data": {"eta": "내일"},
    }


def test_response_copies_its_inputs() -> None:
    outputs = [k.simple_text("a")]
    resp = k.response(outputs)
    outputs.append(k.simple_text("b"))
    assert len(resp["template"]["outputs"]) == 1


def test_callback_ack() -> None:
    assert k.callback_ack() == {"version": "2.0", "useCallback": True}
    assert k.callback_ack("잠시만 기다려 주세요") == {
        "version": "2.0",
        "useCallback": True,
        "data": {"text": "잠시만 기다려 주세요"},
    }


BUILT = {
    "simple": k.response([k.simple_text("안녕하세요"), k.simple_image(IMG, "사진")]),
    "cards": k.response(
        [
            k.text_card("제목", "설명", [k.message_button("네"), k.message_button("아니요")]),
            k.basic_card(k.thumbnail(IMG, fixed_ratio=True), "t", "d", [k.share_button("공유")]),
            k.list_card(
                "목록", [k.list_item("a", message_text="a"), k.list_item("b", block_id="x")]
            ),
        ],
        [k.quick_reply(str(i)) for i in range(10)],
    ),
    "item": k.response([k.item_card([("a", "b")], summary=("합계", "1,000원"))]),
    "carousel": k.response(
        [
            k.carousel(
                "basicCard",
                [
                    k.basic_card(IMG, f"상품 {i}", buttons=[k.web_link_button("보기", IMG)])
                    for i in range(10)
                ],
                k.carousel_header("추천", "오늘", IMG),
            )
        ]
    ),
    "context": k.response([], context_values=[k.context_value("c", 1, {"n": 1})]),
    "ack": k.callback_ack("잠시만요"),
}


@pytest.mark.parametrize("name", BUILT)
def test_built_responses_pass_the_validator(name: str) -> None:
    assert limits.check(BUILT[name]) == []
