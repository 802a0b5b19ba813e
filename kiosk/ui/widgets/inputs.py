"""Text fields for the on-screen keyboard: capped in length, normalised to NFC."""
from __future__ import annotations

import unicodedata

from kivy.properties import NumericProperty
from kivy.uix.textinput import TextInput


class KioskInput(TextInput):
    max_chars = NumericProperty(2000)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("unfocus_on_touch", False)  # a tap on a key must not take the cursor away
        kwargs.setdefault("keyboard_mode", "managed")  # never ask the system for a keyboard
        super().__init__(**kwargs)

    def insert_text(self, substring: str, from_undo: bool = False) -> None:
        substring = unicodedata.normalize("NFC", substring)
        room = max(0, int(self.max_chars) - len(self.text))
        if not substring[:room]:
            return
        super().insert_text(substring[:room], from_undo=from_undo)
        if not unicodedata.is_normalized("NFC", self.text):  # a combining mark joined a letter
            cursor = self.cursor_index()
            self.text = unicodedata.normalize("NFC", self.text)
            self.cursor = self.get_cursor_from_index(min(cursor, len(self.text)))
