"""Console accounts (operators, staff, admins): roles, hashes, login throttling, audit log."""

from __future__ import annotations

from .audit import AuditEntry, AuditLog
from .roles import ADMIN, OPERATOR, ROLES, STAFF, can
from .throttle import LoginThrottle
from .users import AccountError, User, UserStore

__all__ = ["ADMIN", "OPERATOR", "ROLES", "STAFF", "AccountError", "AuditEntry", "AuditLog",
           "LoginThrottle", "User", "UserStore", "can"]
