"""``python -m hardware sizing`` (contract) and the hardware profiles it reads."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from hardware.climate import TOWNS
from hardware.profiles import DEFAULT_PROFILE, ProfileError, load_profile
from hardware.sizing import cost, report, size

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(60)


def sizing(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hardware", "sizing", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=50)


def test_sizing_prints_what_the_town_needs_and_what_the_profile_achieves() -> None:
    result = sizing("--municipality", "Prijedor", "--dark-days", "5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Prijedor (44.98° N") and "5 dark days" in lines[0]
    needs = re.search(r"needs: panel (\d+) Wp at 60°, battery (\d+) Ah agm", result.stdout)
    assert needs, result.stdout
    assert re.search(r"profile default \(200 Wp at 60°, 100 Ah agm\): [\d.]+ dark days", lines[-1])
    # In the foggy north the default bench lasts the dark days but refills too slowly for the
    # evening service; in sunny Mostar it is enough.
    assert lines[-1].endswith("NOT enough for 5 dark days") and int(needs.group(1)) > 200
    mostar = sizing("--municipality", "Mostar", "--dark-days", "5")
    assert mostar.stdout.rstrip().endswith(": enough for 5 dark days"), mostar.stdout


def test_more_dark_days_need_more_battery_and_the_south_needs_less() -> None:
    north = [cost(size(TOWNS["Kostajnica"], days, DEFAULT_PROFILE).needed) for days in (2, 6, 12)]
    assert north == sorted(north) and north[0] < north[2]
    south = size(TOWNS["Trebinje"], 6, DEFAULT_PROFILE)
    assert south.current.average_harvest_wh > 1.5 * size(TOWNS["Kostajnica"], 6, DEFAULT_PROFILE).current.average_harvest_wh
    month = size(TOWNS["Maglaj"], 30, DEFAULT_PROFILE)  # a month of fog: no bench-sized panel or battery does it
    assert month.needed is None and "no common size does it" in "\n".join(report(month))


def test_a_profile_file_changes_the_verdict(tmp_path: Path) -> None:
    small = tmp_path / "small.toml"
    small.write_text('battery_ah = 20.0\npanel_wp = 60.0\n')
    result = sizing("--municipality", "maglaj", "--dark-days", "4", "--profile", str(small))
    assert result.returncode == 0, result.stderr
    assert "profile small (60 Wp at 60°, 20 Ah agm)" in result.stdout and result.stdout.rstrip().endswith(
        "NOT enough for 4 dark days")


@pytest.mark.parametrize("args, message", [
    (("--municipality", "Atlantis", "--dark-days", "3"), "unknown municipality 'Atlantis'"),
    (("--municipality", "Mostar", "--dark-days", "-1"), "must be 0-30"),
    (("--municipality", "Mostar", "--dark-days", "3", "--profile", "/nonexistent.toml"), "cannot read the profile"),
])
def test_bad_input_gets_a_clear_error(args, message: str) -> None:
    result = sizing(*args)
    assert result.returncode == 2 and message in result.stderr and result.stdout == ""


def test_profiles_load_with_defaults_and_refuse_nonsense(tmp_path: Path) -> None:
    lithium = load_profile(ROOT / "hardware" / "profiles" / "lifepo4.toml")
    assert lithium.battery.name == "lifepo4" and lithium.battery.min_charge_temp_c == 0.0
    assert DEFAULT_PROFILE.battery.min_charge_temp_c is None and DEFAULT_PROFILE.battery_wh == 1200.0
    for text, message in (('colour = "red"\n', "unknown key 'colour'"), ("tilt_deg = 120.0\n", "tilt_deg"),
                          ('chemistry = "nicd"\n', "unknown battery chemistry"), ("panel_wp = [\n", "not valid TOML"),
                          ("screen_max_w = 0.1\n", "cannot draw less")):
        path = tmp_path / "bad.toml"
        path.write_text(text)
        with pytest.raises(ProfileError, match=re.escape(message)):
            load_profile(path)
