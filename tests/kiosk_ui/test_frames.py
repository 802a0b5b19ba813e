"""The frame governor: the loop slows down when nothing happens and comes back at the first touch.

Driven by Clock ticks, never by waiting: the governor's settle delay is 0 here, so it settles at
the next tick."""
from __future__ import annotations

import pytest
from kivy.clock import Clock
from kivy.tests.common import UnitTestTouch

from kiosk.ui.frames import FrameGovernor

ACTIVE_FPS, IDLE_FPS = 30, 2


@pytest.fixture
def frames(kiosk):
    """The app's governor swapped for one with real rates, and put back as the other tests want it."""
    kept = kiosk.app.frames
    kiosk.app.frames = governor = FrameGovernor(ACTIVE_FPS, idle_fps=IDLE_FPS, settle_s=0)
    yield governor
    kiosk.frames(1)  # its last settle runs now, not after the app's governor is back
    kiosk.app.frames = kept
    kept.woken()


def test_full_rate_when_woken_then_idle_rate_once_settled(kiosk, frames):
    assert frames.fps == Clock._max_fps == ACTIVE_FPS  # Kivy reads the rate the governor sets
    kiosk.frames(1)
    assert frames.fps == Clock._max_fps == IDLE_FPS


def test_first_touch_restores_the_full_rate(kiosk, frames):
    kiosk.frames(1)
    assert frames.fps == IDLE_FPS
    touch = UnitTestTouch(10, 10)
    touch.touch_down()  # dispatched at once, as in the frame that reads it from SDL
    assert frames.fps == ACTIVE_FPS
    touch.touch_up()
    kiosk.frames(1)
    assert frames.fps == IDLE_FPS  # and idle again once it settled


def test_a_screen_change_wakes_the_loop(kiosk, frames):
    kiosk.frames(1)
    assert frames.fps == IDLE_FPS
    kiosk.app.go("initiatives")
    assert frames.fps == ACTIVE_FPS


def test_energy_plan_rate_applies_at_once_when_active_and_at_the_next_wake_when_idle(kiosk, frames):
    frames.set_active_fps(10)
    assert frames.fps == 10
    kiosk.frames(1)
    assert frames.fps == IDLE_FPS
    frames.set_active_fps(15)
    assert frames.fps == IDLE_FPS  # an idle bench stays idle
    frames.woken()
    assert frames.fps == 15


def test_idle_rate_never_above_the_active_rate(kiosk, frames):
    frames.set_active_fps(1)
    kiosk.frames(1)
    assert frames.fps == 1


def test_a_focused_fields_cursor_stops_blinking_while_idle_and_blinks_again_at_a_touch(kiosk, frames):
    kiosk.app.go("initiatives")
    search = kiosk.screen().ids.search
    search.focus = True
    kiosk.frames(1)
    assert frames.fps == IDLE_FPS and search.focus
    assert not search.cursor_blink  # nothing redraws the window while nobody is there
    touch = UnitTestTouch(10, 10)
    touch.touch_down()
    assert search.cursor_blink
    touch.touch_up()
