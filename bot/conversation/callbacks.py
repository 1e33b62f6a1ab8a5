"""Kakao callbacks (AI 챗봇 콜백): answer "확인하고 있어요" now, POST the real answer later.

When a block has the Callback option on, Kakao sends a one-time `userRequest.callbackUrl`,
valid for one minute. A skill whose answer depends on a slow service returns its best quick
reply marked `Reply.deferring(job)` (the wallet does when the service timed out). If the
request carries an allowed callback URL and the job can be scheduled, the pipeline answers
`{"version": "2.0", "useCallback": true, "data": {"text": …}}` (common/callback_wait)
instead, and the job — with far more patience than a skill turn — computes the answer,
renders it and POSTs it to the callback URL once, within the minute, with a total deadline.
Otherwise the quick reply is the answer, exactly as without callbacks.

Where jobs run: with an RQ Redis (RQ_REDIS_URL, else REDIS_URL outside cluster mode) on the
RQ queue `CALLBACK_QUEUE` (`danggol-callbacks`, its own worker line in the Procfile so a long
broadcast never delays it); otherwise (embedded mode, a cluster without RQ_REDIS_URL) on a
small in-process executor with a bounded queue (a full queue means no callback: the quick
reply is given). `CALLBACK_MODE=inline|rq` overrides the choice.

Only URLs on the allow-list are ever POSTed to (a forged callbackUrl must not make the bot
send data elsewhere): by default https on kakao.com and its subdomains
(`callback_url_is_trusted`); `KAKAO_CALLBACK_HOSTS` may add exact origins such as
`http://127.0.0.1:8081` (tests, a local gateway).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import redis

from bot.core.keys import user_hash
from bot.core.redisconn import rq_url
from bot.kakao import SkillRequest, callback_url_is_trusted, parse_payload
from bot.services import Services

from .reply import Reply

if TYPE_CHECKING:
    import requests

    from bot.answers.render import Renderer

    from .pipeline import Result

log = logging.getLogger(__name__)

WAIT_TEMPLATE = "common/callback_wait"
KAKAO = "kakao.com"  # the default allow-list entry: callback_url_is_trusted's rule
WINDOW = 55.0  # seconds after the request by which the POST must be done (Kakao: 60, once)
# The job by its dotted name: RQ stores the name, and the job module builds the whole app.
RUN_JOB = "bot.conversation.callback_jobs.run_job"

# name -> fn(request, services, seconds it may take) -> Reply
JOBS: dict[str, Callable[[SkillRequest, Any, float], Reply]] = {}


def job(name: str) -> Callable[[Callable[[SkillRequest, Any, float], Reply]],
                               Callable[[SkillRequest, Any, float], Reply]]:
    """Register a callback job: `fn(req, services, patience_seconds) -> Reply`."""
    def register(fn: Callable[[SkillRequest, Any, float], Reply]
                 ) -> Callable[[SkillRequest, Any, float], Reply]:
        JOBS[name] = fn
        return fn
    return register


def allowed_origins(hosts: str) -> tuple[str, ...]:
    """KAKAO_CALLBACK_HOSTS as a tuple (default: kakao.com only)."""
    return tuple(entry.strip().rstrip("/").lower() for entry in (hosts or KAKAO).split(",")
                 if entry.strip())


def url_allowed(url: Any, origins: tuple[str, ...]) -> bool:
    """Whether a callback URL may be POSTed to: Kakao's rule, or an exact allowed origin."""
    if not isinstance(url, str):
        return False
    if KAKAO in origins and callback_url_is_trusted(url):
        return True
    try:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.hostname}:{parts.port or _default_port(parts.scheme)}"
    except ValueError:
        return False
    if "@" in parts.netloc or any(c.isspace() or c == "\\" for c in url):
        return False
    wanted = {_normal_origin(o) for o in origins if "://" in o}
    return origin.lower() in wanted


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _normal_origin(origin: str) -> str:
    try:
        parts = urlsplit(origin)
        return f"{parts.scheme}://{parts.hostname}:{parts.port or _default_port(parts.scheme)}"
    except ValueError:
        return ""


class Callbacks:
    """Schedules deferred answers and runs them (in this process or in an RQ worker)."""

    def __init__(self, services: Services, renderer: Renderer) -> None:
        self.services = services
        self.renderer = renderer
        settings = services.features.callbacks
        self.settings = settings
        self.origins = allowed_origins(settings.hosts)
        self.mode = settings.mode or ("rq" if rq_url(services.config) else "inline")
        self.post_timeout = settings.post_timeout
        self.min_delay = settings.min_delay
        self._limit = threading.BoundedSemaphore(settings.queue_limit)
        self._executor: ThreadPoolExecutor | None = None
        self._workers = settings.workers
        self._queue: Any = None

    # -- in the request ----------------------------------------------------------------
    def hand_off(self, req: SkillRequest, result: Result) -> Result:
        """Answer the waiting message and schedule the deferred job, or keep the quick reply."""
        from .pipeline import Result

        deferred = result.reply.deferred
        if deferred is None or deferred.job not in JOBS:
            return result
        if not req.callback_url:
            return result
        if not url_allowed(req.callback_url, self.origins):
            log.warning("callbackUrl not on the allow-list: answering without a callback",
                        extra={"host": _host(req.callback_url)})
            return result
        if not self._schedule(deferred.job, req.raw, req.callback_url, time.time()):
            return result
        return Result(Reply.of(WAIT_TEMPLATE, use_callback=True), "callback")

    def _schedule(self, name: str, raw: dict[str, Any], url: str, received: float) -> bool:
        try:
            if self.mode == "rq":
                self._rq_queue().enqueue(RUN_JOB, name, raw, url, received,
                                         job_timeout=int(WINDOW + 10), ttl=int(WINDOW),
                                         failure_ttl=3600)
                return True
            if not self._limit.acquire(blocking=False):
                log.warning("callback queue full: answering without a callback")
                return False
            try:
                self._pool().submit(self._run_inline, name, raw, url, received)
            except RuntimeError:  # shut down
                self._limit.release()
                return False
            return True
        except (redis.RedisError, OSError) as exc:
            log.error("could not queue a callback job: %s", type(exc).__name__)
            return False

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self._workers,
                                                thread_name_prefix="callback")
        return self._executor

    def _rq_queue(self) -> Any:
        if self._queue is None:
            from redis import Redis
            from rq import Queue

            # RQ pickles jobs: its own connection without decode_responses, and the same
            # short socket timeout as ours so a frozen Redis cannot hold the request.
            timeout = float(self.services.config.get("REDIS_SOCKET_TIMEOUT") or 0.3)
            connection = Redis.from_url(rq_url(self.services.config) or "",
                                        socket_timeout=timeout, socket_connect_timeout=timeout)
            self._queue = Queue(self.settings.queue,
                                connection=connection)
        return self._queue

    def _run_inline(self, name: str, raw: dict[str, Any], url: str, received: float) -> None:
        try:
            self.execute(name, raw, url, received)
        finally:
            self._limit.release()

    def close(self) -> None:
        """Stop the in-process executor (tests build many apps)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    # -- in the job ----------------------------------------------------------------------
    def execute(self, name: str, raw: dict[str, Any], url: str, received: float) -> str:
        """Compute the deferred answer and POST it once; returns what happened (for logs)."""
        window_end = received + WINDOW
        if not url_allowed(url, self.origins):  # checked again: RQ jobs are data
            log.error("callback job refused a URL off the allow-list", extra={"host": _host(url)})
            return "refused"
        if time.time() >= window_end - self.post_timeout:
            log.warning("callback job started too late for Kakao's one-minute window")
            return "expired"
        if not self._claim(url):
            return "duplicate"
        req = parse_payload(raw)
        patience = max(window_end - self.post_timeout - time.time(), 0.1)
        try:
            reply = JOBS[name](req, self.services, patience)
        except Exception:
            log.exception("callback job %s failed", name)
            reply = Reply.of("common/error")
        body = self.renderer.to_kakao(Reply(reply.parts, reply.context_values, reply.data))
        wait = received + self.min_delay - time.time()
        if wait > 0:
            time.sleep(wait)
        return self._post(url, body, min(time.time() + self.post_timeout, window_end),
                          user_hash(req.user_id))

    def _claim(self, url: str) -> bool:
        """Once per callback URL, even if a job is run twice (a retried RQ job)."""
        key = self.services.keys.callback_sent(
            hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:32])
        try:
            return bool(self.services.redis.set(key, "1", nx=True, ex=int(WINDOW * 2)))
        except redis.RedisError:
            # Without Redis nothing else can have claimed it in this process; an RQ job
            # runs once unless retried, which we never ask for.
            return True

    def _post(self, url: str, body: dict[str, Any], wall_deadline: float, user: str) -> str:
        """POST the answer once; Kakao answers {taskId, status, message}."""
        import requests  # with the deadline module: loaded by the first callback

        from bot.core.http_deadline import call, deadline_in

        deadline = deadline_in(max(wall_deadline - time.time(), 0.0))
        try:
            response = call(None, "POST", url, json=body, deadline=deadline,
                            timeout=(min(2.0, self.post_timeout), self.post_timeout),
                            allow_redirects=False)
        except requests.RequestException as exc:
            log.error("callback POST failed: %s", type(exc).__name__,
                      extra={"host": _host(url), "user": user})
            return "failed"
        status = _kakao_status(response)
        if response.status_code != 200 or status not in ("SUCCESS", ""):
            log.error("callback POST refused: HTTP %s %s", response.status_code, status,
                      extra={"host": _host(url), "user": user})
            return "refused_by_kakao"
        log.info("callback delivered", extra={"host": _host(url), "user": user})
        return "delivered"


def _kakao_status(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("status") or "") if isinstance(body, dict) else ""


def _host(url: Any) -> str:
    """Only the host goes to the logs: the path holds the one-time token."""
    try:
        return urlsplit(str(url)).hostname or "?"
    except ValueError:
        return "?"


def init_app(services: Services, renderer: Renderer) -> Callbacks:
    """Install the callback scheduler as services.callbacks."""
    callbacks = Callbacks(services, renderer)
    services.callbacks = callbacks
    return callbacks
