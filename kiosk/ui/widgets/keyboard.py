"""The docked on-screen keyboard.

Layouts are JSON files in ``kiosk/ui/keyboards/`` (package data: an installed wheel carries them)
in Kivy's VKeyboard format (``normal_N``, ``shift_N``, ``special_N`` rows of ``[label, text, keycode, width]``). Kivy's VKeyboard floats,
scales its keys with the window and cannot switch layouts, so this is a small widget of its own:
rows of buttons sized so every key is at least ``MIN_KEY_PX`` in both directions (15 mm on a
10" 1280x800 panel), docked full width at the bottom of a screen. Keys type into ``target``.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from weakref import WeakSet

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.widget import Widget

LAYOUT_DIR = Path(__file__).resolve().parents[1] / "keyboards"
LAYOUTS = ("latin", "cyrillic", "english")  # the cycle of the layout key
CONTACT_LAYOUT = "contact"  # digits and "@" on the first rows, for a phone number or an e-mail address
MIN_KEY_PX = 88
ROW_HEIGHT = 96  # a key of 92 px plus the gap
SPACING = 4
SPECIAL_KEYS = ("backspace", "enter", "shift", "special", "layout", "spacebar")
# The layout a language types in first.
LAYOUT_FOR_LANGUAGE = {"bs": "latin", "hr": "latin", "sr-Latn": "latin", "sr": "cyrillic", "en": "english"}


@lru_cache(maxsize=None)
def load_layout(name: str) -> dict[str, Any]:
    with (LAYOUT_DIR / f"{name}.json").open(encoding="utf-8") as file:
        return json.load(file)


def layout_rows(name: str, mode: str) -> list[list[list[Any]]]:
    layout = load_layout(name)
    return [layout[f"{mode}_{row}"] for row in range(1, layout["rows"] + 1)]


class Key(Button):
    keycode = StringProperty("")
    key_text = StringProperty("")
    units = NumericProperty(1.0)
    active = BooleanProperty(False)  # a held shift or the symbols page


class OnScreenKeyboard(BoxLayout):
    layout_name = StringProperty("latin")
    mode = StringProperty("normal")  # normal | shift | special
    target = ObjectProperty(None, allownone=True)  # a TextInput
    key_units = NumericProperty(13.5)  # the widest row; every row uses the same key size
    rows_built = ListProperty()
    # Every keyboard, also those a hidden HideBox has taken out of the widget tree: the idle reset
    # puts them all back (walking the screens would miss those).
    _everywhere: WeakSet[OnScreenKeyboard] = WeakSet()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        OnScreenKeyboard._everywhere.add(self)
        self.bind(layout_name=self._build, mode=self._build, width=self._size_keys)
        self._build()

    def _build(self, *args: Any) -> None:
        self.clear_widgets()
        for row in layout_rows(self.layout_name, self.mode):
            line = BoxLayout(size_hint_y=None, height=ROW_HEIGHT - SPACING, spacing=SPACING)
            line.add_widget(_Filler())
            for label, text, keycode, units in row:
                key = Key(text=self._label(label, keycode), key_text=text, keycode=keycode, units=units,
                          active=(keycode == "shift" and self.mode == "shift"))
                key.bind(on_release=self._pressed)
                line.add_widget(key)
            line.add_widget(_Filler())
            self.add_widget(line)
        self._size_keys()

    def _label(self, label: str, keycode: str) -> str:
        if keycode == "layout":
            return load_layout(self.next_layout())["title"]
        return label

    def _size_keys(self, *args: Any) -> None:
        unit = (self.width - 2 * self.padding[0]) / self.key_units
        for line in self.children:
            keys = [child for child in line.children if isinstance(child, Key)]
            used = sum(key.units for key in keys)
            for key in keys:
                key.size_hint_x, key.width = None, key.units * unit - SPACING
            for filler in (child for child in line.children if isinstance(child, _Filler)):
                filler.size_hint_x, filler.width = None, max(0.0, (self.key_units - used) * unit / 2 - SPACING)

    def reset(self, language: str) -> None:
        """The next visitor starts on the layout of their language, small letters: whatever
        layout or shift the previous one left (the kv binding only follows a language *change*)."""
        self.layout_name, self.mode = LAYOUT_FOR_LANGUAGE[language], "normal"

    @classmethod
    def reset_all(cls, language: str) -> None:
        for keyboard in list(cls._everywhere):
            keyboard.reset(language)

    def next_layout(self) -> str:
        return LAYOUTS[(LAYOUTS.index(self.layout_name) + 1) % len(LAYOUTS)]

    def _pressed(self, key: Key) -> None:
        code = key.keycode
        if code == "shift":
            self.mode = "normal" if self.mode == "shift" else "shift"
        elif code == "special":
            self.mode = "normal" if self.mode == "special" else "special"
        elif code == "layout":
            self.layout_name, self.mode = self.next_layout(), "normal"
        elif self.target is not None:
            self._type(code, key.key_text)
            if self.mode == "shift":  # one capital, then back to small letters
                self.mode = "normal"

    def _type(self, code: str, text: str) -> None:
        target = self.target
        if not target.focus:
            target.focus = True
        if code == "backspace":
            target.do_backspace()
        elif code == "enter" and not target.multiline:
            target.dispatch("on_text_validate")
        else:
            target.insert_text(text)


class _Filler(Widget):
    """Padding that centres a short row: draws nothing, and a touch there does nothing."""
