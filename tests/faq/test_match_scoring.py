"""The matcher's vectorised scoring ranks exactly as the plain cosine definitions say."""

from __future__ import annotations

import math

import pytest

from bot.answers.templating import TemplateStore
from bot.core.config import ROOT
from bot.faq import match
from bot.faq.knowledge import KnowledgeBase


@pytest.fixture(scope="module")
def index() -> match.Index:
    return KnowledgeBase(TemplateStore(str(ROOT / "templates"), False)).snapshot().index


def _unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def reference(index: match.Index, text: str, context: str | None,
              k: int = 3) -> list[tuple[str, float]]:
    """The ranking written out with dicts: best example, whole entry, follow-up context."""
    feats = index.analyzer.features(text)
    spaces = [(index.tok, feats.tokens, match.TOKEN_WEIGHT),
              (index.chr, feats.chars, 1.0 - match.TOKEN_WEIGHT)]
    prev = index.position.get(context) if context else None
    queries = []
    for space, counts, weight in spaces:
        q = space.query(counts)
        if prev is not None:
            q = dict(q)
            for term, value in space.bags[prev].items():
                q[term] = q.get(term, 0.0) + match.CONTEXT_WEIGHT * value
            q = _unit(q)
        queries.append((space, q, weight))
    docs = []
    for i in range(len(index.doc_owner)):
        feats_i = index.analyzer.features(index.doc_text[i])
        score = 0.0
        for (space, q, weight), counts in zip(queries, (feats_i.tokens, feats_i.chars),
                                              strict=True):
            vec = _unit({t: (1 + math.log(c)) * space.idf[t] for t, c in counts.items() if c})
            score += weight * _cos(q, vec)
        docs.append(score)
    best = [max(s for s, o in zip(docs, index.doc_owner, strict=True) if o == e)
            for e in range(len(index.entries))]
    if prev is not None:
        best[prev] = 0.0
    bonus = {index.position[f] for f in index.entries[prev].follow_ups
             if f in index.position} if prev is not None else set()
    leaders = sorted(range(len(best)), key=lambda e: -best[e])[:match.CANDIDATES]
    scores = {e: (1 - match.BAG_WEIGHT) * best[e] + match.BAG_WEIGHT * sum(
        w * _cos(q, space.bags[e]) for space, q, w in queries)
        + (match.FOLLOW_UP_BONUS if e in bonus else 0.0) for e in leaders if best[e] > 0}
    ordered = sorted(scores.items(), key=lambda kv: (-round(kv[1], 4), kv[0]))
    # Outside topics (what the channel does not answer) are never returned as hits.
    top = [(e, s) for e, s in ordered if not index.entries[e].id.startswith(match.OUTSIDE)][:k]
    return [(index.entries[e].id, round(s, 4)) for e, s in top]


def ranked(hits: list[match.Hit]) -> list[tuple[str, float]]:
    return [(h.entry, h.score) for h in hits]


def assert_same(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    assert [e for e, _ in got] == [e for e, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=2e-4)


QUESTIONS = ("법인도 신청할 수 있나요?", "잔액 확인은 어디서 해요", "무상캐시 언제 들어와요",
             "그럼 개인은요?", "친구 500명한테 보내면 얼마예요", "날씨 어때")


@pytest.mark.parametrize("text", QUESTIONS)
def test_a_question_ranks_as_the_cosine_definitions_say(index, text):
    assert_same(ranked(index.search(text)), reference(index, text, None))


@pytest.mark.parametrize("text", QUESTIONS)
def test_a_follow_up_ranks_in_the_light_of_the_previous_answer_as_defined(index, text):
    query = index.query(text)  # scored once, ranked with and without the context
    for previous in (index.entries[0].id, index.entries[len(index.entries) // 2].id):
        assert_same(ranked(index.search(text, context=previous, query=query)),
                    reference(index, text, previous))
