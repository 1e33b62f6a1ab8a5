"""Fit the FAQ's answer decision: when the top entry of a one-question message is answered.

    TEST_REDIS_URL=redis://127.0.0.1:6379/3 python bench/faq_decision.py collect
    python bench/faq_decision.py fit [--cost 3] [--write]

`collect` asks every dev question (dev, dev2, dev3, dev4: both parts) through the real app
twice: as the service decides, and with the whole message's top entry answered (its parts
not read apart: the "sure" band), and keeps what the service knew when it decided the
whole message's band (the features of bot/faq/decision.py) with both grades. Off-topic
questions are kept too: answering one is wrong. Rows go to --rows (default
/tmp/faq_decision.jsonl); nothing of the held-back parts (dev2–dev4 ids ending in 0 or 5)
is ever printed, only counted.

`fit` fits a logistic model of "answering the whole message's top entry holds the facts" on
the looked parts and picks the threshold that maximises right − cost × wrong there, over
today's replies (where the model does not answer, the hand-set bands decide as today). It
prints, for the looked and the held-back parts apart, what the service answers today and
what the fitted decision would answer (right / wrong among one-question messages). With
--write the weights and threshold go to bot/faq/decision.json, which the service reads.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.faq.decision import FEATURES, WEIGHTS_FILE, Decision  # noqa: E402
from bot.faq.service import SURE, FaqService  # noqa: E402

ROWS = Path("/tmp/faq_decision.jsonl")


def collect(rows_path: Path) -> None:
    """Ask every dev question plain and forced; keep the whole message's features."""
    from bench.faq_bands import ask
    from bench.faq_eval import DEV_SETS, AppAsker, grade, held_back
    asker = AppAsker(str(ROOT / "templates"))
    service: FaqService = asker.app.extensions["bot"].services.faq
    seen: list[dict[str, float]] = []
    decide = service.decision.features

    def keep(*args, **kwargs):  # type: ignore[no-untyped-def]
        values = decide(*args, **kwargs)
        seen.append(values)
        return values

    service.decision.features = keep  # type: ignore[method-assign]
    rows = []
    try:
        for path in DEV_SETS:
            for name, cases, apart in held_back(path, "05"):
                for case in cases:
                    seen.clear()
                    outcome, _ = ask(asker, case.question)
                    whole = dict(seen[0]) if seen else None
                    calls = len(seen)
                    with whole_answered(service):
                        promoted, _ = ask(asker, case.question)
                    rows.append({"set": name, "apart": apart, "id": case.id,
                                 "offtopic": case.offtopic, "kind": outcome.kind,
                                 "grade": grade(case, outcome),
                                 "forced": grade(case, promoted), "whole": whole,
                                 "calls": calls})
                print(f"{name}: {len(cases)} asked")
    finally:
        asker.close()
    rows_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                         encoding="utf-8")
    print(f"{len(rows)} rows -> {rows_path}")


@contextmanager
def whole_answered(service: FaqService) -> Iterator[None]:
    """The whole message's top entry answered, whatever its score (parts decide as usual)."""
    situated = service.situated

    def sure(snapshot, hits, verdicts, lead=False, query=None,  # type: ignore[no-untyped-def]
             beside=False):
        band, ranked = situated(snapshot, hits, verdicts, lead, query, beside)
        return (SURE if ranked and not beside else band), ranked

    service.situated = sure  # type: ignore[method-assign]
    try:
        yield
    finally:
        del service.situated


def one_question(row: dict) -> bool:
    """A message the service decided whole (its parts may still be asked apart after)."""
    return row["whole"] is not None


def fit(rows: list[dict], cost: float, rounds: int = 4000, l2: float = 0.01
        ) -> tuple[list[float], float]:
    """Logistic regression (gradient descent, L2) on the looked one-question rows."""
    import numpy as np

    train = [r for r in rows if not r["apart"] and one_question(r)]
    x = np.array([[1.0, *(r["whole"][f] for f in FEATURES)] for r in train])
    y = np.array([1.0 if r["forced"] == "right" else 0.0 for r in train])
    mean, std = x.mean(axis=0), x.std(axis=0)
    mean[0], std[0] = 0.0, 1.0
    std[std == 0] = 1.0
    z = (x - mean) / std
    w = np.zeros(z.shape[1])
    for _ in range(rounds):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) / len(y) + l2 * np.r_[0.0, w[1:]]
        w -= 0.5 * grad
    # back to raw feature units: w·(x-m)/s = (w/s)·x - Σ w m / s
    raw = w / std
    raw[0] = w[0] - float(np.sum(w[1:] * mean[1:] / std[1:]))
    weights = [float(v) for v in raw]
    best, threshold = -math.inf, 0.5
    for t in [i / 100 for i in range(5, 100)]:
        decision = Decision(weights, t)
        value = sum(gain(r, decision, cost) for r in train)
        if value > best:
            best, threshold = value, t
    return weights, threshold


def value(grade: str, cost: float) -> float:
    """A grade's worth: a right answer 1, a wrong one −cost, anything else 0."""
    return 1.0 if grade == "right" else -cost if grade == "wrong" else 0.0


def gain(row: dict, decision: Decision, cost: float) -> float:
    """What answering the whole message's top entry adds over today's reply, if the
    decision answers it (else today's reply stands)."""
    if not decision.answers(row["whole"]):
        return 0.0
    return value(row["forced"], cost) - value(row["grade"], cost)


def outcome(row: dict, decision: Decision | None) -> str:
    """The row's grade today (None), or with the fitted decision answering it when sure."""
    if decision is not None and one_question(row) and not row["kind"].startswith("routed") \
            and decision.answers(row["whole"]):
        return row["forced"]
    return row["grade"]


def table(rows: list[dict], decision: Decision | None) -> str:
    """right / wrong over program questions, off-topic answered, in one line."""
    inside = [r for r in rows if not r["offtopic"]]
    outside = [r for r in rows if r["offtopic"]]
    grades = [outcome(r, decision) for r in inside]
    off = [outcome(r, decision) for r in outside]
    n = max(len(inside), 1)
    return (f"right {grades.count('right') / n:6.1%}  wrong {grades.count('wrong') / n:5.1%}  "
            f"off-topic answered {off.count('wrong')}/{len(outside)}")


def report(rows: list[dict], decision: Decision) -> None:
    """Today against the fitted decision, looked and held-back parts apart (aggregates)."""
    for label, part in (("looked", [r for r in rows if not r["apart"]]),
                        ("held-back", [r for r in rows if r["apart"]])):
        print(f"{label:>9} ({len(part)}): today   {table(part, None)}")
        print(f"{'':>9}  {'':>{len(str(len(part)))}}  fitted  {table(part, decision)}")


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("collect", "fit"))
    parser.add_argument("--rows", type=Path, default=ROWS)
    parser.add_argument("--cost", type=float, default=3.0,
                        help="how many right answers one wrong answer costs")
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_FILE.name}")
    args = parser.parse_args()
    if args.step == "collect":
        collect(args.rows)
        return
    rows = [json.loads(line) for line in args.rows.read_text(encoding="utf-8").splitlines()]
    weights, threshold = fit(rows, args.cost)
    decision = Decision(weights, threshold)
    print("weights:", ", ".join(f"{n} {w:+.3f}" for n, w in zip(("bias", *FEATURES), weights,
                                                               strict=True)))
    print(f"threshold {threshold:.2f} (cost {args.cost})")
    report(rows, decision)
    if args.write:
        decision.save(WEIGHTS_FILE)
        print(f"-> {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
