"""Support notices (지원사업 공고): the model, text clean-up, the Redis store and its indexes.

Notices come from the 기업마당 (bizinfo) importer, from staff (`flask notices add`) and
from the shipped samples. The store keeps one JSON per notice plus index sets for
분야, 지역, 지원대상 and search tokens, and a sorted set by deadline that doubles as the
"open now" index (a notice is open while its deadline score is today or later).
The broadcast feature reads notices with `NoticeStore.get` and renders them through
`notice_context`, the same values the detail answer uses.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import redis
import yaml

from bot.conversation import korean
from bot.core.clock import today_kst
from bot.core.errors import CodedError
from bot.core.keys import Keys

# -- vocabulary (matching keywords, not wording) ------------------------------------------
CATEGORIES = ("금융", "기술", "인력", "수출", "내수", "창업", "경영", "기타")
OTHER_CATEGORY = "기타"
CATEGORY_CODES = {"01": "금융", "02": "기술", "03": "인력", "04": "수출", "05": "내수",
                  "06": "창업", "07": "경영", "09": "기타"}
# Extra search words a notice of a 분야 answers to (a merchant says 대출, the feed says 금융).
CATEGORY_SYNONYMS = {"금융": ("대출", "융자", "자금", "보증"), "기술": ("디지털", "스마트"),
                     "인력": ("고용", "채용"), "수출": ("해외",), "내수": ("판로", "판매"),
                     "창업": ("재창업",), "경영": ("컨설팅",), "기타": ()}
NATIONWIDE = "전국"
REGIONS = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원",
           "충북", "충남", "전북", "전남", "경북", "경남", "제주")
# Long forms first so 충청북도 is read as 충북, not as nothing.
REGION_ALIASES = (
    ("서울특별시", "서울"), ("서울시", "서울"), ("부산광역시", "부산"), ("부산시", "부산"),
    ("대구광역시", "대구"), ("대구시", "대구"), ("인천광역시", "인천"), ("인천시", "인천"),
    ("광주광역시", "광주"), ("대전광역시", "대전"), ("대전시", "대전"),
    ("울산광역시", "울산"), ("울산시", "울산"), ("세종특별자치시", "세종"), ("세종시", "세종"),
    ("경기도", "경기"), ("강원특별자치도", "강원"), ("강원도", "강원"), ("충청북도", "충북"),
    ("충청남도", "충남"), ("전북특별자치도", "전북"), ("전라북도", "전북"), ("전라남도", "전남"),
    ("경상북도", "경북"), ("경상남도", "경남"), ("제주특별자치도", "제주"), ("제주도", "제주"),
)
SMALL_MERCHANT = "소상공인"
# Words that mark a notice as meant for small merchants (target, tags, title or agency).
SMALL_MERCHANT_WORDS = ("소상공인", "자영업", "전통시장", "골목상권", "소공인", "상점가")
# 신청기간 free text: open all year / until the budget runs out (else: 추후 공지, 사업별 상이 …).
ALWAYS_WORDS = ("상시", "연중", "수시", "예산소진", "소진시")

PERIOD_DATED, PERIOD_ALWAYS, PERIOD_TBD = "dated", "always", "tbd"
ALWAYS_SCORE = 99990000  # 상시 sorts after every dated notice …
TBD_SCORE = 99991231  # … and 추후 공지 after 상시
SEARCH_SUMMARY_CHARS = 600  # the start of 사업개요 carries its topic; the rest is boilerplate

SOURCES = ("bizinfo", "manual", "sample")
DETAIL_LIMITS = {"title": 48, "what": 450, "how": 200, "contact": 150, "agency": 30}

_DATE = re.compile(r"(\d{4})[.\-/]\s*(\d{1,2})[.\-/]\s*(\d{1,2})"  # 2026-08-07, 2026.8.7
                   r"|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")  # 20260807
_ESCAPED_TAG = re.compile(r"&lt;\s*/?\s*[a-zA-Z]")
_BREAK_TAG = re.compile(r"<\s*(br|/p|/div|/tr|/h\d|/ul|/ol|p|div)\b[^>]*>", re.I)
_ITEM_TAG = re.compile(r"<\s*li\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_SENTENCE_END = re.compile(r"[.?!\u3002\u2026](?=\s|$)|\n")
_PHONE = re.compile(r"(?<!\d)(0\d{1,2}-\d{3,4}-\d{4}|1[3-9]\d{2}-\d{4}|13\d{2})(?![\d-])")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{2,60}$")


class NoticeError(CodedError, ValueError):
    """A notice record cannot be used (no id, no title, bad id)."""


@dataclass(frozen=True)
class Notice:
    """One support notice, normalised from whichever source it came from."""

    id: str
    title: str
    url: str = ""
    ministry: str = ""  # 소관기관 (jrsdInsttNm)
    agency: str = ""  # 수행기관 (excInsttNm)
    summary: str = ""  # 사업개요 as plain text (HTML stripped)
    target: str = ""  # 지원대상 as given
    period_text: str = ""  # 신청기간 as given
    period_kind: str = PERIOD_TBD  # dated | always | tbd
    start: str | None = None  # ISO date
    end: str | None = None  # ISO date (the deadline)
    how: str = ""  # 신청방법
    contact: str = ""  # 문의처
    apply_url: str = ""  # 접수 홈페이지
    category: str = OTHER_CATEGORY
    subcategory: str = ""
    hashtags: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # empty: nationwide
    targets: tuple[str, ...] = ()  # 소상공인 first when the notice is meant for them
    created: str = ""
    updated: str = ""
    source: str = "bizinfo"
    hidden: bool = False
    tokens: tuple[str, ...] = field(default=(), compare=False)  # search index terms

    # -- derived ---------------------------------------------------------------------------
    @property
    def for_small_merchants(self) -> bool:
        """Whether the notice is meant for 소상공인 (they are shown first)."""
        return SMALL_MERCHANT in self.targets

    @property
    def score(self) -> int:
        """Deadline score: YYYYMMDD of the last day, or a large number for 상시/미정."""
        if self.end:
            return int(self.end.replace("-", ""))
        return ALWAYS_SCORE if self.period_kind == PERIOD_ALWAYS else TBD_SCORE

    def status(self, today: date) -> str:
        """open | upcoming | closed | always | tbd, as of `today` (KST)."""
        if self.end and date.fromisoformat(self.end) < today:
            return "closed"
        if self.start and date.fromisoformat(self.start) > today:
            return "upcoming"
        if self.end or self.period_kind == PERIOD_DATED:
            return "open"
        return self.period_kind

    def fingerprint(self) -> str:
        """A hash of the content (not of staff flags or index terms), to spot real updates."""
        data = asdict(self)
        for key in ("hidden", "tokens"):
            data.pop(key)
        raw = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()

    # -- (de)serialisation -----------------------------------------------------------------
    def to_json(self) -> str:
        """Serialise for Redis."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Notice:
        """Load a stored notice (unknown keys from newer versions are ignored)."""
        obj = json.loads(raw)
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in obj.items() if k in known}
        for key in ("hashtags", "regions", "targets", "tokens"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)

    def to_fields(self) -> dict[str, Any]:
        """The staff-editable fields, in the shape `from_fields` reads (YAML files)."""
        return {"id": self.id, "title": self.title, "url": self.url, "ministry": self.ministry,
                "agency": self.agency, "summary": self.summary, "target": self.target,
                "period": self.period_text, "how": self.how, "contact": self.contact,
                "apply_url": self.apply_url, "category": self.category,
                "subcategory": self.subcategory, "hashtags": list(self.hashtags),
                "regions": list(self.regions), "source": self.source, "hidden": self.hidden}


# -- text clean-up ---------------------------------------------------------------------------
def strip_html(text: Any) -> str:
    """Plain text from bizinfo HTML: tags dropped, entities decoded, blank lines collapsed."""
    value = "" if text is None else str(text)
    if _ESCAPED_TAG.search(value):  # the whole body was entity-escaped HTML
        value = html.unescape(value)
    value = _ITEM_TAG.sub("\n· ", value)
    value = _BREAK_TAG.sub("\n", value)
    value = _TAG.sub("", value)
    value = html.unescape(html.unescape(value))  # some feeds double-escape (&amp;#40;)
    value = value.replace("\xa0", " ").replace("\r", "\n")
    lines = [re.sub(r"[ \t\u3000]+", " ", line).strip() for line in value.split("\n")]
    return re.sub(r"\n{2,}", "\n", "\n".join(line for line in lines if line)).strip()


def clip(text: str, limit: int) -> str:
    """Shorten to at most `limit` characters, at a sentence end when one is near enough."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    window = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() >= limit // 3]
    if ends:
        return window[:ends[-1]].rstrip()
    space = window.rstrip().rfind(" ", 0, limit - 1)
    cut = space if space >= limit // 2 else limit - 1
    return window[:cut].rstrip() + "\u2026"


def phone_in(text: str) -> str:
    """The first phone number in a 문의처 text ('창업진흥원 042-720-4561' → '042-720-4561')."""
    match = _PHONE.search(text or "")
    return match.group(1) if match else ""


# -- field normalisation ---------------------------------------------------------------------
def _date(groups: tuple[str | None, ...]) -> date | None:
    year, month, day = (groups[0], groups[1], groups[2]) if groups[0] else groups[3:6]
    try:
        return date(int(year or 0), int(month or 0), int(day or 0))
    except ValueError:
        return None


def parse_period(text: Any) -> tuple[str, str | None, str | None]:
    """Read 신청기간: 'YYYYMMDD ~ YYYYMMDD', 'YYYY-MM-DD ~ …', or free text (상시, 추후 공지)."""
    value = "" if text is None else str(text).strip()
    found = [d for d in (_date(m.groups()) for m in _DATE.finditer(value)) if d]
    if len(found) >= 2:
        start, end = found[0], found[-1]
        if end < start:
            start, end = end, start
        return PERIOD_DATED, start.isoformat(), end.isoformat()
    if len(found) == 1:
        before, _, after = value.partition("~")
        if "~" in value and _DATE.search(before) and not after.strip():
            return PERIOD_ALWAYS, found[0].isoformat(), None  # 'from … ~' with no end
        return PERIOD_DATED, None, found[0].isoformat()
    compact = re.sub(r"\s+", "", value)
    if any(word in compact for word in ALWAYS_WORDS):
        return PERIOD_ALWAYS, None, None
    return PERIOD_TBD, None, None


def split_values(value: Any) -> list[str]:
    """Split '@'/','-joined feed values (or a list) into clean, unique strings."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[@,/·|]", str(value))
    seen: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in seen:
            seen.append(text)
    return seen


def normalise_category(value: Any, hashtags: Iterable[str] = ()) -> str:
    """One of CATEGORIES from the feed's 분야 (possibly '@'-joined, or a code) or the tags."""
    for item in split_values(value) + list(hashtags):
        item = CATEGORY_CODES.get(item, item)
        if item in CATEGORIES:
            return item
    return OTHER_CATEGORY


def region_of(text: str) -> str | None:
    """The 시·도 a text names ('경기도 공고' → '경기'), NATIONWIDE, or None."""
    compact = re.sub(r"\s+", "", text or "")
    for long, short in REGION_ALIASES:
        if long in compact:
            return short
    for region in REGIONS:
        if region in compact:
            return region
    return NATIONWIDE if NATIONWIDE in compact else None


def without_regions(text: str) -> str:
    """The text with 시·도 names taken out (so '서울특별시' does not become a search word)."""
    for long, _ in REGION_ALIASES:
        text = text.replace(long, " ")
    for region in (*REGIONS, NATIONWIDE):
        text = text.replace(region, " ")
    return text


def normalise_regions(values: Iterable[str]) -> tuple[str, ...]:
    """Canonical 시·도 names; any 전국 tag (or none at all) means nationwide: ()."""
    found: list[str] = []
    for value in values:
        region = region_of(value) if len(value) <= 10 else None
        if region == NATIONWIDE:
            return ()
        if region and region not in found:
            found.append(region)
    return tuple(found)


def is_small_merchant(*texts: str) -> bool:
    """Whether any of the texts names small merchants."""
    return any(word in (text or "") for text in texts for word in SMALL_MERCHANT_WORDS)


def targets_of(target: str, *signals: str) -> tuple[str, ...]:
    """지원대상 groups; 소상공인 first when the target or another signal names them."""
    groups = [g for g in split_values(target) if len(g) <= 20]
    if is_small_merchant(target, *signals) and SMALL_MERCHANT not in groups:
        groups.insert(0, SMALL_MERCHANT)
    elif SMALL_MERCHANT in groups:
        groups.remove(SMALL_MERCHANT)
        groups.insert(0, SMALL_MERCHANT)
    return tuple(groups)


def web_url(value: Any, base: str = "") -> str:
    """An http(s) URL or ''; relative paths are joined to `base`, bare hosts get https."""
    text = str(value or "").strip()
    if not text:
        return ""
    if text.startswith("//"):
        return "https:" + text
    if text.startswith("/"):
        return base.rstrip("/") + text if base else ""
    if not re.match(r"https?://", text, re.I):
        text = "https://" + text if re.match(r"[\w-]+(\.[\w-]+)+", text) else ""
    return text if " " not in text else ""


def check_id(notice_id: Any) -> str:
    """Validate a notice id (it becomes part of Redis keys and of a chat message)."""
    text = str(notice_id or "").strip()
    if not _ID.match(text):
        raise NoticeError(f"bad notice id {text!r}", code="notice.bad_id", id=text)
    return text


def from_fields(fields: Mapping[str, Any], *, source: str = "manual",
                today: date | None = None) -> Notice:
    """Build a notice from staff/sample fields (see data/sample_notices.yaml for the shape).

    `deadline_in_days` / `opened_days_ago` give dates relative to `today`, so sample
    notices stay open whenever they are loaded.
    """
    title = strip_html(fields.get("title"))
    if not title:
        raise NoticeError("a notice needs a title", code="notice.no_title")
    period = str(fields.get("period") or "")
    if fields.get("deadline_in_days") is not None:
        base = today or today_kst()
        end = base + timedelta(days=int(fields["deadline_in_days"]))
        begin = base - timedelta(days=int(fields.get("opened_days_ago") or 0))
        period = f"{begin.isoformat()} ~ {end.isoformat()}"
    kind, start, end_iso = parse_period(period)
    hashtags = tuple(split_values(fields.get("hashtags")))
    target = strip_html(fields.get("target"))
    agency = strip_html(fields.get("agency"))
    return Notice(
        id=check_id(fields.get("id")), title=title, url=web_url(fields.get("url")),
        ministry=strip_html(fields.get("ministry")), agency=agency,
        summary=strip_html(fields.get("summary")), target=target, period_text=period.strip(),
        period_kind=kind, start=start, end=end_iso, how=strip_html(fields.get("how")),
        contact=strip_html(fields.get("contact")), apply_url=web_url(fields.get("apply_url")),
        category=normalise_category(fields.get("category"), hashtags),
        subcategory=strip_html(fields.get("subcategory")), hashtags=hashtags,
        regions=normalise_regions(split_values(fields.get("regions")) + list(hashtags)),
        targets=targets_of(target, *hashtags, title, agency),
        created=str(fields.get("created") or ""), updated=str(fields.get("updated") or ""),
        source=source if source in SOURCES else "manual", hidden=bool(fields.get("hidden")),
    )


# -- search terms ----------------------------------------------------------------------------
_TOKEN_CACHE: dict[str, tuple[str, ...]] = {}
_TOKEN_CACHE_MAX = 5000


def index_tokens(notice: Notice) -> tuple[str, ...]:
    """Search terms of a notice: morphemes of its title, tags, 분야 and opening summary."""
    text = " ".join((notice.title, notice.category, notice.subcategory, " ".join(notice.hashtags),
                     notice.target, notice.summary[:SEARCH_SUMMARY_CHARS]))
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    cached = _TOKEN_CACHE.get(digest)
    if cached is None:
        if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
            _TOKEN_CACHE.clear()
        words = korean.tokens(text)
        cached = tuple(dict.fromkeys(words))
        _TOKEN_CACHE[digest] = cached
    extra = (notice.category, *CATEGORY_SYNONYMS.get(notice.category, ()))
    return tuple(dict.fromkeys(cached + extra))


# -- the template context ------------------------------------------------------------------
def notice_context(notice: Notice, today: date) -> dict[str, Any]:
    """Plain values for notices/* templates (and the broadcast's notice push)."""
    days = (date.fromisoformat(notice.end) - today).days if notice.end else None
    dday = "" if days is None or days < 0 else "D-DAY" if days == 0 else f"D-{days}"
    status = notice.status(today)
    return {
        "id": notice.id, "title": notice.title,
        "short_title": clip(notice.title, DETAIL_LIMITS["title"]),
        "url": notice.url, "apply_url": notice.apply_url,
        "agency": clip(notice.agency or notice.ministry, DETAIL_LIMITS["agency"]),
        "ministry": notice.ministry, "category": notice.category,
        "subcategory": notice.subcategory, "target": clip(notice.target, DETAIL_LIMITS["how"]),
        "regions": list(notice.regions), "what": clip(notice.summary, DETAIL_LIMITS["what"]),
        "what_cut": len(notice.summary) > DETAIL_LIMITS["what"],
        "how": clip(notice.how, DETAIL_LIMITS["how"]),
        "contact": clip(notice.contact, DETAIL_LIMITS["contact"]),
        "phone": phone_in(notice.contact), "period_text": clip(notice.period_text, 60),
        "start": notice.start, "end": notice.end, "days_left": days, "dday": dday,
        "status": status, "closed": status == "closed",
        "for_small": notice.for_small_merchants, "sample": notice.source == "sample",
    }


# -- the store ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    """What a merchant asked to see: filters, search words and the page."""

    category: str | None = None
    region: str | None = None  # None or NATIONWIDE: every region
    words: tuple[str, ...] = ()
    page: int = 1
    label: str = ""  # the search words as the merchant wrote them ('정책자금', not '정책 자금')


# How long a process answers listings from its own copy: every merchant's "공고 보여줘" asks
# the same few filters, and notices change a few times a day. A write through this store
# clears the copy at once; another process's write (an import job, a staff edit answered
# by another worker) shows within this many seconds, like an edited template.
LISTING_SECONDS = 2.0
LISTING_SIZE = 256  # cached filter combinations per process (search words come from users)


class NoticeStore:
    """Notices in Redis with their indexes; `get` and `query` are what the bot reads."""

    def __init__(self, client: redis.Redis, keys: Keys,
                 seed: Callable[[NoticeStore], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.redis = client
        self.keys = keys
        self._seed = seed  # run once, before the first read (sample notices: notices/service.py)
        self._seed_lock = threading.RLock()  # re-entrant: the seed reads the store too
        self._seeding = False
        self._clock = clock
        # Listings (query results) and the notices they showed, each with the time read.
        self._listings: dict[tuple[Any, ...], tuple[float, list[str]]] = {}
        self._shown: dict[str, tuple[float, Notice]] = {}

    def _fresh(self, entry: tuple[float, Any] | None) -> Any:
        if entry is not None and self._clock() - entry[0] < LISTING_SECONDS:
            return entry[1]
        return None

    def forget(self) -> None:
        """Drop this process's copy of listings and shown notices (after every write)."""
        self._listings.clear()
        self._shown.clear()

    def ready(self) -> None:
        """Run the seed once per process (other readers wait); later calls cost one check."""
        if self._seed is None:
            return
        with self._seed_lock:
            if self._seed is None or self._seeding:
                return
            self._seeding = True
            try:
                self._seed(self)
            finally:
                self._seed, self._seeding = None, False

    # -- reading -------------------------------------------------------------------------------
    def get(self, notice_id: str) -> Notice | None:
        """One notice with its fields (hidden ones too: callers check `hidden`)."""
        self.ready()
        try:
            key = self.keys.notice(check_id(notice_id))
        except NoticeError:
            return None
        raw = self.redis.get(key)
        return Notice.from_json(raw) if raw else None

    def many(self, ids: list[str]) -> list[Notice]:
        """Notices in the order of `ids` (missing ones skipped): a listing's page.

        Served from this process's copy when every one was read within LISTING_SECONDS,
        else one round trip.
        """
        self.ready()
        if not ids:
            return []
        known = [self._fresh(self._shown.get(i)) for i in ids]
        if all(n is not None for n in known):
            return known
        found = self._read(ids)
        now = self._clock()
        if len(self._shown) + len(found) > LISTING_SIZE:
            self._shown.clear()
        for notice in found:
            self._shown[notice.id] = (now, notice)
        return found

    def _read(self, ids: list[str]) -> list[Notice]:
        raws = self.redis.mget([self.keys.notice(i) for i in ids])
        return [Notice.from_json(raw) for raw in raws if raw]

    def count(self) -> int:
        """How many notices are stored (cheap: one SCARD)."""
        self.ready()
        return int(self.redis.scard(self.keys.notice_ids()))

    def all(self) -> list[Notice]:
        """Every stored notice, soonest deadline first (staff listing)."""
        self.ready()
        ids = sorted(self.redis.smembers(self.keys.notice_ids()))
        notices = self._read(ids) if ids else []
        return sorted(notices, key=lambda n: (n.score, n.id))

    def context(self, notice: Notice, today: date) -> dict[str, Any]:
        """Template values for a notice (see notice_context)."""
        return notice_context(notice, today)

    def query(self, query: Query, today: date) -> list[str]:
        """Open notice ids for the filters: 소상공인 first, then soonest deadline, 상시 last.

        A listing read within LISTING_SECONDS is answered from this process's copy.
        """
        self.ready()
        key = (query.category, query.region, query.words, today)
        ids = self._fresh(self._listings.get(key))
        if ids is None:
            ids = self._query(query, today)
            if len(self._listings) >= LISTING_SIZE:
                self._listings.clear()
            self._listings[key] = (self._clock(), ids)
        return list(ids)

    def _query(self, query: Query, today: date) -> list[str]:
        keys = self.keys
        pipe = self.redis.pipeline(transaction=False)
        pipe.zrangebyscore(keys.notice_deadlines(), int(today.strftime("%Y%m%d")), "+inf",
                           withscores=True)
        pipe.smembers(keys.notice_target(SMALL_MERCHANT))
        if query.category:
            pipe.smembers(keys.notice_category(query.category))
        if query.region and query.region != NATIONWIDE:
            # Two reads united here, not SUNION: a cluster pipeline refuses multi-key commands.
            pipe.smembers(keys.notice_region(query.region))
            pipe.smembers(keys.notice_region(NATIONWIDE))
        for word in query.words:
            pipe.smembers(keys.notice_token(word))
        results = pipe.execute()
        open_ids: list[tuple[str, float]] = results.pop(0)
        small: set[str] = results.pop(0)
        allowed = [results.pop(0) for _ in range(int(bool(query.category)))]
        if query.region and query.region != NATIONWIDE:
            allowed.append(results.pop(0) | results.pop(0))
        hits = _best_matches(results) if query.words else None
        chosen = [(i, s) for i, s in open_ids
                  if all(i in a for a in allowed) and (hits is None or i in hits)]
        return [i for i, s in sorted(chosen, key=lambda p: (p[0] not in small, p[1], p[0]))]

    # -- writing -------------------------------------------------------------------------------
    def upsert(self, notice: Notice) -> str:
        """Store an imported notice: 'new', 'updated' or 'unchanged' (staff 숨김 is kept)."""
        old = self.get(notice.id)
        if old is not None:
            notice = replace(notice, hidden=old.hidden)
            if old.fingerprint() == notice.fingerprint():
                return "unchanged"
        self.put(notice, old)
        return "new" if old is None else "updated"

    def put(self, notice: Notice, old: Notice | None = None) -> Notice:
        """Write a notice and re-index it in one transaction."""
        notice = replace(notice, tokens=index_tokens(notice))
        if old is None:
            old = self.get(notice.id)
        pipe = self.redis.pipeline(transaction=True)
        if old is not None:
            self._unindex(pipe, old)
        keys = self.keys
        pipe.set(keys.notice(notice.id), notice.to_json())
        if not notice.hidden:
            pipe.zadd(keys.notice_deadlines(), {notice.id: notice.score})
        for key in self._sets_of(notice):
            pipe.sadd(key, notice.id)
        pipe.execute()
        self.forget()
        return notice

    def set_hidden(self, notice_id: str, hidden: bool) -> Notice | None:
        """Hide a notice from merchants (or show it again); None if there is no such notice."""
        notice = self.get(notice_id)
        if notice is None:
            return None
        return self.put(replace(notice, hidden=hidden), notice)

    def delete(self, notice_id: str) -> bool:
        """Remove a notice and its index entries; False if it did not exist."""
        notice = self.get(notice_id)
        if notice is None:
            return False
        pipe = self.redis.pipeline(transaction=True)
        self._unindex(pipe, notice)
        pipe.delete(self.keys.notice(notice.id))
        pipe.execute()
        self.forget()
        return True

    def _sets_of(self, notice: Notice) -> list[str]:
        """Every index set the notice belongs to."""
        keys = self.keys
        return [keys.notice_ids(), keys.notice_category(notice.category),
                *(keys.notice_region(r) for r in notice.regions or (NATIONWIDE,)),
                *(keys.notice_target(t) for t in notice.targets),
                *(keys.notice_token(t) for t in notice.tokens)]

    def _unindex(self, pipe: Any, notice: Notice) -> None:
        pipe.zrem(self.keys.notice_deadlines(), notice.id)
        for key in self._sets_of(notice):
            pipe.srem(key, notice.id)


def _best_matches(token_sets: list[set[str]]) -> set[str]:
    """Ids matching every search word, else those matching the most words (never zero)."""
    counts: dict[str, int] = {}
    for ids in token_sets:
        for notice_id in ids:
            counts[notice_id] = counts.get(notice_id, 0) + 1
    if not counts:
        return set()
    best = max(counts.values())
    return {i for i, c in counts.items() if c == best}


# -- sample notices ----------------------------------------------------------------------------
_SAMPLES: dict[tuple[str, float], list[dict[str, Any]]] = {}


def sample_records(path: str) -> list[dict[str, Any]]:
    """The records of the sample file (parsed once per process and file version)."""
    key = (path, os.stat(path).st_mtime)
    if key not in _SAMPLES:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or []
        _SAMPLES[key] = [r for r in data if isinstance(r, dict)]
    return _SAMPLES[key]


def load_samples(store: NoticeStore, path: str, today: date) -> int:
    """Store the sample notices with deadlines counted from `today`; returns how many."""
    count = 0
    for record in sample_records(path):
        store.put(from_fields(record, source="sample", today=today))
        count += 1
    return count
