"""The energy policy over simulated days: the bench's energy balance and how its mode moved.

    python -m kiosk.core.energy_week [WEATHER ...]    (default: a week of sunny, cloudy and dark days)

The simulated controller (``hardware.simulator.BenchModel``) runs minute by minute; every block
goes through ``PowerStatus.with_block`` into an ``EnergyPolicy``, and the port commands the
policy returns are applied to the model, so switching the USB ports off really saves energy.
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from hardware.simulator import DAY_S, WEATHERS, simulate_days
from hardware.status import PowerStatus
from kiosk.core.energy import EnergyPolicy, EnergyThresholds, ModeChange

WEEK = ("sunny", "cloudy", "dark", "dark", "dark", "cloudy", "sunny")


@dataclass
class DayBalance:
    day: int
    weather: str
    harvested_wh: float = 0.0
    used_wh: float = 0.0
    soc_min: float = 100.0
    soc_max: float = 0.0
    minutes_in: Counter = field(default_factory=Counter)  # mode -> minutes
    dark_minutes: float = 0.0  # the controller cut the load output: the bench was off
    changes: list[ModeChange] = field(default_factory=list)


def simulate(weathers: Sequence[str] = WEEK, thresholds: EnergyThresholds = EnergyThresholds(), *,
             soc: float = 0.6, step_s: float = 60.0, seed: int = 0) -> list[DayBalance]:
    """Run the bench through one day per weather; one ``DayBalance`` per day."""
    policy = EnergyPolicy(thresholds)
    status = PowerStatus()
    days = [DayBalance(day, weather) for day, weather in enumerate(weathers)]
    for model, blocks in simulate_days(weathers, step_s=step_s, seed=seed, soc=soc):
        now = model.time_s
        for source, fields in zip(("mppt", "ports"), blocks):
            status = status.with_block(source, fields, at=now)
        change = policy.update(status, now)
        # The step's figures belong to the day it started in.
        balance = days[min(int((now - step_s) // DAY_S), len(days) - 1)]
        if change is not None:
            balance.changes.append(change)
            for port, on in change.port_commands:
                model.set_port(port, on)
        balance.harvested_wh += (status.solar_w or 0.0) * step_s / 3600.0
        balance.used_wh += (status.value("IL") or 0.0) * (status.battery_v or 0.0) * step_s / 3600.0
        balance.soc_min = min(balance.soc_min, status.soc_pct)
        balance.soc_max = max(balance.soc_max, status.soc_pct)
        balance.minutes_in[policy.mode] += step_s / 60.0
        if status.load_on is False:
            balance.dark_minutes += step_s / 60.0
    return days


def report(days: Sequence[DayBalance]) -> str:
    lines = [f"{'day':>3} {'weather':<7} {'harvested':>10} {'used':>8} {'SOC min-max':>12}  "
             f"{'normal/saver/critical/off (h)':<30} mode changes"]
    for d in days:
        hours = "/".join(f"{minutes / 60:.1f}" for minutes in (
            d.minutes_in["normal"], d.minutes_in["saver"], d.minutes_in["critical"], d.dark_minutes))
        changes = ", ".join(f"{c.previous}->{c.mode} {c.at % DAY_S / 3600:05.2f}h" for c in d.changes) or "-"
        lines.append(f"{d.day:>3} {d.weather:<7} {d.harvested_wh:>8.0f}Wh {d.used_wh:>6.0f}Wh "
                     f"{d.soc_min:>5.1f}-{d.soc_max:>5.1f}%  {hours:<30} {changes}")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    unknown = [name for name in argv if name not in WEATHERS]
    if unknown:
        print(f"unknown weather {unknown[0]!r}; choose from {', '.join(WEATHERS)}", file=sys.stderr)
        return 2
    print(report(simulate(argv or WEEK)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
