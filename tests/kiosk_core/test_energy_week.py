"""A simulated week of sunny, cloudy and dark days through the policy: it saves when it must,
recovers when the sun returns, and never flaps."""
from __future__ import annotations

import pytest

from hardware.protocol import CHARGING_PORTS
from hardware.simulator import DAY_S
from kiosk.core.energy import CRITICAL, NORMAL, SAVER, EnergyThresholds
from kiosk.core.energy_week import WEEK, report, simulate

THRESHOLDS = EnergyThresholds()


@pytest.fixture(scope="module")
def week():
    return simulate(WEEK, THRESHOLDS, soc=0.6)


def test_dark_days_lead_down_through_saver_to_critical_and_the_sun_brings_it_back(week) -> None:
    changes = [change for day in week for change in day.changes]
    path = [(change.previous, change.mode) for change in changes]
    assert (NORMAL, SAVER) in path and (SAVER, CRITICAL) in path
    assert changes[-1].mode == NORMAL and week[-1].minutes_in[NORMAL] == 24 * 60
    assert week[0].minutes_in[NORMAL] == 24 * 60  # a sunny first day needs no saving


def test_the_mode_never_flaps(week) -> None:
    changes = [change for day in week for change in day.changes]
    assert all(len(day.changes) <= 2 for day in week), report(week)
    gaps = [later.at - earlier.at for earlier, later in zip(changes, changes[1:])]
    assert min(gaps) >= THRESHOLDS.min_dwell_s
    # Never straight back to where it came from within an hour.
    for earlier, later in zip(changes, changes[1:]):
        assert not (later.mode == earlier.previous and later.at - earlier.at < 3600), report(week)


def test_critical_switches_the_simulated_usb_ports_off_and_back_on(week) -> None:
    changes = [change for day in week for change in day.changes]
    entering = next(c for c in changes if c.mode == CRITICAL)
    leaving = next(c for c in changes if c.previous == CRITICAL)
    assert entering.port_commands == tuple((port, False) for port in CHARGING_PORTS)
    assert leaving.port_commands == tuple((port, True) for port in CHARGING_PORTS)


def test_the_energy_balance_tells_sunny_from_dark_days(week) -> None:
    sunny, dark = week[0], week[3]
    assert sunny.harvested_wh > 3 * dark.harvested_wh
    assert dark.used_wh > dark.harvested_wh and dark.soc_max > dark.soc_min
    assert 0 <= min(day.soc_min for day in week) and max(day.soc_max for day in week) <= 100
    assert sum(day.minutes_in.total() for day in week) == pytest.approx(len(WEEK) * DAY_S / 60)
    assert "harvested" in report(week).splitlines()[0]
