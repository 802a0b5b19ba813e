"""The bench's power policy: from the battery's state, a mode, and what that mode means.

Three modes:
- ``normal``: full brightness, smooth animations, sync every few minutes;
- ``saver``: dimmed screen, lower frame rate, sync less often;
- ``critical``: the screen goes dark when idle and wakes on touch, the USB and Qi charging ports
  are switched off, and only essential sync runs.

The mode follows the battery level: the controller's SOC, or when it is missing or stale, an
estimate from the battery voltage. Two things keep it from flapping: hysteresis (enter saver
below 40 %, leave it above 50 %; enter critical below 20 %, leave it above 30 %) and a minimum
dwell time in each mode. While the sun is charging the battery the bench does not drop from
normal to saver (the battery is filling, and a dim screen is unreadable in daylight); it still
drops to critical, which protects the battery.

``EnergyPolicy`` is plain state and arithmetic, no threads and no clock of its own: the caller
passes the ``PowerStatus`` and the monotonic time, and applies the returned ``ModeChange``
(backlight, frame rate, port commands for links that accept them).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hardware.protocol import CHARGING_PORTS
from hardware.status import PowerStatus

log = logging.getLogger(__name__)

NORMAL, SAVER, CRITICAL = "normal", "saver", "critical"
MODES = (NORMAL, SAVER, CRITICAL)

# Charge states in which the MPPT is feeding the battery from the panel.
SUN_CHARGING_STATES = frozenset({"bulk", "absorption", "float", "equalize", "auto_equalize",
                                 "repeated_absorption", "storage"})
# Charge states a lead-acid charger reaches only once the battery is mostly full: while charging,
# the voltage says little about the charge, but these do.
NEARLY_FULL_STATES = SUN_CHARGING_STATES - {"bulk"}
NEARLY_FULL_PCT = 90.0


@dataclass(frozen=True)
class EnergyThresholds:
    """Battery levels in percent; times in seconds; voltages of a 12 V battery at rest."""

    saver_enter_pct: float = 40.0
    saver_leave_pct: float = 50.0
    critical_enter_pct: float = 20.0
    critical_leave_pct: float = 30.0
    min_dwell_s: float = 600.0
    stale_after_s: float = 300.0  # readings older than this are ignored (the link is down)
    empty_v: float = 11.8
    full_v: float = 12.85

    def __post_init__(self) -> None:
        for lower, upper in (("critical_enter_pct", "critical_leave_pct"), ("saver_enter_pct", "saver_leave_pct"),
                             ("critical_enter_pct", "saver_enter_pct"), ("empty_v", "full_v")):
            if not getattr(self, lower) < getattr(self, upper):
                raise ValueError(f"{lower} ({getattr(self, lower):g}) must be below {upper} ({getattr(self, upper):g})")
        for name in ("critical_leave_pct", "saver_leave_pct"):
            if getattr(self, name) > 100:
                raise ValueError(f"{name} ({getattr(self, name):g}) must be at most 100")


@dataclass(frozen=True)
class EnergyPlan:
    """What a mode asks of the kiosk."""

    mode: str
    backlight_pct: int
    max_fps: int
    sync_interval_s: int
    usb_ports_on: bool
    screen_off_when_idle: bool


PLANS: dict[str, EnergyPlan] = {
    NORMAL: EnergyPlan(NORMAL, backlight_pct=100, max_fps=30, sync_interval_s=300,
                       usb_ports_on=True, screen_off_when_idle=False),
    SAVER: EnergyPlan(SAVER, backlight_pct=45, max_fps=15, sync_interval_s=1800,
                      usb_ports_on=True, screen_off_when_idle=False),
    CRITICAL: EnergyPlan(CRITICAL, backlight_pct=25, max_fps=10, sync_interval_s=3 * 3600,
                         usb_ports_on=False, screen_off_when_idle=True),
}

PortCommand = tuple[str, bool]  # ("USB1", False) -> "SET USB1 OFF"


@dataclass(frozen=True)
class ModeChange:
    previous: str
    mode: str
    plan: EnergyPlan
    port_commands: tuple[PortCommand, ...]
    level_pct: float
    at: float


def battery_level_pct(status: PowerStatus, now: float, thresholds: EnergyThresholds) -> float | None:
    """The battery's charge in percent: SOC if fresh, else an estimate from the voltage, else
    None (nothing fresh is known, or the charger lifts the voltage in bulk)."""
    def fresh(key: str) -> bool:
        age = status.age(key, now)
        return age is not None and age <= thresholds.stale_after_s

    if status.soc_pct is not None and fresh("soc_pct"):
        return status.soc_pct
    if status.battery_v is None or not fresh("battery_v"):
        return None
    if sun_is_charging(status):
        return NEARLY_FULL_PCT if status.charge_state in NEARLY_FULL_STATES else None
    span = thresholds.full_v - thresholds.empty_v
    return min(100.0, max(0.0, (status.battery_v - thresholds.empty_v) / span * 100.0))


def sun_is_charging(status: PowerStatus) -> bool:
    return status.charge_state in SUN_CHARGING_STATES


def next_mode(current: str, level_pct: float | None, charging: bool, thresholds: EnergyThresholds) -> str:
    """The mode the level asks for, with hysteresis but without the dwell time."""
    if level_pct is None:
        return current
    if level_pct < thresholds.critical_enter_pct:
        return CRITICAL
    if current == CRITICAL and level_pct <= thresholds.critical_leave_pct:
        return CRITICAL
    if current in (CRITICAL, SAVER):
        return NORMAL if level_pct > thresholds.saver_leave_pct else SAVER
    if level_pct < thresholds.saver_enter_pct and not charging:
        return SAVER
    return NORMAL


def port_commands(previous: str, mode: str, ports: tuple[str, ...] = CHARGING_PORTS) -> tuple[PortCommand, ...]:
    """Switch the charging ports off when critical starts, and back on when it ends."""
    if mode == CRITICAL and previous != CRITICAL:
        return tuple((port, False) for port in ports)
    if previous == CRITICAL and mode != CRITICAL:
        return tuple((port, True) for port in ports)
    return ()


class EnergyPolicy:
    """Tracks the mode over time. Feed it every new status with ``update``."""

    def __init__(self, thresholds: EnergyThresholds = EnergyThresholds(), *, mode: str = NORMAL,
                 ports: tuple[str, ...] = CHARGING_PORTS) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.thresholds = thresholds
        self.mode = mode
        self.ports = ports
        self._since: float | None = None  # when the current mode began; None: no change yet

    @property
    def plan(self) -> EnergyPlan:
        return PLANS[self.mode]

    def update(self, status: PowerStatus, now: float) -> ModeChange | None:
        """The change of mode this status causes at monotonic time ``now``, if any."""
        level = battery_level_pct(status, now, self.thresholds)
        wanted = next_mode(self.mode, level, sun_is_charging(status), self.thresholds)
        if wanted == self.mode:
            return None
        if self._since is not None and now - self._since < self.thresholds.min_dwell_s:
            return None
        previous, self.mode, self._since = self.mode, wanted, now
        log.info("energy mode %s -> %s at %.0f %%", previous, wanted, level)
        return ModeChange(previous, wanted, PLANS[wanted], port_commands(previous, wanted, self.ports),
                          level, now)


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
