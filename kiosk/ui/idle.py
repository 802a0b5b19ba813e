"""Idle reset: after ``timeout_s`` untouched, a warning counts down ``warning_s`` seconds (one tap
continues); at zero the kiosk resets for the next person. One Clock event at a time, never a
per-frame check, so an idle bench stays idle."""
from __future__ import annotations

from typing import Callable

from kivy.clock import Clock

MIN_WARNING_S = 20.0


class IdleWatch:
    def __init__(self, timeout_s: float, warning_s: float, *, on_warn: Callable[[int], None],
                 on_calm: Callable[[], None], on_expire: Callable[[], None]) -> None:
        self.timeout_s = timeout_s
        self.warning_s = max(MIN_WARNING_S, warning_s)  # time to read the warning and reach the screen
        self.on_warn, self.on_calm, self.on_expire = on_warn, on_calm, on_expire
        self.armed = False
        self.warning = False
        self._last_touch = Clock.get_boottime()
        self._warned_at = 0.0
        self._event = None

    def _schedule(self, delay: float, callback: Callable[[float], None]) -> None:
        if self._event is not None:
            self._event.cancel()
        self._event = Clock.schedule_once(callback, max(0.0, delay))

    def touched(self) -> None:
        self._last_touch = Clock.get_boottime()
        if self.warning:
            self.warning = False
            self.on_calm()
            self.armed = False  # the pending event counts the warning down: arm a fresh check instead
        if not self.armed:
            self.armed = True
            self._schedule(self.timeout_s, self._check)

    def disarm(self) -> None:
        self.armed = False
        if self.warning:
            self.warning = False
            self.on_calm()
        if self._event is not None:
            self._event.cancel()

    def _check(self, _dt: float) -> None:
        untouched = Clock.get_boottime() - self._last_touch
        if untouched < self.timeout_s:  # touched since: sleep until the new deadline
            self._schedule(self.timeout_s - untouched, self._check)
            return
        self.warning = True
        self._warned_at = Clock.get_boottime()
        self._count(0)

    def _count(self, _dt: float) -> None:
        if not self.warning:
            return
        left = self.warning_s - (Clock.get_boottime() - self._warned_at)
        if left <= 0:
            self.disarm()
            self.on_expire()
            return
        self.on_warn(max(1, round(left)))
        self._schedule(min(1.0, left), self._count)
