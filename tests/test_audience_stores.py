"""Profiles (friend status seen per request) and notice-alert subscriptions."""

from __future__ import annotations


def test_every_request_records_friend_status_and_keys(chat, app):
    profiles = app.extensions["bot"].services.profiles
    chat.say("안녕", skill="welcome", is_friend=False)
    assert profiles.get(chat.user_id).is_friend is False
    chat.say("안녕", skill="welcome", is_friend=True)
    profile = profiles.get(chat.user_id)
    assert profile.is_friend is True and profile.user_id == chat.user_id
    assert profile.plusfriend_user_key
    assert profiles.many([chat.user_id, "nobody"]).keys() == {chat.user_id}


def test_subscribe_filter_and_opt_out_keeps_the_record(app):
    subs = app.extensions["bot"].services.subscriptions
    subs.subscribe("u1", categories=["금융"], regions=["서울"], now=100.0, source="notices")
    subs.subscribe("u2", now=200.0, source="application")
    assert {s.user_id for s in subs.matching("금융", "서울")} == {"u1", "u2"}
    assert {s.user_id for s in subs.matching("기술", "서울")} == {"u2"}
    assert {s.user_id for s in subs.matching("금융", "부산")} == {"u2"}
    assert {s.user_id for s in subs.matching("금융", "전국")} == {"u1", "u2"}
    assert subs.unsubscribe("u1", now=300.0) is True
    assert subs.unsubscribe("u1", now=301.0) is False
    record = subs.get("u1")
    assert record.active is False and record.opted_out_at == 300.0 and record.consent_at == 100.0
    assert [s.user_id for s in subs.active()] == ["u2"]
