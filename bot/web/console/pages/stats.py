"""/console/stats: the form funnel per step, FAQ outcomes per day, skill outcomes and latency."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import current_app, render_template, request

from ....conversation import funnel
from ....conversation.pipeline import form_of
from ....conversation.registry import FORMS
from .. import access, charts
from ..auth import area
from ..blueprint import bp
from ..messages import label
from ..stats_recorder import BUCKETS
from ..stats_recorder import load as load_stats

BANDS = ("answered", "suggested", "unanswered")  # FAQ outcomes; words: `labels: band:`


def percentile(buckets: Counter[int], share: float) -> int | None:
    """The bucket (ms) under which `share` of the calls finished."""
    total = sum(buckets.values())
    if not total:
        return None
    seen = 0
    for limit in BUCKETS:
        seen += buckets.get(limit, 0)
        if seen >= share * total:
            return limit
    return BUCKETS[-1]


@bp.get("/stats")
@area("stats")
def stats_page() -> str:
    """Funnels, FAQ bands and skill outcomes over the last N KST days."""
    try:
        days = min(90, max(1, int(request.args.get("days", 7))))
    except ValueError:
        days = 7
    svc = access.services()
    recorder = current_app.extensions.get("console_stats")
    if recorder is not None:
        recorder.flush()  # this worker's last seconds of counts (the others flush on use)
    funnels = funnel.report(svc, [form_of(e, svc) for e in FORMS.values()], days)
    funnel_charts = [(f, charts.funnel_bars(
        [(s.label, s.reached, s.answered) for s in f.steps if not s.removed]
        + ([(label("review", "chart"), f.review.reached, f.submitted)] if f.review else [])))
        for f in funnels]
    span = funnel.days_until(svc.clock(), days)
    per_day = load_stats(svc, span)
    labels = [f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in span]
    faq_chart = charts.stacked_days(labels, [
        (label(band, "band"), [per_day[d].get(f"faq|{band}", 0) for d in span])
        for band in BANDS])
    faq_totals = {band: sum(per_day[d].get(f"faq|{band}", 0) for d in span) for band in BANDS}
    outcomes: dict[str, Counter[str]] = {}
    latency: Counter[int] = Counter()
    calls_per_day = []
    for day in span:
        calls = 0
        for name, count in per_day[day].items():
            kind, _, rest = name.partition("|")
            if kind == "skill":
                skill, _, outcome = rest.partition("|")
                outcomes.setdefault(skill, Counter())[outcome] += count
                calls += count
            elif kind == "latency":
                latency[int(rest)] += count
        calls_per_day.append(calls)
    kinds = sorted({o for c in outcomes.values() for o in c}, key=lambda o: (o != "ok", o))
    calls_chart = charts.stacked_days(labels, [(label("calls", "chart"), calls_per_day)])
    return render_template(
        "console/stats.html", days=days, funnel_charts=funnel_charts, faq_chart=faq_chart,
        faq_totals=faq_totals, bands=BANDS, outcomes=sorted(outcomes.items()), kinds=kinds,
        calls_chart=calls_chart, p50=percentile(latency, 0.5), p95=percentile(latency, 0.95),
        unanswered=_top_unanswered())


def _top_unanswered() -> list[Any]:
    service = access.faq_service()
    return service.unanswered.top(5) if service is not None else []
