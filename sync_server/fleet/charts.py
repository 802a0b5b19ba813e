"""SVG charts drawn on the server from telemetry: pure functions, no JavaScript needed to read them.

A week of one-minute samples is 10 080 points; a chart keeps a fixed number of time buckets and,
per bucket, the minimum and the maximum in the order they happened, so a spike survives the
downsampling. A bucket without samples is a gap: the line breaks there and the span is shaded, so
a silent bench is never drawn as a straight line between two far-apart readings.

Only SVG presentation attributes are used (no style attributes), which the page's CSP allows.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from xml.sax.saxutils import escape
from ..clock import LOCAL_TIME  # one zone for every time people read

Point = tuple[datetime, float]

# Drawn at about its natural size in a two-column grid on a laptop, so its 12-unit text stays legible.
WIDTH, HEIGHT = 480, 190
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 40, 24
FONT = 12
# Colours with a contrast of at least 4.5:1 on white, told apart by dash pattern as well.
COLOURS = ("#1f4e9a", "#a64b00")
GAP_FILL = "#e4e4e4"
GRID = "#c8c8c8"
TEXT = "#333333"


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[datetime, float | None]]  # oldest first; None is a missing reading
    step: bool = False  # a count that holds until it changes (ports on), not a sampled curve


def downsample(points: Sequence[tuple[datetime, float | None]], start: datetime, end: datetime,
               buckets: int) -> list[list[Point]]:
    """Per time bucket, its min and max points in time order (one point if they coincide);
    an empty list for a bucket without readings."""
    width = (end - start) / buckets
    kept: list[list[Point]] = [[] for _ in range(buckets)]
    low: list[Point | None] = [None] * buckets
    high: list[Point | None] = [None] * buckets
    for at, value in points:
        if value is None or not start <= at < end:
            continue
        index = min(int((at - start) / width), buckets - 1)
        if low[index] is None or value < low[index][1]:
            low[index] = (at, value)
        if high[index] is None or value > high[index][1]:
            high[index] = (at, value)
    for index in range(buckets):
        pair = {p for p in (low[index], high[index]) if p is not None}
        kept[index] = sorted(pair)
    return kept


def _segments(buckets: list[list[Point]]) -> list[list[Point]]:
    """Runs of consecutive non-empty buckets: each is drawn as one unbroken line."""
    runs: list[list[Point]] = [[]]
    for bucket in buckets:
        if bucket:
            runs[-1].extend(bucket)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _gaps(buckets: list[list[Point]]) -> list[tuple[int, int]]:
    """(first, last) bucket index of each run of buckets without any reading."""
    gaps: list[tuple[int, int]] = []
    for index, bucket in enumerate(buckets):
        if bucket:
            continue
        if gaps and gaps[-1][1] == index - 1:
            gaps[-1] = (gaps[-1][0], index)
        else:
            gaps.append((index, index))
    return gaps


def _nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^n at or above ``value``, so axis labels read well."""
    magnitude = 1.0
    while magnitude * 10 < value:
        magnitude *= 10
    while magnitude > value and magnitude > 1e-3:
        magnitude /= 10
    return next(step * magnitude for step in (1, 2, 2.5, 5, 10) if step * magnitude >= value)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _time_ticks(start: datetime, end: datetime, zone: tzinfo) -> list[tuple[datetime, str]]:
    """Every 6 hours for a day, every midnight (local time) for longer periods."""
    span = end - start
    local = start.astimezone(zone)
    if span <= timedelta(days=2):
        tick = local.replace(minute=0, second=0, microsecond=0, hour=local.hour - local.hour % 6)
        step, form = timedelta(hours=6), "%H:%M"
    else:
        tick = local.replace(hour=0, minute=0, second=0, microsecond=0)
        step, form = timedelta(days=1), "%d.%m."
    ticks = []
    while tick < end:
        if tick >= start:
            ticks.append((tick, tick.strftime(form)))
        tick += step  # wall-clock arithmetic: ticks stay on local midnight across DST changes
    return ticks


def line_chart(chart_id: str, title: str, unit: str, series: Sequence[Series], start: datetime,
               end: datetime, *, buckets: int = 120, y_min: float = 0.0, y_max: float | None = None,
               zone: tzinfo = LOCAL_TIME) -> str:
    """An SVG chart of up to two series over [start, end) with its title on top. The y axis runs
    from ``y_min`` to ``y_max`` (100 for %), or to a round number a little above the data."""
    if not 1 <= len(series) <= len(COLOURS):
        raise ValueError(f"a chart draws 1 to {len(COLOURS)} series")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    sampled = [downsample(s.points, start, end, buckets) for s in series]
    values = [p[1] for bucket_list in sampled for bucket in bucket_list for p in bucket]
    top = y_max if y_max is not None else y_min + _nice_max((max(values, default=y_min) - y_min) * 1.05 or 1.0)
    span_s = (end - start).total_seconds()

    def x(at: datetime) -> float:
        return LEFT + plot_w * (at - start).total_seconds() / span_s

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (min(max(value, y_min), top) - y_min) / (top - y_min))

    summary = "; ".join(_summary(s.label, unit, [p[1] for b in data for p in b])
                        for s, data in zip(series, sampled))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="fleet-chart" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(summary)}</desc>',
        f'<text x="4" y="15" font-size="{FONT + 1}" font-weight="bold" fill="{TEXT}">{escape(title)}</text>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="{GRID}"/>',
    ]
    # The gaps of the first series: the bench was silent, or sent no such reading.
    bucket_w = plot_w / buckets
    for first, last in _gaps(sampled[0]):
        parts.append(f'<rect class="gap" x="{LEFT + first * bucket_w:.1f}" y="{TOP}" '
                     f'width="{(last - first + 1) * bucket_w:.1f}" height="{plot_h}" fill="{GAP_FILL}">'
                     '<title>no data</title></rect>')
    for fraction in (0.0, 0.5, 1.0):
        level = y_min + (top - y_min) * fraction
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
                     f'stroke="{GRID}" stroke-width="0.5"/>'
                     f'<text x="{LEFT - 4}" y="{y(level) + 4:.1f}" text-anchor="end" font-size="{FONT}" '
                     f'fill="{TEXT}">{_number(level)}</text>')
    parts.append(f'<text x="{LEFT - 4}" y="{TOP - 8}" text-anchor="end" font-size="{FONT}" fill="{TEXT}">'
                 f'{escape(unit)}</text>')
    for at, label in _time_ticks(start, end, zone):
        parts.append(f'<line x1="{x(at):.1f}" x2="{x(at):.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                     f'stroke="{GRID}" stroke-width="0.5"/>'
                     f'<text x="{x(at):.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="{FONT}" '
                     f'fill="{TEXT}">{label}</text>')
    for index, (s, data) in enumerate(zip(series, sampled)):
        paths = []
        for run in _segments(data):
            moves = [f"M{x(run[0][0]):.1f},{y(run[0][1]):.1f}"]
            for at, value in run[1:]:
                moves.append(f"H{x(at):.1f}V{y(value):.1f}" if s.step else f"L{x(at):.1f},{y(value):.1f}")
            paths.append("".join(moves))
        dash = ' stroke-dasharray="5 3"' if index else ""
        parts.append(f'<path class="series" d="{" ".join(paths)}" fill="none" stroke="{COLOURS[index]}" '
                     f'stroke-width="1.6"{dash}><title>{escape(s.label)}</title></path>')
    if len(series) > 1:  # a legend only when there is something to tell apart: first left, second right
        for index, s in enumerate(series):
            left, anchor = (LEFT, "start") if index == 0 else (WIDTH - RIGHT, "end")
            parts.append(f'<text x="{left}" y="{TOP - 8}" text-anchor="{anchor}" font-size="{FONT}" '
                         f'fill="{COLOURS[index]}">{"—" if index == 0 else "- -"} {escape(s.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _summary(label: str, unit: str, values: list[float]) -> str:
    if not values:
        return f"{label}: no data"
    return f"{label}: min {_number(min(values))} {unit}, max {_number(max(values))} {unit}"
