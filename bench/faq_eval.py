"""FAQ matcher benchmark: accuracy, off-topic rejection and latency, against a BM25 baseline.

    python bench/faq_eval.py [--set bench/faq_eval_set.tsv] [--templates templates] [-v]
    python bench/faq_eval.py --facts bench/faq_dev.jsonl [--templates templates] [-v]
    python bench/faq_eval.py --facts dev -v      # the six dev sets, misses listed
    python bench/faq_eval.py --facts all         # the dev sets, then the six held-out test sets
    python bench/faq_eval.py --facts held-out    # the six held-out sets only (aggregates)
    python bench/faq_eval.py --facts dev -v --hold-back 05   # dev2–dev6 ids ending in 0/5 apart,
                                                              # aggregates only (an over-fit guard)

The set holds questions written apart from the knowledge-base examples (typos, missing
spaces, casual speech) and off-topic ones ("-") that must fall to the low band. Each
figure is measured twice: on the real knowledge base, and with it inflated to 500
entries by synthetic distractor entries on other shop topics (what a grown KB looks
like to the ranking, and what latency is measured on). The baseline is plain BM25 over
Kiwi content tokens (bot.conversation.korean.tokens), no synonyms, no character n-grams; its reject
threshold is the best one for this very set, which flatters it.

With --facts, a JSON Lines set is scored on what the merchant would read instead of
the entry id: a question is answered right when the top entry is answered directly
(high band) and its rendered text holds every expected fact (one of each group's
spellings), or, for a fact the sources leave open (`handoff`), when that entry offers
the operator button, or when the keyword router hands the question straight to the
operator skill (상담원 연결: the hand-off the merchant needs, not a miss); off-topic
questions must fall to the low band. Other questions the keyword router sends to a
skill first are counted apart.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import skills  # noqa: E402,F401  (the router reads the vocabulary each skill declares)
from bot.answers.render import Renderer  # noqa: E402
from bot.answers.templating import TemplateStore  # noqa: E402
from bot.conversation import korean, router  # noqa: E402
from bot.conversation.reply import Part  # noqa: E402
from bot.faq.knowledge import KnowledgeBase, Snapshot  # noqa: E402
from bot.faq.match import Bands, Hit, Index, MatchEntry  # noqa: E402

OFF_TOPIC = "-"
EVAL_BUDGET = 60.0  # seconds per reply: answers are graded here, latency is measured apart
OPERATOR_ROUTE = "routed:operator"  # the router's hand-off to 상담원 연결 (skills/operator.py)
KB_SIZE = 500
LATENCY_ROUNDS = 5

# Distractors: other topics a shop owner asks a help desk about (nouns × question shapes).
DISTRACTOR_NOUNS = (
    "주차 등록", "예약 변경", "배송 조회", "교환 신청", "반품 접수", "회원 등급", "비밀번호 찾기",
    "로그인 오류", "영수증 재발행", "멤버십 가입", "마일리지 적립", "기프티콘 사용",
    "선물하기 입점", "이모티콘 구매", "프로필 사진", "오픈채팅 방장", "톡서랍 용량",
    "카카오맵 장소 등록", "배달 주문 취소", "포장 주문", "메뉴판 사진", "직원 교육", "위생 점검",
    "소방 점검", "간판 교체", "인테리어 공사", "임대료 인상", "임대차 계약서", "보증금 반환",
    "전기요금 할인", "가스요금 납부", "카드단말기 고장", "포스기 설치", "키오스크 대여",
    "매장 와이파이", "재고 관리", "거래처 발주", "원산지 표시", "가격표 부착",
    "영업신고증 재발급", "휴무일 공지", "택배비 정산", "포장재 주문", "일회용컵 보증금",
    "분리수거 요일", "음식물쓰레기 처리", "리뷰 답글", "별점 삭제", "쇼핑몰 입점", "정산 주기",
    "부가세 신고", "종합소득세 환급", "4대보험 가입", "아르바이트 계약", "주휴수당 계산",
    "최저임금 인상", "퇴직금 정산", "근로계약서 작성", "건강진단서 발급", "보건증 갱신",
)
DISTRACTOR_SHAPES = (
    "{n} 어떻게 해요", "{n} 방법 알려주세요", "{n}은 어디서 하나요", "{n} 비용이 얼마예요",
    "{n} 하고 싶어요", "{n}이 안 돼요", "{n} 언제 되나요", "{n} 기간이 얼마나 걸려요",
    "{n} 필요한 서류", "{n} 문의드려요", "{n} 처리 절차", "{n} 가능한가요",
)
DISTRACTOR_ASPECTS = ("", "온라인 ", "매장 ", "모바일 ", "앱에서 ", "지점 ", "본사 ", "야간 ")


@dataclass(frozen=True)
class Case:
    """One question of the set and the entry it should reach ('-' for off-topic)."""

    expected: str
    question: str


@dataclass(frozen=True)
class Scores:
    """What one matcher achieved on the set."""

    top1: float
    top3: float
    rejection: float
    high_precision: float
    answered: float
    mistakes: list[tuple[str, str, str, str]]


def load_set(path: Path) -> list[Case]:
    """Read the TSV evaluation set (comments and blank lines skipped)."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expected, question = line.split("\t", 1)
        cases.append(Case(expected.strip(), question.strip()))
    return cases


def distractors(count: int, seed: int = 7) -> list[MatchEntry]:
    """Synthesise `count` entries on other topics, each with seven example questions."""
    rng = random.Random(seed)
    topics = [f"{a}{n}" for n in DISTRACTOR_NOUNS for a in DISTRACTOR_ASPECTS]
    rng.shuffle(topics)
    entries = []
    for i, topic in enumerate(topics[:count]):
        shapes = rng.sample(DISTRACTOR_SHAPES, 7)
        entries.append(MatchEntry(f"x{i:03d}", topic, tuple(s.format(n=topic) for s in shapes)))
    return entries


# -- the baseline ---------------------------------------------------------------
class BM25:
    """Okapi BM25 over Kiwi content tokens, one document per entry (title + examples)."""

    def __init__(self, entries: Sequence[MatchEntry], k1: float = 1.2, b: float = 0.75) -> None:
        self.ids = [e.id for e in entries]
        self.docs = [Counter(korean.tokens(" ".join((e.title, *e.examples)))) for e in entries]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = statistics.mean(self.lengths) if self.lengths else 1.0
        df: Counter[str] = Counter()
        for doc in self.docs:
            df.update(doc.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.k1, self.b = k1, b
        self.postings: dict[str, list[int]] = {}
        for i, doc in enumerate(self.docs):
            for term in doc:
                self.postings.setdefault(term, []).append(i)

    def search(self, text: str, k: int = 3) -> list[Hit]:
        """Top k entries by BM25 score."""
        scores: dict[int, float] = {}
        for term in set(korean.tokens(text)):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for i in self.postings[term]:
                tf = self.docs[i][term]
                norm = tf * (self.k1 + 1) / (
                    tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg))
                scores[i] = scores.get(i, 0.0) + idf * norm
        top = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        return [Hit(self.ids[i], s) for i, s in top]


def best_threshold(results: list[tuple[Case, list[Hit]]]) -> float:
    """The BM25 reject threshold that maximises correct answers + correct rejections here."""
    candidates = sorted({h[0].score for _, h in results if h} | {0.0})

    def correct(t: float) -> int:
        return sum((c.expected == OFF_TOPIC) == (not h or h[0].score < t)
                   and (c.expected == OFF_TOPIC or h[0].entry == c.expected)
                   for c, h in results)

    return max(candidates, key=correct)


# -- scoring ----------------------------------------------------------------------
def evaluate(cases: list[Case], search: Callable[[str], list[Hit]],
             accept: Callable[[list[Hit]], str], real: set[str]) -> Scores:
    """Top-1/top-3 over in-domain questions; rejection over off-topic ones."""
    inside = [c for c in cases if c.expected != OFF_TOPIC]
    outside = [c for c in cases if c.expected == OFF_TOPIC]
    top1 = top3 = rejected = high = high_right = answered = 0
    mistakes = []
    for case in cases:
        hits = search(case.question)
        band = accept(hits)
        best = hits[0].entry if hits else "-"
        if case.expected == OFF_TOPIC:
            # A distractor stands for another real topic: matching it is no false answer.
            if band == "low" or best not in real:
                rejected += 1
            else:
                mistakes.append((case.expected, case.question, band, best))
            continue
        top1 += best == case.expected
        top3 += case.expected in [h.entry for h in hits[:3]]
        answered += band == "high"
        if band == "high":
            high += 1
            high_right += best == case.expected
        if best != case.expected or band != "high":
            mistakes.append((case.expected, case.question, band, best))
    return Scores(top1 / len(inside), top3 / len(inside), rejected / max(len(outside), 1),
                  high_right / max(high, 1), answered / len(inside), mistakes)


def latency(cases: list[Case], search: Callable[[str], list[Hit]]) -> tuple[float, float]:
    """p50 and p99 of one search, milliseconds, over every question LATENCY_ROUNDS times."""
    timings = []
    for _ in range(LATENCY_ROUNDS):
        for case in cases:
            start = time.perf_counter()
            search(case.question)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return timings[len(timings) // 2], timings[int(len(timings) * 0.99) - 1]


# -- facts sets (JSON Lines) -------------------------------------------------------
TEST_SET = ROOT / "bench" / "faq_test.jsonl"  # frozen, held out: aggregate figures only
# A second held-out set, written on 2026-12-03 from program-facts.md alone by a session that
# never saw the KB, the code or the other sets; frozen, first run after this round's tuning.
TEST2_SET = ROOT / "bench" / "faq_test2.jsonl"
# A third, written the same way on 2026-12-03 (session 5) before that session's tuning began;
# frozen. Its first run is that session's honest figure.
TEST3_SET = ROOT / "bench" / "faq_test3.jsonl"
# A fourth, written the same way in session 6 (ids h001…) and frozen before that session's
# tuning was merged; its first run is that session's "before" figure.
TEST4_SET = ROOT / "bench" / "faq_test4.jsonl"
# A fifth, written the same way in session 7 (ids x001…) and frozen before any of that
# session's tuning; its first run, on the code the session started from, is the "before".
TEST5_SET = ROOT / "bench" / "faq_test5.jsonl"
# A sixth, written the same way in session 8 (ids k001…) and frozen before any of that
# session's tuning; its first run, on the code the session started from, is the "before".
TEST6_SET = ROOT / "bench" / "faq_test6.jsonl"
HELD_OUT = (TEST_SET, TEST2_SET, TEST3_SET, TEST4_SET, TEST5_SET, TEST6_SET)
DEV_SET = ROOT / "bench" / "faq_dev.jsonl"  # written by the KB's author: flattering
DEV2_SET = ROOT / "bench" / "faq_dev2.jsonl"  # written from the sources only: tune on this
# A third dev set, written from the sources only on 2026-12-03 (session 5) by a session that saw
# neither the KB nor the other sets: more wordings to tune on (faq_dev3.md says how).
DEV3_SET = ROOT / "bench" / "faq_dev3.jsonl"
# A fourth, written the same way on 2026-12-03 (session 6), ids w001… (dev2 has v001…):
# fresh wordings to tune on.
DEV4_SET = ROOT / "bench" / "faq_dev4.jsonl"
# A fifth, written the same way in session 7 (ids y001…): wordings no tuning round has seen.
DEV5_SET = ROOT / "bench" / "faq_dev5.jsonl"
# A sixth, written the same way in session 8 (ids m001…) for that session's tuning.
DEV6_SET = ROOT / "bench" / "faq_dev6.jsonl"
DEV_SETS = (DEV_SET, DEV2_SET, DEV3_SET, DEV4_SET, DEV5_SET, DEV6_SET)


@dataclass(frozen=True)
class FactCase:
    """One question of a JSON Lines set and what a right answer must hold."""

    id: str
    topic: str
    kinds: tuple[str, ...]
    question: str
    expect: tuple[tuple[str, ...], ...]
    handoff: bool
    offtopic: bool


def load_facts(path: Path) -> list[FactCase]:
    """Read a JSON Lines set (see bench/faq_dev.jsonl for the schema)."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        cases.append(FactCase(
            str(row["id"]), str(row.get("topic") or ""), tuple(row.get("kind") or ()),
            str(row["question"]), tuple(tuple(g) for g in row.get("expect") or ()),
            bool(row.get("handoff")), bool(row.get("offtopic"))))
    return cases


def _strings(node: object) -> list[str]:
    """Every text a merchant reads in rendered Kakao outputs."""
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key in ("text", "title", "description", "label") and isinstance(value, str):
                found.append(value)
            else:
                found += _strings(value)
        return found
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


def _has_operator(node: object) -> bool:
    if isinstance(node, dict):
        return node.get("action") == "operator" or any(_has_operator(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_operator(v) for v in node)
    return False


def render_answers(snapshot: Snapshot, templates: str) -> dict[str, tuple[str, bool]]:
    """Each entry's rendered text (no situation) and whether it offers the operator button."""
    from bot.app import template_globals
    from bot.core.config import TestConfig

    # The app's template globals (consult(), draft_days), as create_app installs them.
    store = TemplateStore(templates, template_globals=template_globals(
        {"DRAFT_TTL": TestConfig.DRAFT_TTL}))
    renderer = Renderer(store, strict=False)
    answers = {}
    for entry in snapshot.entries.values():
        outputs = renderer.render_part(Part(entry.template, {"faq_id": entry.id}))["outputs"]
        answers[entry.id] = ("\n".join(_strings(outputs)), _has_operator(outputs))
    return answers


@dataclass(frozen=True)
class Outcome:
    """What the merchant got for one question, read off the rendered Kakao response."""

    kind: str  # answer (a KB entry) / suggested / declined / routed:<skill>
    text: str  # every bubble's visible text
    operator: bool  # a 상담원 연결 button is offered


def has_facts(case: FactCase, text: str) -> bool:
    """Whether the text holds one spelling of every expected fact (spaces ignored)."""
    folded = text.replace(" ", "")
    return all(any(alt.replace(" ", "") in folded for alt in group) for group in case.expect)


def grade(case: FactCase, outcome: Outcome) -> str:
    """right / wrong (answered directly without the facts) / suggested / declined / routed.

    Off-topic: declined (no direct KB answer; a suggestion list counts as declined but is
    shown apart as suggested) or wrong. A fact the sources leave open (`handoff`) is
    right when the reply offers the operator and answers no KB entry without it, and
    when the router sends it to the operator skill itself.
    """
    if case.offtopic:
        if outcome.kind == "answer":
            return "wrong"
        return "suggested" if outcome.kind == "suggested" else "declined"
    if outcome.kind == "suggested":
        return "suggested"
    if case.handoff:
        if outcome.kind == OPERATOR_ROUTE:
            return "right"
        if outcome.operator and outcome.kind in ("answer", "declined"):
            return "right" if outcome.kind == "answer" else "handoff"
        return "wrong" if outcome.kind == "answer" else outcome.kind.split(":")[0]
    if outcome.kind == "answer" or outcome.kind.startswith("routed"):
        if has_facts(case, outcome.text):
            return "right"
        return "wrong" if outcome.kind == "answer" else "routed"
    return "declined"


class AppAsker:
    """The real skill server in-process: each question is a new merchant's first message."""

    def __init__(self, templates: str) -> None:
        import os
        import tempfile

        from bot import create_app
        from bot.core.config import TestConfig
        from bot.core.redisconn import embedded_url

        url = os.environ.get("TEST_REDIS_URL") or embedded_url(
            tempfile.mkdtemp(prefix="faq-eval-redis-"))
        # The reply budget is the server's guard against hung dependencies: here it would
        # turn a slow moment of a shared machine into a 'busy' reply graded as a miss.
        self.app = create_app(TestConfig(REDIS_URL=url, TEMPLATES_DIR=templates,
                                         STRICT_RESPONSES=False, LOG_LEVEL="ERROR",
                                         SKILL_BUDGET=EVAL_BUDGET))
        services = self.app.extensions["bot"].services
        services.faq.kb.snapshot(wait=True)  # the first question must not wait for the index
        self.redis = services.redis
        self.redis.flushdb()
        self.count = 0
        self.timings: list[float] = []

    def ask(self, question: str) -> Outcome:
        """Post the question to the fallback skill and classify the rendered reply."""
        from tests.support.kakao import Chat

        self.count += 1
        chat = Chat(self.app, f"eval-{self.count:05d}")
        start = time.perf_counter()
        said = chat.say(question, allow_template_errors=True)
        self.timings.append((time.perf_counter() - start) * 1000)
        templates = said.templates
        if any(t.startswith("faq/") for t in templates):
            kind = "answer"
        elif any(t.startswith("faq_ui/") for t in templates):
            kind = "suggested"
        elif not templates or any(t.startswith("fallback/") for t in templates):
            kind = "declined"
        else:
            kind = "routed:" + templates[-1].split("/")[0]
        return Outcome(kind, said.text, _has_operator(said.body))

    def close(self) -> None:
        """Forget what the run wrote."""
        self.redis.flushdb()
        self.app.extensions["bot"].pipeline.close()


def _percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    if not ordered:
        return float("nan"), float("nan")
    return ordered[len(ordered) // 2], ordered[max(int(len(ordered) * 0.99) - 1, 0)]


def bm25_outcomes(cases: list[FactCase], snapshot: Snapshot,
                  answers: dict[str, tuple[str, bool]]) -> list[Outcome]:
    """Plain BM25 over Kiwi tokens, its reject threshold the best one for this very set."""
    base = BM25([e.match_entry() for e in snapshot.entries.values()])
    hits = [base.search(c.question) for c in cases]

    def outcome(hit: list[Hit], threshold: float) -> Outcome:
        if not hit or hit[0].score < threshold:
            return Outcome("declined", "", True)
        text, operator = answers[hit[0].entry]
        return Outcome("answer", text, operator)

    def score(threshold: float) -> int:
        # Success is the right facts for a program question and a decline for an off-topic
        # one. (Counting any decline as success made the best threshold decline everything:
        # BM25 showed ~90 % "unknown" on the held-out sets until 2026-12-03.)
        return sum(grade(c, outcome(h, threshold)) == ("declined" if c.offtopic else "right")
                   for c, h in zip(cases, hits, strict=True))

    candidates = sorted({h[0].score for h in hits if h} | {0.0})
    threshold = max(candidates, key=score)
    return [outcome(h, threshold) for h in hits]


def facts_table(rows: list[tuple[FactCase, str]]) -> list[str]:
    """Overall, per topic and per kind: right / wrong / suggested / handoff / unknown / routed."""

    def line(label: str, part: list[tuple[FactCase, str]]) -> str:
        inside = [g for c, g in part if not c.offtopic]
        outside = [g for c, g in part if c.offtopic]
        n = max(len(inside), 1)
        count = Counter(g.split(":")[0] for g in inside)
        off = (f"{sum(g != 'wrong' for g in outside) / len(outside):>9.1%}"
               f"{sum(g == 'suggested' for g in outside) / len(outside):>8.1%}"
               if outside else f"{'':>17}")
        return (f"{label:<24}{len(inside):>5}{count['right'] / n:>8.1%}"
                f"{count['wrong'] / n:>8.1%}{count['suggested'] / n:>8.1%}"
                f"{count['handoff'] / n:>8.1%}{count['declined'] / n:>8.1%}"
                f"{count['routed'] / n:>8.1%}{len(outside):>5}{off}")

    out = [f"{'':<24}{'n':>5}{'right':>8}{'wrong':>8}{'suggest':>8}{'handoff':>8}"
           f"{'unknown':>8}{'routed':>8}{'off':>5}{'declined':>9}{'(sugg)':>8}",
           line("all", rows)]
    for topic in sorted({c.topic for c, _ in rows if not c.offtopic}):
        out.append(line(f"  {topic}", [r for r in rows if r[0].topic == topic]))
    for kind in sorted({k for c, _ in rows for k in c.kinds if k != "offtopic"}):
        out.append(line(f"  kind={kind}", [r for r in rows if kind in r[0].kinds]))
    return out


def held_back(path: Path, digits: str) -> list[tuple[str, list[FactCase], bool]]:
    """The set, or for dev2–dev6 with `digits`: the part tuned on, then the part only counted.

    The ids of dev2 to dev6 ending in one of `digits` are scored apart and never listed,
    so a change tuned on the other questions shows whether it carries to wording not looked at.
    """
    cases = load_facts(path)
    if not digits or path.resolve() not in {p.resolve() for p in DEV_SETS[1:]}:
        return [(path.name, cases, path.resolve() in {p.resolve() for p in HELD_OUT})]
    looked = [c for c in cases if c.id[-1:] not in digits]
    apart = [c for c in cases if c.id[-1:] in digits]
    return [(f"{path.name} (ids not ending in {digits})", looked, False),
            (f"{path.name} (ids ending in {digits}, held back: overall figures only)",
             apart, True)]


def run_facts(paths: list[Path], templates: str, verbose: bool, hold_back: str = "") -> None:
    """Score JSON Lines sets on what the merchant reads, through the real app, and BM25."""
    snapshot = KnowledgeBase(TemplateStore(templates)).snapshot()
    answers = render_answers(snapshot, templates)
    korean.kiwi()
    asker = AppAsker(templates)
    try:
        for name, cases, held_out in (s for p in paths for s in held_back(p, hold_back)):
            asker.timings.clear()
            ours = [(c, grade(c, asker.ask(c.question))) for c in cases]
            request = _percentiles(asker.timings)
            base = [(c, grade(c, o))
                    for c, o in zip(cases, bm25_outcomes(cases, snapshot, answers), strict=True)]
            note = (" (held out: aggregate figures only)"
                    if held_out and "held back" not in name else "")
            print(f"\n== {name}{note}"
                  f": {len(cases)} questions ({sum(c.offtopic for c in cases)} off-topic), "
                  f"knowledge base: {len(snapshot.entries)} entries")
            print("-- ours, through the app (fallback skill):")
            table = facts_table(ours)
            # The held-back part of dev2 / dev3: the overall line only, nothing to tune on.
            print("\n".join(table[:2] if name.endswith("overall figures only)") else table))
            print(f"   whole fallback request in-process: p50 {request[0]:.1f} ms, "
                  f"p99 {request[1]:.1f} ms")
            print("-- BM25 over Kiwi tokens (oracle threshold, rendered entry answers):")
            print("\n".join(facts_table(base)[:2]))
            if verbose and not held_out:
                print("\nnot right (id, grade, question):")
                for case, verdict in ours:
                    if verdict not in ("right", "declined") or (
                            verdict == "declined" and not case.offtopic):
                        print(f"  {case.id}\t{verdict}\t{case.question}")
        print_match_latency(snapshot)
    finally:
        asker.close()


def print_match_latency(snapshot: Snapshot) -> None:
    """p50/p99 of one match on the real KB and on 500 entries (dev questions as load)."""
    questions = [Case("-", c.question) for c in load_facts(DEV_SET)]
    entries = [e.match_entry() for e in snapshot.entries.values()]
    synonyms = snapshot.index.analyzer.synonyms
    print("\nmatch latency (dev questions × rounds):")
    for label, kb in (("real", entries), ("500", entries + distractors(KB_SIZE - len(entries)))):
        index = snapshot.index if label == "real" else Index(kb, synonyms)
        p50, p99 = latency(questions, lambda q, i=index: i.search(q))
        print(f"  {label:>5} entries ({len(kb)}): p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def main() -> None:
    """Run both matchers on the real and the inflated knowledge base and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=str(ROOT / "bench" / "faq_eval_set.tsv"))
    parser.add_argument("--templates", default=str(ROOT / "templates"))
    parser.add_argument("--facts", action="append",
                        help="a JSON Lines set scored on the answers' facts (repeatable; "
                             "'dev': the six dev sets; 'held-out': the six held-out "
                             "sets; 'all': the dev sets, then the held-out sets)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list the misses (never for the held-out sets)")
    parser.add_argument("--hold-back", default="", metavar="DIGITS",
                        help="score the ids of dev2 to dev6 ending in one of DIGITS apart, "
                             "aggregates only")
    args = parser.parse_args()
    if args.facts:
        named = {"all": (*DEV_SETS, *HELD_OUT),
                 "dev": DEV_SETS,
                 "held-out": HELD_OUT}
        paths = [p for f in args.facts for p in named.get(f, (Path(f),))]
        run_facts(paths, args.templates, args.verbose, args.hold_back)
        return

    cases = load_set(Path(args.set))
    snapshot = KnowledgeBase(TemplateStore(args.templates)).snapshot()
    entries = [e.match_entry() for e in snapshot.entries.values()]
    real = {e.id for e in entries}
    synonyms = snapshot.index.analyzer.synonyms
    bands = Bands()
    inflated_entries = entries + distractors(KB_SIZE - len(entries))
    korean.kiwi()  # load the model before timing anything

    print(f"set: {len(cases)} questions ({sum(c.expected == OFF_TOPIC for c in cases)} "
          f"off-topic), knowledge base: {len(entries)} entries, inflated: "
          f"{len(inflated_entries)}")
    routed = [c for c in cases if c.expected != OFF_TOPIC and router.route(c.question)]
    print(f"in-domain questions the keyword router sends elsewhere first: {len(routed)}")
    print(f"\n{'matcher':<24}{'KB':>5}{'top-1':>8}{'top-3':>8}{'reject':>8}"
          f"{'answered':>10}{'high ok':>9}{'p50 ms':>8}{'p99 ms':>8}")
    report: list[tuple[str, Scores]] = []
    for label, kb in (("real", entries), ("500", inflated_entries)):
        ours = Index(kb, synonyms)
        base = BM25(kb)
        base_results = [(c, base.search(c.question)) for c in cases]
        threshold = best_threshold(base_results)
        runs = (
            ("ours (bands)", lambda q, i=ours: i.search(q), bands.of),
            ("BM25 tokens (oracle τ)", lambda q, b=base: b.search(q),
             lambda h, t=threshold: "high" if h and h[0].score >= t else "low"),
        )
        for name, search, accept in runs:
            scores = evaluate(cases, search, accept, real)
            p50, p99 = latency(cases, search) if label == "500" else (float("nan"),) * 2
            print(f"{name:<24}{label:>5}{scores.top1:>8.1%}{scores.top3:>8.1%}"
                  f"{scores.rejection:>8.1%}{scores.answered:>10.1%}"
                  f"{scores.high_precision:>9.1%}{p50:>8.2f}{p99:>8.2f}")
            report.append((f"{name} / {label}", scores))
    if args.verbose:
        for name, scores in report[:2]:
            print(f"\nmisses of {name} (expected, question, band, got):")
            for row in scores.mistakes:
                print("  ", *row, sep="\t")


if __name__ == "__main__":
    main()
