"""/console/notices: list and search, import from 기업마당 with progress, add, edit, hide."""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for

from ....core.clock import today_of
from ....notices import bizinfo
from ....notices.store import CATEGORIES, NoticeError, from_fields
from .. import access
from ..auth import actor, area, audit
from ..blueprint import bp
from ..messages import explain, say

log = logging.getLogger(__name__)
AREA = "notices"
FIELDS = ("title", "ministry", "agency", "category", "subcategory", "target", "regions",
          "hashtags", "period", "summary", "how", "contact", "url", "apply_url")
IMPORT_TTL = 24 * 3600


def _store() -> Any:
    store = access.notice_store()
    if store is None:
        abort(404)
    return store


def _today() -> Any:
    return today_of(access.services().clock())


@bp.get("/notices")
@area(AREA)
def notices_index() -> str:
    """Every notice with its state; search by words in the title or the agencies."""
    store = _store()
    today = _today()
    query = (request.args.get("q") or "").strip()
    show = request.args.get("show") or "all"
    rows = []
    for notice in store.all():
        status = "hidden" if notice.hidden else notice.status(today)
        text = " ".join((notice.title, notice.ministry, notice.agency, notice.category, notice.id))
        if query and not all(word in text for word in query.split()):
            continue
        if show == "open" and status in ("hidden", "closed"):
            continue
        rows.append((notice, status))
    progress = _import_state()
    return render_template("console/notices.html", rows=rows, query=query, show=show,
                           progress=progress,
                           can_import=bool(access.services().features.notices.bizinfo_key))


def _fields_from_form() -> dict[str, Any]:
    values: dict[str, Any] = {k: (request.form.get(k) or "").strip() for k in FIELDS}
    for key in ("regions", "hashtags"):
        values[key] = [v.strip() for v in values[key].replace("，", ",").split(",") if v.strip()]
    return values


@bp.get("/notices/new")
@area(AREA)
def notices_new() -> str:
    """An empty notice form."""
    return render_template("console/notice_form.html", notice=None, values={},
                           categories=CATEGORIES)


@bp.post("/notices/new")
@area(AREA)
def notices_add() -> Any:
    """Add the centre's own notice (same rules as `flask notices add`)."""
    store = _store()
    values = _fields_from_form()
    values["id"] = f"CENTER_{_today():%Y%m%d}_{secrets.token_hex(3)}"
    try:
        notice = from_fields(values, source="manual", today=_today())
    except NoticeError as exc:
        say("notices.not_added", "error", reason=explain(exc))
        return render_template("console/notice_form.html", notice=None, values=values,
                               categories=CATEGORIES), 422
    store.put(notice)
    audit("notice.add", notice.id, None, notice.to_fields())
    say("notices.added", "ok", id=notice.id)
    return redirect(url_for("console.notices_edit", notice_id=notice.id))


@bp.get("/notices/<notice_id>")
@area(AREA)
def notices_edit(notice_id: str) -> str:
    """The notice form, filled in."""
    notice = _store().get(notice_id) or abort(404)
    values = notice.to_fields()
    values["regions"] = ", ".join(values["regions"])
    values["hashtags"] = ", ".join(values["hashtags"])
    return render_template("console/notice_form.html", notice=notice, values=values,
                           categories=CATEGORIES, status=notice.status(_today()))


@bp.post("/notices/<notice_id>")
@area(AREA)
def notices_save(notice_id: str) -> Any:
    """Change a notice (same rules as `flask notices edit`)."""
    store = _store()
    old = store.get(notice_id) or abort(404)
    fields = {**old.to_fields(), **_fields_from_form(), "id": old.id}
    try:
        notice = from_fields(fields, source=old.source, today=_today())
    except NoticeError as exc:
        say("notices.not_saved", "error", reason=explain(exc))
        return redirect(url_for("console.notices_edit", notice_id=notice_id))
    store.put(notice, old)
    audit("notice.edit", notice.id, old.to_fields(), notice.to_fields())
    say("notices.saved", "ok")
    return redirect(url_for("console.notices_edit", notice_id=notice_id))


@bp.post("/notices/<notice_id>/hide")
@area(AREA)
def notices_hide(notice_id: str) -> Any:
    """Hide a notice from merchants, or show it again (kept across imports)."""
    hidden = request.form.get("hidden") != "0"
    if _store().set_hidden(notice_id, hidden) is None:
        abort(404)
    audit("notice.hide" if hidden else "notice.show", notice_id, not hidden, hidden)
    if hidden:
        say("notices.hidden", "ok")
    else:
        say("notices.shown", "ok")
    return redirect(request.form.get("back") or url_for("console.notices_index"))


# -- import from 기업마당 -----------------------------------------------------------------
def _import_state() -> dict[str, Any] | None:
    svc = access.services()
    raw = svc.redis.hgetall(svc.keys.console_import())
    if not raw:
        return None
    state: dict[str, Any] = dict(raw)
    for key in ("done", "expected"):
        state[key] = int(state.get(key) or 0)
    state["result"] = json.loads(state["result"]) if state.get("result") else None
    state["fraction"] = min(1.0, state["done"] / state["expected"]) if state["expected"] else 0.0
    return state


@bp.post("/notices/import")
@area(AREA)
def notices_import() -> Any:
    """Start an import in the background (one at a time); the page follows its progress."""
    svc = access.services()
    if not svc.features.notices.bizinfo_key:
        say("notices.no_api_key", "error")
        return redirect(url_for("console.notices_index"))
    state_key = svc.keys.console_import()
    if not svc.redis.hsetnx(state_key, "state", "running"):
        if svc.redis.hget(state_key, "state") == "running":
            say("notices.importing", "info")
            return redirect(url_for("console.notices_index"))
        svc.redis.delete(state_key)
        svc.redis.hset(state_key, "state", "running")
    try:
        category = bizinfo.category_code(request.form.get("category") or None)
    except NoticeError as exc:
        svc.redis.delete(state_key)
        say("notices.not_imported", "error", reason=explain(exc))
        return redirect(url_for("console.notices_index"))
    try:
        pages = int(request.form["pages"]) if request.form.get("pages") else None
    except ValueError:
        svc.redis.delete(state_key)
        say("notices.bad_pages", "error")
        return redirect(url_for("console.notices_index"))

    importer = bizinfo.Importer.of(svc.features.notices, svc.notices)
    who = actor()
    svc.redis.hset(state_key, mapping={"by": who, "started": time.time(), "done": 0,
                                       "expected": pages or importer.max_pages})
    svc.redis.expire(state_key, IMPORT_TTL)
    audit("notice.import", category or "전체", None, {"pages": pages})
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    threading.Thread(target=_run_import, args=(app, importer, category, pages, state_key),
                     daemon=True, name="console-import").start()
    if request.headers.get("HX-Request"):
        return render_template("console/_import.html", progress=_import_state())
    return redirect(url_for("console.notices_index"))


def _run_import(app: Any, importer: Any, category: str | None, pages: int | None,
                state_key: str) -> None:
    """The import itself, off the request thread; its progress goes to Redis."""
    svc = app.extensions["bot"].services

    def progress(done: int, expected: int) -> None:
        svc.redis.hset(state_key, mapping={"done": done, "expected": expected})

    try:
        result = importer.run(category, pages, progress)
        summary = {k: getattr(result, k) for k in ("pages", "new", "updated", "unchanged",
                                                   "skipped", "errors")}
        summary["problems"] = [explain(cause) for cause in result.causes[:10]]
        svc.redis.hset(state_key, mapping={"state": "done", "finished": time.time(),
                                           "result": json.dumps(summary, ensure_ascii=False)})
    except Exception as exc:  # the page must learn the import ended
        log.exception("console notice import failed")
        svc.redis.hset(state_key, mapping={"state": "failed", "error": explain(exc)[:300]})


@bp.get("/notices/import")
@area(AREA)
def notices_import_progress() -> str:
    """The import's progress bar (polled by the page while it runs)."""
    return render_template("console/_import.html", progress=_import_state())
