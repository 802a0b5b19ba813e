"""A real Kivy window, offscreen through SDL + Mesa, shared by the UI tests of this session.

The environment must be set before Kivy is imported, so it is set here at import time. Tests
drive the Kivy clock by ticking frames of the event loop and tap at screen coordinates with
``UnitTestTouch``, so a tap goes through the same hit-testing as a finger."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

_KIVY_HOME = tempfile.mkdtemp(prefix="kivy-home-")
os.environ.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_HOME=_KIVY_HOME,
                  KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1")

from kiosk.ui.kivy_setup import configure_kivy  # noqa: E402

configure_kivy(fullscreen=False)

import pytest  # noqa: E402
from kivy.base import EventLoop  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402
from kivy.uix.scrollview import ScrollView  # noqa: E402

from kiosk.core.config import Config  # noqa: E402
from kiosk.core.energy import EnergyPolicy  # noqa: E402
from kiosk.core.store import BenchStore  # noqa: E402
from kiosk.i18n.translator import Translator  # noqa: E402
from kiosk.ui.app import KioskApp, Services  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "assets" / "sample" / "initiatives.json"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
IDLE_TIMEOUT_S = 0.5
IDLE_WARNING_S = 0.6


def _parents(widget):
    while widget.parent is not None and widget.parent is not widget:
        widget = widget.parent
        yield widget


class Kiosk:
    """The running app and a citizen's fingers."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app

    def frames(self, n: int = 3) -> None:
        for _ in range(n):
            EventLoop.idle()

    def screen(self, name: str | None = None):
        return self.app.manager.get_screen(name or self.app.manager.current)

    def tap_at(self, x: float, y: float) -> None:
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frames(1)
        touch.touch_up()
        self.frames(2)

    def tap(self, widget) -> None:
        assert widget.get_root_window() is not None, f"{widget} is not on screen"
        assert not widget.disabled and widget.opacity > 0, f"{widget} cannot be touched"
        x, y = widget.to_window(*widget.center)
        assert 0 <= x < Window.width and 0 <= y < Window.height, f"{widget} is off screen at {(x, y)}"
        self.tap_at(x, y)
        if any(isinstance(parent, ScrollView) for parent in _parents(widget)):
            # A ScrollView waits to tell a tap from a drag and hands the tap on a bit later.
            deadline = time.monotonic() + 0.25
            while time.monotonic() < deadline:
                self.frames(1)

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
            if widget.opacity > 0 and widget.get_root_window() is not None:
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

    def type_on_keys(self, text: str) -> None:
        """Type ``text`` by tapping keys, using shift for capitals and the symbols page."""
        keyboard = self.screen().ids.keyboard
        for char in text:
            if char == " ":
                self.tap([k for k in keyboard.walk(restrict=True) if getattr(k, "keycode", "") == "spacebar"][0])
                continue
            if char.isupper():
                self.tap([k for k in keyboard.walk(restrict=True) if getattr(k, "keycode", "") == "shift"][0])
            self.tap(self.key(char))

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
    config = Config(municipality="mostar", data_dir=data_dir, idle_timeout_s=IDLE_TIMEOUT_S,
                    server_url="https://klupe.example.ba")
    store = BenchStore(config.store_path)
    store.apply_initiatives(json.loads(SAMPLE.read_text(encoding="utf-8")))
    services = Services(config=config, store=store, translator=Translator(), energy=EnergyPolicy(config.energy))
    app = KioskApp(services, idle_warning_s=IDLE_WARNING_S)
    app._run_prepare()
    app.frames.active_fps = app.frames.idle_fps = 0  # tests tick frames as fast as they can
    app.frames.woken()
    kiosk = Kiosk(app)
    kiosk.frames(3)
    yield kiosk
    app.stop()
    store.close()


@pytest.fixture
def kiosk(kiosk_app):
    """The app back at the attract screen with a fresh session, as the next passer-by finds it."""
    kiosk_app.app.reset_session()
    kiosk_app.frames(2)
    return kiosk_app
