"""Knowing the battery: a shunt's SOC as it is, otherwise counting charge from the current with
resync at float, the voltage only as a last resort; the count tracks the simulated battery."""
from __future__ import annotations

import pytest

from hardware.battery import AGM, LIFEPO4
from hardware.simulator import BenchModel
from hardware.status import PowerStatus
from kiosk.core.energy_soc import COUNTING, SHUNT, UNKNOWN, VOLTAGE, ChargeCounter


def track(weathers: list[str], *, soc: float, soc_source: str = "none", municipality: str = "Prijedor",
          day_of_year: int = 342) -> list[tuple[float, float | None, str]]:
    """(model SOC %, estimate %, source) each minute of a bench without a gauge, its kiosk
    blanking the screen between visitors."""
    model = BenchModel(weather=weathers, municipality=municipality, start_hour=0.0, seed=4, soc=soc,
                       day_of_year=day_of_year, soc_source=soc_source)
    model.set_screen(100, True)
    counter, status, out = ChargeCounter(AGM, 100.0), PowerStatus(), []
    for _ in range(len(weathers) * 1440):
        for source, fields in zip(("mppt", "ports", "bmv"), model.step(60)):
            status = status.with_block(source, fields, at=model.time_s)
        estimate = counter.update(status, model.time_s)
        out.append((model.soc * 100.0, estimate.pct, estimate.source))
    return out


def test_counting_tracks_the_battery_within_five_points_over_a_winter_week() -> None:
    week = track(["cloudy", "sunny", "dark", "dark", "cloudy", "sunny", "cloudy"], soc=0.62)
    errors = [abs(estimate - true) for true, estimate, _ in week]
    assert {source for _, _, source in week} == {COUNTING}
    assert max(errors) <= 5.0 and sum(errors) / len(errors) <= 2.0, (max(errors), sum(errors) / len(errors))
    assert min(true for true, _, _ in week) < 50 < max(true for true, _, _ in week)  # the week went somewhere


def test_the_port_boards_own_soc_is_not_trusted_but_a_shunts_is() -> None:
    at = 10.0
    board = PowerStatus().with_block("ports", {"SOC": "900"}, at=at).with_block("mppt", {"V": "12100", "I": "-1000",
                                                                                        "CS": "0"}, at=at)
    estimate = ChargeCounter(AGM, 100.0).update(board, at)
    assert estimate.source == COUNTING and estimate.pct < 60  # from the voltage under load, not the board's 90 %
    shunt = board.with_block("bmv", {"SOC": "731", "CE": "-26900"}, at=at)
    assert ChargeCounter(AGM, 100.0).update(shunt, at).pct == 73.1
    assert ChargeCounter(AGM, 100.0).update(shunt, at).source == SHUNT


def test_float_at_the_tail_current_for_ten_minutes_resyncs_to_full() -> None:
    counter, status = ChargeCounter(AGM, 100.0), PowerStatus()
    status = status.with_block("mppt", {"V": "12300", "I": "-500", "CS": "0"}, at=0.0)
    assert counter.update(status, 0.0).pct < 70
    for second in range(60, 60 * 12, 60):
        status = status.with_block("mppt", {"V": "14000", "I": "800", "CS": "5"}, at=float(second))  # float at 15 °C
        estimate = counter.update(status, float(second))
    assert estimate.pct == 100.0 and counter.anchors[-1].soc == 1.0


def test_without_current_only_a_battery_at_rest_gives_a_voltage_guess() -> None:
    resting = PowerStatus().with_block("mppt", {"V": "12220", "CS": "0"}, at=0.0)
    estimate = ChargeCounter(AGM, 100.0).update(resting, 0.0)
    assert estimate.source == VOLTAGE and estimate.pct == pytest.approx(50.0, abs=1)
    charging = PowerStatus().with_block("mppt", {"V": "14200", "I": "---", "CS": "3"}, at=0.0)
    assert ChargeCounter(AGM, 100.0).update(charging, 0.0).source in (VOLTAGE, UNKNOWN)
    assert ChargeCounter(AGM, 100.0).update(PowerStatus(), 0.0).source == UNKNOWN


def test_a_gap_is_bridged_with_the_panels_yield_and_a_restart_keeps_counting() -> None:
    counter = ChargeCounter(AGM, 100.0)
    status = PowerStatus().with_block("mppt", {"V": "12500", "I": "-300", "CS": "0", "H19": "100"}, at=0.0)
    before = counter.update(status, 0.0).pct
    state = counter.state()
    restarted = ChargeCounter(AGM, 100.0)
    restarted.restore(state, offline_s=6 * 3600.0, standby_wh=12.0)
    # Six hours later the panel had given 0.24 kWh (H19 +24), the board and light took 12 Wh.
    status = PowerStatus().with_block("mppt", {"V": "12900", "I": "3000", "CS": "3", "H19": "124"}, at=5.0)
    after = restarted.update(status, 5.0).pct
    # Ah in at the charge efficiency, as % of what 100 Ah give at 15 °C (no TBAT: 15 °C assumed).
    expected_gain = (240 / 13.2 - 12 / 12.3) * 0.9 / AGM.capacity_factor(15.0)  # Wh at charging/resting volts
    assert after - before == pytest.approx(expected_gain, abs=0.5)


def test_the_cold_locks_capacity_away() -> None:
    counter = ChargeCounter(LIFEPO4, 100.0)
    counter.charge_ah = 60.0
    assert counter.available(25.0) == pytest.approx(0.6)
    assert counter.available(-10.0) < 0.55
