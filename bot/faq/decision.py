"""Whether to answer a whole message's top entry: a logistic model fitted on the dev sets.

The score bands (bot/faq/match.py Bands and FaqService.situated) are hand-set rules; each
looks at one or two signals. The decision here weighs them together: the model gives the
probability that answering the top entry holds the facts the merchant asked for, fitted by
`bench/faq_decision.py` on the looked parts of the dev sets (never the held-out sets) and
saved with its threshold in decision.json. Without that file the rules decide alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("decision.json")

# What the service knows when it decides (FaqService.situated), in the model's order.
FEATURES = (
    "score",  # the top entry's score (situation bonus included)
    "runner_up",
    "margin",
    "third",  # the third entry's score: a crowd of near entries is a vague question
    "coverage",  # share of the question's word weight the top entry's own words hold
    "unknown",  # share of the question's word weight no entry knows (off-topic words)
    "words",  # content words of the question, up to 12
    "says_enough",  # more than a word or two (Index.says_enough)
    "signals",  # the question carries a case (an amount, a time, a business type)
    "judges",  # the top entry judges that case
    "asks_cost",
    "rule_high",  # what the hand-set bands decided
    "rule_medium",
)
WORDS_CAP = 12


class Decision:
    """Answer when the fitted probability reaches the threshold."""

    def __init__(self, weights: Sequence[float] = (), threshold: float = 0.5) -> None:
        self.weights = list(weights)
        self.threshold = threshold

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Decision:
        """The saved model; an empty one (the rules decide) when there is none."""
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        if list(spec.get("features", ())) != list(FEATURES):
            return cls()  # fitted on other features: refit with bench/faq_decision.py
        return cls(spec["weights"], float(spec["threshold"]))

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        """Write the model (bench/faq_decision.py fit --write)."""
        spec = {"features": list(FEATURES), "weights": [round(w, 5) for w in self.weights],
                "threshold": self.threshold}
        path.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")

    @property
    def fitted(self) -> bool:
        """Whether a model is loaded (else the hand-set bands decide)."""
        return len(self.weights) == len(FEATURES) + 1

    @staticmethod
    def features(scores: Sequence[float], coverage: float, unknown: float, words: int,
                 says_enough: bool, signals: bool, judges: bool, asks_cost: bool,
                 band: str) -> dict[str, float]:
        """The model's inputs from what the service has when it decides."""
        top = scores[0] if scores else 0.0
        runner_up = scores[1] if len(scores) > 1 else 0.0
        return {
            "score": top, "runner_up": runner_up, "margin": top - runner_up,
            "third": scores[2] if len(scores) > 2 else 0.0,
            "coverage": coverage, "unknown": unknown, "words": float(min(words, WORDS_CAP)),
            "says_enough": float(says_enough), "signals": float(signals),
            "judges": float(judges), "asks_cost": float(asks_cost),
            "rule_high": float(band == "high"), "rule_medium": float(band == "medium"),
        }

    def probability(self, values: Mapping[str, float]) -> float:
        """P(answering the top entry is right)."""
        z = self.weights[0] + sum(w * values[f] for w, f in zip(self.weights[1:], FEATURES,
                                                                 strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def answers(self, values: Mapping[str, float]) -> bool:
        """Whether the top entry is answered."""
        return self.probability(values) >= self.threshold
