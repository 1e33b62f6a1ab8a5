"""Notice-alert subscriptions (지원사업 알림): who consented, to what, and who opted out.

Written by the application form's consent step and the notices skill's
알림 받기/알림 끄기; read by staff broadcasts as their audience.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import redis

from bot.core.keys import Keys

from .store import NATIONWIDE

OPT_OUT_LOG_SECONDS = 90 * 86400  # how far back the opt-out log reaches


@dataclass(frozen=True)
class Subscription:
    """One user's notice-alert consent."""

    user_id: str
    categories: tuple[str, ...]  # empty = every 분야
    regions: tuple[str, ...]  # empty = every 지역
    consent_at: float
    source: str  # "application" | "notices" | "staff"
    active: bool
    opted_out_at: float | None = None

    def matches(self, category: str | None, region: str | None) -> bool:
        """Whether a notice of this 분야/지역 is wanted (nationwide notices match every region)."""
        if not self.active:
            return False
        if category and self.categories and category not in self.categories:
            return False
        if region and region != NATIONWIDE and self.regions and region not in self.regions:
            return False
        return True


class SubscriptionStore:
    """Subscribe, unsubscribe and list subscribers."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys

    def subscribe(self, user_id: str, *, categories: list[str] | tuple[str, ...] = (),
                  regions: list[str] | tuple[str, ...] = (), now: float,
                  source: str) -> Subscription:
        """Store consent (time kept) and add the user to the subscriber index."""
        sub = Subscription(user_id, tuple(categories), tuple(regions), now, source, True)
        self.redis.hset(self.keys.subscription(user_id), mapping={
            "user_id": user_id, "categories": json.dumps(list(sub.categories), ensure_ascii=False),
            "regions": json.dumps(list(sub.regions), ensure_ascii=False),
            "consent_at": f"{now:.0f}", "source": source, "active": "1", "opted_out_at": ""})
        self.redis.sadd(self.keys.subscribers(), user_id)
        # The opt-out log covers every opt-out from the first subscription on.
        self.redis.set(self.keys.opt_outs_since(), f"{now:.3f}", nx=True)
        return sub

    def unsubscribe(self, user_id: str, now: float) -> bool:
        """Opt out (kept on record with its time); False if there was nothing to stop."""
        key = self.keys.subscription(user_id)
        if self.redis.hget(key, "active") != "1":
            return False
        log = self.keys.opt_outs()
        # The audience and the log first (one slot, one MULTI): from here no broadcast
        # reaches the user. Then the user's own record, which lives in the user's slot; if
        # that write fails the merchant is asked to try again, and the retry still finds
        # the record active and finishes the opt-out.
        pipe = self.redis.pipeline(transaction=True)
        pipe.srem(self.keys.subscribers(), user_id)
        pipe.zadd(log, {user_id: now})
        pipe.zremrangebyscore(log, "-inf", f"({now - OPT_OUT_LOG_SECONDS}")
        pipe.execute()
        self.redis.hset(key, mapping={"active": "0", "opted_out_at": f"{now:.0f}"})
        return True

    def opted_out_since(self, since: float, now: float) -> list[str] | None:
        """Users whose latest opt-out came at or after `since` (some may have subscribed again).

        None when the log does not reach back to `since` (it began later, or was trimmed):
        the caller then checks each user instead. Clocks of the processes that write and
        read the log may differ: callers pass a `since` with some margin.
        """
        pipe = self.redis.pipeline(transaction=False)
        pipe.get(self.keys.opt_outs_since())
        pipe.zrangebyscore(self.keys.opt_outs(), since, "+inf")
        began, users = pipe.execute()
        if began is None or since < max(float(began), now - OPT_OUT_LOG_SECONDS):
            return None
        return users

    def get(self, user_id: str) -> Subscription | None:
        """A user's subscription record (active or opted out)."""
        return self._parse(self.redis.hgetall(self.keys.subscription(user_id)))

    def active_among(self, user_ids: list[str]) -> set[str]:
        """Which of these users still have an active subscription (one round trip)."""
        if not user_ids:
            return set()
        flags = self.redis.smismember(self.keys.subscribers(), user_ids)
        return {uid for uid, flag in zip(user_ids, flags, strict=True) if flag}

    def active(self, batch: int = 500) -> Iterator[Subscription]:
        """Every active subscription, read in pipelined batches."""
        ids: list[str] = []
        for uid in self.redis.sscan_iter(self.keys.subscribers(), count=batch):
            ids.append(uid)
            if len(ids) >= batch:
                yield from self._load(ids)
                ids = []
        if ids:
            yield from self._load(ids)

    def matching(self, category: str | None = None,
                 region: str | None = None) -> Iterator[Subscription]:
        """Active subscribers who want a notice of this 분야/지역."""
        return (s for s in self.active() if s.matches(category, region))

    def _load(self, ids: list[str]) -> Iterator[Subscription]:
        pipe = self.redis.pipeline(transaction=False)
        for uid in ids:
            pipe.hgetall(self.keys.subscription(uid))
        for raw in pipe.execute():
            sub = self._parse(raw)
            if sub and sub.active:
                yield sub

    @staticmethod
    def _parse(raw: dict[str, str]) -> Subscription | None:
        if not raw or "user_id" not in raw:
            return None
        return Subscription(
            raw["user_id"], tuple(json.loads(raw.get("categories") or "[]")),
            tuple(json.loads(raw.get("regions") or "[]")), float(raw.get("consent_at") or 0),
            raw.get("source", ""), raw.get("active") == "1",
            float(raw["opted_out_at"]) if raw.get("opted_out_at") else None)
