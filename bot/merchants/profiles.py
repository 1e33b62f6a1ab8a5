"""What we last saw of each user: friend status and the keys the Event API needs.

Recorded on every request, so a broadcast can target only users who were seen
as channel friends (Kakao's Event API fails for non-friends).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

from bot.core.keys import Keys

PROFILE_TTL = 400 * 24 * 3600  # a user unseen for over a year is forgotten


@dataclass(frozen=True)
class Profile:
    """One user as last seen in a skill request."""

    user_id: str  # botUserKey, the Event API target
    is_friend: bool
    plusfriend_user_key: str | None
    last_seen: float


class ProfileStore:
    """Load and record user profiles."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys

    def seen(self, user_id: str, is_friend: bool, plusfriend_user_key: str | None,
             now: float, pipe: Any = None) -> None:
        """Record a request of this user (queued on `pipe` when given, else one round trip)."""
        key = self.keys.profile(user_id)
        own = pipe is None
        pipe = self.redis.pipeline(transaction=False) if own else pipe
        pipe.hset(key, mapping={"user_id": user_id, "is_friend": "1" if is_friend else "0",
                                "plusfriend_user_key": plusfriend_user_key or "",
                                "last_seen": f"{now:.0f}"})
        pipe.expire(key, PROFILE_TTL)
        if own:
            pipe.execute()

    def get(self, user_id: str) -> Profile | None:
        """The profile of a user, if ever seen."""
        return self._parse(self.redis.hgetall(self.keys.profile(user_id)))

    def many(self, user_ids: list[str]) -> dict[str, Profile]:
        """Profiles of many users in one round trip (broadcast audiences)."""
        pipe = self.redis.pipeline(transaction=False)
        for uid in user_ids:
            pipe.hgetall(self.keys.profile(uid))
        found = {}
        for uid, raw in zip(user_ids, pipe.execute(), strict=True):
            profile = self._parse(raw)
            if profile:
                found[uid] = profile
        return found

    @staticmethod
    def _parse(raw: dict[str, str]) -> Profile | None:
        if not raw or "user_id" not in raw:
            return None
        return Profile(raw["user_id"], raw.get("is_friend") == "1",
                       raw.get("plusfriend_user_key") or None, float(raw.get("last_seen") or 0))
