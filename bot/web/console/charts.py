"""Charts as inline SVG drawn on the server: readable at a glance, no script, no library."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from .messages import label

PALETTE = ("#2f6fde", "#f2a900", "#c62828", "#1b7f3b", "#7b61ff")


def funnel_bars(rows: Sequence[tuple[str, int, int]], width: int = 640) -> Markup:
    """Horizontal bars per step: reached (light) with answered (dark) inside it."""
    if not rows:
        return Markup("")
    top = max(max(r[1], r[2]) for r in rows) or 1
    label_w, bar_h, gap = 170, 18, 10
    plot = width - label_w - 70
    height = len(rows) * (bar_h + gap) + 24
    reached_word, answered_word = label("reached", "chart"), label("answered", "chart")
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(label("funnel", "chart"))}">']
    for i, (step, reached, answered) in enumerate(rows):
        y = i * (bar_h + gap) + 4
        reach_w = plot * reached / top
        ans_w = plot * answered / top
        parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end" font-size="12">'
                     f"{escape(step)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y}" width="{reach_w:.1f}" height="{bar_h}" '
                     f'fill="#c9d8f5"><title>{reached_word} {reached}</title></rect>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{ans_w:.1f}" height="{bar_h - 8}" '
                     f'fill="{PALETTE[0]}"><title>{answered_word} {answered}</title></rect>')
        parts.append(f'<text x="{label_w + reach_w + 6:.1f}" y="{y + 13}" font-size="12">'
                     f'{answered}/{reached}</text>')
    legend_y = height - 6
    parts.append(f'<rect x="{label_w}" y="{legend_y - 9}" width="10" height="10" '
                 f'fill="#c9d8f5"/><text x="{label_w + 14}" y="{legend_y}" font-size="11">'
                 f'{reached_word}</text><rect x="{label_w + 56}" y="{legend_y - 9}" '
                 f'width="10" height="10" '
                 f'fill="{PALETTE[0]}"/><text x="{label_w + 70}" y="{legend_y}" font-size="11">'
                 f'{answered_word}</text></svg>')
    return Markup("".join(parts))


def stacked_days(days: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
                 width: int = 640, height: int = 220) -> Markup:
    """Columns per day, one coloured segment per series, with a legend."""
    if not days:
        return Markup("")
    totals = [sum(values[i] for _, values in series) for i in range(len(days))]
    top = max(totals) or 1
    left, bottom, plot_h = 36, 40, height - 70
    step = (width - left - 10) / len(days)
    col_w = min(46.0, step * 0.7)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(label("days", "chart"))}">']
    parts.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - 6}" '
                 f'y2="{height - bottom}" stroke="#999"/>')
    parts.append(f'<text x="{left - 4}" y="{height - bottom - plot_h + 4}" text-anchor="end" '
                 f'font-size="11">{top}</text>')
    for i, day in enumerate(days):
        x = left + i * step + (step - col_w) / 2
        y = height - bottom
        for n, (name, values) in enumerate(series):
            h = plot_h * values[i] / top
            y -= h
            if values[i]:
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" '
                             f'height="{h:.1f}" fill="{PALETTE[n % len(PALETTE)]}">'
                             f'<title>{escape(day)} {escape(name)} {values[i]}</title></rect>')
        parts.append(f'<text x="{x + col_w / 2:.1f}" y="{height - bottom + 14}" '
                     f'text-anchor="middle" font-size="11">{escape(day[-5:])}</text>')
        if totals[i]:
            parts.append(f'<text x="{x + col_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                         f'font-size="11">{totals[i]}</text>')
    lx = left
    for n, (name, _) in enumerate(series):
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" '
                     f'fill="{PALETTE[n % len(PALETTE)]}"/><text x="{lx + 14}" '
                     f'y="{height - 5}" font-size="11">{escape(name)}</text>')
        lx += 24 + 12 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))
