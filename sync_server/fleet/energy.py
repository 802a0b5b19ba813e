"""A bench's energy as the fleet dashboard shows it, pure: its plan for tonight (the kiosk's own,
from its health report: ``kiosk/core/energy.py``, ``docs/energy.md``) and per-port usage over its
power samples (charging sessions and Wh delivered: the "devices charged" figure municipalities
ask for)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..services.fleet import Sample

USB_VOLTS = 5.0
SESSION_A = 0.1  # a port drawing more than this is charging something
MAX_GAP_S = 900.0  # samples further apart than this are not one stretch of charging
FADED_RATIO = 0.8  # as kiosk/core/energy_alerts.py's capacity_fade


@dataclass(frozen=True)
class PortUsage:
    port: str
    sessions: int  # charging sessions begun (the current rising above SESSION_A)
    wh: float  # delivered at 5 V


@dataclass(frozen=True)
class Plan:
    """The plan a bench last reported; None fields: not reported."""

    rung: int | None
    name: str | None
    reason: str | None
    soc_pct: float | None
    days_of_autonomy: float | None
    harvest_tomorrow_wh: float | None
    need_tonight_wh: float | None
    capacity_ah: float | None  # measured on the bench (between full charges and resting voltages)
    rated_ah: float | None

    @property
    def capacity_faded(self) -> bool:
        """The energy alert for a worn battery: under FADED_RATIO of its rating."""
        return self.capacity_ah is not None and bool(self.rated_ah) and self.capacity_ah < FADED_RATIO * self.rated_ah


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def plan(health: dict[str, Any]) -> Plan | None:
    """The ``energy_plan`` of a health report, tolerating anything odd in it; None without one."""
    reported = health.get("energy_plan")
    if not isinstance(reported, dict) or not reported:
        return None
    rung = reported.get("rung")
    text = lambda key: reported[key] if isinstance(reported.get(key), str) else None  # noqa: E731
    return Plan(rung if isinstance(rung, int) and not isinstance(rung, bool) else None, text("rung_name"),
                text("reason"), _number(reported.get("soc_pct")), _number(reported.get("days_of_autonomy")),
                _number(reported.get("harvest_tomorrow_wh")), _number(reported.get("need_tonight_wh")),
                _number(reported.get("capacity_ah")), _number(reported.get("rated_ah")))


def port_usage(samples: Iterable[Sample]) -> list[PortUsage]:
    """Per port, over time-ordered samples: sessions begun and energy delivered."""
    sessions: dict[str, int] = {}
    energy: dict[str, float] = {}
    charging: dict[str, bool] = {}
    previous = None
    for sample in samples:
        gap = None if previous is None else (sample.at - previous).total_seconds()
        for name, port in sample.ports.items():
            current = port.current_a or 0.0
            busy = current > SESSION_A
            sessions[name] = sessions.get(name, 0) + (busy and not charging.get(name, False))
            if gap is not None and 0 < gap <= MAX_GAP_S:
                energy[name] = energy.get(name, 0.0) + current * USB_VOLTS * gap / 3600.0
            charging[name] = busy
        previous = sample.at
    return [PortUsage(name, sessions[name], round(energy.get(name, 0.0), 1))
            for name in sorted(sessions, key=lambda name: (name[:2], len(name), name))]
