"""A popup of large choices (a language, a category); choosing closes it."""
from __future__ import annotations

from typing import Callable

from kivy.factory import Factory
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView


class ChoicePopup(ModalView):
    title = StringProperty("")

    def __init__(self, title: str, options: list[tuple[str, str]], on_choose: Callable[[str], None],
                 selected: str | None = None, **kwargs) -> None:
        super().__init__(title=title, **kwargs)
        for value, label in options:
            chip = Factory.Chip(text=label, state="down" if value == selected else "normal")
            chip.bind(on_release=lambda _chip, value=value: self._choose(value, on_choose))
            self.ids.options.add_widget(chip)

    def _choose(self, value: str, on_choose: Callable[[str], None]) -> None:
        self.dismiss(animation=False)
        on_choose(value)
