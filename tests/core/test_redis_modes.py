"""Redis modes: which Redis RQ uses, keys renamed when they got a hash tag, the cluster client."""

from __future__ import annotations

import pytest
import redis as redis_lib

from bot import create_app
from bot.core.config import Config
from bot.core.keys import Keys
from bot.core.redisconn import connect, rq_url
from tests.conftest import cluster_mode


@pytest.mark.parametrize(("config", "expected"), [
    ({"REDIS_URL": "redis://r:6379/0"}, "redis://r:6379/0"),
    ({"REDIS_URL": "redis://r:6379/0", "RQ_REDIS_URL": "redis://q:6379/1"}, "redis://q:6379/1"),
    ({"REDIS_URL": "redis://node:7000/0", "REDIS_MODE": "cluster"}, None),
    ({"REDIS_URL": "redis://node:7000/0", "REDIS_MODE": "cluster",
      "RQ_REDIS_URL": "redis://q:6379/0"}, "redis://q:6379/0"),
    ({}, None),  # embedded: no worker at all
])
def test_rq_gets_its_own_redis_and_never_the_cluster(config, expected):
    assert rq_url(config) == expected
    assert Config().with_env(config).features.broadcast.inline is (expected is None)


def test_cluster_mode_needs_a_node_and_a_known_mode(tmp_path):
    with pytest.raises(ValueError, match="REDIS_URL"):
        connect(None, str(tmp_path), 0.5, mode="cluster")
    with pytest.raises(ValueError, match="single or cluster"):
        connect("redis://127.0.0.1:6379/0", str(tmp_path), 0.5, mode="sentinel")


def test_the_app_talks_to_the_cluster_in_cluster_mode(redis):
    assert isinstance(redis, redis_lib.RedisCluster) is cluster_mode()


@pytest.mark.no_cluster(reason="old key names exist only on a single server")
def test_keys_that_got_a_hash_tag_are_renamed_once_at_start(make_app, config):
    client = make_app().extensions["bot"].services.redis  # flushed now and after the test
    keys = Keys(config.REDIS_PREFIX)
    client.sadd(f"{keys.prefix}:subscribers", "u-old")
    client.zadd(f"{keys.prefix}:opt-outs", {"u-gone": 1.0})
    client.set(f"{keys.prefix}:opt-outs:since", "1.0")
    client.sadd(keys.subscribers(), "u-new")  # a newer audience is never overwritten

    restarted = create_app(config)  # the next start, without the fixture's flush
    restarted.extensions["bot"].pipeline.close()
    assert client.smembers(keys.subscribers()) == {"u-new"}
    assert client.zscore(keys.opt_outs(), "u-gone") == 1.0
    assert client.get(keys.opt_outs_since()) == "1.0"
    assert not client.exists(f"{keys.prefix}:opt-outs", f"{keys.prefix}:opt-outs:since")
