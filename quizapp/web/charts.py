"""Server-rendered SVG charts (no JavaScript; colours as presentation attributes, which the CSP
allows). Each chart is a picture of a table that the page also shows, so the SVG has a short
title for screen readers and the numbers are read from the table; the standard-setting dot plot
is hidden from them, its figures printed beside it. No Flask here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from markupsafe import Markup, escape

from quizapp.services.cohort import Bin, Period

BLUE = "#1d70b8"
GREY = "#b1b4b6"
BLACK = "#0b0c0c"
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 20, 44


def _frame(chart_id: str, title: str, body: str) -> Markup:
    return Markup(
        f'<svg class="app-chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, arial, sans-serif" aria-labelledby="{escape(chart_id)}-title" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>{body}</svg>'
    )


def _grid(ticks: Sequence[float], top_value: float, suffix: str) -> str:
    inner = HEIGHT - TOP - BOTTOM
    out = []
    for tick in ticks:
        y = TOP + inner - (tick / top_value * inner if top_value else 0)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GREY}" stroke-width="1"/>'
                   f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{BLACK}">'
                   f'{tick:g}{suffix}</text>')
    return "".join(out)


def score_distribution(bins: Sequence[Bin], chart_id: str = "distribution-chart") -> Markup:
    """A bar for each band of 10 percentage points, its count above it."""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    most = max((b.count for b in bins), default=0)
    top_value = max(1, most)
    step = inner_w / max(1, len(bins))
    body = [_grid([0, top_value] if top_value > 1 else [0, 1], top_value, "")]
    for n, b in enumerate(bins):
        h = b.count / top_value * inner_h
        x = LEFT + n * step + 4
        y = TOP + inner_h - h
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{step - 8:.1f}" height="{h:.1f}" fill="{BLUE}"/>')
        if b.count:
            body.append(f'<text x="{x + (step - 8) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="12" '
                        f'fill="{BLACK}">{b.count}</text>')
        body.append(f'<text x="{x + (step - 8) / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="12" '
                    f'fill="{BLACK}">{b.low}</text>')
    body.append(f'<text x="{LEFT + inner_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="12" fill="{BLACK}">'
                f'Score (%), bands of 10</text>')
    return _frame(chart_id, "Bar chart of how many attempts scored in each band of 10%. The figures are in the table that follows.",
                  "".join(body))


def pass_rate_over_time(periods: Sequence[Period], chart_id: str = "pass-rate-chart") -> Markup:
    """The pass rate each month as a line (broken where a month had no attempts)."""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    inset = 24  # keep the first and last points and their labels off the edges
    step = (inner_w - 2 * inset) / (len(periods) - 1) if len(periods) > 1 else 0
    body = [_grid([0, 25, 50, 75, 100], 100, "%")]
    segment: list[str] = []
    segments: list[list[str]] = []
    label_every = max(1, len(periods) // 8)
    for n, p in enumerate(periods):
        x = LEFT + (inset + n * step if len(periods) > 1 else inner_w / 2)
        if n % label_every == 0 or n == len(periods) - 1:
            short = datetime.strptime(p.month, "%Y-%m").strftime("%b %y")
            body.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="12" '
                        f'fill="{BLACK}">{escape(short)}</text>')
        rate = p.pass_rate
        if rate is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        y = TOP + inner_h - rate / 100 * inner_h
        segment.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BLUE}"/>')
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) > 1:
            body.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    body.append(f'<text x="{LEFT + inner_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="12" fill="{BLACK}">'
                f'Month the attempt started</text>')
    return _frame(chart_id, "Line chart of the pass rate each month. The figures are in the table that follows.",
                  "".join(body))


def dot_plot(values: Sequence[float], chart_id: str, own: float | None = None) -> Markup:
    """The panel's round-1 ratings of one question as dots on a 0-100 line (the judge's own
    ringed). A picture of the figures printed beside it, so hidden from screen readers."""
    width, height, pad = 200, 28, 8
    scale = (width - 2 * pad) / 100

    def x(value: float) -> float:
        return pad + value * scale

    ticks = "".join(f'<line x1="{x(t):.1f}" y1="10" x2="{x(t):.1f}" y2="22" stroke="{GREY}"/>' for t in (0, 50, 100))
    dots = "".join(f'<circle cx="{x(v):.1f}" cy="16" r="4" fill="{BLUE}" fill-opacity="0.7"/>' for v in values)
    ring = (f'<circle cx="{x(own):.1f}" cy="16" r="7" fill="none" stroke="{BLACK}" stroke-width="2"/>'
            if own is not None else "")
    return Markup(
        f'<svg class="app-dot-plot" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{x(0):.1f}" y1="16" x2="{x(100):.1f}" y2="16" stroke="{GREY}"/>{ticks}{dots}{ring}</svg>'
    )
