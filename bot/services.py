"""Services: the typed bag of stores and feature services every skill and command uses."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only: importing the features here would load them all
    import redis

    from bot.applications.service import ApplicationStore
    from bot.broadcast.service import BroadcastService
    from bot.conversation.callbacks import Callbacks
    from bot.conversation.reply import Reply
    from bot.conversation.session import Session, SessionStore
    from bot.core.keys import Keys
    from bot.core.settings import Features
    from bot.faq.service import FaqService
    from bot.kakao import SkillRequest
    from bot.merchants.merchants import MerchantStore
    from bot.merchants.profiles import ProfileStore
    from bot.notices.store import NoticeStore
    from bot.notices.subscriptions import SubscriptionStore
    from bot.wallet import WalletBackend


@dataclass
class Services:
    """What skills and commands may use; built once per app by create_app (bot/app.py).

    The core stores are passed in; each feature's `init_app(app, services)` sets its
    own attribute (notices, faq, applications, wallet, broadcasts) before any skill runs.
    """

    config: Mapping[str, Any]  # the core settings (Flask's app.config)
    features: Features  # each feature's typed settings
    redis: redis.Redis
    keys: Keys
    sessions: SessionStore
    merchants: MerchantStore
    profiles: ProfileStore
    subscriptions: SubscriptionStore
    clock: Callable[[], float] = time.time
    # The operators' settings (templates/settings.yaml, read fresh when edited).
    settings: Callable[[], Mapping[str, Any]] = dict
    # When a request came in, for telling a double tap from a new message: wall time by
    # default (comparable across workers); `clock` is business time and tests freeze it.
    request_clock: Callable[[], float] = time.time
    # Heavy things (Kiwi, the FAQ index, sample notices) load on first use; a server calls
    # warm() once before it forks so every worker shares them (README: How a request flows).
    warm_ups: list[Callable[[], None]] = field(default_factory=list)
    # The features, each set by its init_app (bot/<feature>/).
    notices: NoticeStore = field(init=False)
    faq: FaqService = field(init=False)
    applications: ApplicationStore = field(init=False)
    wallet: WalletBackend = field(init=False)
    broadcasts: BroadcastService = field(init=False)
    callbacks: Callbacks = field(init=False)  # Kakao callbacks: slow answers come later

    def warm(self) -> None:
        """Load every heavy thing now (server start-up), not inside a merchant's request."""
        for warm_up in self.warm_ups:
            warm_up()

    def interrupt(self, req: SkillRequest,
                  session: Session) -> Callable[[str], Reply | None] | None:
        """The mid-form question answerer (the FAQ)."""
        return lambda text: self.faq.answer_mid_form(text, req, session, self)
