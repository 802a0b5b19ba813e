"""The supervisor's decisions on its state files, without a kiosk process (the whole loop with real
processes is tests/updates/test_update_process.py)."""
from __future__ import annotations

import time
from pathlib import Path

from kiosk.core.supervisor import MAX_TRIAL_STARTS, Supervisor
from kiosk.core.updates import SupervisorState, write_json


def supervisor(tmp_path: Path, trial_s: float = 60.0) -> Supervisor:
    return Supervisor(tmp_path, [], trial_s)


def test_a_switch_request_starts_a_trial_and_a_healthy_report_ends_it(tmp_path: Path) -> None:
    boss = supervisor(tmp_path)
    boss.paths.release_dir("2.0.0").mkdir(parents=True)
    write_json(boss.paths.switch_file, {"version": "2.0.0"})
    state = boss.step(SupervisorState(current="1.0.0"))
    assert (state.current, state.previous, state.trial) == ("2.0.0", "1.0.0", "2.0.0")
    assert not boss.paths.switch_file.exists() and boss.paths.load_state() == state
    write_json(boss.paths.healthy_file, {"version": "2.0.0"})
    state = boss.step(state)
    assert state.trial is None and boss.paths.load_state().current == "2.0.0"


def test_no_healthy_report_in_time_goes_back(tmp_path: Path) -> None:
    boss = supervisor(tmp_path, trial_s=60.0)
    state = SupervisorState(current="2.0.0", previous="1.0.0", trial="2.0.0", trial_since=time.time())
    assert boss.step(state).trial == "2.0.0"
    boss._trial_clock = time.monotonic() - 61  # a minute passes on the monotonic clock
    state = boss.step(state)
    assert (state.current, state.trial, state.bad) == ("1.0.0", None, ["2.0.0"])
    assert state.rolled_back["reason"] == "no healthy report within 60 s"
    write_json(boss.paths.switch_file, {"version": "2.0.0"})
    boss.paths.release_dir("2.0.0").mkdir(parents=True)
    assert boss.step(state).current == "1.0.0", "a rolled-back version is not switched to again"


def test_a_reboot_mid_trial_restarts_the_trial_until_too_many(tmp_path: Path) -> None:
    boss = supervisor(tmp_path)
    state = SupervisorState(current="2.0.0", previous="1.0.0", trial="2.0.0", trial_since=time.time() - 10_000)
    for start in range(1, MAX_TRIAL_STARTS + 1):
        state = boss._resume(state)
        assert state.trial == "2.0.0" and state.trial_starts == start
        assert time.time() - state.trial_since < 5, "a fresh trial period"
        assert boss.step(state).trial == "2.0.0", "not ended by the time the bench was off"
    state = boss._resume(state)
    assert (state.current, state.trial) == ("1.0.0", None)
    assert state.rolled_back["reason"] == f"the bench restarted {MAX_TRIAL_STARTS} times during the trial"
