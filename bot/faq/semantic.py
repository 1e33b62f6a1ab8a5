"""Near-meaning expansion of a question's words with Kiwi's CoNg morpheme embeddings.

Pure (no Flask, no Redis). The default Kiwi model (`model_type='cong'`, shipped inside
kiwipiepy_model, nothing downloaded) carries morpheme embeddings; the analyser the
matcher already loads exposes them through `morpheme_similarity`. A query word the
knowledge base never uses ("반품") is mapped to the knowledge-base words nearest in
meaning ("환불"), each with a fraction of its weight, so a question worded apart from
every example still reaches the entry. Words the knowledge base knows are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bot.conversation import korean

# Tags worth expanding: nouns and verb/adjective stems carry the topic.
EXPANDED_TAGS = frozenset({"NNG", "NNP", "VV", "VA", "XR"})
MIN_SIMILARITY = float(__import__("os").environ.get("SEM_MIN", "0.6"))  # below this CoNg neighbours are loosely related words, not paraphrases
NEIGHBOURS = 2  # knowledge-base words added per unknown query word
SHARE = float(__import__("os").environ.get("SEM_SHARE", "0.5"))  # weight of an added word relative to the word it stands for


class Expander:
    """Maps words outside the knowledge base's vocabulary to its nearest words."""

    def __init__(self, texts: Iterable[str], known: Iterable[str], *,
                 min_similarity: float = MIN_SIMILARITY, neighbours: int = NEIGHBOURS,
                 share: float = SHARE) -> None:
        self.known = frozenset(known)  # the matcher's token vocabulary (after synonyms)
        ids: dict[str, int] = {}
        for text in texts:
            for token in _tokens(text):
                if token.form in self.known and token.form not in ids:
                    ids[token.form] = int(token.id)
        self.forms = list(ids)
        self._ids = list(ids.values())
        self.min_similarity, self.neighbours, self.share = min_similarity, neighbours, share
        self.nearest = lru_cache(maxsize=4096)(self._nearest)

    def _nearest(self, morpheme: int) -> tuple[tuple[str, float], ...]:
        """The knowledge-base words nearest to one morpheme id (cached: words repeat)."""
        similarity = korean.kiwi().morpheme_similarity
        scored = []
        for known, other in zip(self.forms, self._ids, strict=True):
            try:
                score = float(similarity(morpheme, other))
            except (ValueError, RuntimeError):  # a user word has no embedding
                return ()
            if score >= self.min_similarity:  # NaN (no embedding) never passes
                scored.append((known, round(score, 3)))
        scored.sort(key=lambda kv: -kv[1])
        return tuple(scored[:self.neighbours])

    def expand(self, text: str) -> dict[str, float]:
        """Extra token weights for the words of `text` the knowledge base does not use."""
        extra: dict[str, float] = {}
        for token in _tokens(text):
            if token.form in self.known:
                continue
            for known, score in self.nearest(int(token.id)):
                extra[known] = max(extra.get(known, 0.0), self.share * score)
        return extra


def _tokens(text: str) -> list:
    """Kiwi tokens of the expandable tags (the same normalisation as korean.morphemes)."""
    folded = korean.fold(text)
    if not folded:
        return []
    return [t for t in korean.kiwi().tokenize(folded, normalize_coda=True)
            if t.tag.split("-")[0] in EXPANDED_TAGS and t.id]
