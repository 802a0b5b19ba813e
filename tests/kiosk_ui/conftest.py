"""A real Kivy window, offscreen through SDL + Mesa, shared by the UI tests of this session.

The environment must be set before Kivy is imported, so it is set here at import time.
A tap is a mouse press and release on the Window, the very events SDL gives Kivy for a finger on
the bench's touchscreen: they go through Kivy's mouse input provider and the event loop, so
ScrollViews, grabs, disabled and hidden widgets behave exactly as for a citizen. Time is virtual:
``wait`` moves Kivy's clock forward frame by frame, so a 0.2 s ScrollView hand-off or a 90 s idle
timeout costs a few ticked frames and no sleeping."""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

_KIVY_HOME = tempfile.mkdtemp(prefix="kivy-home-")
os.environ.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_HOME=_KIVY_HOME,
                  KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1")

from kiosk.ui.kivy_setup import configure_kivy  # noqa: E402

configure_kivy(fullscreen=False)

import pytest  # noqa: E402
from kivy.base import EventLoop, _runTouchApp_prepare  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402

from kiosk.core.config import Config  # noqa: E402
from kiosk.core.energy import EnergyPolicy  # noqa: E402
from kiosk.core.speech import Speaker  # noqa: E402
from kiosk.core.store import BenchStore  # noqa: E402
from kiosk.i18n.translator import Translator  # noqa: E402
from kiosk.ui.app import KioskApp, Services  # noqa: E402
from kiosk.ui.names import LANGUAGE_NAMES  # noqa: E402
from kiosk.ui.tr import tr  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "assets" / "sample" / "initiatives.json"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
FRAME_S = 1 / 30  # the kiosk's active frame rate
TAP_HOLD_S = 0.1  # a quick tap: the finger rests about a tenth of a second
AFTER_TAP_S = 0.3  # a ScrollView hands a tap on to its children 0.2 s after the finger lifts


class VirtualClock:
    """Kivy's clock reads ``Clock.time``; shifting it moves every scheduled event's deadline closer."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._real = Clock.time
        Clock.time = lambda: self._real() + self.offset

    def restore(self) -> None:
        Clock.time = self._real


def visible(widget) -> bool:
    """On the window and not inside anything hidden (opacity is inherited when drawn)."""
    if widget.get_root_window() is None:
        return False
    while widget is not None and widget is not Window:
        if widget.opacity <= 0:
            return False
        widget = widget.parent
    return True


class Kiosk:
    """The running app and a citizen's fingers."""

    def __init__(self, app: KioskApp, clock: VirtualClock) -> None:
        self.app = app
        self.clock = clock

    def frames(self, n: int = 3) -> None:
        for _ in range(n):
            EventLoop.idle()

    def wait(self, seconds: float, step: float = FRAME_S) -> None:
        """Let ``seconds`` pass on the Kivy clock, one frame every ``step`` seconds."""
        for _ in range(max(1, math.ceil(seconds / step - 1e-9))):
            self.clock.offset += step
            EventLoop.idle()

    def screen(self, name: str | None = None):
        return self.app.screen(name or self.app.manager.current)

    def tap_at(self, x: float, y: float, hold_s: float = TAP_HOLD_S) -> None:
        """A finger at window position (x, y), y up as in Kivy; SDL counts y down from the top."""
        sdl_y = Window.height - 1 - y
        Window.dispatch("on_mouse_down", x, sdl_y, "left", [])
        self.wait(hold_s, step=hold_s / 2)  # two frames: the press is seen before the lift
        Window.dispatch("on_mouse_up", x, sdl_y, "left", [])
        self.wait(AFTER_TAP_S, step=0.1)

    def tap(self, widget, hold_s: float = TAP_HOLD_S) -> None:
        assert visible(widget) and not widget.disabled, f"{widget} cannot be touched"
        x, y = widget.to_window(*widget.center)
        assert 0 <= x < Window.width and 0 <= y < Window.height, f"{widget} is off screen at {(x, y)}"
        self.tap_at(x, y, hold_s)

    def find(self, root=None, *, text: str | None = None, cls: str | None = None, where=None):
        """Visible widgets under ``root`` (default: the window) with this text/class."""
        found = []
        tops = [root] if root is not None else list(reversed(Window.children))
        for widget in (w for top in tops for w in top.walk(restrict=True)):
            if text is not None and getattr(widget, "text", None) != text:
                continue
            if cls is not None and type(widget).__name__ != cls:
                continue
            if where is not None and not where(widget):
                continue
            if visible(widget):
                found.append(widget)
        return found

    def button(self, text: str, root=None):
        matches = [w for w in self.find(root or self.screen(), text=text) if not w.disabled]
        assert matches, f"no enabled widget with text {text!r} on {self.app.manager.current}"
        return matches[0]

    def key(self, text: str):
        keyboard = self.screen().ids.keyboard
        keys = [k for k in keyboard.walk(restrict=True) if type(k).__name__ == "Key" and k.text == text]
        assert keys, f"no key {text!r} in layout {keyboard.layout_name}/{keyboard.mode}"
        return keys[0]

    def special_key(self, keycode: str):
        keyboard = self.screen().ids.keyboard
        return [k for k in keyboard.walk(restrict=True) if getattr(k, "keycode", "") == keycode][0]

    def type_on_keys(self, text: str) -> None:
        """Type ``text`` by tapping keys, with shift for capitals (``dž``/``Dž`` is one key)."""
        index = 0
        while index < len(text):
            pair = text[index:index + 2]
            char = pair if pair.lower() == "dž" else text[index]
            if char == " ":
                self.tap(self.special_key("spacebar"))
            else:
                if char != char.lower():
                    self.tap(self.special_key("shift"))
                self.tap(self.key(char))
            index += len(char)

    def start(self, language: str) -> None:
        """Touch the attract screen's button of ``language``."""
        self.tap(self.button(LANGUAGE_NAMES[language]))
        assert self.app.manager.current == "initiatives" and self.app.language == language

    def open_pin(self) -> None:
        """The hidden gesture: five taps on the attract screen's logo."""
        logo = self.find(self.screen("attract"), text=tr._("Smart Bench"))[0]
        for _ in range(5):
            self.tap(logo)
        assert self.app.manager.current == "pin"

    def type_pin(self, pin: str) -> None:
        for digit in pin:
            self.tap(self.button(digit))
        self.tap(self.button("OK"))

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.frames(2)
        made = Path(Window.screenshot(name=str(SCREENSHOTS / f"{name}.png")))
        target = SCREENSHOTS / f"{name}.png"
        shutil.move(made, target)
        return target


@pytest.fixture(scope="session")
def kiosk_app(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("bench")
    # The real idle times: the virtual clock makes waiting for them cheap.
    config = Config(municipality="mostar", data_dir=data_dir, server_url="https://klupe.example.ba")
    store = BenchStore(config.store_path)
    store.apply_initiatives(json.loads(SAMPLE.read_text(encoding="utf-8")))
    # The real espeak-ng, writing each utterance to a WAV file: the test machine has no sound card.
    speaker = Speaker(record_dir=tmp_path_factory.mktemp("speech"))
    services = Services(config=config, open_store=lambda: store, translator=Translator(), energy=EnergyPolicy(config.energy),
                        speech=speaker)
    clock = VirtualClock()
    app = KioskApp(services)
    app._run_prepare()
    # What App.run does next, short of its endless loop: the input providers of kivy_setup's
    # [input] section (the mouse provider SDL feeds), the post-processing, the event loop started.
    _runTouchApp_prepare(app.root)
    app.frames.active_fps = app.frames.idle_fps = 0  # tests tick frames as fast as they can
    app.frames.woken()
    kiosk = Kiosk(app, clock)
    kiosk.frames(3)
    yield kiosk
    app.stop()
    clock.restore()
    speaker.close()
    store.close()


@pytest.fixture
def kiosk(kiosk_app):
    """The app back at the attract screen with a fresh session, as the next passer-by finds it."""
    kiosk_app.app.reset_session()
    kiosk_app.frames(2)
    return kiosk_app
