"""All 12 benches through a December fortnight, and a week in May, on the honest model with the
real energy policy.

    python benchmarks/energy_winter.py [--profile FILE] [--days 14] [--no-may] [--jobs 2] [--municipality NAME]

Each bench is a ``hardware.simulator.BenchModel`` of its municipality (pvlib's sun, the town's
climate, the profile's battery and loads) with no battery gauge on the port board, driven minute
by minute through ``PowerStatus`` into the kiosk's own ``EnergyPolicy``; every command the policy
returns goes back to the model (ports, light, router, charge limit, hibernation) and its plan sets
the model's screen. While the board has the computer hibernated nothing reaches the policy; at
the wake a new policy restores the saved state, as a rebooted kiosk would. The December fortnight
starts on 8 December and has a five-day dark spell (days 5-9) over the six northern towns.

Per bench it prints the hours the kiosk was available in daylight (per day), the light's and the
USB ports' energy, the lowest true state of charge, the estimator's worst error against it, and
the uncontrolled cuts (the charger's low-voltage cut reached while the kiosk ran); the last line
is the worst December bench:
``worst bench: <id>, kiosk available <h> h/day, uncontrolled cuts <n>, min SOC <p> %``.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from hardware.climate import TOWNS, Town, fortnight, slug, town  # noqa: E402
from hardware.profiles import HardwareProfile, ProfileError, load_profile  # noqa: E402
from hardware.simulator import BenchModel  # noqa: E402
from hardware.status import PowerStatus  # noqa: E402
from kiosk.core.energy import LOCAL_ZONE, EnergyPolicy, EnergyThresholds  # noqa: E402
from kiosk.core.energy_plan import RUNGS  # noqa: E402

DECEMBER_START = 342  # 8 December
MAY_START = 135  # 15 May
DARK_SPELL = (4, 5)  # from day index 4, five days
STEP_S = 60.0
START_SOC = 0.75
SAVE_EVERY_S = 3600.0  # the kiosk writes its policy state to disk this often (and before hibernating)


@dataclass
class BenchRun:
    bench: str
    season: str
    days: int
    weather: list[str]
    daylight_h: float = 0.0
    available_h: float = 0.0  # kiosk up while the sun was up
    light_wh: float = 0.0
    usb_wh: float = 0.0
    harvest_wh: float = 0.0
    min_soc_pct: float = 100.0
    max_soc_error: float = 0.0  # |estimate - model| in points, while the kiosk ran
    uncontrolled_cuts: int = 0
    hibernations: int = 0
    cold_charge_ah: float = 0.0
    rung_hours: Counter = field(default_factory=Counter)
    changes: int = 0
    visitors_missed: int = 0

    @property
    def available_per_day(self) -> float:
        return self.available_h / self.days


def run_bench(where: str | Town, *, day_of_year: int, weather: Sequence[str], profile: HardwareProfile,
              soc: float = START_SOC, seed: int = 1, season: str = "") -> BenchRun:
    """One bench through ``weather`` (one kind per day) from midnight of ``day_of_year``."""
    town = where if isinstance(where, Town) else TOWNS[where]
    model = BenchModel(weather=list(weather), municipality=town, start_hour=0.0, seed=seed,
                       day_of_year=day_of_year, soc=soc, profile=profile, soc_source="none")
    midnight = datetime(2026, 1, 1, tzinfo=LOCAL_ZONE) + timedelta(days=day_of_year - 1)

    def clock() -> datetime:
        return midnight + timedelta(seconds=model.time_s)

    def new_policy(state: dict | None) -> EnergyPolicy:
        policy = EnergyPolicy(EnergyThresholds(latitude=town.latitude), profile=profile, clock=clock)
        if state is not None:
            policy.restore(state)
        return policy

    run = BenchRun(f"{slug(town.name)}-01", season, len(weather), list(weather))
    policy, status, saved, saved_at, was_up = new_policy(None), PowerStatus(), None, 0.0, True
    for _ in range(round(len(weather) * 86_400 / STEP_S)):
        blocks = model.step(STEP_S)
        now = model.time_s
        if model.is_daylight:
            run.daylight_h += STEP_S / 3600.0
        run.min_soc_pct = min(run.min_soc_pct, model.soc * 100.0)
        if not model.kiosk_up:
            was_up = False
            continue
        if not was_up:  # the computer is back: a fresh kiosk process picks up the saved state
            policy, status, was_up = new_policy(saved), PowerStatus(), True
        for source, fields in zip(("mppt", "ports"), blocks):
            status = status.with_block(source, fields, at=now)
        change = policy.update(status, now)
        if change is not None:
            run.changes += change.mode != change.previous
            for command in change.commands:
                model.apply(command)
            if change.hibernate is not None:
                saved, saved_at = policy.state(), now
        elif now - saved_at >= SAVE_EVERY_S:
            saved, saved_at = policy.state(), now
        model.set_screen(policy.plan.backlight_pct, policy.plan.screen_off_when_idle)
        run.rung_hours[RUNGS[policy.rung]] += STEP_S / 3600.0
        if model.is_daylight:
            run.available_h += STEP_S / 3600.0
        if policy.estimate.pct is not None:
            run.max_soc_error = max(run.max_soc_error, abs(policy.estimate.pct - model.soc * 100.0))
    counters = model.counters
    run.light_wh, run.usb_wh, run.harvest_wh = counters.light_wh, counters.usb_wh, counters.harvest_wh
    run.uncontrolled_cuts, run.hibernations = counters.uncontrolled_cuts, counters.hibernations
    run.cold_charge_ah, run.visitors_missed = counters.cold_charge_ah, counters.visitors_missed
    return run


def december(town_name: str, days: int) -> list[str]:
    town = TOWNS[town_name]
    return fortnight(town, DECEMBER_START, days=days, dark_spell=DARK_SPELL if town.north else None)


def may(town_name: str, days: int = 7) -> list[str]:
    return fortnight(TOWNS[town_name], MAY_START, days=days)


def _job(args: tuple[str, str, int, str | None]) -> BenchRun:
    town_name, season, days, profile_path = args
    profile = load_profile(profile_path)
    if season == "December":
        return run_bench(town_name, day_of_year=DECEMBER_START, weather=december(town_name, days), profile=profile,
                         season=season)
    return run_bench(town_name, day_of_year=MAY_START, weather=may(town_name, days), profile=profile, season=season)


def table(runs: Sequence[BenchRun]) -> list[str]:
    lines = [f"{'bench':<15} {'season':<8} {'weather (s sunny, c cloudy, d dark)':<36} {'kiosk h/day':>11} "
             f"{'of daylight':>11} {'light Wh':>8} {'USB Wh':>7} {'harvest':>8} {'min SOC':>8} {'SOC err':>7} "
             f"{'cuts':>4} {'hib.':>4}  most hours on"]
    for run in runs:
        weather = "".join(kind[0] for kind in run.weather)
        top = ", ".join(f"{name} {hours:.0f}h" for name, hours in run.rung_hours.most_common(2))
        lines.append(
            f"{run.bench:<15} {run.season:<8} {weather:<36} {run.available_per_day:>11.1f} "
            f"{run.daylight_h / run.days:>11.1f} {run.light_wh:>8.0f} {run.usb_wh:>7.0f} {run.harvest_wh:>7.0f}W "
            f"{run.min_soc_pct:>7.1f}% {run.max_soc_error:>6.1f}p {run.uncontrolled_cuts:>4} {run.hibernations:>4}  {top}")
    return lines


def worst(runs: Sequence[BenchRun]) -> BenchRun:
    return min(runs, key=lambda run: (-run.uncontrolled_cuts, run.available_per_day, run.min_soc_pct))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", metavar="FILE", help="a hardware profile (default: hardware/profiles/default.toml)")
    parser.add_argument("--days", type=int, default=14, help="days of December (default 14)")
    parser.add_argument("--no-may", action="store_true", help="skip the May week")
    parser.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--municipality", action="append", metavar="NAME",
                        help="only this town's bench (repeat for several; default: all 12)")
    args = parser.parse_args(argv)
    try:
        profile = load_profile(args.profile)
        names = [town(name).name for name in args.municipality] if args.municipality else list(TOWNS)
    except (ProfileError, ValueError) as error:
        parser.error(str(error))
    started = time.monotonic()
    jobs = [(name, "December", args.days, args.profile) for name in names]
    if not args.no_may:
        jobs += [(name, "May", 7, args.profile) for name in names]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        runs = list(pool.map(_job, jobs))
    winter = [run for run in runs if run.season == "December"]
    print(f"profile: {profile.name} ({profile.description})")
    print(f"December from the 8th, {args.days} days, dark spell days {DARK_SPELL[0] + 1}-{sum(DARK_SPELL)} in the north; "
          f"May from the 15th, 7 days; start at {START_SOC:.0%}; minute steps")
    print("\n".join(table(runs)))
    cuts = sum(run.uncontrolled_cuts for run in winter)
    cold = sum(run.cold_charge_ah for run in runs)
    print(f"December: {cuts} uncontrolled cuts on {sum(run.uncontrolled_cuts > 0 for run in winter)} benches; "
          f"lithium charged below 0 °C: {cold:.2f} Ah; largest SOC estimate error "
          f"{max(run.max_soc_error for run in runs):.1f} points; {time.monotonic() - started:.0f} s")
    bad = worst(winter)
    print(f"worst bench: {bad.bench}, kiosk available {bad.available_per_day:.1f} h/day, "
          f"uncontrolled cuts {bad.uncontrolled_cuts}, min SOC {bad.min_soc_pct:.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
