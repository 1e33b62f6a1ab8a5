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


def test_opt_out_log_names_who_opted_out_since_and_says_how_far_back_it_reaches(app):
    subs = app.extensions["bot"].services.subscriptions
    day = 86400.0
    assert subs.opted_out_since(0, now=10 * day) is None  # no subscriber yet: no log
    for uid in ("u1", "u2", "u3"):
        subs.subscribe(uid, now=1 * day, source="notices")
    subs.unsubscribe("u1", now=2 * day)
    subs.unsubscribe("u2", now=5 * day)
    assert subs.opted_out_since(3 * day, now=6 * day) == ["u2"]
    assert sorted(subs.opted_out_since(1 * day, now=6 * day)) == ["u1", "u2"]
    assert subs.opted_out_since(0.5 * day, now=6 * day) is None  # before the log began
    subs.subscribe("u2", now=6 * day, source="notices")  # back again: still named, caller checks
    assert subs.opted_out_since(3 * day, now=7 * day) == ["u2"]
    # Entries older than 90 days are trimmed: the log no longer answers for that time.
    subs.unsubscribe("u3", now=100 * day)
    assert subs.opted_out_since(5 * day, now=100 * day) is None
    assert subs.opted_out_since(50 * day, now=100 * day) == ["u3"]
