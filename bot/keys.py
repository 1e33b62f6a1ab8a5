"""Every Redis key name, built in one place.

Per-user keys share a `{u:<hash>}` hash tag so multi-key operations on one
user stay in one Redis Cluster slot; user keys are hashed so raw Kakao user
keys never appear in key names (or in Redis' slowlog and monitoring).
"""

from __future__ import annotations

import hashlib


def user_hash(user_id: str) -> str:
    """Return the short, stable, non-reversible id used for a Kakao user key."""
    return hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:20]


class Keys:
    """Key builder bound to a prefix (`dg` in production, `dgtest` in tests)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def _user(self, user_id: str, kind: str) -> str:
        return f"{self.prefix}:{{u:{user_hash(user_id)}}}:{kind}"

    def session(self, user_id: str) -> str:
        """JSON session of one user (idle TTL)."""
        return self._user(user_id, "session")

    def draft(self, user_id: str, form: str) -> str:
        """Unfinished form of one user (long TTL)."""
        return self._user(user_id, f"draft:{form}")

    def lock(self, user_id: str) -> str:
        """Per-user processing lock."""
        return self._user(user_id, "lock")

    def merchant(self, user_id: str) -> str:
        """Hash: the business a user is linked to (business_number, source, linked_at)."""
        return self._user(user_id, "merchant")

    def business_users(self, business_number: str) -> str:
        """Set: user keys linked to one business."""
        return f"{self.prefix}:biz:{{{business_number}}}:users"

    def profile(self, user_id: str) -> str:
        """Hash: what we last saw of a user (friend status, Event API keys)."""
        return self._user(user_id, "profile")

    def subscription(self, user_id: str) -> str:
        """Hash: a user's notice-alert consent (categories, regions, consent time)."""
        return self._user(user_id, "subscription")

    def subscribers(self) -> str:
        """Set: user keys with an active notice-alert subscription."""
        return f"{self.prefix}:subscribers"

    def faq_unanswered(self) -> str:
        """Sorted set: anonymised questions the FAQ could not answer, scored by count."""
        return f"{self.prefix}:{{faq}}:unanswered"

    def faq_unanswered_seen(self) -> str:
        """Hash: anonymised unanswered question -> when it was last asked (epoch seconds)."""
        return f"{self.prefix}:{{faq}}:unanswered:seen"

    def all_pattern(self) -> str:
        """SCAN pattern matching every key of this prefix."""
        return f"{self.prefix}:*"
