"""Energy alerts as pure functions: a battery losing capacity, a panel yielding less than its
neighbours'. The data comes from the charge counter (``kiosk.core.energy_soc``) and the MPPT's
daily yields; showing them is the fleet dashboard's job.

- **Capacity fade**: between two moments the charge was known independently of the count (full at
  float, a resting voltage: ``Anchor``), the net amp-hours counted divided by the change of charge
  measure the capacity. Taken week by week, a capacity below ``fade_ratio`` of the rating, or
  falling by more than ``drop_ratio`` within a month, raises the alert.
- **Yield below neighbours**: on the same day benches a few kilometres apart see the same sky; one
  that yields (per Wp) less than ``ratio`` of its neighbours' median has a dirty, shaded or broken
  panel. Days too dark for a comparison (neighbours' median under ``min_wh_per_wp``) are skipped.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Mapping, Sequence

from kiosk.core.energy_soc import Anchor

MIN_SOC_SPAN = 0.2  # two anchors this far apart in charge make a capacity measurement


@dataclass(frozen=True)
class EnergyAlert:
    kind: str  # capacity_fade | low_yield
    bench: str
    message: str  # English, for logs; the dashboard words it from kind and figures
    figures: Mapping[str, float]


def capacity_measurements(anchors: Sequence[Anchor]) -> list[float]:
    """Capacities (Ah) measured between consecutive anchors far enough apart in charge."""
    measured = []
    for earlier, later in zip(anchors, anchors[1:]):
        span = later.soc - earlier.soc
        if abs(span) >= MIN_SOC_SPAN:
            capacity = (later.counted_ah - earlier.counted_ah) / span
            if capacity > 0:
                measured.append(capacity)
    return measured


def capacity_fade(bench: str, weekly_capacity_ah: Sequence[float | None], rated_ah: float, *,
                  fade_ratio: float = 0.8, drop_ratio: float = 0.1) -> EnergyAlert | None:
    """An alert when the battery's measured capacity (one median per week, oldest first, None for
    a week without a measurement) has faded below ``fade_ratio`` of its rating, or fell by more
    than ``drop_ratio`` over the last four weeks."""
    weeks = [capacity for capacity in weekly_capacity_ah if capacity is not None]
    if not weeks:
        return None
    latest = statistics.median(weeks[-2:])
    month_ago = weeks[-5] if len(weeks) >= 5 else weeks[0]
    if latest < fade_ratio * rated_ah:
        return EnergyAlert("capacity_fade", bench, f"{bench}: battery holds {latest:.0f} Ah of its {rated_ah:.0f} Ah",
                           {"capacity_ah": round(latest, 1), "rated_ah": rated_ah})
    if len(weeks) >= 2 and latest < (1 - drop_ratio) * month_ago:
        return EnergyAlert("capacity_fade", bench,
                           f"{bench}: battery capacity fell from {month_ago:.0f} to {latest:.0f} Ah in a month",
                           {"capacity_ah": round(latest, 1), "month_ago_ah": round(month_ago, 1), "rated_ah": rated_ah})
    return None


def yield_below_neighbours(day_yield_wh: Mapping[str, float], panel_wp: Mapping[str, float], *,
                           ratio: float = 0.7, min_wh_per_wp: float = 0.3,
                           min_neighbours: int = 2) -> list[EnergyAlert]:
    """For one day and one group of neighbouring benches (bench -> yield Wh, bench -> panel Wp):
    an alert for each bench yielding per Wp less than ``ratio`` of the others' median."""
    specific = {bench: wh / panel_wp[bench] for bench, wh in day_yield_wh.items() if panel_wp.get(bench)}
    alerts = []
    for bench, own in sorted(specific.items()):
        others = [value for other, value in specific.items() if other != bench]
        if len(others) < min_neighbours:
            continue
        median = statistics.median(others)
        if median >= min_wh_per_wp and own < ratio * median:
            alerts.append(EnergyAlert(
                "low_yield", bench,
                f"{bench}: yielded {own:.2f} Wh/Wp, neighbours {median:.2f} Wh/Wp: clean or check the panel",
                {"yield_wh_per_wp": round(own, 3), "neighbours_wh_per_wp": round(median, 3)}))
    return alerts
