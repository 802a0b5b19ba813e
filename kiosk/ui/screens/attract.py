"""The attract screen: what the bench is, where, the languages, the charging ports; a touch
anywhere starts."""
from __future__ import annotations

from typing import Any

from kivy.factory import Factory

from kiosk.ui.names import LANGUAGE_NAMES
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.tr import _, tr

load_kv(__file__)

IN_USE_A = 0.05  # a port drawing more than this is charging something


def port_label(name: str, state: str, current_a: float | None) -> str:
    number = name.removeprefix("USB").removeprefix("QI")
    kind = _("USB {n}") if name.startswith("USB") else _("Wireless {n}")
    if state == "fault":
        word = _("out of order")
    elif state != "on":
        word = _("off")
    elif (current_a or 0.0) > IN_USE_A:
        word = _("in use")
    else:
        word = _("free")
    return f"{kind.format(n=number)}\n{word}"


class AttractScreen(KioskScreen):
    def on_kv_post(self, *args: Any) -> None:
        self._chips: list[tuple[str, bool]] | None = None  # what the port chips say now
        self.show_languages()
        self.app.bind(ports=self._show_ports)
        tr.fbind("_", self._show_ports)
        self._show_ports()

    def show_languages(self) -> None:
        """One button per language of the bench (again when remote settings change them)."""
        self.ids.languages.clear_widgets()
        for code in self.app.services.translator.languages:
            button = Factory.QuietButton(text=LANGUAGE_NAMES[code], size_hint_x=None, width=220)
            button.bind(on_release=lambda _b, code=code: self.start(code))
            self.ids.languages.add_widget(button)

    def start(self, language: str | None = None) -> None:
        if language:
            self.app.set_language(language)
        self.app.go("initiatives")

    def on_touch_down(self, touch: Any) -> bool:
        if super().on_touch_down(touch):  # a language button
            return True
        if self.ids.logo.collide_point(*touch.pos):  # the maintainer's gesture, not a start
            self.app.logo_tapped()
            return True
        if self.collide_point(*touch.pos):
            self.start()
            return True
        return False

    def _show_ports(self, *args: Any) -> None:
        ports = sorted(self.app.ports.items(), key=lambda item: (item[0][:2], len(item[0]), item[0]))
        chips = [(port_label(name, port.state, port.current_a), port.state == "on") for name, port in ports]
        if chips == self._chips:
            return  # a reading every few seconds, mostly with the same words: nothing to redraw
        self._chips = chips
        grid = self.ids.ports
        grid.clear_widgets()
        for text, working in chips:
            chip = Factory.PortChip(text=text)
            chip.working = working  # a kv-declared property: it does not exist yet in __init__
            grid.add_widget(chip)
        self.ids.ports_title.text = _("Free phone charging") if self.app.ports else ""
