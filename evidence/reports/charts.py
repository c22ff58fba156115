"""The summary's charts as inline SVG that WeasyPrint draws: plain bars, no library.

Every function returns "" when there is nothing to draw, so an empty case still renders.
"""

import math
from collections import OrderedDict
from datetime import date, timedelta
from html import escape

WIDTH, HEIGHT = 680, 230
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 34
FONT = 'font-family="Noto Sans CJK SC, DejaVu Sans, sans-serif"'
COLORS = {"answered": "#1f4e79", "unanswered": "#d35400", "messages": "#8e9aa6", "day": "#1f4e79", "night": "#6c2c91"}
MAX_DAILY = 62  # up to two months one bar a day; longer periods are summed per week, then per month
MAX_WEEKLY = 62
SERIES = ("answered", "unanswered", "messages")


def calls_chart(rows: list[dict]) -> tuple[str, str]:
    """Stacked columns of answered, unanswered calls and messages; returns (svg, unit: day|week|month)."""
    unit, bins = bin_days(rows)
    if not bins:
        return "", unit
    stacks = [[b[s] for s in SERIES] for b in bins.values()]
    svg = _columns(list(bins), stacks, [COLORS[s] for s in SERIES])
    return svg, unit


def bin_days(rows: list[dict]) -> tuple[str, OrderedDict]:
    """Per day, week (from Monday) or month, with the empty days in between counted as zero."""
    days = {date.fromisoformat(r["date"]): r for r in rows}
    if not days:
        return "day", OrderedDict()
    first, last = min(days), max(days)
    span = (last - first).days + 1
    unit = "day" if span <= MAX_DAILY else "week" if span <= 7 * MAX_WEEKLY else "month"
    bins: OrderedDict = OrderedDict()
    for n in range(span):
        day = first + timedelta(days=n)
        label = _bin_label(day, unit)
        totals = bins.setdefault(label, dict.fromkeys(SERIES, 0))
        row = days.get(day)
        if row:
            for s in SERIES:
                totals[s] += int(row.get(s, 0))
    return unit, bins


def _bin_label(day: date, unit: str) -> str:
    """Axis label of the bin a day falls in."""
    if unit == "day":
        return day.strftime("%m-%d")
    if unit == "week":
        return (day - timedelta(days=day.weekday())).strftime("%m-%d")
    return day.strftime("%Y-%m")


def hours_chart(hours: list[int], night: dict | None) -> str:
    """24 columns, one per hour of the day; the night window's hours in another colour."""
    if not hours or not any(hours):
        return ""
    night_hours = _night_hours(night)
    colors = [COLORS["night"] if h in night_hours else COLORS["day"] for h in range(24)]
    labels = [f"{h:02d}" for h in range(24)]
    return _columns(labels, [[int(v)] for v in hours], None, bar_colors=colors, label_every=2)


def _night_hours(night: dict | None) -> set[int]:
    """Hours that start inside the night window ("22:00"-"08:00" -> 22, 23, 0..7)."""
    if not night:
        return set()
    start, end = (int(night[k].split(":")[0]) for k in ("from", "to"))
    if start <= end:
        return set(range(start, end))
    return set(range(start, 24)) | set(range(0, end))


def numbers_chart(top: list[dict], role_names: dict[str, str]) -> str:
    """Horizontal bars per number: calls then messages; an asterisk marks a number found to be a collector."""
    if not top:
        return ""
    row_h, label_w = 24, 250
    height = TOP + row_h * len(top) + 6
    peak = max((t["calls"] + t["messages"]) for t in top) or 1
    scale = (WIDTH - label_w - 70) / peak
    parts = []
    for i, t in enumerate(top):
        y = TOP + i * row_h
        role = role_names.get(t.get("role") or "", t.get("role") or "")
        name = (t["number"] or "—") + (f" · {role}" if role else "") + (" *" if t.get("inferred_collector") else "")
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" font-size="13" text-anchor="end" {FONT}>{escape(name)}</text>')
        x = label_w
        for key, color in (("calls", COLORS["answered"]), ("messages", COLORS["messages"])):
            w = t[key] * scale
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{color}"/>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" font-size="12" {FONT}>{t["calls"]} / {t["messages"]}</text>')
    return _svg(height, "".join(parts))


def _columns(labels, stacks, colors, bar_colors=None, label_every=None) -> str:
    """Stacked column chart with a y axis from 0 to a round number."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = nice_ceiling(max(sum(s) for s in stacks))
    slot = plot_w / len(stacks)
    bar = max(slot * 0.78, 0.6)
    parts = _grid(peak, plot_w, plot_h)
    for i, stack in enumerate(stacks):
        x, base = LEFT + i * slot + (slot - bar) / 2, TOP + plot_h
        for j, value in enumerate(stack):
            h = value / peak * plot_h
            if h > 0:
                color = bar_colors[i] if bar_colors else colors[j]
                parts.append(f'<rect x="{x:.2f}" y="{base - h:.2f}" width="{bar:.2f}" height="{h:.2f}" fill="{color}"/>')
                base -= h
    every = label_every or max(1, math.ceil(len(labels) / 10))
    for i in range(0, len(labels), every):
        x = LEFT + i * slot + slot / 2
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" font-size="12" text-anchor="middle" {FONT}>{escape(labels[i])}</text>')
    return _svg(HEIGHT, "".join(parts))


def _grid(peak: int, plot_w: float, plot_h: float) -> list[str]:
    """Horizontal lines at quarters of the scale, labelled on the left."""
    parts = []
    for k in range(5):
        value = peak * k / 4
        y = TOP + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c8cdd2" stroke-width="{1 if k else 1.5}"/>')
        text = f"{value:g}" if value != int(value) else str(int(value))
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="12" text-anchor="end" {FONT}>{text}</text>')
    return parts


def nice_ceiling(value: float) -> int:
    """Top of the scale: four times a round whole step, so the quarter lines fall on whole numbers."""
    quarter = max(value / 4, 1)
    power = 10 ** math.floor(math.log10(quarter))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        tick = step * power
        if tick >= quarter and tick == int(tick):
            return int(tick) * 4
    return int(10 * power) * 4


def _svg(height: int, body: str) -> str:
    """An SVG element that scales to the column width."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">{body}</svg>'
    )
