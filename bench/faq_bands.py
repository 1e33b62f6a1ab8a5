"""Where the FAQ's bands hesitate: what the service knew about every question it did not
answer, and whether answering its top entry would have been right.

    TEST_REDIS_URL=redis://127.0.0.1:6379/3 python bench/faq_bands.py [--out FILE]
    TEST_REDIS_URL=redis://127.0.0.1:6379/3 python bench/faq_bands.py --top1

--top1 measures the ranking alone, the ceiling of what the bands can answer: every program
question of the dev sets (dev to dev5) is asked with every band forced to "high"
(each question's top entry answered, with the merchant's situation, as the app renders it)
and graded like faq_eval (the facts held, or the operator offered for a `handoff` fact).
Per set it prints the top-1 accuracy; for the looked parts it lists each question whose top
entry is wrong with the top three entries and their scores. Held-back parts: counts only.

Runs the dev sets (dev, and the looked parts of dev2 / dev3: ids ending in 0 or 5 are held
back and only counted, never listed) through the real app like bench/faq_eval.py. For each
question that ended in suggestions or was declined, it is asked again with every band forced
to "high" (what promoting it would have said) and graded with faq_eval's grading. One JSON
line per such question goes to --out: the features the service had (top score, runner-up,
margin, the top entry's coverage of the query, the query's word count, the number of
questions in the message, whether the top entry hands off, the situation signals and whether
the top entry judges them; for a message of several questions, the same for each question as
several() saw it) and both grades. The held-back part prints its counts only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faq_eval import (  # noqa: E402
    DEV2_SET,
    DEV3_SET,
    DEV_SET,
    DEV_SETS,
    HELD_OUT,
    AppAsker,
    FactCase,
    Outcome,
    grade,
    held_back,
    load_facts,
    render_answers,
)
from bot.faq import parts as faq_parts  # noqa: E402
from bot.faq import situation  # noqa: E402
from bot.faq.service import CANDIDATES, FaqService  # noqa: E402
from tests.support.kakao import Chat  # noqa: E402

UNSURE = ("suggested", "declined", "handoff")


@contextmanager
def forced(service: FaqService) -> Iterator[None]:
    """Every band the service decides is 'high': the top entry of each question answered."""
    situated = service.situated

    def always_high(snapshot, hits, verdicts, *args, **kwargs):  # type: ignore[no-untyped-def]
        band, ranked = situated(snapshot, hits, verdicts, *args, **kwargs)
        return ("high" if ranked else band), ranked

    service.situated = always_high  # type: ignore[method-assign]
    try:
        yield
    finally:
        del service.situated


@contextmanager
def recording(service: FaqService, seen: list[dict[str, object]]) -> Iterator[None]:
    """Keep what the service decided for each question of a message of several."""
    situated = service.situated

    def kept(snapshot, hits, verdicts, lead=False,  # type: ignore[no-untyped-def]
             query=None, beside=False):
        band, ranked = situated(snapshot, hits, verdicts, lead, query, beside)
        if beside and ranked and query is not None:
            runner_up = ranked[1].score if len(ranked) > 1 else 0.0
            seen.append({"band": band, "top": ranked[0].entry, "score": ranked[0].score,
                         "margin": round(ranked[0].score - runner_up, 4),
                         "coverage": round(snapshot.index.coverage(query, ranked[0].entry), 3),
                         "words": len(query.features.words), "says_enough": lead,
                         "judges": bool(set(verdicts.signals)
                                        & set(snapshot.entries[ranked[0].entry].situations))})
        return band, ranked

    service.situated = kept  # type: ignore[method-assign]
    try:
        yield
    finally:
        del service.situated


def features(service: FaqService, text: str, handoffs: set[str]) -> dict[str, object]:
    """What FaqService.answer knew about a fresh merchant's whole message."""
    seen = _situated(service, text)
    index, verdicts, query, lead, hits = seen.index, seen.verdicts, seen.query, seen.lead, seen.hits
    pieces = [p for q in faq_parts.split(index.analyzer.synonyms.fix_spelling(text))
              for p in faq_parts.distribute(q)]
    top = hits[0] if hits else None
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    signals = sorted(verdicts.signals)
    return {
        "band": seen.band,
        "plain_band": service.bands.of(seen.raw, lead=lead),
        "top": top.entry if top else None,
        "second": hits[1].entry if len(hits) > 1 else None,
        "score": top.score if top else 0.0,
        "runner_up": runner_up,
        "margin": round(top.score - runner_up, 4) if top else 0.0,
        "coverage": round(index.coverage(query, top.entry), 3) if top else 0.0,
        "words": len(query.features.words),
        "says_enough": lead,
        "pieces": len(pieces),
        "questions": sum(faq_parts.questions(pieces)) if pieces else 0,
        "handoff": bool(top and top.entry in handoffs),
        "signals": signals,
        "judges": bool(top and set(signals) & set(seen.snapshot.entries[top.entry].situations)),
        "asks_cost": bool(verdicts.asks_cost),
        "chars": len(text),
    }


def run(out: Path) -> None:
    """Ask every dev question, re-ask the unsure ones forced, write their features."""
    asker = AppAsker(str(ROOT / "templates"))
    service: FaqService = asker.app.extensions["bot"].services.faq
    snapshot = service.kb.snapshot()
    handoffs = {e for e, (_, operator) in render_answers(snapshot, str(ROOT / "templates")).items()
                if operator}
    rows = []
    try:
        for path in (DEV_SET, DEV2_SET, DEV3_SET):
            for name, cases, apart in held_back(path, "05"):
                tally: Counter[str] = Counter()
                for case in cases:
                    row = measure(asker, service, case, handoffs)
                    if row is None:
                        continue
                    tally[f"{row['grade']}->{row['forced']}"] += 1
                    if not apart:
                        rows.append({"set": path.stem, **row})
                print(f"{name}: unsure {sum(tally.values())} of {len(cases)}; "
                      f"grade->forced {dict(sorted(tally.items()))}")
    finally:
        asker.close()
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                   encoding="utf-8")
    print(f"{len(rows)} rows (looked parts only) -> {out}")


def ask(asker: AppAsker, question: str) -> tuple[Outcome, list[str]]:
    """AppAsker.ask, keeping the templates the reply rendered (suggest or multi)."""
    rendered: list[str] = []
    say = Chat.say

    def keep(chat, *args, **kwargs):  # type: ignore[no-untyped-def]
        said = say(chat, *args, **kwargs)
        rendered.extend(said.templates)
        return said

    Chat.say = keep  # type: ignore[method-assign]
    try:
        return asker.ask(question), rendered
    finally:
        Chat.say = say  # type: ignore[method-assign]


def measure(asker: AppAsker, service: FaqService, case: FactCase,
            handoffs: set[str]) -> dict[str, object] | None:
    """The row of one question that was not answered, else None."""
    pieces: list[dict[str, object]] = []
    with recording(service, pieces):
        outcome, templates = ask(asker, case.question)
    graded = grade(case, outcome)
    if outcome.kind == "answer" or outcome.kind.startswith("routed") or graded not in UNSURE:
        return None
    with forced(service):
        promoted, _ = ask(asker, case.question)
    return {"id": case.id, "question": case.question, "offtopic": case.offtopic,
            "handoff_case": case.handoff, "kind": outcome.kind,
            "reply": next((t for t in templates if t.startswith("faq_ui/")), "declined"),
            "grade": graded, "forced": grade(case, promoted), "forced_kind": promoted.kind,
            "parts": pieces, **features(service, case.question, handoffs)}


def ranked(service: FaqService, text: str) -> list[tuple[str, float]]:
    """The whole message's entries as FaqService.answer ranks them (situation included)."""
    hits = _situated(service, text).hits
    return [(h.entry, round(h.score, 3)) for h in hits]


class Seen(NamedTuple):
    """What FaqService.answer has for a whole message up to its band."""

    snapshot: Any
    index: Any
    verdicts: Any
    query: Any
    lead: bool
    raw: list[Any]
    band: str
    hits: list[Any]


def _situated(service: FaqService, text: str) -> Seen:
    """The steps of FaqService.answer up to the band (situation included)."""
    snapshot = service.kb.snapshot()
    index = snapshot.index
    verdicts = situation.judge(situation.read(text))
    hint = situation.topic_hint(verdicts)
    said = f"{text} {hint}" if hint else text
    query = index.query(said)
    lead = index.says_enough(query)
    raw = index.search(said, k=CANDIDATES, query=query, screen=True)
    band, hits = service.situated(snapshot, raw, verdicts, lead, query)
    return Seen(snapshot, index, verdicts, query, lead, raw, band, hits)


def run_top1(held_out: bool = False) -> None:
    """Top-1 accuracy of the ranking on every dev set; the looked misses listed.

    `held_out`: the held-out sets instead, counts only (nothing of them is ever listed).
    """
    asker = AppAsker(str(ROOT / "templates"))
    service: FaqService = asker.app.extensions["bot"].services.faq
    parts = ([(path.name, load_facts(path), True) for path in HELD_OUT] if held_out
             else [part for path in DEV_SETS for part in held_back(path, "05")])
    try:
        misses: list[str] = []
        for name, cases, apart in parts:
            inside = [c for c in cases if not c.offtopic]
            right = 0
            for case in inside:
                with forced(service):
                    promoted, _ = ask(asker, case.question)
                if grade(case, promoted) == "right":
                    right += 1
                elif not apart:
                    hits = ranked(service, case.question)
                    top3 = ", ".join(f"{e} {s}" for e, s in hits[:3]) or "(none)"
                    misses.append(f"{case.id}\t{case.question}\n    -> {top3}")
            print(f"{name}: top-1 right {right} of {len(inside)} "
                  f"({right / max(len(inside), 1):.1%})")
        if not held_out:
            print(f"\ntop-1 wrong (looked parts, {len(misses)}):")
            print("\n".join(misses))
    finally:
        asker.close()


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/faq_bands.jsonl")
    parser.add_argument("--top1", action="store_true",
                        help="top-1 accuracy of the ranking per dev set, the looked misses listed")
    parser.add_argument("--held-out", action="store_true",
                        help="with --top1: the held-out sets, counts only")
    args = parser.parse_args()
    if args.top1:
        run_top1(held_out=args.held_out)
    else:
        run(Path(args.out))


if __name__ == "__main__":
    main()
