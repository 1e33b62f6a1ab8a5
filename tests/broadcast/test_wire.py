"""Wire: writes that leave at once, replies read at the next round trip."""

from __future__ import annotations

import pytest
from redis.exceptions import ResponseError

from bot.broadcast.wire import Wire


def test_a_sent_write_is_applied_before_the_next_call_and_its_reply_read_there(redis):
    wire = Wire(redis, "{t}:a")  # on a cluster: the node of this key's slot
    wire.send("SET", "{t}:a", "1")
    wire.send("INCR", "{t}:a")
    assert wire.unread == 2
    assert wire.call("GET", "{t}:a") == "2"  # the writes ran first, in order
    assert wire.unread == 0
    wire.close()
    assert redis.get("{t}:a") == "2"


def test_an_error_reply_surfaces_at_the_next_call_and_the_wire_stays_in_step(redis):
    wire = Wire(redis, "{t}:text")
    redis.set("{t}:text", "x")
    wire.send("INCR", "{t}:text")  # not a number
    with pytest.raises(ResponseError):
        wire.call("SET", "{t}:b", "ok")
    assert wire.call("GET", "{t}:b") == "ok"  # later replies still match their commands
    wire.send("INCR", "{t}:text")
    with pytest.raises(ResponseError):
        wire.close()
    assert wire.pool._in_use_connections == set()  # given back even so


@pytest.mark.no_cluster(reason="drives redis-py's health check through a single-server client")
def test_a_health_check_never_reads_a_reply_that_is_still_due(redis_url):
    import time

    import redis as redis_lib

    client = redis_lib.Redis.from_url(redis_url, decode_responses=True, health_check_interval=0.01)
    wire = Wire(client)
    wire.call("SET", "t:h", "0")
    wire.send("INCR", "t:h")  # its reply is still due when the next command goes out
    time.sleep(0.05)  # past the interval: redis-py would PING before the next command
    assert wire.call("GET", "t:h") == "1"
    wire.close()
    client.close()
