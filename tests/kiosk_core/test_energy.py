"""The energy policy: a plan over the shedding ladder, made hourly; it sheds in order, never flaps,
hibernates in a controlled way and resumes after the wake; and the screen's backlight."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from hardware.commands import ChargeMinTemp, DimLight, Hibernate, SetPort
from hardware.profiles import DEFAULT_PROFILE, load_profile
from hardware.status import PowerStatus
from kiosk.core.energy import (LOCAL_ZONE, EnergyPolicy, EnergyThresholds, NullBacklight, SysfsBacklight,
                               detect_backlight)
from kiosk.core.energy_plan import (FULL, HIBERNATION, LIGHT_DIMMED, NIGHT_HIBERNATION, PLANS, RUNGS, SCREEN_DARK,
                                    USB_QUOTA, daily_need_wh)

PROFILES = Path(__file__).resolve().parents[2] / "hardware" / "profiles"


class Clock:
    """The local wall clock of a test: set by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def december(hour: float, day: int = 10) -> datetime:
    return datetime(2026, 12, day, tzinfo=LOCAL_ZONE) + timedelta(hours=hour)


def shunt_status(soc_pct: float, at: float, *, temp_c: float = 5.0, amps: float = -0.5,
                 yield_today_kwh: float = 0.0, charge_state: int = 0) -> PowerStatus:
    """A bench with a BMV: its SOC (with CE beside it) is taken as it is."""
    status = PowerStatus().with_block("mppt", {"V": "12400", "I": str(round(amps * 1000)), "CS": str(charge_state),
                                               "H19": "500", "H20": str(round(yield_today_kwh * 100)), "H22": "5"},
                                      at=at)
    status = status.with_block("bmv", {"SOC": str(round(soc_pct * 10)), "CE": "-20000"}, at=at)
    return status.with_block("ports", {"TBAT": str(round(temp_c * 10)), "USB1": "ON", "QI1": "ON"}, at=at)


def run_hours(policy: EnergyPolicy, clock: Clock, socs: list[float], *, step_min: int = 10):
    """Feed one SOC per hour (in steps of ``step_min``); return (rung after each step, changes)."""
    rungs, changes, now = [], [], 0.0
    for soc in socs:
        for _ in range(60 // step_min):
            clock.now += timedelta(minutes=step_min)
            now += step_min * 60.0
            change = policy.update(shunt_status(soc, now), now)
            if change is not None:
                changes.append(change)
            rungs.append(policy.rung)
    return rungs, changes


def test_each_rung_of_the_ladder_saves_energy_and_keeps_what_the_rungs_above_shed() -> None:
    needs = [daily_need_wh(DEFAULT_PROFILE, rung, 7.5, 16.2, 30.0) for rung in range(len(RUNGS))]
    assert needs == sorted(needs, reverse=True) and len(set(needs)) == len(needs), needs
    for shallower, deeper in zip(PLANS, PLANS[1:]):
        assert deeper.backlight_pct <= shallower.backlight_pct and deeper.usb_share <= shallower.usb_share
        assert deeper.light_pct <= shallower.light_pct and deeper.max_fps <= shallower.max_fps
        assert deeper.sync_interval_s >= shallower.sync_interval_s
        for kept in ("screen_off_when_idle", "router_scheduled", "light_off_late"):
            assert getattr(deeper, kept) >= getattr(shallower, kept), (deeper.name, kept)
        assert deeper.qi_on <= shallower.qi_on
    assert PLANS[FULL].mode == "normal" and PLANS[HIBERNATION].mode == "hibernate"


def test_a_falling_battery_walks_down_the_ladder_in_order_with_what_each_rung_commands() -> None:
    clock = Clock(december(7.0))
    policy = EnergyPolicy(clock=clock)
    socs = [95.0 - 1.5 * hour for hour in range(44)]  # 95 % down to 30 %: below the 35 % AGM floor
    rungs, changes = run_hours(policy, clock, socs)
    visited = list(dict.fromkeys(rungs))
    assert visited == sorted(visited), [RUNGS[r] for r in visited]  # never back up while it falls
    assert len(visited) >= 4 and visited[-1] == HIBERNATION, [RUNGS[r] for r in visited]
    sent = [command for change in changes for command in change.commands]
    first = {rung: rungs.index(rung) for rung in visited}
    if USB_QUOTA in first or LIGHT_DIMMED in first:
        assert SetPort("QI1", False) in sent  # wireless pads are the first thing to go
    assert DimLight(40) in sent and DimLight(100) not in sent[sent.index(DimLight(40)):]
    hibernate = next(change for change in changes if change.hibernate and change.plan.rung == HIBERNATION)
    # Asleep before the floor if the plan sees it coming, at the latest when the floor is reached.
    assert hibernate.reason in ("short_forecast", "below_floor") and hibernate.level_pct < 45.0
    # Asked to wake at midday (the next one, more than half an hour ahead), after a grace to stop cleanly.
    order = hibernate.hibernate
    wake = december(7.0) + timedelta(seconds=hibernate.at + order.wake_after_s)  # the clock ran with ``now``
    assert order.grace_s == 60 and (wake.hour, wake.minute) == (12, 0) and order.wake_after_s > 1800
    assert DimLight(10) in hibernate.commands  # the light stays, at 10 %, while the kiosk sleeps
    assert policy.report()["rung_name"] == "hibernation" and policy.report()["floor_pct"] == 35.0


def test_a_jittery_gauge_never_makes_the_plan_flap() -> None:
    clock = Clock(december(9.0))
    policy = EnergyPolicy(clock=clock)
    socs = [60.0 + (4.0 if hour % 2 else -4.0) for hour in range(48)]
    rungs, _ = run_hours(policy, clock, socs, step_min=5)
    steps = [(a, b) for a, b in zip(rungs, rungs[1:]) if a != b]
    assert len(steps) <= 6, [(RUNGS[a], RUNGS[b]) for a, b in steps]
    # Shedding less goes one rung at a time, never sooner than an hour after the last change.
    changed_at = [i for i, (a, b) in enumerate(zip(rungs, rungs[1:])) if a != b]
    for (i, j) in zip(changed_at, changed_at[1:]):
        if rungs[j + 1] < rungs[j]:
            assert rungs[j] - rungs[j + 1] == 1 and (j - i) * 5 >= 60


def test_below_the_floor_it_hibernates_at_once_and_a_wake_with_sun_resumes() -> None:
    clock = Clock(december(17.0))
    policy = EnergyPolicy(clock=clock)
    policy.update(shunt_status(40.0, 0.0), 0.0)  # running for an hour already
    clock.now += timedelta(hours=1)
    change = policy.update(shunt_status(33.0, 3600.0), 3600.0)
    assert change.hibernate is not None and policy.rung == HIBERNATION and change.reason == "below_floor"
    state = policy.state()
    # The board cuts the computer; at the wake (the next midday) a fresh process restores the state.
    clock.now += timedelta(seconds=change.hibernate.wake_after_s)
    woken = EnergyPolicy(clock=clock)
    woken.restore(state)
    assert woken.rung == HIBERNATION
    change = woken.update(shunt_status(52.0, 10.0, charge_state=3, amps=6.0, yield_today_kwh=0.1), 10.0)
    assert change is not None
    assert woken.rung <= NIGHT_HIBERNATION and change.reason == "resumed"
    assert change.hibernate is None


def test_a_wake_with_the_battery_still_low_syncs_briefly_and_sleeps_until_the_next_midday() -> None:
    clock = Clock(december(12.0))
    policy = EnergyPolicy(clock=clock)
    policy.restore({**EnergyPolicy(clock=clock).state(), "rung": HIBERNATION, "reason": "below_floor"})
    now, order = 0.0, None
    while order is None and now < 3600:
        clock.now += timedelta(minutes=1)
        now += 60.0
        change = policy.update(shunt_status(36.0, now), now)
        order = change.hibernate if change else None
    assert order is not None and 900 <= now <= 960  # up for the wake's sync window, then asleep again
    wake = clock.now + timedelta(seconds=order.wake_after_s)
    assert (wake.day, wake.hour) == (11, 12)


def test_night_hibernation_sleeps_after_dusk_and_wakes_after_sunrise() -> None:
    clock = Clock(december(16.0))
    policy = EnergyPolicy(clock=clock, rung=NIGHT_HIBERNATION)
    now, order = 0.0, None
    while order is None:
        clock.now += timedelta(minutes=5)
        now += 300.0
        change = policy.update(shunt_status(45.0, now), now)
        order = change.hibernate if change and policy.rung == NIGHT_HIBERNATION else None
    assert 16.5 <= clock.now.hour + clock.now.minute / 60 <= 17.0  # half an hour after a 16:1x sunset
    wake = clock.now + timedelta(seconds=order.wake_after_s)
    assert wake.day == 11 and 7.5 <= wake.hour + wake.minute / 60 <= 8.5


def test_a_lithium_battery_gets_the_cold_rule_sent_to_the_board_once() -> None:
    clock = Clock(december(9.0))
    policy = EnergyPolicy(clock=clock, profile=load_profile(PROFILES / "lifepo4.toml"))
    first = policy.update(shunt_status(70.0, 0.0, temp_c=-3.0), 0.0)
    assert ChargeMinTemp(0.0) in first.commands and first.commands.index(ChargeMinTemp(0.0)) == 0
    clock.now += timedelta(minutes=1)
    later = policy.update(shunt_status(70.0, 60.0, temp_c=-3.0), 60.0)
    assert later is None or ChargeMinTemp(0.0) not in later.commands
    agm = EnergyPolicy(clock=clock).update(shunt_status(70.0, 0.0), 0.0)
    assert not any(isinstance(command, ChargeMinTemp) for command in agm.commands)


def test_the_plan_is_reported_as_data_for_telemetry_and_diagnostics() -> None:
    clock = Clock(december(17.0))
    policy = EnergyPolicy(clock=clock)
    assert policy.report() == {}
    policy.update(shunt_status(80.0, 0.0), 0.0)
    report = policy.report()
    assert report["soc_source"] == "shunt" and report["soc_pct"] == 80.0 and report["rung_name"] in RUNGS
    assert report["harvest_tomorrow_wh"] > 0 and report["need_tonight_wh"] > 0 and report["days_of_autonomy"] > 0
    assert report["reason"] in ("enough", "short_forecast")


def test_stale_readings_hold_the_rung() -> None:
    clock = Clock(december(10.0))
    policy = EnergyPolicy(clock=clock, rung=SCREEN_DARK)
    old = shunt_status(90.0, 0.0)
    clock.now += timedelta(hours=2)
    policy.update(old, 7200.0)
    assert policy.rung == SCREEN_DARK and policy.estimate.pct is None


def test_thresholds_that_cannot_work_are_refused() -> None:
    with pytest.raises(ValueError, match="hibernate_pct"):
        EnergyThresholds(hibernate_pct=2)
    with pytest.raises(ValueError, match="reserve_pct"):
        EnergyThresholds(reserve_pct=40, relax_margin_pct=15)
    with pytest.raises(ValueError, match="wake_hour"):
        EnergyThresholds(wake_hour=22)
    with pytest.raises(ValueError, match="rung"):
        EnergyPolicy(rung=9)


def test_hibernate_commands_are_well_formed() -> None:
    clock = Clock(december(20.0))
    policy, order, now = EnergyPolicy(clock=clock), None, 0.0
    while order is None and now <= 1200:  # a kiosk started below the floor syncs first, then sleeps
        change = policy.update(shunt_status(30.0, now), now)
        order = change.hibernate if change else None
        clock.now += timedelta(minutes=1)
        now += 60.0
    assert isinstance(order, Hibernate) and 14_000 <= order.resume_mv <= 14_800  # near absorption, temperature-compensated
    assert Hibernate.line(order) == f"HIBERNATE 60 {order.wake_after_s} {order.resume_mv}"


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
