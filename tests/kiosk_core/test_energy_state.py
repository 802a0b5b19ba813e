"""The policy's state on disk across a hibernation: kept, and ignored when stale or broken."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from kiosk.core.energy import LOCAL_ZONE, EnergyPolicy
from kiosk.core.energy_plan import SCREEN_DARK
from kiosk.core.energy_state import FILE_NAME, load_state, save_state

NOW = datetime(2026, 12, 10, 17, 0, tzinfo=LOCAL_ZONE)


def test_a_saved_state_comes_back_after_the_wake(tmp_path: Path) -> None:
    policy = EnergyPolicy(clock=lambda: NOW, rung=SCREEN_DARK)
    policy.yields.extend([120.0, 80.0])
    save_state(tmp_path, policy.state())
    state = load_state(tmp_path, NOW + timedelta(hours=15))
    woken = EnergyPolicy(clock=lambda: NOW + timedelta(hours=15))
    woken.restore(state)
    assert woken.rung == SCREEN_DARK and list(woken.yields) == [120.0, 80.0]
    assert not list(tmp_path.glob(".*"))  # the temporary file was renamed into place


def test_a_stale_or_broken_state_is_ignored(tmp_path: Path, caplog) -> None:
    assert load_state(tmp_path, NOW) is None  # none saved yet
    save_state(tmp_path, EnergyPolicy(clock=lambda: NOW).state())
    assert load_state(tmp_path, NOW + timedelta(days=9)) is None and "saved at" in caplog.text
    (tmp_path / FILE_NAME).write_text("{not json")
    assert load_state(tmp_path, NOW) is None and "ignoring the energy state" in caplog.text


def test_the_composition_root_picks_the_saved_state_up_with_the_benchs_profile(tmp_path: Path) -> None:
    from kiosk.composition import energy_policy
    from kiosk.core.config import load_config

    profile = tmp_path / "lithium.toml"
    profile.write_text('chemistry = "lifepo4"\n')
    config = load_config(None, environ={"SMART_BENCH_DATA_DIR": str(tmp_path),
                                        "SMART_BENCH_HARDWARE_PROFILE": str(profile)})
    fresh = energy_policy(config)
    assert fresh.profile.chemistry == "lifepo4" and fresh.rung == 0
    fresh.rung = SCREEN_DARK
    save_state(tmp_path, fresh.state())
    assert energy_policy(config).rung == SCREEN_DARK
    (tmp_path / FILE_NAME).write_text('{"saved_at": "%s"}' % fresh.clock().isoformat())  # another version's
    assert energy_policy(config).rung == 0
