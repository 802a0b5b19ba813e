"""The energy policy: modes with hysteresis and dwell, what they ask of the kiosk, and the backlight."""
from __future__ import annotations

from pathlib import Path

import pytest

from hardware.protocol import CHARGING_PORTS
from hardware.status import PowerStatus
from kiosk.core.energy import (CRITICAL, NORMAL, PLANS, SAVER, EnergyPolicy, EnergyThresholds, NullBacklight,
                               SysfsBacklight, battery_level_pct, detect_backlight)

THRESHOLDS = EnergyThresholds(min_dwell_s=600)


def status(soc_pct: float | None = None, *, volts: float | None = None, charge_state: int = 0,
           at: float = 0.0) -> PowerStatus:
    fields = {"CS": str(charge_state)}
    if soc_pct is not None:
        fields["SOC"] = str(round(soc_pct * 10))
    if volts is not None:
        fields["V"] = str(round(volts * 1000))
    return PowerStatus().with_block("test", fields, at=at)


def policy_in(mode: str) -> EnergyPolicy:
    return EnergyPolicy(THRESHOLDS, mode=mode)


@pytest.mark.parametrize("mode, soc, expected", [
    (NORMAL, 40.0, NORMAL), (NORMAL, 39.9, SAVER), (NORMAL, 19.9, CRITICAL),
    (SAVER, 40.0, SAVER), (SAVER, 50.0, SAVER), (SAVER, 50.1, NORMAL), (SAVER, 20.0, SAVER), (SAVER, 19.9, CRITICAL),
    (CRITICAL, 25.0, CRITICAL), (CRITICAL, 30.0, CRITICAL), (CRITICAL, 30.1, SAVER), (CRITICAL, 80.0, NORMAL),
])
def test_hysteresis_edges(mode: str, soc: float, expected: str) -> None:
    policy = policy_in(mode)
    policy.update(status(soc), now=0.0)
    assert policy.mode == expected


def test_while_the_sun_charges_the_bench_stays_bright_but_still_protects_the_battery() -> None:
    policy = policy_in(NORMAL)
    assert policy.update(status(35.0, charge_state=3), now=0.0) is None and policy.mode == NORMAL
    assert policy.update(status(19.0, charge_state=3, at=1.0), now=1.0).mode == CRITICAL


def test_a_mode_is_kept_for_the_minimum_dwell_time() -> None:
    policy = policy_in(NORMAL)
    assert policy.update(status(39.0, at=1000.0), now=1000.0).mode == SAVER
    assert policy.update(status(60.0, at=1599.0), now=1599.0) is None and policy.mode == SAVER
    change = policy.update(status(60.0, at=1600.0), now=1600.0)
    assert (change.previous, change.mode) == (SAVER, NORMAL)


def test_a_noisy_reading_around_a_threshold_changes_the_mode_once() -> None:
    policy, changes = policy_in(NORMAL), []
    for minute in range(24 * 60):
        soc = 40.0 + (3.0 if minute % 2 else -3.0)  # a jittery gauge swinging 37-43 %
        change = policy.update(status(soc, at=minute * 60.0), now=minute * 60.0)
        if change:
            changes.append(change)
    assert [(c.previous, c.mode) for c in changes] == [(NORMAL, SAVER)]


def test_critical_switches_the_charging_ports_off_and_leaving_it_switches_them_back_on() -> None:
    policy = policy_in(NORMAL)
    entering = policy.update(status(15.0), now=0.0)
    assert entering.port_commands == tuple((port, False) for port in CHARGING_PORTS)
    assert not entering.plan.usb_ports_on and entering.plan.screen_off_when_idle
    assert policy.update(status(35.0, at=700.0), now=700.0).port_commands == tuple((port, True) for port in CHARGING_PORTS)
    assert policy.update(status(60.0, at=1400.0), now=1400.0).port_commands == ()  # saver -> normal: ports already on


def test_plans_save_more_the_lower_the_battery() -> None:
    normal, saver, critical = PLANS[NORMAL], PLANS[SAVER], PLANS[CRITICAL]
    assert normal.backlight_pct > saver.backlight_pct > critical.backlight_pct > 0
    assert normal.max_fps > saver.max_fps > critical.max_fps
    assert normal.sync_interval_s < saver.sync_interval_s < critical.sync_interval_s
    assert normal.usb_ports_on and saver.usb_ports_on and not critical.usb_ports_on


def test_without_soc_the_battery_voltage_decides() -> None:
    assert battery_level_pct(status(volts=12.85), 0.0, THRESHOLDS) == 100.0
    assert battery_level_pct(status(volts=11.5), 0.0, THRESHOLDS) == 0.0
    policy = policy_in(NORMAL)
    assert policy.update(status(volts=11.95), now=0.0).mode == CRITICAL  # about 14 %


def test_while_charging_the_voltage_means_nothing_until_absorption() -> None:
    bulk = status(volts=13.9, charge_state=3)
    assert battery_level_pct(bulk, 0.0, THRESHOLDS) is None
    policy = policy_in(CRITICAL)
    assert policy.update(bulk, now=0.0) is None and policy.mode == CRITICAL
    assert policy.update(status(volts=14.4, charge_state=4, at=1.0), now=1.0).mode == NORMAL


def test_stale_readings_are_ignored_and_the_mode_is_held() -> None:
    policy = policy_in(SAVER)
    old = status(90.0, at=0.0)
    assert policy.update(old, now=THRESHOLDS.stale_after_s + 1) is None and policy.mode == SAVER
    assert policy.update(PowerStatus(), now=0.0) is None and policy.mode == SAVER


def test_thresholds_that_cannot_work_are_refused() -> None:
    with pytest.raises(ValueError, match="saver_enter_pct"):
        EnergyThresholds(saver_enter_pct=55)
    with pytest.raises(ValueError, match="critical_enter_pct"):
        EnergyThresholds(critical_enter_pct=45, critical_leave_pct=50)


def make_backlight(root: Path, name: str = "10-0045", max_brightness: int = 255) -> Path:
    device = root / name
    device.mkdir(parents=True)
    (device / "max_brightness").write_text(f"{max_brightness}\n")
    (device / "brightness").write_text("0\n")
    return device


def test_the_sysfs_backlight_is_scaled_to_its_maximum(tmp_path: Path) -> None:
    device = make_backlight(tmp_path, max_brightness=255)
    backlight = SysfsBacklight(device)
    for percent, written in ((100, 255), (45, 115), (0, 0), (0.1, 1), (150, 255)):
        backlight.set_percent(percent)
        assert (device / "brightness").read_text().strip() == str(written)


def test_detect_backlight_finds_a_device_or_falls_back(tmp_path: Path) -> None:
    assert isinstance(detect_backlight(tmp_path / "none"), NullBacklight)
    make_backlight(tmp_path / "backlight", "rpi_backlight", max_brightness=31)
    found = detect_backlight(tmp_path / "backlight")
    assert isinstance(found, SysfsBacklight) and found.max_brightness == 31
