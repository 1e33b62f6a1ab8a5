"""User ↔ business links: a merchant sees only their own business."""

from __future__ import annotations


def test_link_relink_and_unlink(app):
    store = app.extensions["bot"].services.merchants
    assert store.business_of("u1") is None
    store.link("u1", "1208147521", "application")
    store.link("u2", "1208147521", "staff")
    assert store.business_of("u1") == "1208147521"
    assert store.users_of("1208147521") == {"u1", "u2"}
    store.link("u1", "1248100998", "staff")
    assert store.users_of("1208147521") == {"u2"}
    store.unlink("u2")
    assert store.users_of("1208147521") == set() and store.business_of("u2") is None
