"""Session persistence: TTLs, drafts, the per-user lock, cluster-safe key names."""

from __future__ import annotations

import threading
import time

import pytest

from bot.conversation.session import LockTimeout, Session, SessionStore
from bot.core.keys import Keys, user_hash


@pytest.fixture
def store(app) -> SessionStore:
    return app.extensions["bot"].services.sessions


def test_session_round_trip_with_idle_ttl(store, redis):
    s = store.load("user-1")
    assert s.dialog is None and s.data == {}
    s.data["region"] = "서울"
    s.dialog = {"form": "demo", "step": "name"}
    store.save(s)
    again = store.load("user-1")
    assert again.data == {"region": "서울"} and again.dialog == {"form": "demo", "step": "name"}
    assert 0 < redis.ttl(store.keys.session("user-1")) <= 30 * 60


def test_drafts_outlive_sessions(store, redis):
    store.save_draft("user-1", "demo", {"form": "demo", "answers": {"name": "홍길동"}})
    assert redis.ttl(store.keys.draft("user-1", "demo")) > 6 * 24 * 3600
    store.clear("user-1")
    assert store.load_draft("user-1", "demo")["answers"] == {"name": "홍길동"}
    store.drop_draft("user-1", "demo")
    assert store.load_draft("user-1", "demo") is None


def test_corrupt_session_json_starts_fresh(store, redis):
    redis.set(store.keys.session("user-1"), "{not json")
    assert store.load("user-1") == Session("user-1")
    redis.set(store.keys.session("user-1"), "[1, 2]")
    assert store.load("user-1") == Session("user-1")


def test_keys_share_one_hash_tag_per_user_and_hide_the_raw_key():
    keys = Keys("dg")
    uid = "f51d13fbb9ab315e35faaf67a33b7fbd73a67ab4698867afda41c26d67b1e17bef"
    names = [keys.session(uid), keys.draft(uid, "apply"), keys.lock(uid)]
    tags = {n[n.index("{"): n.index("}") + 1] for n in names}
    assert tags == {f"{{u:{user_hash(uid)}}}"}
    assert all(uid not in n for n in names)
    assert all(n.startswith("dg:") for n in names)


def test_lock_serialises_two_requests_of_one_user(store):
    order: list[str] = []

    def worker(name: str, hold: float) -> None:
        with store.lock("user-1", wait=2.0, ttl=5.0):
            order.append(f"{name}-in")
            time.sleep(hold)
            order.append(f"{name}-out")

    first = threading.Thread(target=worker, args=("a", 0.2))
    first.start()
    time.sleep(0.05)
    worker("b", 0)
    first.join()
    assert order == ["a-in", "a-out", "b-in", "b-out"]


def test_lock_wait_is_bounded_and_release_is_token_checked(store, redis):
    with store.lock("user-1", wait=0.1, ttl=5.0):
        started = time.perf_counter()
        with pytest.raises(LockTimeout):
            with store.lock("user-1", wait=0.2, ttl=5.0):
                pass
        assert time.perf_counter() - started < 0.5
        token = redis.get(store.keys.lock("user-1"))
    assert redis.get(store.keys.lock("user-1")) is None
    # A holder whose lock expired must not delete the next holder's lock.
    with store.lock("user-2", wait=0.1, ttl=0.05):
        time.sleep(0.1)
        redis.set(store.keys.lock("user-2"), "someone-else")
    assert redis.get(store.keys.lock("user-2")) == "someone-else"
    assert token


def test_checkout_reads_the_asked_hashes_with_the_lock(store, redis):
    keys = store.keys
    redis.hset(keys.merchant("user-1"), mapping={"business_number": "1208147521"})
    asked = (keys.merchant("user-1"), keys.notice_prefs("user-1"))
    with store.checkout("user-1", wait=0.5, ttl=5.0, hashes=asked) as turn:
        assert turn.session.fetched == {keys.merchant("user-1"): {"business_number": "1208147521"},
                                        keys.notice_prefs("user-1"): {}}
        turn.commit()
    assert "fetched" not in redis.get(keys.session("user-1"))  # never stored with the session
    assert redis.get(keys.lock("user-1")) is None


def test_concurrent_request_of_same_user_gets_busy_and_loses_nothing(chat, app):
    store = app.extensions["bot"].services.sessions
    with store.lock(chat.user_id, wait=0.1, ttl=5.0):
        said = chat.say("안녕", skill="welcome")
    assert said.template == "common/busy"
    assert chat.say("안녕", skill="welcome").template == "welcome/greeting"


def test_read_only_skills_skip_the_lock_once_the_user_is_known(chat, app):
    store = app.extensions["bot"].services.sessions
    assert chat.say("안녕", skill="welcome").template == "welcome/greeting"  # records the profile
    with store.lock(chat.user_id, wait=0.1, ttl=5.0):  # another request holds the user's lock
        assert chat.say("안녕", skill="welcome").template == "welcome/greeting"
        assert chat.say("상담원", skill="operator").template == "operator/connect"
        # A menu word typed is the welcome (the fallback's shortcut); other free text may
        # change the session, so it waits for the lock.
        assert chat.say("처음으로").template == "welcome/greeting"
        assert chat.say("법인도 신청할 수 있나요?").template == "common/busy"


def test_a_menu_word_waits_for_the_lock_while_a_skill_awaits_an_answer(chat, app):
    store = app.extensions["bot"].services.sessions
    assert chat.say("안녕", skill="welcome").template == "welcome/greeting"  # records the profile
    session = store.load(chat.user_id)
    session.data["awaiting"] = "wallet"  # a skill asked the merchant something
    store.save(session)
    with store.lock(chat.user_id, wait=0.1, ttl=5.0):
        assert chat.say("처음으로").template == "common/busy"  # the fallback drops the mark
    assert chat.say("처음으로").template == "welcome/greeting"
    assert "awaiting" not in store.load(chat.user_id).data
