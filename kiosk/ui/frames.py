"""The idle loop's cost: Kivy wakes ``maxfps`` times a second even when nothing moves, which on a
solar bench is the biggest steady draw of the app. While nobody touches the screen the loop runs
at IDLE_FPS; the first touch brings back the energy plan's rate. The cost is the latency of that
first touch (at most 1 / IDLE_FPS), not of the touches after it.

Kivy's default clock sleeps a whole frame whatever is scheduled, and SDL's event queue is read
once a frame, so when nothing is drawn the idle frame rate alone sets the cost: about 0.5 ms of
CPU per idle frame here (benchmarks/kiosk_app.py: 4 fps ~0.2 % of a core, 2 fps ~0.1 %, 30 fps
~1-1.3 %). A frame that draws costs far more (a full-window redraw), so what would redraw
while nobody is there is stopped too: a focused field's blinking cursor (a visitor who walked off
mid-typing) is held steady until the next touch.

The start's frames are here too: the first frame drawn (``when_first_frame_drawn``) and the work
left for after it (``after_first_frame``, ``AfterStart``), so that frame waits only for the
start screen (benchmarks/kiosk_app.py times it)."""
from __future__ import annotations

from collections import deque
from typing import Any, Callable

from kivy.base import EventLoop
from kivy.clock import Clock
from kivy.graphics.opengl import glFinish
from kivy.uix.textinput import TextInput

IDLE_FPS = 2  # a first touch waits 0.25 s on average, 0.5 s at most
SETTLE_S = 3.0  # kinetic scrolling and button feedback finish within this after the last touch


class FrameGovernor:
    def __init__(self, active_fps: float, idle_fps: float = IDLE_FPS, settle_s: float = SETTLE_S) -> None:
        self.active_fps = active_fps
        self.idle_fps = idle_fps
        self._settle = Clock.create_trigger(self.settle, settle_s)
        self._held_cursors: list[TextInput] = []
        self.woken()

    @property
    def fps(self) -> float:
        return Clock._max_fps  # Kivy reads this attribute on every frame

    def _set(self, fps: float) -> None:
        Clock._max_fps = float(fps)

    def woken(self) -> None:
        """Something happens (a touch, a screen change): full rate until it settles."""
        self._set(self.active_fps)
        for field in self._held_cursors:
            field.cursor_blink = True
        self._held_cursors = []
        self._settle.cancel()
        self._settle()

    def settle(self, *args: object) -> None:
        self._set(min(self.idle_fps, self.active_fps))
        self._hold_cursors()

    def _hold_cursors(self) -> None:
        window = EventLoop.window
        if window is None:
            return
        for top in window.children:
            for widget in top.walk(restrict=True):
                if isinstance(widget, TextInput) and widget.focus and widget.cursor_blink:
                    widget.cursor_blink = False  # Kivy then shows the cursor steadily
                    self._held_cursors.append(widget)

    def set_active_fps(self, fps: float) -> None:
        """The energy plan's frame rate for when someone uses the bench."""
        self.active_fps = fps
        if self.fps > self.idle_fps:
            self._set(fps)


def one_frame_in_flight(window: Any) -> None:
    """Each frame is finished before the next begins. A software renderer (Mesa llvmpipe)
    rasterises on its own threads; with nothing to wait for (no display's vsync), frames queued
    up behind it, each holding its own copy of the scene, and the high-water mark stayed in the
    heap: the list screen after a second of scrolling took 30-40 MiB more, and a long redraw
    burst over a gigabyte. Finishing costs no frame rate: the next frame would wait anyway."""
    window.bind(on_flip=lambda *_: glFinish())


def when_first_frame_drawn(window: Any, callback: Callable[[], object]) -> None:
    """Run ``callback`` as ``window`` flips its first frame, once the renderer has finished
    drawing it: the moment a passer-by can see the screen."""
    def flipped(*_args: Any) -> None:
        window.unbind(on_flip=flipped)
        glFinish()
        callback()

    window.bind(on_flip=flipped)


def after_first_frame(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the App's first frame is drawn (two ticks of Kivy's clock: the
    first runs before that frame)."""
    Clock.schedule_once(lambda _dt: Clock.schedule_once(lambda _dt: callback()))


class AfterStart:
    """Work left for after the first frame, run one job a frame (the screens nobody is on yet,
    the other languages' catalogues, the sync client): neither that frame nor a first touch
    waits for all of it at once. A job added after the queue ran dry runs at the next frame."""

    def __init__(self) -> None:
        self._jobs: deque[Callable[[], object]] = deque()
        self._running = True  # a run of the queue is scheduled (the first, for after the first frame) or under way
        after_first_frame(self._run_one)

    def add(self, job: Callable[[], object]) -> None:
        self._jobs.append(job)
        if not self._running:
            self._running = True
            Clock.schedule_once(self._run_one)

    def _run_one(self, *_args: Any) -> None:
        if not self._jobs:
            self._running = False
            return
        self._jobs.popleft()()
        Clock.schedule_once(self._run_one)
