"""The bench's power policy: an energy plan, made at dusk and every hour, and the ladder it sheds on.

At every plan the bench estimates the battery's charge (``kiosk.core.energy_soc``), expects the
next days' harvest from the last days' yields (the MPPT's ``H22`` at each day's end; before there
are any, from the season), and projects the battery hour by hour over the next 30 hours on each
rung of the shedding ladder (``kiosk.core.energy_plan``: USB quota, light dimmed then scheduled,
screen dark until touched, router on a schedule, hibernation at night, then around the clock). It
takes the least shedding rung whose projected lowest charge stays ``reserve_pct`` above the
hibernation floor, a floor well above the charger's low-voltage cut (AGM 35 %, LiFePO4 20 %).

Modes never flap: the plan sheds at once when it must, but sheds less only one rung at a time, at
most once per ``min_dwell_s``, only with ``relax_margin_pct`` to spare, and only when two plans in a
row (an hour apart) want it. Between plans one reflex
remains: below the floor the bench hibernates.

Hibernation is controlled: the policy returns a ``Hibernate`` command for the port board (after a
grace for the kiosk to stop cleanly the board cuts computer, screen, router and ports, and wakes
them after sunrise, at midday for a short sync, or once the battery holds a resume voltage) with
``ModeChange.hibernate`` set, so the app knows to save and power off. ``state()`` is what to keep on
disk; ``restore()`` after the reboot bridges the gap in the charge count with the panel's yield.

For a lithium battery the policy asks the board at start to keep the charger off below the
chemistry's minimum temperature (``CHARGE MIN_TEMP``): the board keeps that rule on its own,
also while the computer sleeps.

``EnergyPolicy`` is plain state and arithmetic, no threads: the caller passes each ``PowerStatus``
and the monotonic time; the local wall clock comes from ``clock`` (a function, so the simulations
run it on simulated time). ``report()`` is the plan as data, for telemetry and the diagnostics
screen.
"""
from __future__ import annotations

import logging
import os
import statistics
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Protocol
from zoneinfo import ZoneInfo

from hardware.commands import ChargeMinTemp, Command, DimLight, Hibernate, SetPort
from hardware.profiles import DEFAULT_PROFILE, HardwareProfile
from hardware.protocol import CHARGING_PORTS
from hardware.status import PowerStatus
from kiosk.core.energy_plan import (CRITICAL, FULL, HIBERNATE, HIBERNATION, HIBERNATION_LIGHT_PCT, MODES,
                                    NIGHT_HIBERNATION, NORMAL, PLANS, RUNGS, SAVER,
                                    SLEEP_AFTER_SUNSET_H, USB_HOURS, WAKE_AFTER_SUNRISE_H, EnergyPlan,
                                    Projection, daily_need_wh, daylight, need_w, project, router_window_open)
from kiosk.core.energy_alerts import capacity_measurements
from kiosk.core.energy_soc import ChargeCounter, SocEstimate

__all__ = ["CRITICAL", "HIBERNATE", "MODES", "NORMAL", "PLANS", "RUNGS", "SAVER", "EnergyPlan", "EnergyPolicy",
           "EnergyThresholds", "ModeChange", "PlanReport"]

log = logging.getLogger(__name__)

LOCAL_ZONE = ZoneInfo("Europe/Sarajevo")
LONGITUDE = 17.8  # the middle of Bosnia and Herzegovina; the sun's clock time shifts ±6 min across it
USB_DEMAND_WH = 25.0  # a first guess at a day's USB charging (5 V side), until the bench has measured
YIELD_DAYS = 3  # the forecast weighs the last three days' yields ...
YIELD_WEIGHTS = (0.5, 0.3, 0.2)  # ... the latest most
RESUME_BELOW_ABSORPTION_V = 0.2  # hibernation ends early once the charger holds this near absorption
NO_SHOW_S = 600.0  # still running this long after the grace: the board did not hibernate us
NIGHT_RESERVE_PCT = 2.0  # night hibernation is chosen while it keeps the battery this far above the floor
RELAX_VOTES = 2  # plans in a row that must want less shedding before it sheds less
PRIOR_WEIGHT = 0.25  # the season's guess keeps this weight in the forecast beside the measured days


@dataclass(frozen=True)
class EnergyThresholds:
    """Battery levels in percent of the charge that can be drawn; times in seconds."""

    hibernate_pct: float | None = None  # None: the chemistry's floor (AGM 35 %, LiFePO4 20 %)
    reserve_pct: float = 10.0  # the plan keeps its projected lowest charge this far above the floor
    relax_margin_pct: float = 5.0  # ... and this much more before it sheds less
    resume_margin_pct: float = 5.0  # out of hibernation only this far above the floor
    min_dwell_s: float = 3600.0  # the least time between two steps towards less shedding
    stale_after_s: float = 300.0  # readings older than this are ignored (the link is down)
    wake_hour: float = 12.0  # hibernation wakes for a sync at this local hour
    wake_sync_s: float = 900.0  # and stays up this long before sleeping again
    hibernate_grace_s: float = 60.0  # from the command until the board cuts the power
    latitude: float = 44.0

    def __post_init__(self) -> None:
        if self.hibernate_pct is not None and not 5 <= self.hibernate_pct <= 80:
            raise ValueError(f"hibernate_pct ({self.hibernate_pct:g}) must be between 5 and 80")
        if not self.reserve_pct + self.relax_margin_pct < 50:
            raise ValueError(f"reserve_pct ({self.reserve_pct:g}) and relax_margin_pct "
                             f"({self.relax_margin_pct:g}) together must be below 50")
        if not 6 <= self.wake_hour <= 16:
            raise ValueError(f"wake_hour ({self.wake_hour:g}) must be in daylight, 6-16")
        if not 0 < self.hibernate_grace_s <= 600:
            raise ValueError(f"hibernate_grace_s ({self.hibernate_grace_s:g}) must be 1-600")


@dataclass(frozen=True)
class PlanReport:
    """The plan as a maintainer and the fleet dashboard read it (``report()``)."""

    at: str  # local time, ISO 8601
    rung: int
    rung_name: str
    mode: str
    reason: str  # enough | short_forecast | below_floor | wake_sync | resumed | hold
    soc_pct: float | None
    soc_source: str
    floor_pct: float
    harvest_today_wh: float
    harvest_tomorrow_wh: float
    need_tonight_wh: float  # from now until sunrise, on this rung
    projected_min_pct: float | None
    days_of_autonomy: float | None  # without any sun, on this rung, down to the floor
    usb_quota_wh: float | None
    usb_today_wh: float
    charge_blocked_cold: bool
    capacity_ah: float | None  # measured between the charge counter's anchors (kiosk.core.energy_alerts)
    rated_ah: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ModeChange:
    """What the kiosk has to do now: apply ``plan``, send ``commands`` to the port board (those
    that are ``SET`` also in ``port_commands`` as (port, on)), and with ``hibernate`` set stop
    cleanly and power off within the grace."""

    previous: str
    mode: str
    plan: EnergyPlan
    port_commands: tuple[SetPort, ...]
    level_pct: float | None
    at: float
    commands: tuple[Command, ...] = ()
    hibernate: Hibernate | None = None
    reason: str = ""


def sarajevo_now() -> datetime:
    return datetime.now(LOCAL_ZONE)


@dataclass
class _Day:
    """What the bench has measured today, for tomorrow's forecast and the USB quota."""

    date: str = ""
    usb_wh: float = 0.0  # at the 5 V side
    yield_wh: float = 0.0


class EnergyPolicy:
    """Feed it every new status with ``update``; see the module's docstring."""

    def __init__(self, thresholds: EnergyThresholds = EnergyThresholds(), *, profile: HardwareProfile = DEFAULT_PROFILE,
                 clock: Callable[[], datetime] = sarajevo_now, rung: int = FULL,
                 ports: tuple[str, ...] = CHARGING_PORTS) -> None:
        if not 0 <= rung < len(RUNGS):
            raise ValueError(f"rung must be 0-{len(RUNGS) - 1}")
        self.thresholds = thresholds
        self.profile = profile
        self.clock = clock
        self.ports = ports
        self.rung = rung
        self.counter = ChargeCounter(profile.battery, profile.battery_ah, stale_after_s=thresholds.stale_after_s)
        self.floor_pct = thresholds.hibernate_pct if thresholds.hibernate_pct is not None else profile.battery.hibernate_pct
        self.yields: deque[float] = deque(maxlen=YIELD_DAYS)  # Wh of the last days, latest last
        self.usb_demand_wh = USB_DEMAND_WH
        self.today = _Day()
        self.estimate = SocEstimate(None, "unknown")
        self.last_report: PlanReport | None = None
        self._since: float | None = None  # when the rung last changed
        self._planned_hour: tuple[str, int] | None = None
        self._reason = "hold"
        self._sent: dict[str, Any] = {}  # the last command of each kind, so it is sent once
        self._hibernation_ordered_at: float | None = None
        self._up_since: float | None = None  # first update after a start or a wake
        self._was_night: bool | None = None
        self._last_now: float | None = None
        self._relax_votes = 0  # plans in a row that wanted to shed less
        self._temp_c: float | None = None

    # --- reading the situation ------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return PLANS[self.rung].mode

    @property
    def plan(self) -> EnergyPlan:
        return PLANS[self.rung]

    def _sun(self, local: datetime) -> tuple[float, float]:
        offset = local.utcoffset().total_seconds() / 3600.0 if local.utcoffset() else 1.0
        return daylight(self.thresholds.latitude, LONGITUDE, local.timetuple().tm_yday, offset)

    def _learn(self, status: PowerStatus, local: datetime, dt_s: float) -> None:
        """Yields for the forecast, USB energy for the quota; a new local day rolls them over."""
        date = local.date().isoformat()
        if self.today.date != date:
            if self.today.date:
                # A day's yield: the MPPT's "yesterday" if it has rolled over, else our own sum.
                yesterday = status.value("H22")
                measured = yesterday * 1000.0 if isinstance(yesterday, float) else self.today.yield_wh
                self.yields.append(max(measured, self.today.yield_wh))
                self.usb_demand_wh = 0.7 * self.usb_demand_wh + 0.3 * self.today.usb_wh if self.rung == FULL \
                    else self.usb_demand_wh
            self.today = _Day(date)
        today = status.value("H20")
        if isinstance(today, float):
            self.today.yield_wh = max(self.today.yield_wh, today * 1000.0)
        if 0 < dt_s <= self.thresholds.stale_after_s:
            amps = sum(value for value in (status.value(f"{port}_I") for port in self.ports) if isinstance(value, float))
            self.today.usb_wh += amps * 5.0 * dt_s / 3600.0

    def _forecast(self, local: datetime) -> list[float]:
        """Expected yield today, tomorrow and the day after (Wh): the last days' yields, the
        latest weighing most, beside a cautious guess from the season."""
        sunrise, sunset = self._sun(local)
        # A cautious guess: half a full-sun hour a day in a Bosnian December, about three in June.
        prior = self.profile.panel_wp * self.profile.system_derate * max(0.5, (sunset - sunrise - 8.5) / 2.3)
        recent = list(self.yields)[::-1]
        weights = YIELD_WEIGHTS[:len(recent)]
        expected = (sum(w * y for w, y in zip(weights, recent)) + PRIOR_WEIGHT * prior) / (sum(weights) + PRIOR_WEIGHT)
        return [max(expected, self.today.yield_wh), expected, expected]

    def _usable_wh(self) -> float:
        temp = self._temperature()
        return self.profile.battery_ah * self.profile.battery.capacity_factor(temp) * self.profile.battery.nominal_v

    def _temperature(self) -> float:
        return self._temp_c if self._temp_c is not None else 15.0

    # --- the plan -------------------------------------------------------------------------------

    def _projections(self, local: datetime, soc_pct: float) -> list[Projection]:
        sunrise, sunset = self._sun(local)
        hour = local.hour + local.minute / 60.0
        forecast = self._forecast(local)
        usable = self._usable_wh()
        chemistry = self.profile.battery
        return [project(self.profile, rung, soc_pct=soc_pct, usable_wh=usable, start_hour=hour,
                        harvest_by_day=forecast, harvested_today_wh=self.today.yield_wh, sunrise_h=sunrise,
                        sunset_h=sunset, usb_wh_per_day=self.usb_demand_wh / self.profile.usb_efficiency,
                        efficiency=chemistry.coulombic_efficiency) for rung in range(len(RUNGS))]

    def _choose(self, projections: list[Projection]) -> tuple[int, str]:
        """The least shedding rung that keeps the projected lowest charge above floor + reserve;
        night hibernation, which keeps the kiosk for the daylight, may use the reserve."""
        for projection in projections:
            reserve = self.thresholds.reserve_pct if projection.rung < NIGHT_HIBERNATION else NIGHT_RESERVE_PCT
            margin = self.thresholds.relax_margin_pct if projection.rung < self.rung else 0.0
            if projection.rung == HIBERNATION or projection.min_pct >= self.floor_pct + reserve + margin:
                return projection.rung, "enough" if projection.rung == FULL else "short_forecast"
        return HIBERNATION, "short_forecast"

    def _plan_due(self, local: datetime, night: bool) -> bool:
        key = (local.date().isoformat(), local.hour)
        dusk = night and self._was_night is False
        self._was_night = night
        if key != self._planned_hour or dusk:
            self._planned_hour = key
            return True
        return False

    # --- the update -----------------------------------------------------------------------------

    def update(self, status: PowerStatus, now: float) -> ModeChange | None:
        """What this status asks of the kiosk at monotonic time ``now``: a ``ModeChange`` when the
        rung changes or the port board has to be told something, else None."""
        local = self.clock()
        dt_s = 0.0 if self._last_now is None else now - self._last_now
        self._last_now = now
        if self._up_since is None:
            self._up_since = now
        if self._since is None:
            self._since = now  # a kiosk that just started sheds at once, but sheds less only after the dwell
        temp = status.value("TBAT")
        self._temp_c = temp if isinstance(temp, float) else None
        self.estimate = self.counter.update(status, now)
        self._learn(status, local, dt_s)
        sunrise, sunset = self._sun(local)
        hour = local.hour + local.minute / 60.0
        night = not sunrise <= hour <= sunset
        previous = self.rung
        level = self.estimate.pct
        wanted, reason = self.rung, self._reason
        due = self._plan_due(local, night)
        if level is not None and level < self.floor_pct and self.rung < HIBERNATION:
            wanted, reason = HIBERNATION, "below_floor"
        elif due and level is not None:
            projections = self._projections(local, level)
            wanted, reason = self._choose(projections)
            self._report(local, projections[wanted] if wanted >= self.rung else projections[self.rung], reason)
        if due:
            self._relax_votes = self._relax_votes + 1 if wanted < self.rung else 0
        self._step_rung(wanted, reason, now, level)
        commands = self._commands(status, local, hour, sunrise, sunset, night, now)
        hibernate = next((c for c in commands if isinstance(c, Hibernate)), None)
        if self.rung == previous and not commands:
            return None
        if self.rung != previous:
            log.info("energy: %s -> %s (%s) at %s %%", RUNGS[previous], RUNGS[self.rung], self._reason,
                     "?" if level is None else f"{level:.0f}")
            self._report(local, None, self._reason)
        return ModeChange(PLANS[previous].mode, self.mode, self.plan,
                          tuple(c for c in commands if isinstance(c, SetPort)), level, now, tuple(commands),
                          hibernate, self._reason)

    def _step_rung(self, wanted: int, reason: str, now: float, level: float | None) -> None:
        if wanted > self.rung:
            self._set_rung(wanted, reason, now)
            return
        if wanted == self.rung:
            return
        if self.rung == HIBERNATION:
            # Out of hibernation only at a wake, with the margin, and not below night hibernation.
            awake_s = now - (now if self._up_since is None else self._up_since)
            if level is not None and level >= self.floor_pct + self.thresholds.resume_margin_pct \
                    and awake_s < self.thresholds.wake_sync_s + 60:
                self._set_rung(max(wanted, NIGHT_HIBERNATION), "resumed", now)
            return
        # Shedding less takes two plans in a row that want it, and the dwell since the last change.
        if self._relax_votes >= RELAX_VOTES and now - self._since >= self.thresholds.min_dwell_s:
            self._set_rung(self.rung - 1, reason, now)

    def _set_rung(self, rung: int, reason: str, now: float) -> None:
        self.rung, self._since, self._reason, self._relax_votes = rung, now, reason, 0
        self._hibernation_ordered_at = None

    # --- commands for the port board ------------------------------------------------------------

    def _commands(self, status: PowerStatus, local: datetime, hour: float, sunrise: float, sunset: float,
                  night: bool, now: float) -> list[Command]:
        plan = self.plan
        commands: list[Command] = []

        def want(key: str, command: Command) -> None:
            if self._sent.get(key) != command:
                self._sent[key] = command
                commands.append(command)

        minimum = self.profile.battery.min_charge_temp_c
        if minimum is not None:
            want("charge", ChargeMinTemp(minimum))
        quota_left = self.today.usb_wh < self.usb_demand_wh * plan.usb_share
        usb_hours = USB_HOURS[0] <= hour < USB_HOURS[1]
        ports = status.ports
        for port in self.ports:
            if port.startswith("QI"):
                on = plan.qi_on
            else:
                on = self.rung == FULL or (plan.usb_ports_on and usb_hours and quota_left)
            if port in ports and ports[port].state == "fault" and not on:
                continue
            want(port, SetPort(port, on))
        hibernating = self._hibernation_due(hour, sunrise, sunset, now)
        want("dim", DimLight(HIBERNATION_LIGHT_PCT if hibernating else plan.light_pct))
        late = plan.light_off_late and night and (hour >= 23 or hour < 5)
        if night:
            want("light", SetPort("LIGHT", not late))
        else:
            self._sent.pop("light", None)  # by day the board's twilight switch has it off
        router_on = not plan.router_scheduled or router_window_open(hour)
        want("router", SetPort("ROUTER", router_on))
        if hibernating:
            commands.append(self._hibernate(local, hour, sunrise, now))
        return commands

    def _hibernation_due(self, hour: float, sunrise: float, sunset: float, now: float) -> bool:
        ordered = self._hibernation_ordered_at
        if ordered is not None:
            if now - ordered < self.thresholds.hibernate_grace_s + NO_SHOW_S:
                return False
            log.warning("energy: the port board did not hibernate the kiosk; asking again")
            self._hibernation_ordered_at = ordered = None
        awake_s = now - (now if self._up_since is None else self._up_since)
        if self.rung == HIBERNATION:
            return awake_s >= self.thresholds.wake_sync_s
        if self.rung == NIGHT_HIBERNATION:
            return hour >= sunset + SLEEP_AFTER_SUNSET_H or hour < sunrise + WAKE_AFTER_SUNRISE_H - 0.25
        return False

    def _hibernate(self, local: datetime, hour: float, sunrise: float, now: float) -> Hibernate:
        if self.rung == NIGHT_HIBERNATION:
            wake_hour = sunrise + WAKE_AFTER_SUNRISE_H
        else:
            wake_hour = self.thresholds.wake_hour
        wake = local.replace(hour=int(wake_hour), minute=int(wake_hour % 1 * 60), second=0, microsecond=0)
        if wake <= local + timedelta(minutes=30):
            wake += timedelta(days=1)
        chemistry = self.profile.battery
        resume_v = chemistry.charge_v(chemistry.absorption_v, self._temperature()) - RESUME_BELOW_ABSORPTION_V
        self._hibernation_ordered_at = now
        return Hibernate(round(self.thresholds.hibernate_grace_s), round((wake - local).total_seconds()),
                         round(resume_v * 1000))

    # --- for telemetry, diagnostics and the next boot -------------------------------------------

    def _report(self, local: datetime, projection: Projection | None, reason: str) -> None:
        sunrise, sunset = self._sun(local)
        hour = local.hour + local.minute / 60.0
        forecast = self._forecast(local)
        usb = self.usb_demand_wh * self.plan.usb_share
        until_sunrise = (sunrise + 24 - hour) % 24
        tonight = sum(need_w(self.profile, self.rung, (hour + h) % 24, sunrise, sunset,
                             self.usb_demand_wh / self.profile.usb_efficiency) for h in range(round(until_sunrise)))
        level = self.estimate.pct
        per_day = daily_need_wh(self.profile, self.rung, sunrise, sunset, self.usb_demand_wh / self.profile.usb_efficiency)
        autonomy = None if level is None else max(0.0, (level - self.floor_pct) / 100 * self._usable_wh() / per_day)
        self.last_report = PlanReport(
            at=local.isoformat(timespec="minutes"), rung=self.rung, rung_name=RUNGS[self.rung], mode=self.mode,
            reason=reason, soc_pct=None if level is None else round(level, 1), soc_source=self.estimate.source,
            floor_pct=self.floor_pct, harvest_today_wh=round(forecast[0]), harvest_tomorrow_wh=round(forecast[1]),
            need_tonight_wh=round(tonight), projected_min_pct=None if projection is None else round(projection.min_pct, 1),
            days_of_autonomy=None if autonomy is None else round(autonomy, 1),
            usb_quota_wh=None if self.rung == FULL else round(usb), usb_today_wh=round(self.today.usb_wh, 1),
            charge_blocked_cold=self._charge_blocked_cold(), capacity_ah=self._measured_capacity(),
            rated_ah=self.profile.battery_ah)

    def _measured_capacity(self) -> float | None:
        measured = capacity_measurements(self.counter.anchors)
        return round(statistics.median(measured), 1) if measured else None

    def _charge_blocked_cold(self) -> bool:
        minimum = self.profile.battery.min_charge_temp_c
        return minimum is not None and self._temp_c is not None and self._temp_c < minimum

    def report(self) -> dict[str, Any]:
        """The latest plan as JSON-able data (empty before the first plan)."""
        return {} if self.last_report is None else self.last_report.as_dict()

    def state(self) -> dict[str, Any]:
        """What to keep on disk across a hibernation or a restart (JSON-able)."""
        return {"saved_at": self.clock().isoformat(), "rung": self.rung, "reason": self._reason,
                "yields": list(self.yields), "usb_demand_wh": self.usb_demand_wh, "today": self.today.__dict__,
                "light_pct": self._light_pct(), "counter": self.counter.state()}

    def _light_pct(self) -> float:
        dim = self._sent.get("dim")
        return dim.percent if isinstance(dim, DimLight) else self.plan.light_pct

    def restore(self, state: dict[str, Any]) -> None:
        """Pick up after a reboot: the rung, the forecast's history and the charge count (the gap
        bridged with the panel's yield and what the board and the night light drew meanwhile)."""
        saved_at = datetime.fromisoformat(state["saved_at"])
        now = self.clock()
        offline_s = max(0.0, (now - saved_at).total_seconds())
        self.rung, self._reason = int(state["rung"]), state["reason"]
        self.yields.extend(state["yields"])
        self.usb_demand_wh = state["usb_demand_wh"]
        self.today = _Day(**state["today"])
        self.counter.restore(state["counter"], offline_s, self._standby_wh(saved_at, now, state["light_pct"]))

    def _standby_wh(self, start: datetime, end: datetime, light_pct: float) -> float:
        """What the bench drew with the computer off: the board all along, the light at night."""
        wh, moment = 0.0, start
        while moment < end:
            step = min(timedelta(minutes=15), end - moment)
            sunrise, sunset = self._sun(moment)
            hour = moment.hour + moment.minute / 60.0
            watts = self.profile.board_w + (0.0 if sunrise <= hour <= sunset else self.profile.light_w * light_pct / 100)
            wh += watts * step.total_seconds() / 3600.0
            moment += step
        return wh


# --- the screen's backlight --------------------------------------------------------------------

class Backlight(Protocol):
    def set_percent(self, percent: float) -> None: ...


class NullBacklight:
    """For a desktop or a screen without a controllable backlight: remembers, does nothing."""

    def __init__(self) -> None:
        self.percent: float | None = None

    def set_percent(self, percent: float) -> None:
        self.percent = percent


class SysfsBacklight:
    """A Linux backlight device such as ``/sys/class/backlight/10-0045`` (the Raspberry Pi
    touchscreen); ``brightness`` is written scaled to its ``max_brightness``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.max_brightness = int((self.path / "max_brightness").read_text().strip())
        self.percent: float | None = None

    def set_percent(self, percent: float) -> None:
        percent = min(100.0, max(0.0, percent))
        value = round(self.max_brightness * percent / 100.0)
        if percent > 0:
            value = max(1, value)  # a dim screen, not a dark one
        try:
            (self.path / "brightness").write_text(f"{value}\n")
        except OSError as error:  # no permission (udev rule missing): the kiosk carries on
            log.warning("cannot set the backlight %s: %s", self.path, error)
            return
        self.percent = percent


def detect_backlight(root: str | Path = "/sys/class/backlight") -> Backlight:
    """The first backlight under ``root`` this process can write, else a ``NullBacklight``."""
    root = Path(root)
    candidates = sorted(root.iterdir()) if root.is_dir() else []
    for device in candidates:
        try:
            if os.access(device / "brightness", os.W_OK):
                return SysfsBacklight(device)
        except (OSError, ValueError):
            continue
    return NullBacklight()
