"""Which business a KakaoTalk user may see: user ↔ 사업자등록번호 links in Redis.

A merchant sees only the business linked to their own user key. Business
numbers are public, so a link made by submitting an application is only
*claimed* until staff approve that application (reviewing it is where the
merchant's identity is checked); staff links (`flask merchants link`) and
approved applications are *verified*. Private data (the wallet) needs a
verified link.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import redis

from bot.core.keys import Keys


class MerchantStore:
    """Links between Kakao user keys and business numbers."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys

    def link(self, user_id: str, business_number: str, source: str,
             verified: bool = True) -> None:
        """Link a user to a business (replacing an older link of that user)."""
        previous = self.business_of(user_id)
        if previous and previous != business_number:
            self.redis.srem(self.keys.business_users(previous), user_id)
        self.redis.hset(self.keys.merchant(user_id), mapping={
            "business_number": business_number, "source": source,
            "verified": "1" if verified else "0", "linked_at": f"{time.time():.0f}"})
        self.redis.sadd(self.keys.business_users(business_number), user_id)

    def unlink(self, user_id: str) -> None:
        """Remove a user's link."""
        previous = self.business_of(user_id)
        if previous:
            self.redis.srem(self.keys.business_users(previous), user_id)
        self.redis.delete(self.keys.merchant(user_id))

    def business_of(self, user_id: str, fields: Mapping[str, str] | None = None) -> str | None:
        """The business number this user is linked to (claimed or verified).

        `fields`: the user's link hash when already read (a skill's prefetch), else Redis.
        """
        if fields is not None:
            return fields.get("business_number")
        return self.redis.hget(self.keys.merchant(user_id), "business_number")

    def verified_business_of(self, user_id: str,
                             fields: Mapping[str, str] | None = None) -> str | None:
        """The business whose private data this user may see: a verified link only.

        `fields`: the user's link hash when already read (a skill's prefetch), else Redis.
        """
        if fields is not None:
            number, verified = fields.get("business_number"), fields.get("verified")
        else:
            number, verified = self.redis.hmget(self.keys.merchant(user_id),
                                                ["business_number", "verified"])
        # Links made before claims existed carry no flag: only staff made those.
        return number if number and verified != "0" else None

    def verify(self, business_number: str, user_id: str) -> None:
        """Staff approved this user's application: their claim becomes a verified link."""
        if self.business_of(user_id) == business_number:
            self.redis.hset(self.keys.merchant(user_id), "verified", "1")

    def users_of(self, business_number: str) -> set[str]:
        """Every user key linked to a business."""
        return set(self.redis.smembers(self.keys.business_users(business_number)))
