"""The 기업마당 (bizinfo.go.kr) 지원사업정보 API: fetch pages, read every known shape, import.

The feed is inconsistent (program-facts §3.1): `jsonArray` is an object or an array,
items sit directly in it or under `item` (sometimes a single object), tags are
`hashtags` or `hashTags`, `totCnt` is a number or a string, URLs may be relative,
사업개요 is HTML. Errors come back as `{"reqErr": "…"}` with HTTP 200. Everything
here is defensive: a bad item is skipped and counted, never fatal.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

from bot.core.errors import CodedError
from bot.core.http_deadline import call, deadline_in
from bot.core.settings import NoticeSettings

from .store import (
    CATEGORY_CODES,
    Notice,
    NoticeError,
    NoticeStore,
    check_id,
    normalise_category,
    normalise_regions,
    parse_period,
    split_values,
    strip_html,
    targets_of,
    web_url,
)

log = logging.getLogger(__name__)

DEFAULT_URL = "https://www.bizinfo.go.kr/uss/rss/bizinfoApi.do"
SITE = "https://www.bizinfo.go.kr"
DETAIL_PATH = "/web/lay1/bbs/S1T122C128/AS/74/view.do?pblancId="
CONNECT_TIMEOUT = 5.0


class BizinfoError(CodedError):
    """The API refused (reqErr), failed, or answered something that is not the feed."""


@dataclass(frozen=True)
class Page:
    """One page of the feed: raw items and the total the feed reports (if any)."""

    items: list[Any]
    total: int | None


@dataclass
class ImportResult:
    """What an import did, for the staff summary."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: int = 0
    pages: int = 0
    problems: list[str] = field(default_factory=list)
    causes: list[Exception] = field(default_factory=list)  # the errors behind `problems`


# -- reading the envelope -------------------------------------------------------------------
def _to_int(value: Any) -> int | None:
    try:
        return int(str(value).strip().replace(",", ""))
    except (TypeError, ValueError):
        return None


def _items_of(node: Any) -> Iterator[Any]:
    """Items in a jsonArray node: a list of items, a {title, item} wrapper, or one item."""
    if isinstance(node, list):
        for element in node:
            if isinstance(element, dict) and "item" in element and "pblancId" not in element:
                yield from _items_of(element["item"])
            else:
                yield element
    elif isinstance(node, dict):
        if "item" in node and "pblancId" not in node:
            yield from _items_of(node["item"])
        elif node:
            yield node


def extract(payload: Any) -> Page:
    """Items and total from a decoded response; raises BizinfoError on reqErr or junk."""
    if not isinstance(payload, dict):
        raise BizinfoError(f"unexpected response type {type(payload).__name__}",
                           code="bizinfo.not_feed")
    if payload.get("reqErr"):
        raise BizinfoError(f"reqErr: {payload['reqErr']}", code="bizinfo.refused",
                           reason=payload["reqErr"])
    if "jsonArray" not in payload:
        raise BizinfoError(f"no jsonArray in response (keys: {sorted(payload)[:5]})",
                           code="bizinfo.not_feed")
    items = list(_items_of(payload["jsonArray"]))
    total = next((_to_int(i.get("totCnt")) for i in items
                  if isinstance(i, dict) and _to_int(i.get("totCnt")) is not None), None)
    return Page(items, total)


def category_code(value: str | None) -> str | None:
    """'금융' or '01' → '01'; None for no filter; ValueError for anything else."""
    if not value:
        return None
    if value in CATEGORY_CODES:
        return value
    for code, name in CATEGORY_CODES.items():
        if name == value:
            return code
    raise NoticeError(f"unknown category {value!r}", code="notice.unknown_category",
                      category=value)


# -- one item -------------------------------------------------------------------------------
def parse_item(raw: Any, source: str = "bizinfo") -> Notice:
    """A Notice from one feed item; NoticeError when it has no usable id or title."""
    if not isinstance(raw, dict):
        raise NoticeError(f"item is a {type(raw).__name__}, not an object",
                          code="notice.not_an_item")
    notice_id = check_id(raw.get("pblancId") or raw.get("seq"))
    title = strip_html(raw.get("pblancNm") or raw.get("title"))
    if not title:
        raise NoticeError(f"{notice_id}: no title", code="notice.item_without_title",
                          id=notice_id)
    tags = split_values(raw.get("hashtags") or raw.get("hashTags"))
    period = str(raw.get("reqstBeginEndDe") or raw.get("reqstDt") or "").strip()
    kind, start, end = parse_period(period)
    target = strip_html(raw.get("trgetNm") or raw.get("entrprsStle"))
    agency = strip_html(raw.get("excInsttNm"))
    url = web_url(raw.get("pblancUrl") or raw.get("link"), SITE) or SITE + DETAIL_PATH + notice_id
    return Notice(
        id=notice_id, title=title, url=url, ministry=strip_html(raw.get("jrsdInsttNm")),
        agency=agency, summary=strip_html(raw.get("bsnsSumryCn")), target=target,
        period_text=period, period_kind=kind, start=start, end=end,
        how=strip_html(raw.get("reqstMthPapersCn")),
        contact=strip_html(raw.get("refrncNm") or raw.get("rceptInsttTelno")),
        apply_url=web_url(raw.get("rceptEngnHmpgUrl"), SITE),
        category=normalise_category(raw.get("pldirSportRealmLclasCodeNm")
                                    or raw.get("lcategory"), tags),
        subcategory=", ".join(split_values(raw.get("pldirSportRealmMlsfcCodeNm"))),
        hashtags=tuple(tags), regions=normalise_regions(tags + split_values(raw.get("areaNm"))),
        targets=targets_of(target, *tags, title, agency),
        created=str(raw.get("creatPnttm") or raw.get("pubDate") or ""),
        updated=str(raw.get("updtPnttm") or ""), source=source,
    )


# -- the HTTP client ------------------------------------------------------------------------
class BizinfoClient:
    """Fetches feed pages with explicit timeouts; every failure is a BizinfoError."""

    def __init__(self, key: str, url: str = DEFAULT_URL, read_timeout: float = 20.0,
                 session: requests.Session | None = None) -> None:
        self.key = key
        self.url = url or DEFAULT_URL
        self.timeout = (min(CONNECT_TIMEOUT, read_timeout), read_timeout)
        self.http = session or requests.Session()

    def page(self, index: int, size: int, category: str | None = None) -> Page:
        """Fetch page `index` (1-based) of `size` items, optionally of one 분야 code."""
        params: dict[str, Any] = {"crtfcKey": self.key, "dataType": "json", "pageIndex": index,
                                  "pageUnit": size, "searchCnt": size}
        if category:
            params["searchLclasId"] = category
        try:
            # connect + read bounds the whole page too (a feed dripping its body is cut off).
            response = call(self.http, "GET", self.url, params=params, timeout=self.timeout,
                            deadline=deadline_in(sum(self.timeout)))
        except requests.Timeout:
            raise BizinfoError(f"page {index}: timed out", code="bizinfo.timeout",
                               page=index) from None
        except requests.RequestException as exc:
            raise BizinfoError(f"page {index}: {type(exc).__name__}", code="bizinfo.unreachable",
                               page=index) from None
        if response.status_code != 200:
            raise BizinfoError(f"page {index}: HTTP {response.status_code}",
                               code="bizinfo.http_status", page=index,
                               status=response.status_code)
        try:
            payload = response.json()
        except ValueError:
            raise BizinfoError(f"page {index}: not JSON", code="bizinfo.not_json",
                               page=index) from None
        return extract(payload)


# -- the importer ---------------------------------------------------------------------------
class Importer:
    """Pages through the feed into the store: de-duplicated on pblancId, updates in place."""

    def __init__(self, client: BizinfoClient, store: NoticeStore, page_size: int = 100,
                 pause: float = 1.5, max_pages: int = 30,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.store = store
        self.page_size = page_size
        self.pause = pause
        self.max_pages = max_pages
        self.sleep = sleep

    @classmethod
    def of(cls, settings: NoticeSettings, store: NoticeStore) -> Importer:
        """The importer the BIZINFO_* settings describe (the key must be set)."""
        client = BizinfoClient(settings.bizinfo_key or "", settings.bizinfo_url or DEFAULT_URL,
                               read_timeout=settings.bizinfo_timeout)
        return cls(client, store, page_size=settings.bizinfo_page_size,
                   pause=settings.bizinfo_pause, max_pages=settings.bizinfo_max_pages)

    def run(self, category: str | None = None, pages: int | None = None,
            progress: Callable[[int, int], None] | None = None) -> ImportResult:
        """Import up to `pages` pages; `progress(done, expected)` is called after each page."""
        result = ImportResult()
        limit = min(pages or self.max_pages, self.max_pages)
        expected = limit
        seen: set[str] = set()
        index = 1
        while index <= limit:
            if index > 1 and self.pause > 0:
                self.sleep(self.pause)  # the feed errors on bursts (program-facts §3.1)
            try:
                page = self.client.page(index, self.page_size, category)
            except BizinfoError as exc:
                result.errors += 1
                result.problems.append(str(exc))
                result.causes.append(exc)
                log.error("bizinfo import stopped: %s", exc)
                break
            result.pages += 1
            self._store_items(page.items, seen, result)
            if page.total is not None:
                expected = min(limit, max(1, -(-page.total // self.page_size)))
            if progress:
                progress(index, expected)
            if not page.items or index >= expected:
                break
            index += 1
        return result

    def _store_items(self, items: list[Any], seen: set[str], result: ImportResult) -> None:
        for raw in items:
            try:
                notice = parse_item(raw)
            except NoticeError as exc:
                result.skipped += 1
                result.problems.append(f"skipped: {exc}")
                result.causes.append(exc)
                continue
            if notice.id in seen:  # the feed repeats items across pages
                result.unchanged += 1
                continue
            seen.add(notice.id)
            outcome = self.store.upsert(notice)
            setattr(result, outcome, getattr(result, outcome) + 1)
