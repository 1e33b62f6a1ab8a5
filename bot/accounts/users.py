"""Console accounts in Redis, passwords kept as werkzeug scrypt hashes."""

from __future__ import annotations

import functools
import hashlib
import re
import time
from dataclasses import dataclass

import redis
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.errors import CodedError
from ..core.keys import Keys
from .roles import ROLES

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MIN_PASSWORD = 10
HASH_METHOD = "scrypt"  # werkzeug's default: memory-hard, salted


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the account does not exist, so a wrong name costs as long as a
    wrong password (no telling which names exist by timing). Made at the first login, not
    at import: an scrypt hash costs a CLI command that never logs anyone in ~0.1–0.9 s."""
    return generate_password_hash("not-a-password", method=HASH_METHOD)


class AccountError(CodedError, ValueError):
    """A request about accounts that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class User:
    """One console account."""

    name: str
    role: str
    password_hash: str
    created_at: float
    last_login: float | None = None

    @property
    def stamp(self) -> str:
        """Changes with the password: a session signed before a password change ends."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:12]


def check_name(name: str) -> str:
    """A valid account name (lowercase letters, digits, . _ -), or AccountError."""
    name = name.strip().lower()
    if not NAME.match(name):
        raise AccountError("account names are 2-32 lowercase letters, digits, '.', '_' or '-'",
                           code="account.bad_name")
    return name


def check_role(role: str) -> str:
    """A known role, or AccountError."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (choose {', '.join(ROLES)})",
                           code="account.unknown_role", role=role)
    return role


def check_password(password: str) -> str:
    """A password long enough to keep, or AccountError."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"passwords need at least {MIN_PASSWORD} characters",
                           code="account.short_password", least=MIN_PASSWORD)
    return password


class UserStore:
    """Create, read, change and remove console accounts."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys

    def get(self, name: str) -> User | None:
        """The account with this name, or None."""
        raw = self.redis.hgetall(self.keys.console_user(name.strip().lower()))
        if not raw:
            return None
        last = raw.get("last_login")
        return User(raw["name"], raw["role"], raw["hash"], float(raw["created_at"]),
                    float(last) if last else None)

    def all(self) -> list[User]:
        """Every account, by name."""
        users = (self.get(n) for n in sorted(self.redis.smembers(self.keys.console_users())))
        return [u for u in users if u is not None]

    def add(self, name: str, role: str, password: str, now: float | None = None) -> User:
        """Create an account; AccountError if the name is taken or a value is not valid."""
        name, role = check_name(name), check_role(role)
        check_password(password)
        fields = {"name": name, "role": role, "created_at": now or time.time(),
                  "hash": generate_password_hash(password, method=HASH_METHOD)}
        if not self.redis.hsetnx(self.keys.console_user(name), "name", name):
            raise AccountError(f"account {name!r} exists already", code="account.exists",
                               name=name)
        self.redis.hset(self.keys.console_user(name), mapping=fields)
        self.redis.sadd(self.keys.console_users(), name)
        return self.get(name)  # type: ignore[return-value]

    def set_role(self, name: str, role: str) -> User:
        """Change an account's role (takes effect on its next request)."""
        check_role(role)
        user = self.require(name)
        self.redis.hset(self.keys.console_user(user.name), "role", role)
        return self.require(name)

    def set_password(self, name: str, password: str) -> User:
        """Change an account's password (its open sessions end)."""
        check_password(password)
        user = self.require(name)
        self.redis.hset(self.keys.console_user(user.name), "hash",
                        generate_password_hash(password, method=HASH_METHOD))
        return self.require(name)

    def remove(self, name: str) -> User:
        """Delete an account (its open sessions end on their next request)."""
        user = self.require(name)
        self.redis.delete(self.keys.console_user(user.name))
        self.redis.srem(self.keys.console_users(), user.name)
        return user

    def authenticate(self, name: str, password: str, now: float | None = None) -> User | None:
        """The account if the password is right, else None (same work either way)."""
        user = self.get(name) if NAME.match(name.strip().lower()) else None
        ok = check_password_hash(user.password_hash if user else _dummy_hash(), password)
        if not (user and ok):
            return None
        self.redis.hset(self.keys.console_user(user.name), "last_login", now or time.time())
        return user

    def admins(self) -> int:
        """How many admin accounts exist (the last one may not be demoted or removed)."""
        return sum(1 for u in self.all() if u.role == "admin")

    def require(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise AccountError(f"no account {name!r}", code="account.unknown", name=name)
        return user
