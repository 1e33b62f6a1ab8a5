"""Which business a KakaoTalk user may see: user ↔ 사업자등록번호 links in Redis.

A merchant sees only the business linked to their own user key — linked by
their own submitted application or by staff (`flask merchants link`).
"""

from __future__ import annotations

import time

import redis

from .keys import Keys


class MerchantStore:
    """Links between Kakao user keys and business numbers."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys

    def link(self, user_id: str, business_number: str, source: str) -> None:
        """Link a user to a business (replacing an older link of that user)."""
        previous = self.business_of(user_id)
        if previous and previous != business_number:
            self.redis.srem(self.keys.business_users(previous), user_id)
        self.redis.hset(self.keys.merchant(user_id), mapping={
            "business_number": business_number, "source": source,
            "linked_at": f"{time.time():.0f}"})
        self.redis.sadd(self.keys.business_users(business_number), user_id)

    def unlink(self, user_id: str) -> None:
        """Remove a user's link."""
        previous = self.business_of(user_id)
        if previous:
            self.redis.srem(self.keys.business_users(previous), user_id)
        self.redis.delete(self.keys.merchant(user_id))

    def business_of(self, user_id: str) -> str | None:
        """The business number this user may see, if linked."""
        return self.redis.hget(self.keys.merchant(user_id), "business_number")

    def users_of(self, business_number: str) -> set[str]:
        """Every user key linked to a business."""
        return set(self.redis.smembers(self.keys.business_users(business_number)))
