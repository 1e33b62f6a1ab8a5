"""The FAQ knowledge base: entries operators edit as templates, the index, the unanswered log.

An entry is an ordinary answer template under `templates/faq/<id>.yaml` (so the
answer is rendered, checked and hot-reloaded like every other template) with one
extra `faq:` block the matcher reads: title, topic, example questions, related
entries, follow-ups and action buttons. Synonyms and spelling fixes live in
`templates/faq_synonyms.yaml`. The index is built once per set of file versions
(shared by every app in the process) and rebuilt when a file changes, checked at
most every RELOAD_INTERVAL seconds.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
import yaml

from bot.answers import checks
from bot.answers.render import Renderer
from bot.answers.templating import TemplateError, TemplateStore
from bot.conversation import router, understand
from bot.conversation.reply import Part, Reply
from bot.core.errors import CodedError
from bot.core.keys import Keys

from . import coverage as faq_coverage
from .match import OUTSIDE, Bands, Index, MatchEntry, Synonyms
from .situation import SIGNALS, SILENT_SIGNALS, Verdicts

log = logging.getLogger(__name__)

GROUP = "faq"  # templates/faq/<id>.yaml
MORE_TEMPLATE = "faq_ui/more"  # related entries and actions under an answer
SYNONYMS_FILE = "faq_synonyms.yaml"
# Close topics the channel does not answer (세금 신고, 배달앱 …): a question nearest to one of
# them is declined instead of getting the nearest program answer (bot/faq/match.py OUTSIDE).
OUTSIDE_FILE = "faq_outside.yaml"
# The two word lists beside the entries, by the name the console edits them under.
WORD_LISTS = {"faq_synonyms": SYNONYMS_FILE, "faq_outside": OUTSIDE_FILE}
SITUATION_GROUP = "faq_situation"  # templates/faq_situation/<signal>.yaml (bot/situation.py)
COMPUTED_SITUATIONS = {"cost", "budget"}  # arithmetic on the merchant's numbers
MAX_SITUATIONS = 1  # one verdict bubble: Kakao shows at most three bubbles per answer
MAX_BUBBLES = 3  # Kakao's limit of outputs in one reply
UNCLEAR_TEMPLATE = "faq_ui/unclear"  # "'…'은 잘 모르겠어요" under the parts we could answer
RELOAD_INTERVAL = 3.0  # seconds between checks for edited knowledge-base files
TEMPLATE_ERRORS = "template."  # codes of a TemplateError: the file does not render
MIN_EXAMPLES = 6
MAX_RELATED = 4
MAX_ACTIONS = 2
MAX_TITLE = 14  # a title becomes a quick-reply label (Kakao shows 14 characters)
UNANSWERED_CAP = 2000  # distinct logged questions kept (least asked dropped first)
UNANSWERED_MAX_CHARS = 120

_DIGITS = re.compile(r"\d")
_ID = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Entry:
    """One knowledge-base entry: the `faq:` block of templates/faq/<id>.yaml."""

    id: str
    title: str
    topic: str
    order: int
    examples: tuple[str, ...]
    related: tuple[str, ...]
    follow_ups: tuple[str, ...]
    actions: tuple[dict[str, str], ...]
    source: tuple[str, ...] = ()  # program-facts.md sections ("§1.5") or "settings"
    # Situational answers (templates/faq_situation/<name>) shown before this entry's answer
    # when the question carries the merchant's own case ("매출 9억 8천인데 돼요?").
    situations: tuple[str, ...] = ()
    bubbles: int = 1  # speech bubbles the answer shows at most (Kakao: 3 per reply)
    # A hand-off entry: its last bubble is the card with the 상담원 button (a fact the
    # sources leave open); beside another answer that card is kept before any extra text.
    hands_off: bool = False

    @property
    def template(self) -> str:
        """The answer template's name."""
        return f"{GROUP}/{self.id}"

    def match_entry(self) -> MatchEntry:
        """What the matcher needs of this entry."""
        return MatchEntry(self.id, self.title, self.examples, self.follow_ups)


class EntryError(CodedError, ValueError):
    """A `faq:` block that cannot be read as an entry (its `code` words it for operators)."""


class WordListError(CodedError, ValueError):
    """A synonyms or outside-topics file that cannot be read (worded by its `code`)."""


def parse_entry(entry_id: str, spec: dict[str, Any]) -> Entry:
    """Read the `faq:` block of a template; EntryError names what is missing or wrong."""
    block = spec.get("faq")
    if not isinstance(block, dict):
        raise EntryError("missing the 'faq:' block (title, topic, examples …)",
                         code="entry.no_block")
    title = str(block.get("title") or "").strip()
    if not title:
        raise EntryError("faq.title is empty", code="entry.no_title")
    examples = block.get("examples")
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise EntryError("faq.examples must be a list of questions", code="entry.bad_examples")
    for field_name in ("related", "follow_ups", "situations", "actions"):
        if not isinstance(block.get(field_name) or [], list):
            raise EntryError(f"faq.{field_name} must be a list", code="entry.not_list",
                             field=field_name)
    actions = []
    for action in block.get("actions") or []:
        if not isinstance(action, dict) or not action.get("label"):
            raise EntryError("each faq.actions item needs a label (and a message)",
                             code="entry.action_no_label")
        actions.append({"label": str(action["label"]),
                        "message": str(action.get("message") or action["label"])})
    source = block.get("source") or []
    if isinstance(source, str | int | float):
        source = [source]
    if not isinstance(source, list):
        raise EntryError("faq.source must be a section (\"§1.5\") or a list of sections",
                         code="entry.bad_source")
    try:
        order = int(block.get("order") or 100)
    except (TypeError, ValueError):
        raise EntryError(f"faq.order must be a whole number, not {block.get('order')!r}",
                         code="entry.bad_order", value=block.get("order")) from None
    return Entry(
        id=entry_id,
        title=title,
        topic=str(block.get("topic") or "").strip(),
        order=order,
        examples=tuple(e.strip() for e in examples if e.strip()),
        related=tuple(str(r) for r in block.get("related") or ()),
        follow_ups=tuple(str(r) for r in block.get("follow_ups") or ()),
        actions=tuple(actions),
        source=tuple(faq_coverage.normalise(str(x)) for x in source if str(x).strip()),
        situations=tuple(str(x) for x in block.get("situations") or ()),
        bubbles=_bubbles(spec),
        hands_off=_hands_off(spec),
    )


def _hands_off(spec: dict[str, Any]) -> bool:
    """Whether the answer's last output is a card with the 상담원 button."""
    outputs = spec.get("outputs")
    if not isinstance(outputs, list) or not outputs or not isinstance(outputs[-1], dict):
        return False
    card = outputs[-1].get("card")
    buttons = card.get("buttons") if isinstance(card, dict) else None
    return any(isinstance(b, dict) and b.get("operator") is True for b in buttons or ())


def _bubbles(spec: dict[str, Any]) -> int:
    """How many speech bubbles a template may show (each text item and output counts)."""
    text = spec.get("text")
    count = len(text) if isinstance(text, list) else int(bool(text))
    outputs = spec.get("outputs")
    return max(count + (len(outputs) if isinstance(outputs, list) else 0), 1)


@dataclass(frozen=True)
class Snapshot:
    """Entries and their index, as of one set of file versions."""

    entries: dict[str, Entry]
    index: Index
    problems: tuple[checks.Problem, ...]  # files that could not be read (skipped)

    def ordered(self) -> list[Entry]:
        """Entries for browsing: topics in the order of their first entry, then by order."""
        first: dict[str, int] = {}
        for e in self.entries.values():
            first[e.topic] = min(first.get(e.topic, e.order), e.order)
        return sorted(self.entries.values(), key=lambda e: (first[e.topic], e.topic, e.order, e.id))


_CACHE: dict[tuple[Any, ...], Snapshot] = {}
_CACHE_LOCK = threading.Lock()


class KnowledgeBase:
    """Entries of one template store, with an index rebuilt when files change.

    Only the first index is built on the caller's thread (at start-up: `create_app(warm=True)`).
    A change found later is rebuilt on a background thread while questions keep getting the
    index in force: a rebuild costs ~0.5 s of CPU, and no merchant's reply may wait for it.
    `snapshot(wait=True)` waits for the rebuild (the console after a save, CLI commands, tests).
    """

    def __init__(self, store: TemplateStore, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.clock = clock
        self._signature: tuple[Any, ...] | None = None
        self._snapshot: Snapshot | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()  # one build at a time
        self._rebuild: threading.Thread | None = None

    def snapshot(self, wait: bool = False) -> Snapshot:
        """The current entries and index (files re-checked at most every RELOAD_INTERVAL)."""
        now = self.clock()
        current = self._snapshot
        if current is not None and not wait and (
                not self.store.auto_reload or now - self._checked < RELOAD_INTERVAL):
            return current
        if current is None:
            with self._lock:
                if self._snapshot is None:
                    self._signature = self.signature()
                    self._snapshot = _build(self.store, self._signature)
                self._checked = now
                return self._snapshot
        self._checked = now
        signature = self.signature()
        if signature != self._signature:
            self._start_rebuild()
        rebuild = self._rebuild
        if wait and rebuild is not None:
            rebuild.join()
        return self._snapshot or current

    def _start_rebuild(self) -> None:
        """Build the changed index on a thread of its own (one at a time)."""
        with self._lock:
            if self._rebuild is not None and self._rebuild.is_alive():
                return
            self._rebuild = threading.Thread(target=self._rebuilt, daemon=True,
                                             name="faq-rebuild")
            self._rebuild.start()

    def _rebuilt(self) -> None:
        try:
            while True:  # a file saved during the build is picked up by one more round
                signature = self.signature()
                if signature == self._signature:
                    return
                snapshot = _build(self.store, signature)
                self._snapshot, self._signature = snapshot, signature
        except Exception:  # the index in force keeps answering
            log.exception("faq index rebuild failed")

    def signature(self) -> tuple[Any, ...]:
        """File names and modification times of every entry and the synonyms file."""
        parts: list[Any] = []
        for root in self.store.roots:
            folder = root / GROUP
            if folder.is_dir():
                with os.scandir(folder) as it:
                    parts += sorted((str(folder), e.name, e.stat().st_mtime_ns)
                                    for e in it if e.name.endswith(".yaml"))
            for extra in (root / SYNONYMS_FILE, root / OUTSIDE_FILE):
                if extra.is_file():
                    parts.append((str(extra), extra.stat().st_mtime_ns))
        if self.store.overlay is not None:  # console edits (bot/answers/overrides.py)
            parts.append(("overlay", self.store.overlay.signature()))
        return tuple(parts)



def synonyms_path(store: TemplateStore, name: str = SYNONYMS_FILE) -> Path | None:
    """The synonyms (or outside-topics) file in force: the first template folder's."""
    for root in store.roots:
        if (root / name).is_file():
            return root / name
    return None


def word_list_name(file_name: str) -> str:
    """The name a word-list file goes by in the console's edits ('faq_synonyms')."""
    return file_name.removesuffix(".yaml")


def word_list_text(store: TemplateStore, file_name: str) -> str | None:
    """The synonyms or outside-topics text in force: the console's live edit, else the file."""
    live = store.overlay.get(word_list_name(file_name)) if store.overlay is not None else None
    if live is not None:
        return str(live.text)
    path = synonyms_path(store, file_name)
    return path.read_text(encoding="utf-8") if path is not None else None


def _word_list_yaml(text: str) -> Any:
    """A word list's YAML; a WordListError naming the line when it does not parse."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise WordListError(f"YAML error: {exc}", code="template.yaml",
                            line=mark.line + 1 if mark is not None else "?") from None


def load_outside(text: str | None) -> list[MatchEntry]:
    """Parse the outside-topics file into match entries ('outside:<name>')."""
    if text is None:
        return []
    spec = _word_list_yaml(text) or {}
    topics = spec.get("outside") if isinstance(spec, dict) else None
    if not isinstance(topics, list):
        raise WordListError("the outside-topics file needs an 'outside:' list of topics",
                            code="words.no_outside")
    found = []
    for topic in topics:
        if not isinstance(topic, dict) or not str(topic.get("name") or "").strip():
            raise WordListError("each outside topic needs a name and examples",
                                code="words.topic_no_name")
        examples = tuple(str(e).strip() for e in topic.get("examples") or () if str(e).strip())
        if not examples:
            raise WordListError(f"outside topic '{topic['name']}' has no examples",
                                code="words.topic_no_examples", name=str(topic["name"]))
        name = str(topic["name"]).strip()
        found.append(MatchEntry(f"{OUTSIDE}{name}", name, examples))
    return found

def entry_names(store: TemplateStore) -> list[str]:
    """Template names of every knowledge-base entry."""
    return [n for n in store.names() if n.startswith(f"{GROUP}/")]


def load_synonyms(text: str | None) -> Synonyms:
    """Parse the synonyms file; a broken file means no synonyms (and `faq check` says so)."""
    if text is None:
        return Synonyms()
    spec = _word_list_yaml(text)
    if spec is not None and not isinstance(spec, dict):
        raise WordListError("the synonyms file must be a mapping (synonyms:, spelling:)",
                            code="words.not_mapping")
    return Synonyms.from_spec(spec)


def load_problem(name: str, exc: Exception) -> checks.Problem:
    """A knowledge-base file (entry or word list) that does not load, as a problem of `name`.

    Coded errors keep their code; anything else is a problem without one (worded as an
    unknown error, its English kept for the developers).
    """
    if isinstance(exc, TemplateError):
        return checks.from_error(exc, template=name)
    if isinstance(exc, OSError):
        return checks.problem(name, f"cannot read the file: {exc.strerror or exc}",
                              code="template.unreadable", detail=exc.strerror or str(exc))
    if isinstance(exc, CodedError):
        return checks.Problem(name, str(exc), exc.code, dict(exc.values))
    return checks.Problem(name, str(exc))


def _build(store: TemplateStore, signature: tuple[Any, ...]) -> Snapshot:
    """Read every entry and index it; shared across apps with the same files."""
    key = (tuple(str(r) for r in store.roots), signature)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    entries: dict[str, Entry] = {}
    problems: list[checks.Problem] = []
    for name in entry_names(store):
        entry_id = name.split("/", 1)[1]
        try:
            entries[entry_id] = parse_entry(entry_id, store.spec(name, fresh=True))
        except (TemplateError, ValueError, TypeError) as exc:
            problems.append(load_problem(name, exc))
            log.error("faq entry skipped: %s: %s", name, exc)
    try:
        synonyms = load_synonyms(word_list_text(store, SYNONYMS_FILE))
    except (OSError, ValueError, TypeError) as exc:
        problems.append(load_problem(word_list_name(SYNONYMS_FILE), exc))
        log.error("faq synonyms ignored: %s", exc)
        synonyms = Synonyms()
    try:
        outside = load_outside(word_list_text(store, OUTSIDE_FILE))
    except (OSError, ValueError, TypeError) as exc:
        problems.append(load_problem(word_list_name(OUTSIDE_FILE), exc))
        log.error("faq outside topics ignored: %s", exc)
        outside = []
    index = Index([*(e.match_entry() for e in entries.values()), *outside], synonyms)
    snapshot = Snapshot(entries, index, tuple(problems))
    with _CACHE_LOCK:
        if len(_CACHE) > 8:  # old versions of edited files
            _CACHE.clear()
        _CACHE[key] = snapshot
    return snapshot


# -- answers ------------------------------------------------------------------
def situation_parts(entry: Entry, verdicts: Verdicts | None) -> list[Part]:
    """The situational bubble(s) for this entry: the rules applied to the merchant's case."""
    if verdicts is None:
        return []
    # A price is computed only when one is asked: a friend count told beside another
    # question ("친구가 500명인데 발송 수가 400명대로 나와요 왜 그래요?") gets no cost, nor do
    # two counts of one audience get added up.
    own = [name for name in verdicts.signals
           if name in entry.situations and name not in SILENT_SIGNALS
           and (verdicts.asks_cost or name not in COMPUTED_SITUATIONS)][:MAX_SITUATIONS]
    # A price asked with a count or a budget is computed whatever entry matched
    # ("고객파일로 420명한테 보내면 비용이 얼마나 나와요?" → customer_file, and the cost;
    # "300명한테 저녁 7시 반에 보내면 얼마고, 그 시간 괜찮아요?" → the time, and the cost).
    if verdicts.asks_cost and not COMPUTED_SITUATIONS & set(own):
        own += [name for name in verdicts.signals if name in COMPUTED_SITUATIONS][:1]
    # A number written out to be checked is checked whatever entry matched ("법인등록번호
    # 130111-… 맞아요?" → the entry on the two numbers, and the check of this one).
    if verdicts.number_written and "bizno" not in own:
        own.append("bizno")
    if not own:
        return []
    context = verdicts.context()
    return [Part(f"{SITUATION_GROUP}/{name}", context) for name in own]


def answer_reply(snapshot: Snapshot, entry: Entry, verdicts: Verdicts | None = None) -> Reply:
    """The entry's answer (after any situational verdict) plus related entries and actions."""
    situational = situation_parts(entry, verdicts)
    if len(situational) + entry.bubbles > MAX_BUBBLES:
        situational = []
    return Reply(parts=(*situational, Part(entry.template, {"faq_id": entry.id}),
                        _more(snapshot, [entry], [])))


def _more(snapshot: Snapshot, answered: list[Entry], pending: list[Entry],
          operator: bool = False) -> Part:
    """Quick replies under an answer: questions not shown yet, actions, related entries
    (`operator`: the 상담원 연결 reply first, for a hand-off card left out)."""
    shown = {e.id for e in answered}
    ids = [e.id for e in pending] + [r for e in answered for r in e.related]
    related, seen = [], set(shown)
    for r in ids:
        if r in snapshot.entries and r not in seen:
            seen.add(r)
            related.append({"id": r, "title": snapshot.entries[r].title})
    actions = [a for e in answered for a in e.actions][:MAX_ACTIONS]
    return Part(MORE_TEMPLATE, {"related": related[:MAX_RELATED], "actions": actions,
                                "operator": operator}, chrome=True)


def multi_reply(snapshot: Snapshot, answers: list[tuple[Entry, Verdicts | None]],
                unclear: list[str]) -> Reply:
    """Answers to several questions of one message, within Kakao's three bubbles.

    Entries that do not fit become quick replies; a question that matched nothing is named
    ("'…'은 잘 모르겠어요") when a bubble is left for it.
    """
    # One bubble per answer first (up to three answers); then, while room is left, another
    # answer's hand-off card (the 상담원 button: its text states no answer and offers no way
    # on), a price computed from the merchant's numbers (the answer to "몇 번 보내요?"
    # itself, before its own entry's card), any other verdict on the merchant's case, and
    # the rest of each answer. A card left out leaves the 상담원 연결 quick reply.
    fitted = answers[:MAX_BUBBLES]
    pending = [entry for entry, _ in answers[MAX_BUBBLES:]]
    shown = {entry.id: 1 for entry, _ in fitted}
    used = len(fitted)
    verdict_parts: dict[str, list[Part]] = {entry.id: [] for entry, _ in fitted}
    computed = {entry.id: [p for p in situation_parts(entry, verdicts)
                           if p.template.rsplit("/", 1)[-1] in COMPUTED_SITUATIONS]
                for entry, verdicts in fitted}

    def show_card(entry: Entry) -> None:
        nonlocal used
        if (entry.hands_off and entry.bubbles == 2 and shown[entry.id] == 1
                and used < MAX_BUBBLES):
            shown[entry.id] += 1
            used += 1

    for entry, _ in fitted:
        if not computed[entry.id]:
            show_card(entry)
    for entry, _ in fitted:
        if computed[entry.id] and used + len(computed[entry.id]) <= MAX_BUBBLES:
            verdict_parts[entry.id] = computed[entry.id]
            used += len(computed[entry.id])
    for entry, _ in fitted:
        show_card(entry)
    for entry, verdicts in fitted:
        situational = situation_parts(entry, verdicts)
        if verdict_parts[entry.id] or not situational:
            continue
        if used + len(situational) <= MAX_BUBBLES:
            verdict_parts[entry.id] = situational
            used += len(situational)
    for entry, _ in fitted:
        extra = min(entry.bubbles - shown[entry.id], MAX_BUBBLES - used)
        shown[entry.id] += extra
        used += extra
    parts: list[Part] = []
    for entry, _ in fitted:
        limit = shown[entry.id] if shown[entry.id] < entry.bubbles else None
        parts += [*verdict_parts[entry.id],
                  Part(entry.template, {"faq_id": entry.id}, limit=limit)]
    # A hand-off card that found no room still leaves the way to the centre (a quick reply).
    operator = any(e.hands_off and shown[e.id] < e.bubbles for e, _ in fitted)
    answered = [entry for entry, _ in fitted]
    if unclear and used < MAX_BUBBLES:
        parts.append(Part(UNCLEAR_TEMPLATE, {"questions": unclear}))
    return Reply(parts=(*parts, _more(snapshot, answered, pending, operator)))


# -- unanswered questions -------------------------------------------------------
def anonymise(text: str) -> str:
    """Mask every digit (business and phone numbers, amounts alike) and trim."""
    return _DIGITS.sub("*", " ".join(text.split()))[:UNANSWERED_MAX_CHARS]


class UnansweredLog:
    """Questions the FAQ could not answer, counted per masked text, no user keys."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys

    def record(self, text: str, now: float) -> None:
        """Count one unanswered question (anonymised) and remember when it was last asked."""
        if understand.looks_like_form_answer(text):
            return  # a name, a number, a shop name: personal data, and no question
        question = anonymise(text)
        if not question.strip():
            return
        pipe = self.redis.pipeline()
        pipe.zincrby(self.keys.faq_unanswered(), 1, question)
        pipe.hset(self.keys.faq_unanswered_seen(), question, int(now))
        pipe.zcard(self.keys.faq_unanswered())
        size = pipe.execute()[-1]
        if size > UNANSWERED_CAP:
            dropped = self.redis.zrange(self.keys.faq_unanswered(), 0, size - UNANSWERED_CAP - 1)
            if dropped:
                self.redis.zrem(self.keys.faq_unanswered(), *dropped)
                self.redis.hdel(self.keys.faq_unanswered_seen(), *dropped)

    def top(self, limit: int) -> list[tuple[str, int, int]]:
        """Most asked first: (question, count, last seen epoch seconds)."""
        rows = self.redis.zrevrange(self.keys.faq_unanswered(), 0, limit - 1, withscores=True)
        if not rows:
            return []
        seen = self.redis.hmget(self.keys.faq_unanswered_seen(), [q for q, _ in rows])
        return [(q, int(c), int(s or 0)) for (q, c), s in zip(rows, seen, strict=True)]

    def forget(self, text: str) -> None:
        """Drop one question (it now has an entry)."""
        question = anonymise(text)
        self.redis.zrem(self.keys.faq_unanswered(), question)
        self.redis.hdel(self.keys.faq_unanswered_seen(), question)

    def clear(self) -> None:
        """Forget every logged question."""
        self.redis.delete(self.keys.faq_unanswered(), self.keys.faq_unanswered_seen())


# -- checks -------------------------------------------------------------------
def check_kb(renderer: Renderer, kb: KnowledgeBase) -> list[checks.Problem]:
    """Everything `flask faq check` reports: renders, limits, examples, links between entries,
    files that do not load and the coverage of program-facts.md.

    Each is a coded checks.Problem, worded in Korean (bot/core/wording.py) by the console and
    the CLI; `str()` is its English, for logs.
    """
    store = renderer.store
    problems: list[checks.Problem] = []
    snapshot = _build(store, kb.signature())
    problems += snapshot.problems
    entries = snapshot.entries
    titles: dict[str, str] = {}
    seen_examples: dict[str, str] = {}
    for entry in entries.values():
        name = f"{entry.template}.yaml"
        own = checks.check_template(renderer, entry.template)
        problems += own
        if not any(p.code.startswith(TEMPLATE_ERRORS) for p in own):
            # A template that does not render alone fails the same way with its related
            # entries: one report of it is enough.
            problems += _check_reply(renderer, snapshot, entry)
        problems += _check_fields(entry, entries, name)
        if entry.title in titles:
            problems.append(checks.problem(
                entry.template, f"title '{entry.title}' is also used by {titles[entry.title]}",
                code="faq.duplicate_title", title=entry.title, other=titles[entry.title]))
        titles[entry.title] = entry.id
        for example in (entry.title, *entry.examples):
            key = _example_key(example)
            owner = seen_examples.get(key)
            if owner is not None and owner != entry.id:
                problems.append(checks.problem(
                    entry.template, f"example '{example}' is also an example of {owner}",
                    code="faq.duplicate_example", example=example, other=owner))
            seen_examples[key] = entry.id
        problems += _check_self_match(snapshot, entry, name)
    problems += faq_coverage.problems(sources(snapshot), coverage(snapshot))
    return problems


def sources(snapshot: Snapshot) -> dict[str, tuple[str, ...]]:
    """Each entry's `source:` sections."""
    return {e.id: e.source for e in snapshot.entries.values()}


def coverage(snapshot: Snapshot) -> faq_coverage.Coverage:
    """Which program-facts.md sections the entries cover."""
    return faq_coverage.coverage(sources(snapshot))


def _example_key(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text.lower())


def _check_reply(renderer: Renderer, snapshot: Snapshot, entry: Entry) -> list[checks.Problem]:
    """Render the whole answer (with related entries and actions) and check Kakao's limits."""
    from bot.kakao import components as k
    from bot.kakao import limits

    try:
        body = renderer._render_parts(answer_reply(snapshot, entry).parts)
    except TemplateError as exc:
        return [checks.from_error(exc, template=entry.template)]
    response = k.response(body["outputs"], body["quick_replies"])
    return [checks.Problem(entry.template, v.message, v.code, dict(v.values),
                           "with related entries", None, v.path)
            for v in limits.check(response)]


def _check_fields(entry: Entry, entries: dict[str, Entry], name: str) -> list[checks.Problem]:
    problems = []
    at = entry.template  # `name` is its file, as the English lines begin
    if not _ID.match(entry.id):
        problems.append(checks.problem(at, "file names may use a-z, 0-9 and _ only",
                                       code="faq.bad_file_name"))
    if len(entry.examples) < MIN_EXAMPLES:
        problems.append(checks.problem(
            at, f"{len(entry.examples)} example questions; "
            f"write at least {MIN_EXAMPLES} in different wordings",
            code="faq.few_examples", count=len(entry.examples), least=MIN_EXAMPLES))
    if len(entry.title) > MAX_TITLE:
        problems.append(checks.problem(
            at, f"title '{entry.title}' is longer than {MAX_TITLE} characters "
            "(it becomes a quick-reply label)",
            code="faq.long_title", title=entry.title, limit=MAX_TITLE))
    if not entry.topic:
        problems.append(checks.problem(
            at, "faq.topic is empty (it groups the entry in the FAQ menu)", code="faq.no_topic"))
    routed = router.route(entry.title)
    if routed is not None:
        problems.append(checks.problem(
            at, f"title '{entry.title}' is taken by the keyword router "
            f"(→ {routed}); reword it so tapping it reaches the FAQ",
            code="faq.title_routed", title=entry.title, skill=routed))
    for field_name, ids in (("related", entry.related), ("follow_ups", entry.follow_ups)):
        for other in ids:
            if other not in entries:
                problems.append(checks.problem(
                    at, f"faq.{field_name} names '{other}', which does not exist",
                    code="faq.unknown_link", field=field_name, other=other))
            elif other == entry.id:
                problems.append(checks.problem(at, f"faq.{field_name} names the entry itself",
                                               code="faq.self_link", field=field_name))
    for name_ in entry.situations:
        if name_ not in SIGNALS:
            problems.append(checks.problem(
                at, f"faq.situations names '{name_}'; known: {', '.join(SIGNALS)}",
                code="faq.unknown_situation", value=name_, known=", ".join(SIGNALS)))
    if len(entry.related) > MAX_RELATED:
        problems.append(checks.problem(
            at, f"at most {MAX_RELATED} related entries fit as quick replies",
            code="faq.too_many_related", limit=MAX_RELATED))
    if len(entry.actions) > MAX_ACTIONS:
        problems.append(checks.problem(at, f"at most {MAX_ACTIONS} actions",
                                       code="faq.too_many_actions", limit=MAX_ACTIONS))
    for action in entry.actions:
        if router.route(action["message"]) in (None, "faq"):
            problems.append(checks.problem(
                at, f"action message '{action['message']}' reaches no skill",
                code="faq.action_unrouted", text=action["message"]))
    return problems


def _check_self_match(snapshot: Snapshot, entry: Entry, name: str) -> list[checks.Problem]:
    """Each example must find its own entry: as written (no tie with another entry)."""
    index = snapshot.index
    problems = []
    for example in entry.examples:
        hits = index.search(example, k=2, screen=True)
        if not hits:
            problems.append(checks.problem(
                entry.template, f"example '{example}' matches nothing (or a topic of "
                f"{OUTSIDE_FILE} better)",
                code="faq.example_unmatched", example=example, file=OUTSIDE_FILE))
            continue
        if hits[0].entry != entry.id or (len(hits) > 1 and hits[1].score >= hits[0].score):
            other = hits[0].entry if hits[0].entry != entry.id else hits[1].entry
            problems.append(checks.problem(
                entry.template, f"example '{example}' matches '{other}' as well or better",
                code="faq.example_taken", example=example, other=other))
    return problems


def leave_one_out(snapshot: Snapshot, bands: Bands) -> list[tuple[str, str, str, str]]:
    """Examples that another entry would take if the example itself were deleted.

    Returns (entry, example, band, winner) rows: advice for operators (`faq check -v`),
    not an error — it shows where an entry needs more wordings.
    """
    index = snapshot.index
    rows = []
    for entry in snapshot.entries.values():
        docs = index.docs_of(entry.id)[1:]  # skip the title
        for doc, example in zip(docs, entry.examples, strict=True):
            hits = index.search(example, k=2, exclude_doc=doc)
            band = bands.of(hits)
            if not hits or hits[0].entry != entry.id or band != "high":
                rows.append((entry.id, example, band, hits[0].entry if hits else "-"))
    return rows


# -- unanswered questions as work for operators -------------------------------------------
GROUP_SIMILARITY = 0.45  # cosine (morphemes and character n-grams) to join a group
GROUP_EXAMPLES = 3
def looks_like_form_answer(text: str) -> bool:
    """A name, a number or an e-mail typed on its own (a late form answer), not a question.

    The rules live in bot/conversation/understand.py, the one place that reads short replies.
    """
    return understand.looks_like_form_answer(text)


@dataclass(frozen=True)
class UnansweredGroup:
    """Similar unanswered questions: how often they were asked and the likeliest entry."""

    count: int
    examples: tuple[str, ...]  # most asked first
    last_seen: int
    nearest: str | None  # the entry the first question comes closest to (to attach it to)


def group_unanswered(rows: list[tuple[str, int, int]], index: Index) -> list[UnansweredGroup]:
    """Greedy grouping, most asked first: a question joins the first group it resembles."""
    analyzer = index.analyzer
    groups: list[tuple[dict[str, float], dict[str, float], list[tuple[str, int, int]]]] = []
    for row in rows:
        feats = analyzer.features(row[0])
        tok, chars = _unit_vec(feats.tokens), _unit_vec(feats.chars)
        for g_tok, g_chars, members in groups:
            similarity = 0.5 * _dot_vec(tok, g_tok) + 0.5 * _dot_vec(chars, g_chars)
            if similarity >= GROUP_SIMILARITY:
                members.append(row)
                break
        else:
            groups.append((tok, chars, [row]))
    result = []
    for _, _, members in groups:
        hits = index.search(members[0][0], k=1)
        result.append(UnansweredGroup(
            count=sum(c for _, c, _ in members),
            examples=tuple(q for q, _, _ in members[:GROUP_EXAMPLES]),
            last_seen=max(s for _, _, s in members),
            nearest=hits[0].entry if hits else None))
    return sorted(result, key=lambda g: (-g.count, -g.last_seen))


def _unit_vec(counts: dict[str, float]) -> dict[str, float]:
    norm = sum(v * v for v in counts.values()) ** 0.5
    return {k: v / norm for k, v in counts.items()} if norm else {}


def _dot_vec(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(v * b.get(k, 0.0) for k, v in a.items())


class ExampleRefused(CodedError, ValueError):
    """A question that cannot become an example of an entry (empty, already there, …)."""


def example_added(text: str, entry_id: str, question: str) -> str:
    """An entry's YAML with one more `faq.examples` item (comments and layout kept).

    The result is validated as an entry; ValueError says why it cannot be added.
    """
    question = " ".join(question.split())
    if not question:
        raise ExampleRefused("the question is empty", code="example.empty")
    if not _ID.match(entry_id):
        raise ExampleRefused(f"'{entry_id}' is not an entry id", code="example.bad_entry",
                             entry=entry_id)
    lines = text.splitlines(keepends=True)
    spec = yaml.safe_load("".join(lines))
    examples = (spec.get("faq") or {}).get("examples") or []
    if _example_key(question) in {_example_key(e) for e in examples}:
        raise ExampleRefused(f"'{question}' is already an example of {entry_id}",
                             code="example.exists", question=question, entry=entry_id)
    start = next((i for i, line in enumerate(lines) if line.strip() == "examples:"), None)
    if start is None:
        raise ExampleRefused(f"{entry_id}: no 'examples:' list to add to",
                             code="example.no_list", entry=entry_id)
    end = start + 1
    indent = "    - "
    while end < len(lines) and lines[end].lstrip().startswith("- "):
        indent = lines[end][:len(lines[end]) - len(lines[end].lstrip())] + "- "
        end += 1
    lines.insert(end, f"{indent}{json.dumps(question, ensure_ascii=False)}\n")
    result = "".join(lines)
    parse_entry(entry_id, yaml.safe_load(result))  # raises EntryError: nothing is saved
    return result


def attach_example(store: TemplateStore, entry_id: str, question: str) -> Path:
    """Add a question to an entry's `faq.examples` in its file (comments and layout kept).

    The file is re-read and validated before it is replaced, so a bad edit never lands;
    ValueError says why nothing was written.
    """
    if not _ID.match(entry_id):
        raise ExampleRefused(f"'{entry_id}' is not an entry id", code="example.bad_entry",
                             entry=entry_id)
    path = store.path(f"{GROUP}/{entry_id}")
    if not path.is_file():
        raise ExampleRefused(f"no entry '{entry_id}' (templates/faq/{entry_id}.yaml)",
                             code="example.no_entry", entry=entry_id)
    text = example_added(path.read_text(encoding="utf-8"), entry_id, question)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def dump(rows: list[tuple[str, int, int]]) -> str:
    """Unanswered questions as JSON lines (for `flask faq unanswered --json`)."""
    return "\n".join(json.dumps({"question": q, "count": c, "last_seen": s}, ensure_ascii=False)
                     for q, c, s in rows)
