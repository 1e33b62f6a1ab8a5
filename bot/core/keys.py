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

    def _business(self, business_number: str, kind: str) -> str:
        return f"{self.prefix}:biz:{{{business_number}}}:{kind}"

    def wallet(self, business_number: str) -> str:
        """Hash: the sandbox wallet of one business (balances in won, status, expiry)."""
        return self._business(business_number, "wallet")

    def wallet_ledger(self, business_number: str) -> str:
        """List: the sandbox wallet's movements, newest first (JSON entries)."""
        return self._business(business_number, "wallet-ledger")

    def wallet_receipts(self, business_number: str) -> str:
        """Set: application receipts already credited (a repeated event credits once)."""
        return self._business(business_number, "wallet-receipts")

    def wallet_cache(self, business_number: str) -> str:
        """JSON: the wallet service's last good answer for one business (short TTL)."""
        return self._business(business_number, "wallet-cache")

    def callback_sent(self, digest: str) -> str:
        """String: a callback URL (its SHA-256) was claimed, so it is POSTed to once."""
        return f"{self.prefix}:callback:{digest}"

    def wallet_breaker(self) -> str:
        """Hash: the wallet service's circuit breaker, shared by every worker."""
        return f"{self.prefix}:{{wallet-api}}:breaker"

    def wallet_probe(self) -> str:
        """The one trial call allowed while the breaker is half-open."""
        return f"{self.prefix}:{{wallet-api}}:probe"

    def profile(self, user_id: str) -> str:
        """Hash: what we last saw of a user (friend status, Event API keys)."""
        return self._user(user_id, "profile")

    def subscription(self, user_id: str) -> str:
        """Hash: a user's notice-alert consent (categories, regions, consent time)."""
        return self._user(user_id, "subscription")

    # The alert audience and the opt-out log share the `{subs}` hash tag: an opt-out leaves
    # the audience and enters the log in one MULTI (one Redis Cluster slot).
    def subscribers(self) -> str:
        """Set: user keys with an active notice-alert subscription."""
        return f"{self.prefix}:{{subs}}:subscribers"

    def opt_outs(self) -> str:
        """Sorted set: user key -> time of their latest opt-out (a change log for broadcasts)."""
        return f"{self.prefix}:{{subs}}:opt-outs"

    def opt_outs_since(self) -> str:
        """String: when the opt-out log began (earlier opt-outs are not in it)."""
        return f"{self.prefix}:{{subs}}:opt-outs:since"

    def renamed(self) -> list[tuple[str, str]]:
        """(old, new) names of keys given a hash tag later; a single server renames them."""
        return [(f"{self.prefix}:subscribers", self.subscribers()),
                (f"{self.prefix}:opt-outs", self.opt_outs()),
                (f"{self.prefix}:opt-outs:since", self.opt_outs_since())]

    # Applications: every key shares the `{apps}` hash tag so the submit script and the
    # status transactions may touch a claim, a counter, an application and the indexes
    # together (one Redis Cluster slot). Business numbers are hashed in key names.
    def _apps(self, kind: str) -> str:
        return f"{self.prefix}:{{apps}}:{kind}"

    def application(self, receipt: str) -> str:
        """Hash: one application (answers, status, history, delivery record)."""
        return self._apps(f"app:{receipt}")

    def application_prefix(self) -> str:
        """The part of application() before the receipt (the submit script appends it)."""
        return self._apps("app:")

    def application_claim(self, business_number: str) -> str:
        """String: the receipt holding a business's one active application."""
        return self._apps(f"claim:{user_hash(business_number)}")

    def application_seq(self, day: str) -> str:
        """Counter: receipts issued on one KST day (YYYYMMDD)."""
        return self._apps(f"seq:{day}")

    def application_index(self) -> str:
        """Sorted set: every receipt, scored by submission time."""
        return self._apps("index")

    def application_outbox(self) -> str:
        """Set: receipts not yet delivered to the intake endpoint."""
        return self._apps("outbox")

    def application_delivery(self, receipt: str) -> str:
        """Lock: one delivery attempt of a receipt at a time."""
        return self._apps(f"delivering:{receipt}")

    def application_retry(self) -> str:
        """Flag: a worker pass over the outbox is already scheduled."""
        return self._apps("retry-scheduled")

    def user_applications(self, user_id: str) -> str:
        """List: receipts a user submitted, oldest first."""
        return self._apps(f"user:{user_hash(user_id)}")

    def notice_prefs(self, user_id: str) -> str:
        """Hash: a user's remembered notice filters (지역), kept beyond the short session."""
        return self._user(user_id, "notice-prefs")

    # Notice keys share the `{notices}` hash tag so an index update is one MULTI in one slot.
    def _notices(self, kind: str) -> str:
        return f"{self.prefix}:{{notices}}:{kind}"

    def notice(self, notice_id: str) -> str:
        """JSON of one support notice (지원사업 공고)."""
        return self._notices(f"n:{notice_id}")

    def notice_ids(self) -> str:
        """Set: every stored notice id (open, closed or hidden)."""
        return self._notices("ids")

    def notice_deadlines(self) -> str:
        """Sorted set: visible notices scored by deadline YYYYMMDD (상시/미정 score last)."""
        return self._notices("deadline")

    def notice_category(self, category: str) -> str:
        """Set: notice ids of one 분야 (금융, 기술 …)."""
        return self._notices(f"cat:{category}")

    def notice_region(self, region: str) -> str:
        """Set: notice ids of one 지역 (전국 for nationwide notices)."""
        return self._notices(f"region:{region}")

    def notice_target(self, target: str) -> str:
        """Set: notice ids of one 지원대상 (소상공인, 중소기업 …)."""
        return self._notices(f"target:{target}")

    def notice_token(self, token: str) -> str:
        """Set: notice ids whose text holds one search token (Korean morpheme)."""
        return self._notices(f"tok:{token}")

    def _broadcast(self, broadcast_id: str, kind: str) -> str:
        # One hash tag per broadcast: a batch's state and its counters change in one MULTI.
        return f"{self.prefix}:bc:{{b:{broadcast_id}}}:{kind}"

    def broadcast(self, broadcast_id: str) -> str:
        """Hash: a staff broadcast (notice, filters, status, counters, timings)."""
        return self._broadcast(broadcast_id, "meta")

    def broadcast_recipients(self, broadcast_id: str) -> str:
        """List: the de-duplicated user keys of a broadcast, in batch order."""
        return self._broadcast(broadcast_id, "recipients")

    def broadcast_batches(self, broadcast_id: str) -> str:
        """Hash: batch number -> JSON state of that Event API call."""
        return self._broadcast(broadcast_id, "batches")

    def broadcast_outcomes(self, broadcast_id: str, kind: str) -> str:
        """Hash: user key -> reason, for one outcome kind (failed, skipped, unconfirmed)."""
        return self._broadcast(broadcast_id, f"out:{kind}")

    def broadcast_lock(self, broadcast_id: str) -> str:
        """String: the worker currently sending a broadcast (expires if it dies)."""
        return self._broadcast(broadcast_id, "lock")

    def broadcasts(self) -> str:
        """Sorted set: broadcast ids by creation time."""
        return f"{self.prefix}:broadcasts"

    def broadcast_seq(self) -> str:
        """Counter: the last broadcast id handed out."""
        return f"{self.prefix}:broadcast:seq"

    def push_receipts(self, notice_id: str) -> str:
        """Hash: user key -> time the notice-push skill rendered this notice for them."""
        return f"{self.prefix}:push:{{n:{notice_id}}}:seen"

    def faq_unanswered(self) -> str:
        """Sorted set: anonymised questions the FAQ could not answer, scored by count."""
        return f"{self.prefix}:{{faq}}:unanswered"

    def faq_unanswered_seen(self) -> str:
        """Hash: anonymised unanswered question -> when it was last asked (epoch seconds)."""
        return f"{self.prefix}:{{faq}}:unanswered:seen"

    def form_stats(self, day: str) -> str:
        """Hash: one KST day's (YYYYMMDD) form funnel counters, `form|step|event` -> count."""
        return f"{self.prefix}:form-stats:{day}"

    # Operator edits of templates (and settings) made in the console: a Redis layer in front
    # of the files in templates/, shared by every worker and host. One hash tag: a save
    # bumps the version, replaces the live source and adds to the history in one MULTI.
    def _edits(self, kind: str) -> str:
        return f"{self.prefix}:{{tpl}}:{kind}"

    def template_version(self) -> str:
        """Counter: bumped on every console save; workers reload when it moves."""
        return self._edits("version")

    def template_live(self) -> str:
        """Hash: template name -> JSON {source, version, by, at} of its live console edit."""
        return self._edits("live")

    def template_history(self, name: str) -> str:
        """List: JSON versions of one template (source, who, when, action), newest first."""
        return self._edits(f"history:{name}")

    # Console accounts and their audit log.
    def console_user(self, username: str) -> str:
        """Hash: one console account (role, password hash, created, last login)."""
        return f"{self.prefix}:console:user:{username}"

    def console_users(self) -> str:
        """Set: every console account name."""
        return f"{self.prefix}:console:users"

    def console_login_failures(self, kind: str, who: str) -> str:
        """Counter with a TTL: failed console logins of one account or one address."""
        return f"{self.prefix}:console:fail:{kind}:{user_hash(who)}"

    def console_audit(self) -> str:
        """List: JSON audit entries (who, when, what, before/after), newest first."""
        return f"{self.prefix}:console:audit"

    def console_chat(self, account: str, sim_user: str) -> str:
        """List: one console account's simulator transcript with one test user (JSON turns)."""
        return f"{self.prefix}:console:chat:{account}:{user_hash(sim_user)}"

    def console_import(self) -> str:
        """Hash: progress of the notice import started from the console (state, pages, result)."""
        return f"{self.prefix}:console:notice-import"

    def console_stats(self, day: str) -> str:
        """Hash: one KST day's (YYYYMMDD) skill outcome and FAQ band counters for the console."""
        return f"{self.prefix}:console-stats:{day}"

    def all_pattern(self) -> str:
        """SCAN pattern matching every key of this prefix."""
        return f"{self.prefix}:*"
