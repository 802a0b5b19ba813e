"""The honest bench model driven by the real energy policy (the harness of
``benchmarks/energy_winter.py``): a dark week costs no uncontrolled cut, hibernation wakes and
resumes, a lithium battery is never charged in the frost, and the benchmark prints its contract line."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from hardware.climate import TOWNS, MonthClimate
from hardware.profiles import load_profile
from hardware.simulator import BenchModel

ROOT = Path(__file__).resolve().parents[2]
LIFEPO4 = load_profile(ROOT / "hardware" / "profiles" / "lifepo4.toml")
pytestmark = pytest.mark.timeout(120)


def _load_benchmark() -> ModuleType:
    # From its file: benchmarks/ is no package.
    spec = importlib.util.spec_from_file_location("energy_winter", ROOT / "benchmarks" / "energy_winter.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


def test_a_dark_spell_in_the_north_costs_no_uncontrolled_cut_and_keeps_the_kiosk_by_day() -> None:
    run = bench.run_bench("Kostajnica", day_of_year=bench.DECEMBER_START, weather=["dark"] * 5 + ["cloudy"],
                          profile=load_profile(), soc=0.6)
    assert run.uncontrolled_cuts == 0 and run.min_soc_pct > 30.0
    assert run.available_per_day >= 6.0, bench.table([run])
    assert run.rung_hours["full"] < 1.0 and run.rung_hours["night_hibernation"] > 24.0  # it did shed


def test_hibernation_wakes_at_midday_and_resumes_when_the_sun_is_back() -> None:
    # Nearly at the floor on a dark evening, then two sunny days.
    run = bench.run_bench("Trebinje", day_of_year=bench.DECEMBER_START, weather=["dark", "sunny", "sunny"],
                          profile=load_profile(), soc=0.37)
    assert run.hibernations >= 1 and run.rung_hours["hibernation"] > 0
    assert run.uncontrolled_cuts == 0
    # It came back: the last day the kiosk ran through the daylight on a rung above hibernation.
    assert run.available_h >= 8.0 and run.rung_hours["full"] + run.rung_hours["usb_quota"] + \
        run.rung_hours["light_dimmed"] + run.rung_hours["screen_dark"] + run.rung_hours["router_schedule"] > 8.0


def test_a_lithium_battery_is_never_charged_below_zero() -> None:
    frosty = replace(TOWNS["Nevesinje"], december=MonthClimate(mean_c=-1.5, swing_c=8.0, sunshine=0.5))
    weather = ["sunny", "sunny", "cloudy"]
    with_policy = bench.run_bench(frosty, day_of_year=bench.DECEMBER_START, weather=weather, profile=LIFEPO4, soc=0.5)
    assert with_policy.cold_charge_ah == 0.0
    assert with_policy.harvest_wh > 100  # the sun did shine: charging waited for the battery to warm
    # Without the policy's CHARGE MIN_TEMP the same bench pushes charge into frozen cells.
    model = BenchModel(weather=weather, municipality=frosty, start_hour=0.0, seed=1,
                       day_of_year=bench.DECEMBER_START, soc=0.5, profile=LIFEPO4)
    model.set_screen(100, True)
    for _ in model.run(3 * 86_400.0):
        pass
    assert model.counters.cold_charge_ah > 1.0


def test_the_benchmark_prints_its_figures_and_the_contract_line() -> None:
    result = subprocess.run([sys.executable, "benchmarks/energy_winter.py", "--municipality", "Mostar", "--days", "2",
                             "--no-may", "--jobs", "1"], cwd=ROOT, capture_output=True, text=True, timeout=110)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith("mostar-01") and "December" in line for line in lines)
    assert re.fullmatch(r"worst bench: mostar-01, kiosk available \d+\.\d h/day, uncontrolled cuts \d+, "
                        r"min SOC \d+\.\d %", lines[-1]), lines[-1]
