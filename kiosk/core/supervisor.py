"""The bench's supervisor: runs the kiosk from the current release, switches to a newly installed
one when the kiosk asks, and goes back to the previous release by itself when the new one does not
report healthy in time or exits during its trial.

It runs from the bench's base installation (the one the install script made, never replaced over
the air), so a broken release cannot break the code that undoes it. systemd starts it
(``python -m kiosk supervise``) and restarts it if it dies; it restarts a kiosk that exits, with a
growing pause so a release that crashes at once does not spin the CPU on solar power.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from kiosk.core.updates import SupervisorState, UpdatePaths

log = logging.getLogger(__name__)

POLL_S = 0.2
STOP_GRACE_S = 10.0
RESTART_PAUSE_S, RESTART_PAUSE_CAP_S = 1.0, 60.0
MAX_TRIAL_STARTS = 3


class Supervisor:
    def __init__(self, data_dir: Path, kiosk_args: Sequence[str], trial_s: float) -> None:
        self.paths = UpdatePaths(data_dir)
        self.kiosk_args = list(kiosk_args)
        self.trial_s = trial_s
        self.child: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._pause = RESTART_PAUSE_S
        # The trial is timed on the monotonic clock: the wall clock of a Raspberry Pi without a
        # clock battery jumps when NTP first answers. trial_since in the state is for people.
        self._trial_clock: float | None = None

    # --- the kiosk process ------------------------------------------------------------------

    def _environment(self, version: str | None) -> dict[str, str]:
        env = dict(os.environ)
        if version is None:
            return env  # the base installation's own code
        # The release's folder alone on the path: none of the base installation's code (or a
        # developer's PYTHONPATH) can mask a module the release lacks.
        env["PYTHONPATH"] = str(self.paths.release_dir(version))
        return env

    def _start(self, state: SupervisorState) -> None:
        version = state.current if state.current and self.paths.is_installed(state.current) else None
        log.info("starting the kiosk, release %s", version or "as installed")
        # -P: the working directory stays off sys.path, or a source tree there would run instead.
        self.child = subprocess.Popen([sys.executable, "-P", "-m", "kiosk", *self.kiosk_args],
                                      env=self._environment(version))

    def _stop_child(self) -> None:
        if self.child is None:
            return
        if self.child.poll() is None:
            self.child.terminate()
            try:
                self.child.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.child.kill()
                self.child.wait()
        self.child = None

    # --- switching and going back -----------------------------------------------------------

    def _switch(self, state: SupervisorState, version: str) -> SupervisorState:
        log.info("switching from release %s to %s (on trial for %g s)", state.current or "as installed",
                 version, self.trial_s)
        self._stop_child()
        state.previous, state.current = state.current, version
        state.trial, state.trial_since, state.trial_starts = version, time.time(), 0
        self._trial_clock = time.monotonic()
        self.paths.save_state(state)
        self.paths.switch_file.unlink(missing_ok=True)
        self.paths.healthy_file.unlink(missing_ok=True)
        return state

    def _roll_back(self, state: SupervisorState, reason: str) -> SupervisorState:
        failed = state.current
        log.warning("release %s failed its trial (%s): back to %s", failed, reason, state.previous or "as installed")
        self._stop_child()
        state.current, state.previous = state.previous, None
        state.trial = state.trial_since = None
        state.rolled_back = {"version": failed, "reason": reason, "at": time.time()}
        if failed and failed not in state.bad:
            state.bad.append(failed)
        self.paths.save_state(state)
        return state

    def _confirm(self, state: SupervisorState) -> SupervisorState:
        log.info("release %s reported healthy: trial over", state.trial)
        state.trial = state.trial_since = None
        state.rolled_back = None  # a release that works since supersedes the old news
        self.paths.save_state(state)
        return state

    def step(self, state: SupervisorState) -> SupervisorState:
        """One look at the kiosk and the files; returns the state, changed or not."""
        requested = self.paths.switch_request()
        if requested is not None and requested != state.current and requested not in state.bad:
            return self._switch(state, requested)
        if state.trial is not None:
            if self.paths.healthy_version() == state.trial:
                return self._confirm(state)
            if self.child is not None and self.child.poll() is not None:
                return self._roll_back(state, f"the kiosk exited with code {self.child.returncode} on trial")
            if self._trial_clock is None:
                self._trial_clock = time.monotonic()
            if time.monotonic() - self._trial_clock > self.trial_s:
                return self._roll_back(state, f"no healthy report within {self.trial_s:g} s")
        if self.child is not None and self.child.poll() is not None:
            log.warning("the kiosk exited with code %s: restarting in %g s", self.child.returncode, self._pause)
            self.child = None
            self._stopping.wait(self._pause)
            self._pause = min(self._pause * 2, RESTART_PAUSE_CAP_S)
        return state

    def _resume(self, state: SupervisorState) -> SupervisorState:
        """After a restart of the supervisor (a power cut, a reboot) mid-trial, the release gets a
        fresh trial period (how long the bench was off says nothing of the release); one that keeps
        bringing the whole bench down is rolled back after MAX_TRIAL_STARTS of them."""
        if state.trial is None:
            return state
        state.trial_starts += 1
        if state.trial_starts > MAX_TRIAL_STARTS:
            return self._roll_back(state, f"the bench restarted {MAX_TRIAL_STARTS} times during the trial")
        state.trial_since, self._trial_clock = time.time(), time.monotonic()
        self.paths.save_state(state)
        return state

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        state = self._resume(self.paths.load_state())
        try:
            while not self._stopping.is_set():
                if self.child is None:
                    self._start(state)
                    started = time.monotonic()
                state = self.step(state)
                if self.child is not None and time.monotonic() - started > RESTART_PAUSE_CAP_S:
                    self._pause = RESTART_PAUSE_S  # it ran a while: the next crash is news, not a loop
                self._stopping.wait(POLL_S)
        finally:
            self._stop_child()
        return 0

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        self._stopping.set()
