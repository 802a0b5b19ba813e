"""Server-drawn charts: valid SVG, gaps where the bench was silent, spikes kept by downsampling."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

from sync_server.fleet.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Series, downsample, line_chart

SVG = "{http://www.w3.org/2000/svg}"
END = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
DAY = END - timedelta(days=1)


def minutes(start: datetime, count: int, value=lambda i: 50.0) -> list[tuple[datetime, float]]:
    return [(start + timedelta(minutes=i), value(i)) for i in range(count)]


def path_points(svg: ET.Element) -> list[list[tuple[float, float]]]:
    """The runs of each series path as (x, y) pairs: one run per unbroken line."""
    runs = []
    for path in svg.iter(f"{SVG}path"):
        for run in path.get("d").split("M")[1:]:
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", run)]
            runs.append(list(zip(numbers[::2], numbers[1::2])))
    return runs


def test_a_day_of_minutes_is_valid_small_accessible_svg() -> None:
    svg_text = line_chart("soc-24h", "Battery charge <24 h>", "%", [Series("SOC", minutes(DAY, 1440))], DAY, END,
                          y_max=100)
    svg = ET.fromstring(svg_text)
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Battery charge <24 h>"  # escaped, and read back intact
    assert "Battery charge <24 h>" in [t.text for t in svg.iter(f"{SVG}text")]  # and shown
    assert "min 50 %" in svg.find(f"{SVG}desc").text
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"0", "50", "100", "%"} <= set(labels)  # y axis with its unit
    assert any(re.fullmatch(r"\d\d:00", label or "") for label in labels)  # x axis in local hours
    assert len(svg_text) < 8000
    assert len(path_points(svg)) == 1  # no gap: one unbroken line


def test_silence_breaks_the_line_and_is_shaded() -> None:
    # Samples for 10 h, silence for 4 h, samples again for the last 10 h.
    points = minutes(DAY, 600) + minutes(DAY + timedelta(hours=14), 600)
    svg = ET.fromstring(line_chart("c", "Solar", "W", [Series("solar", points)], DAY, END))
    assert len(path_points(svg)) == 2
    gaps = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("class") == "gap"]
    assert len(gaps) == 1
    left_gap_share = float(gaps[0].get("width")) / (WIDTH - LEFT - RIGHT)
    assert 0.15 < left_gap_share < 0.18  # 4 h of 24 h
    assert gaps[0].find(f"{SVG}title").text == "no data"


def test_downsampling_keeps_the_minimum_and_maximum_of_each_bucket() -> None:
    week = END - timedelta(days=7)
    points = minutes(week, 7 * 1440, lambda i: 20.0 + (i % 7))
    points[5000] = (points[5000][0], 95.0)  # a one-minute spike
    points[5003] = (points[5003][0], 1.0)   # and a dip right after it
    buckets = downsample(points, week, END, 120)
    kept = [value for bucket in buckets for _, value in bucket]
    assert len(kept) <= 240 and max(kept) == 95.0 and min(kept) == 1.0
    spike_bucket = next(bucket for bucket in buckets if (points[5000]) in bucket)
    assert spike_bucket == [points[5000], points[5003]]  # in time order
    # And the spike reaches the top of the drawing.
    svg = ET.fromstring(line_chart("w", "Solar", "W", [Series("solar", points)], week, END, y_max=100))
    top_y = min(y for run in path_points(svg) for _, y in run)
    assert abs(top_y - (TOP + (HEIGHT - TOP - BOTTOM) * 0.05)) < 0.2


def test_a_raised_floor_spreads_a_narrow_range() -> None:
    points = minutes(DAY, 1440, lambda i: 12.0 + (i % 2))  # 12 V and 13 V
    svg = ET.fromstring(line_chart("v", "Battery voltage", "V", [Series("V", points)], DAY, END, y_min=10.0))
    ys = {y for run in path_points(svg) for _, y in run}
    assert max(ys) - min(ys) > (HEIGHT - TOP - BOTTOM) / 6  # 1 V of 10-15 V: a fifth of the height, not a 15th
    assert "10" in [t.text for t in svg.iter(f"{SVG}text")]


def test_missing_readings_are_gaps_not_zeros() -> None:
    points = [(at, None if 300 <= i < 400 else 12.5) for i, (at, _) in enumerate(minutes(DAY, 1440))]
    svg = ET.fromstring(line_chart("v", "Battery voltage", "V", [Series("V", points)], DAY, END))
    assert len(path_points(svg)) == 2


def test_step_series_holds_its_value_until_it_changes() -> None:
    points = [(DAY + timedelta(hours=1), 1.0), (DAY + timedelta(hours=1, minutes=5), 3.0)]
    svg_text = line_chart("p", "Ports in use", "ports", [Series("on", points, step=True)], DAY, END, buckets=24)
    d = ET.fromstring(svg_text).find(f"{SVG}path").get("d")
    assert re.fullmatch(r"M[\d.]+,[\d.]+H[\d.]+V[\d.]+", d)


def test_two_series_get_a_legend_and_an_empty_chart_still_draws() -> None:
    svg = ET.fromstring(line_chart("x", "Ports", "", [Series("ports on", []), Series("current A", [])], DAY, END))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert any("ports on" in (t or "") for t in texts) and any("current A" in (t or "") for t in texts)
    assert "no data" in svg.find(f"{SVG}desc").text
