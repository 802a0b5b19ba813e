"""The maintainer's PIN pad, reached by the hidden gesture on the logo."""
from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import StringProperty

from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.tr import _

load_kv(__file__)

MAX_PIN = 8


class PinScreen(KioskScreen):
    entered = StringProperty("")
    message = StringProperty("")

    def on_kv_post(self, *args: Any) -> None:
        for label in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"):
            key = Factory.PinKey(text=label)
            key.tone = "primary" if label == "OK" else "quiet"  # one primary: the kv-declared tone exists once built
            key.bind(on_release=lambda k: self.press(k.text))
            self.ids.pad.add_widget(key)

    def prepare(self, **kwargs: Any) -> None:
        self.entered = self.message = ""

    def press(self, key: str) -> None:
        if key == "⌫":
            self.entered = self.entered[:-1]
        elif key == "OK":
            self.check()
        elif len(self.entered) < MAX_PIN:
            self.entered += key

    def check(self) -> None:
        if self.app.pin_ok(self.entered):
            self.app.go("diagnostics")
        else:
            self.entered = ""
            self.message = _("Wrong PIN.")
