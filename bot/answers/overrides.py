"""Console edits of templates and settings: a Redis layer in front of the files in templates/.

An operator's save in the web console must reach every gunicorn worker on every
host, so the edited source lives in Redis (`Keys.template_live`) with its history
(`Keys.template_history`). Each TemplateStore asks this layer first and falls back
to the file. Workers notice a save by a version counter read at most every
`interval` seconds; only when it moved is the hash of live sources read again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from bot.core.keys import Keys

log = logging.getLogger(__name__)

CHECK_INTERVAL = 2.0  # seconds between looks at the version counter
HISTORY_KEEP = 100  # versions kept per template
SETTINGS = "settings"  # the name settings.yaml goes by


@dataclass(frozen=True)
class Source:
    """The live console version of one template."""

    name: str
    text: str
    version: int  # the global counter's value when it was saved
    by: str
    at: float

    @property
    def stamp(self) -> float:
        """A stand-in for a file mtime: negative, so it never equals a real one."""
        return -float(self.version)


@dataclass(frozen=True)
class Version:
    """One entry of a template's history."""

    version: int
    action: str  # save | rollback | reset
    text: str | None  # None: back to the file in templates/
    by: str
    at: float
    note: str = ""


class Overrides:
    """The Redis layer: read by every TemplateStore, written by the console."""

    def __init__(self, client: redis.Redis, keys: Keys, interval: float = CHECK_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.redis = client
        self.keys = keys
        self.interval = interval
        self.clock = clock
        self._version: int | None = None
        self._sources: dict[str, Source] = {}
        self._checked = float("-inf")
        self._digest = ""
        self._lock = threading.Lock()

    # -- reading (every worker) ---------------------------------------------
    def refresh(self, force: bool = False) -> int:
        """Reload the live sources if the version counter moved; return the version seen."""
        now = self.clock()
        if not force and now - self._checked < self.interval and self._version is not None:
            return self._version
        with self._lock:
            try:
                version = int(self.redis.get(self.keys.template_version()) or 0)
                if version != self._version:
                    raw = self.redis.hgetall(self.keys.template_live())
                    self._sources = {name: _source(name, value) for name, value in raw.items()}
                    self._version = version
                    # What the sources are, not just how many saves: caches shared across
                    # apps (the FAQ index) must not mix two Redis databases' version 1.
                    self._digest = hashlib.sha1(json.dumps(
                        sorted(raw.items()), ensure_ascii=False).encode()).hexdigest()[:16]
            except redis.RedisError as exc:
                # Redis down: keep answering with what we had (files when nothing yet).
                log.warning("template edits not refreshed: %s", exc)
                if self._version is None:
                    self._version = 0
            self._checked = now
            return self._version

    def get(self, name: str, fresh: bool = False) -> Source | None:
        """The live console source of a template, or None (the file is in force)."""
        self.refresh(force=fresh)
        return self._sources.get(name)

    def names(self) -> list[str]:
        """Templates that have a live console version."""
        self.refresh()
        return sorted(self._sources)

    def signature(self) -> str:
        """Changes whenever the live edits change (for caches built on many templates)."""
        self.refresh()
        return self._digest

    # -- writing (the console) ----------------------------------------------
    def save(self, name: str, text: str | None, by: str, action: str = "save",
             note: str = "", now: float | None = None) -> Version:
        """Make `text` the live version (None: back to the file) and add it to the history."""
        now = time.time() if now is None else now
        with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(self.keys.template_version())
                    version = int(pipe.get(self.keys.template_version()) or 0) + 1
                    pipe.multi()
                    pipe.set(self.keys.template_version(), version)
                    if text is None:
                        pipe.hdel(self.keys.template_live(), name)
                    else:
                        pipe.hset(self.keys.template_live(), name, json.dumps(
                            {"source": text, "version": version, "by": by, "at": now},
                            ensure_ascii=False))
                    entry = Version(version, action, text, by, now, note)
                    history = self.keys.template_history(name)
                    pipe.lpush(history, json.dumps(entry.__dict__, ensure_ascii=False))
                    pipe.ltrim(history, 0, HISTORY_KEEP - 1)
                    pipe.execute()
                    break
                except redis.WatchError:
                    continue  # another save got in first: number ours after it
        self.refresh(force=True)
        return entry

    def history(self, name: str) -> list[Version]:
        """Saved versions of one template, newest first."""
        raw = self.redis.lrange(self.keys.template_history(name), 0, -1)
        return [Version(**json.loads(r)) for r in raw]

    def version_of(self, name: str, version: int) -> Version | None:
        """One entry of a template's history."""
        return next((v for v in self.history(name) if v.version == version), None)


def _source(name: str, raw: str) -> Source:
    data: dict[str, Any] = json.loads(raw)
    return Source(name, data["source"], int(data["version"]), data.get("by", ""),
                  float(data.get("at", 0)))


class Pinned:
    """An overlay for checking a draft: one template's text pinned in front of `base`."""

    def __init__(self, base: Overrides | Pinned | None, name: str, text: str) -> None:
        self.base = base
        self.pinned = Source(name, text, version=-1, by="", at=0.0)
        self.name = name

    def get(self, name: str, fresh: bool = False) -> Source | None:
        """The draft for its name; the base layer for the others."""
        if name == self.name:
            return self.pinned
        return self.base.get(name, fresh) if self.base is not None else None

    def names(self) -> list[str]:
        """Names with a layered version."""
        return sorted({self.name, *(self.base.names() if self.base is not None else ())})

    def signature(self) -> str:
        """The base's signature plus the draft (a draft is not live)."""
        base = self.base.signature() if self.base is not None else ""
        return f"{base}+draft:{hash(self.pinned.text)}"
