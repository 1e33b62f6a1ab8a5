"""FAQ matcher: rank knowledge-base entries for a merchant's free Korean text.

Pure (no Flask, no Redis): the FAQ skill and bench/faq_eval.py both use it.
Each example question becomes two TF-IDF vectors: content morphemes from Kiwi
(meaning, word order free) and character 2/3-grams of the text without spaces
(spacing errors, typos, endings Kiwi misreads). Operator synonyms and spelling
fixes are folded in before either is built. An entry scores the best cosine of
its examples, blended with the cosine of all its examples together, so words
spread over several examples still count. Confidence bands turn scores into
"answer", "did you mean" or "I don't know".
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.conversation import korean

if TYPE_CHECKING:  # numpy loads with the first index built, not with every CLI command
    import numpy as np

# Kiwi tags kept as meaning-bearing tokens (korean.CONTENT_TAGS plus auxiliary verbs, since
# Kiwi reads '만드는 법' as 만들/VX, and interjection-like question words).
TOKEN_TAGS = frozenset(korean.CONTENT_TAGS) | {"VX", "VCN", "IC"}
# Matching keywords that carry no topic of their own (generic verbs, fillers, politeness).
STOP_TOKENS = frozenset({
    "하", "되", "있", "수", "것", "거", "좀", "혹시", "저", "제", "나", "내", "우리", "요",
    "그", "이", "그럼", "그러면", "그냥", "진짜", "정말", "너무", "막", "아", "음", "네",
    "알", "주", "보", "가", "오", "싶", "드리", "말", "안녕", "감사", "궁금", "문의",
    "사장", "님",  # merchants call themselves and each other 사장님: no topic in it
    # adverbs asking for care or detail ("정확히 뭐예요", "쉽게 알려 주세요"): no topic either
    "정확히", "자세히", "도대체", "대체", "쉽게", "간단히", "대충", "제발",
})
# A follow-up opens with one of these or says little: "그럼 법인은요?".
FOLLOW_UP_LEADS = ("그럼", "그러면", "그건", "그거", "그리고", "근데", "그런데", "아 그럼")
FOLLOW_UP_MAX_TOKENS = 2

TOKEN_WEIGHT = 0.5  # share of the morpheme cosine in a score (the rest: character n-grams)
BAG_WEIGHT = 0.25  # share of the whole-entry cosine next to the best single example
CONTEXT_WEIGHT = 0.35  # how much the previous entry's words count in a follow-up
FOLLOW_UP_BONUS = 0.08  # entries the previous one names as follow-ups
CANDIDATES = 12  # entries re-scored with their whole-entry vector
# Id prefix of a close topic the channel does not answer (templates/faq_outside.yaml): such
# entries compete in the ranking but are never returned as hits.
OUTSIDE = "outside:"

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True)
class MatchEntry:
    """What the matcher needs of a knowledge-base entry."""

    id: str
    title: str
    examples: tuple[str, ...]
    follow_ups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One ranked entry."""

    entry: str
    score: float


@dataclass(frozen=True)
class Bands:
    """Score thresholds: at or above `high` (with a margin) answer, above `low` suggest."""

    # Set on bench/faq_eval.py: few wrong direct answers, most off-topic text below `low`.
    high: float = 0.4
    low: float = 0.28
    margin: float = 0.03  # a close runner-up makes a high score only a suggestion (dev2)
    sure: float = 0.75  # this high needs no margin (two entries that near are both right)
    # A suggestion this strong is answered when the question carries the case the entry
    # judges (an amount, a time, a business type: bot/situation.py).
    situational: float = 0.3
    # A clear winner: below `high`, but `lead` ahead of every other entry. Questions worded
    # unlike any example score low on every entry; when one entry still stands far ahead, the
    # list of three was mostly that one entry and two unrelated ones (dev sets: the top entry
    # was right in 39 of 41 such questions of dev and dev2).
    lead_high: float = 0.3
    lead: float = 0.1
    # A suggestion whose entry knows (nearly) every word of the question is answered: the
    # words the entry's title and examples hold carry at least `covered` of the question's
    # weight (IDF; a word no entry knows counts in full against it), it is `margin` ahead,
    # and the question says enough (not "신규는요?"). Chosen on dev2's looked half
    # (bench/faq_eval.py --hold-back 05; 0.7 scored the same, 0.9 lower).
    covered: float = 0.8

    def of(self, hits: Sequence[Hit], lead: bool = False) -> str:
        """Return 'high', 'medium' or 'low' for a ranked hit list.

        `lead`: a clear winner may be answered (a question that says enough to be read on
        its own; not "신규는요?", not a form's answer).
        """
        if not hits or hits[0].score < self.low:
            return "low"
        top = hits[0].score
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        if top >= self.sure or (top >= self.high and top - runner_up >= self.margin):
            return "high"
        if lead and top >= self.lead_high and top - runner_up >= self.lead:
            return "high"
        return "medium"


class Synonyms:
    """Operator word lists: synonym groups (first word wins) and spelling fixes."""

    def __init__(self, groups: Iterable[Sequence[str]] = (),
                 spelling: Mapping[str, str] | None = None) -> None:
        table: dict[str, str] = {}  # variant without spaces -> canonical word
        patterns: dict[str, str] = {}  # variant without spaces -> how it is found in a text
        for group in groups:
            words = [korean.fold(str(w)) for w in group if str(w).strip()]
            for word in words:
                key = _compact(word)
                if key not in table:
                    table[key] = words[0]
                    # A word is found however it is spaced ("비즈 월렛", "카톡채널").
                    patterns[key] = r"\s*".join(map(re.escape, key))
        spelling_keys: list[str] = []
        for wrong, right in (spelling or {}).items():
            typed = korean.fold(str(wrong))
            key = _compact(typed)
            if key and key not in table:
                spelling_keys.append(key)
                table[key] = korean.fold(str(right))
                # A misspelling only as typed: '은제' (언제) is no fix for '충전은 제가'.
                patterns[key] = r"\s*".join(re.escape(w) for w in typed.split())
        self.table = table
        # One alternation, longest first.
        variants = sorted((v for v in patterns if v), key=len, reverse=True)
        pattern = "|".join(patterns[v] for v in variants)
        self._pattern = re.compile(pattern) if pattern else None
        # The spelling fixes alone (fix_spelling): the merchant's own words kept.
        fixes = sorted(spelling_keys, key=len, reverse=True)
        self._spelling = re.compile("|".join(patterns[k] for k in fixes)) if fixes else None

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any] | None) -> Synonyms:
        """Build from the parsed templates/faq_synonyms.yaml."""
        spec = spec or {}
        groups = [g for g in spec.get("synonyms") or [] if isinstance(g, list)]
        spelling = spec.get("spelling") if isinstance(spec.get("spelling"), dict) else {}
        return cls(groups, spelling)

    def apply(self, text: str) -> str:
        """Replace every known variant by its canonical word."""
        folded = korean.fold(text)
        if self._pattern is None:
            return folded
        return self._pattern.sub(lambda m: self.table[_compact(m[0])], folded)

    def fix_spelling(self, text: str) -> str:
        """Only the spelling fixes ('어케' → '어떻게'): the synonyms left as typed, so what
        a word was ("밤 8시 40분", "30만원으로") still tells the situation reader."""
        folded = korean.fold(text)
        if self._spelling is None:
            return folded
        return self._spelling.sub(lambda m: self.table[_compact(m[0])], folded)

    def token(self, form: str) -> str:
        """Canonical form of one morpheme (Kiwi may split off a variant the text pass kept)."""
        return self.table.get(form, form)


@dataclass(frozen=True)
class Features:
    """Raw term counts of a text in the two spaces."""

    tokens: dict[str, float]
    chars: dict[str, float]
    words: tuple[str, ...]  # content morphemes in order (for follow-up detection)


class Analyzer:
    """Text → features, with the operator's synonyms folded in."""

    def __init__(self, synonyms: Synonyms | None = None) -> None:
        self.synonyms = synonyms or Synonyms()

    def features(self, text: str) -> Features:
        """Morpheme unigrams and bigrams plus character 2/3-grams of the normalised text."""
        normal = self.synonyms.apply(text)
        words = tuple(
            self.synonyms.token(form) for form, tag in korean.morphemes(normal)
            if tag in TOKEN_TAGS and form not in STOP_TOKENS)
        tokens: dict[str, float] = defaultdict(float)
        for word in words:
            tokens[word] += 1.0
        for a, b in zip(words, words[1:], strict=False):
            tokens[f"{a}_{b}"] += 0.5
        compact = _NON_WORD.sub("", normal).replace("_", "")
        chars: dict[str, float] = defaultdict(float)
        for n in (2, 3):
            for i in range(len(compact) - n + 1):
                chars[compact[i:i + n]] += 1.0
        if len(compact) == 1:
            chars[compact] += 1.0
        return Features(dict(tokens), dict(chars), words)


class _Postings:
    """term → (rows, weights) for every term as one CSR table.

    Scoring a query is a fixed handful of numpy calls, however many terms it has (a
    follow-up's query carries the previous entry's whole bag: hundreds of terms); a
    numpy add per term cost most of a FAQ request.
    """

    def __init__(self, postings: Mapping[str, Sequence[tuple[int, float]]], size: int) -> None:
        import numpy as np

        self.size = size
        self.ids = {t: j for j, t in enumerate(postings)}
        lengths = np.fromiter((len(p) for p in postings.values()), np.int64, len(postings))
        self.indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self.rows = np.fromiter((i for p in postings.values() for i, _ in p), np.intp,
                                int(self.indptr[-1]))
        self.weights = np.fromiter((w for p in postings.values() for _, w in p), np.float64,
                                   int(self.indptr[-1]))

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        """Dot product of the query with every row."""
        import numpy as np

        ids = self.ids
        found = [(j, w) for t, w in query.items() if (j := ids.get(t)) is not None]
        if not found:
            return np.zeros(self.size)
        pairs = np.array(found)
        terms, qw = pairs[:, 0].astype(np.intp), pairs[:, 1]
        starts = self.indptr[terms]
        lengths = self.indptr[terms + 1] - starts
        # Positions of all the terms' postings, gathered without a Python loop.
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        at = np.arange(int(lengths.sum())) + offsets
        return np.bincount(self.rows[at], weights=self.weights[at] * np.repeat(qw, lengths),
                           minlength=self.size)


@dataclass
class _Space:
    """One feature space: IDF, per-example and per-entry postings."""

    idf: dict[str, float] = field(default_factory=dict)
    unknown_idf: float = 1.0
    docs: _Postings | None = None  # term -> the examples holding it
    entries: _Postings | None = None  # term -> the entries' bags (all examples together)
    bags: list[dict[str, float]] = field(default_factory=list)
    # entry -> its bag scored against every example and entry, and the bag's squared norm
    bag_scores: dict[int, tuple[np.ndarray, np.ndarray, float]] = field(default_factory=dict)

    def scored_bag(self, entry: int) -> tuple[np.ndarray, np.ndarray, float]:
        """An entry's bag as a query (a follow-up's context), computed once per entry."""
        found = self.bag_scores.get(entry)
        if found is None:
            bag = self.bags[entry]
            found = (self.docs.scores(bag), self.entries.scores(bag),
                     sum(v * v for v in bag.values()))
            self.bag_scores[entry] = found  # a race computes it twice: harmless
        return found

    def query(self, counts: Mapping[str, float]) -> dict[str, float]:
        """Weight and L2-normalise a query (unknown terms count in the norm: off-topic words
        dilute the score instead of being ignored)."""
        vec = {t: (1.0 + math.log(c)) * self.idf.get(t, self.unknown_idf)
               for t, c in counts.items() if c > 0}
        return _unit(vec)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _unit(vec: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def _build_space(docs: Sequence[Mapping[str, float]], owners: Sequence[int],
                 n_entries: int) -> _Space:
    """IDF over entries (not examples: ten wordings of one entry must not make a word rare)."""
    df: dict[str, int] = defaultdict(int)
    per_entry: list[dict[str, float]] = [defaultdict(float) for _ in range(n_entries)]
    for doc, owner in zip(docs, owners, strict=True):
        for term, count in doc.items():
            per_entry[owner][term] += count
    for bag in per_entry:
        for term in bag:
            df[term] += 1
    space = _Space()
    space.idf = {t: math.log((n_entries + 1) / (d + 0.5)) + 0.1 for t, d in df.items()}
    space.unknown_idf = math.log((n_entries + 1) / 0.5) + 0.1
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, doc in enumerate(docs):
        vec = _unit({t: (1.0 + math.log(c)) * space.idf[t] for t, c in doc.items() if c > 0})
        for term, weight in vec.items():
            postings[term].append((i, weight))
    for bag in per_entry:
        space.bags.append(
            _unit({t: (1.0 + math.log(c)) * space.idf[t] for t, c in bag.items() if c > 0}))
    bag_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for owner, bag in enumerate(space.bags):
        for term, weight in bag.items():
            bag_postings[term].append((owner, weight))
    space.docs = _Postings(postings, len(docs))
    space.entries = _Postings(bag_postings, n_entries)
    return space


class _Scored:
    """A query in one space, scored against every example and entry once.

    A follow-up's query is unit(q + w·bag): scoring is linear, so its scores are
    (q's + w·bag's) / |q + w·bag|, with |q + w·bag|² = |q|² + 2w(q·bag) + w²|bag|²
    and q·bag = q's score of that entry. No second pass over the postings.
    """

    def __init__(self, space: _Space, counts: Mapping[str, float]) -> None:
        query = space.query(counts)
        self.space = space
        self.norm2 = sum(v * v for v in query.values())
        self.docs = space.docs.scores(query)
        self.entries = space.entries.scores(query)

    def plain(self) -> tuple[np.ndarray, np.ndarray]:
        """Scores against the examples and the entries."""
        return self.docs, self.entries

    def blended(self, entry: int, weight: float) -> tuple[np.ndarray, np.ndarray]:
        """The same scores for unit(q + weight·bag of `entry`)."""
        bag_docs, bag_entries, bag_norm2 = self.space.scored_bag(entry)
        norm2 = self.norm2 + 2 * weight * float(self.entries[entry]) + weight * weight * bag_norm2
        norm = math.sqrt(norm2) if norm2 > 0 else 0.0
        if not norm:
            return self.docs * 0.0, self.entries * 0.0
        return (self.docs + weight * bag_docs) / norm, (self.entries + weight * bag_entries) / norm


@dataclass(frozen=True)
class Query:
    """A text analysed and scored once; `Index.search` ranks it with or without a context."""

    features: Features
    tok: _Scored
    chr: _Scored


class Index:
    """The searchable knowledge base; build once, search many times (thread-safe reads)."""

    def __init__(self, entries: Sequence[MatchEntry], synonyms: Synonyms | None = None) -> None:
        self.analyzer = Analyzer(synonyms)
        self.entries = list(entries)
        self.position = {e.id: i for i, e in enumerate(self.entries)}
        self.doc_owner: list[int] = []
        self.doc_text: list[str] = []
        tok_docs: list[dict[str, float]] = []
        chr_docs: list[dict[str, float]] = []
        for i, entry in enumerate(self.entries):
            for text in (entry.title, *entry.examples):
                feats = self.analyzer.features(text)
                tok_docs.append(feats.tokens)
                chr_docs.append(feats.chars)
                self.doc_owner.append(i)
                self.doc_text.append(text)
        self.tok = _build_space(tok_docs, self.doc_owner, len(self.entries))
        # Every content word an entry's title and examples use (Index.coverage).
        self.vocabulary: list[frozenset[str]] = [frozenset() for _ in self.entries]
        for owner, doc in zip(self.doc_owner, tok_docs, strict=True):
            self.vocabulary[owner] |= {t for t in doc if "_" not in t}
        self.chr = _build_space(chr_docs, self.doc_owner, len(self.entries))
        # Each entry's documents are contiguous: its best example is a reduceat over them.
        import numpy as np

        self._starts = np.array([self.doc_owner.index(i) for i in range(len(self.entries))],
                                dtype=np.intp)

    def __len__(self) -> int:
        return len(self.entries)

    def query(self, text: str) -> Query:
        """Analyse and score a text once (Kiwi and the postings are most of a search's cost)."""
        feats = self.analyzer.features(text)
        return Query(feats, _Scored(self.tok, feats.tokens), _Scored(self.chr, feats.chars))

    def search(self, text: str, k: int = 3, *, context: str | None = None,
               exclude_doc: int | None = None, screen: bool = False,
               query: Query | None = None) -> list[Hit]:
        """Rank entries for `text`; `context` is the previous entry id of a follow-up.

        Outside topics are never returned; with `screen`, a question nearest to one of
        them gets no hits at all (it is about something else).

        `query` is `self.query(text)`, when the caller has it already (a follow-up is ranked
        twice: as it stands and in the light of the previous answer).
        """
        if not self.entries:
            return []
        import numpy as np

        q = query or self.query(text)
        skip: int | None = None
        bonus: set[int] = set()
        if context in self.position:
            prev = self.position[context]
            skip = prev
            (tok_docs, tok_whole), (chr_docs, chr_whole) = (
                q.tok.blended(prev, CONTEXT_WEIGHT), q.chr.blended(prev, CONTEXT_WEIGHT))
            bonus = {self.position[f] for f in self.entries[prev].follow_ups
                     if f in self.position}
        else:
            (tok_docs, tok_whole), (chr_docs, chr_whole) = q.tok.plain(), q.chr.plain()
        docs = TOKEN_WEIGHT * tok_docs + (1.0 - TOKEN_WEIGHT) * chr_docs
        if exclude_doc is not None:
            docs[exclude_doc] = 0.0
        best = np.maximum.reduceat(docs, self._starts)
        if skip is not None:
            best[skip] = 0.0
        count = min(CANDIDATES, len(best))
        front = np.argpartition(-best, count - 1)[:count]
        # The whole-entry cosine only counts for the front runners: it can only reorder them.
        leaders = [int(i) for i in front if best[i] > 0.0]
        whole = TOKEN_WEIGHT * tok_whole + (1.0 - TOKEN_WEIGHT) * chr_whole
        scores = {
            owner: (1.0 - BAG_WEIGHT) * float(best[owner]) + BAG_WEIGHT * float(whole[owner])
            + (FOLLOW_UP_BONUS if owner in bonus else 0.0)
            for owner in leaders
        }
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if screen and ranked and self.entries[ranked[0][0]].id.startswith(OUTSIDE):
            return []
        top = [(i, s) for i, s in ranked if not self.entries[i].id.startswith(OUTSIDE)][:k]
        return [Hit(self.entries[i].id, round(s, 4)) for i, s in top]

    def coverage(self, query: Query, entry_id: str) -> float:
        """Share of the question's word weight (IDF) that the entry's own words hold: 1.0
        when the entry's title and examples use every content word of the question, less
        for each word only other entries (or none) know ("배민 광고비 지원도 해줘요?")."""
        words = set(query.features.words)
        if not words or entry_id not in self.position:
            return 0.0
        known = self.vocabulary[self.position[entry_id]]
        idf, unknown = self.tok.idf, self.tok.unknown_idf
        total = sum(idf.get(w, unknown) for w in words)
        return sum(idf.get(w, unknown) for w in words if w in known) / total

    @staticmethod
    def says_enough(query: Query) -> bool:
        """Whether a question names more than a word or two ("신규는요?" does not): only
        such a question is answered on a clear lead alone (Bands.of)."""
        return len(query.features.words) > FOLLOW_UP_MAX_TOKENS

    def is_follow_up(self, text: str, features: Features | None = None) -> bool:
        """Whether text reads like a follow-up ("그럼 법인은요?") rather than a new question."""
        folded = korean.fold(text)
        if folded.startswith(FOLLOW_UP_LEADS):
            return True
        words = (features or self.analyzer.features(text)).words
        return len(words) <= FOLLOW_UP_MAX_TOKENS

    def docs_of(self, entry_id: str) -> list[int]:
        """Document numbers of an entry's title and examples (title first)."""
        owner = self.position[entry_id]
        return [i for i, o in enumerate(self.doc_owner) if o == owner]
