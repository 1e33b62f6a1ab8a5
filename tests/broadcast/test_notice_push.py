"""The notice-push skill: what a broadcast recipient sees, and the receipt it leaves."""

from __future__ import annotations

import pytest

from tests.support.kakao import Chat
from tests.support.notice_fixture import install

NOTICE = {"id": "NTC-7", "title": "전통시장 디지털 장보기 지원", "category": "내수",
          "regions": ["서울", "경기"], "org": "소상공인시장진흥공단",
          "url": "https://example.org/n7", "deadline": "2026-12-24"}


@pytest.fixture
def pushed(app):
    """The app with the fixture notice store holding one notice."""
    install(app).put(NOTICE)
    return app


def receipts(app, notice_id):
    svc = app.extensions["bot"].services
    return svc.redis.hgetall(svc.keys.push_receipts(notice_id))


def test_push_renders_the_notice_with_detail_and_opt_out_quick_replies(pushed):
    chat = Chat(pushed, "u-push-1")
    said = chat.say("", skill="notice-push",
                    userRequest__params={"notice_id": "NTC-7", "broadcast_id": "404", "ad": "0"})
    assert said.template == "notice_push/notice"
    assert said.context["title"] == NOTICE["title"] and said.context["regions"] == ["서울", "경기"]
    assert said.context["ad"] is False and "(광고)" not in said.text
    assert said.quick_replies == ["자세히 보기", "알림 끄기"]
    detail, off = said.body["template"]["quickReplies"]
    assert detail["extra"] == {"notice_id": "NTC-7"} and off["messageText"] == "알림 끄기"
    assert [b["label"] for b in said.buttons] == ["공고 원문 보기", "자세히 보기"]
    assert set(receipts(pushed, "NTC-7")) == {"u-push-1"}


def test_ad_broadcast_push_carries_ad_label_and_opt_out_line_in_one_bubble(pushed):
    bc = pushed.extensions["bot"].services.broadcasts
    svc = pushed.extensions["bot"].services
    svc.subscriptions.subscribe("u-sub", now=svc.clock(), source="notices")
    svc.profiles.seen("u-sub", True, None, svc.clock())
    bid = bc.create("NTC-7", ad=True)["id"]
    params = {"notice_id": "NTC-7", "broadcast_id": bid}
    said = Chat(pushed, "u-sub").say("", skill="notice-push", userRequest__params=params)
    assert said.context["ad"] is True and len(said.outputs) == 1  # ads: one bubble only
    assert said.cards[0]["title"].startswith("(광고)") and "채널 차단" in said.text


def test_notice_id_is_read_from_action_params_or_client_extra(pushed):
    said = Chat(pushed, "u-a").say("", skill="notice-push", params={"notice_id": "NTC-7"})
    assert said.template == "notice_push/notice"
    said = Chat(pushed, "u-b").say("", skill="notice-push", extra={"notice_id": "NTC-7"})
    assert said.template == "notice_push/notice"
    assert set(receipts(pushed, "NTC-7")) == {"u-a", "u-b"}


def test_a_withdrawn_or_missing_notice_gets_a_polite_answer(pushed):
    said = Chat(pushed, "u-c").say("", skill="notice-push", userRequest__params={"notice_id": "X"})
    assert said.template == "notice_push/gone" and "알림 끄기" in said.quick_replies
    said = Chat(pushed, "u-c").say("", skill="notice-push")
    assert said.template == "notice_push/gone"
    assert not receipts(pushed, "X")


def test_tapping_detail_after_a_push_opens_the_real_notice_detail(pushed):
    chat = Chat(pushed, "u-push-9")
    chat.say("", skill="notice-push", userRequest__params={"notice_id": "NTC-7"})
    detail = chat.tap("자세히 보기")
    assert detail.template == "notices/detail"
    assert detail.context["id"] == "NTC-7" and detail.context["title"] == NOTICE["title"]
    chat.last = chat.say("", skill="notice-push", userRequest__params={"notice_id": "NTC-7"})
    assert chat.tap("알림 끄기").template.startswith("notices/")
