"""Energy alerts: a battery that lost capacity, a panel that yields less than its neighbours'."""
from __future__ import annotations

from kiosk.core.energy_alerts import capacity_fade, capacity_measurements, yield_below_neighbours
from kiosk.core.energy_soc import Anchor


def test_capacity_is_measured_between_anchors_far_enough_apart() -> None:
    # Full at float, then 42 Ah drawn net until a resting voltage says 40 %, then full again.
    anchors = [Anchor(0.0, 1.0, 0.0), Anchor(3600.0, 0.9, -5.0), Anchor(9e4, 0.4, -42.0), Anchor(2e5, 1.0, 0.0)]
    measured = capacity_measurements(anchors)
    assert [round(c) for c in measured] == [74, 70]  # 37 Ah over 50 points, 42 Ah over 60 (the 10-point step is too small)


def test_a_faded_or_fading_battery_raises_an_alert_and_a_healthy_one_does_not() -> None:
    assert capacity_fade("b", [98.0, None, 97.0, 99.0], 100.0) is None
    faded = capacity_fade("maglaj-01", [82.0, 78.0, 76.0], 100.0)
    assert faded.kind == "capacity_fade" and faded.figures["capacity_ah"] == 77.0 and "77 Ah of its 100 Ah" in faded.message
    falling = capacity_fade("b", [99.0, 98.0, 96.0, 90.0, 86.0, 84.0], 100.0)
    assert falling is not None and falling.figures["month_ago_ah"] == 98.0
    assert capacity_fade("b", [None, None], 100.0) is None


def test_a_panel_yielding_below_its_neighbours_on_the_same_day_is_flagged() -> None:
    day = {"prijedor-01": 610.0, "kostajnica-01": 560.0, "novi-grad-01": 590.0, "prijedor-02": 250.0}
    wp = {bench: 200.0 for bench in day}
    alerts = yield_below_neighbours(day, wp)
    assert [alert.bench for alert in alerts] == ["prijedor-02"] and alerts[0].kind == "low_yield"
    assert alerts[0].figures["neighbours_wh_per_wp"] == 2.95
    # A bigger panel is compared per Wp; a dark day everywhere compares nothing; alone, no neighbours.
    assert yield_below_neighbours({**day, "prijedor-02": 1200.0}, {**wp, "prijedor-02": 400.0}) == []
    assert yield_below_neighbours({bench: wh / 20 for bench, wh in day.items()}, wp) == []
    assert yield_below_neighbours({"prijedor-02": 10.0}, wp) == []
