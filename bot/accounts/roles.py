"""Roles and what each may do: the one table every console route is checked against."""

from __future__ import annotations

OPERATOR, STAFF, ADMIN = "operator", "staff", "admin"
ROLES = (OPERATOR, STAFF, ADMIN)

# Areas of the console. operator: the bot's answers; staff: notices, broadcasts,
# applications, stats; admin: everything plus accounts and the audit log.
AREAS: dict[str, tuple[str, ...]] = {
    "templates": (OPERATOR, ADMIN),
    "faq": (OPERATOR, ADMIN),
    "settings": (OPERATOR, ADMIN),
    "simulator": (OPERATOR, STAFF, ADMIN),
    "notices": (STAFF, ADMIN),
    "broadcasts": (STAFF, ADMIN),
    "applications": (STAFF, ADMIN),
    "stats": (OPERATOR, STAFF, ADMIN),
    "users": (ADMIN,),
    "audit": (ADMIN,),
}


def can(role: str | None, area: str) -> bool:
    """Whether a role may use an area of the console (unknown areas: nobody)."""
    return role is not None and role in AREAS.get(area, ())
