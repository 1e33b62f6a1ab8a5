"""A Redis connection of our own whose writes leave at once and whose replies are read later.

Redis runs one connection's commands in the order they arrive, so a write sent
here is applied before anything sent after it on the same connection, whether or
not its reply has been read. The broadcast worker sends its after-call record
this way and reads the reply together with the next round trip it has to wait
for anyway: the record is on its way the moment the call returns, and the
worker does not sit idle for a round trip per call. A failed write is raised at
the next `call` or at `close`.
"""

from __future__ import annotations

from typing import Any

import redis
from redis.exceptions import ResponseError


class Wire:
    """One pooled connection, checked out until `close`.

    On a Redis Cluster the connection goes to the node serving `key`'s slot, so every
    command sent must keep to that slot (the broadcast's keys share one hash tag).
    """

    def __init__(self, client: redis.Redis, key: str | None = None) -> None:
        if isinstance(client, redis.RedisCluster):
            if key is None:
                raise ValueError("a Wire on a Redis Cluster needs the key naming its slot")
            client = client.get_node_from_key(key).redis_connection
        self.pool = client.connection_pool
        self.conn = self.pool.get_connection()
        self.unread = 0

    def send(self, *args: Any) -> None:
        """Send a command; its reply is read by the next `call` or `close`."""
        try:
            # redis-py's health check sends PING and reads "the next reply": with replies
            # still due it would read one of ours, so it runs only when none are.
            self.conn.send_command(*args, check_health=not self.unread)
        except redis.RedisError:
            self.unread = 0  # redis-py dropped the connection, and the replies with it
            raise
        self.unread += 1

    def call(self, *args: Any) -> Any:
        """Send a command and return its reply, after reading every earlier one."""
        self.send(*args)
        return self._drain()

    def close(self) -> None:
        """Read the replies still due (raising the first error) and give the connection back."""
        try:
            self._drain()
        finally:
            self.pool.release(self.conn)

    def _drain(self) -> Any:
        reply, error = None, None
        try:
            while self.unread:
                self.unread -= 1
                try:
                    reply = self.conn.read_response()
                except ResponseError as exc:  # an error reply: keep reading, stay in step
                    error = error or exc
        except redis.RedisError:
            self.unread = 0  # the connection is gone (redis-py disconnected it)
            raise
        if error is not None:
            raise error
        return reply
