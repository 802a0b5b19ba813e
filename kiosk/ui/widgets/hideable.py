"""A part of a screen that can be hidden (a form step, the docked keyboard, a warning).

A hidden HideBox takes its children out of the widget tree and puts them back, in order, when
shown. Why not just height 0, opacity 0 and ``disabled``: Kivy still lays out, draws (invisibly,
at full cost: taking the hidden docked keyboard out of the initiatives screen saved 78 MiB of the
renderer's memory, measured with Kivy's default multisampling) and hit-tests such children, and a
disabled widget answers True to every touch that lands on it, so hidden keys swallowed the taps
meant for what is visible.
"""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget


class HideBox(BoxLayout):
    shown = BooleanProperty(True)

    def __init__(self, **kwargs: Any) -> None:
        self._stowed: list[Widget] = []  # the children while hidden, first added first
        super().__init__(**kwargs)

    def add_widget(self, widget: Widget, *args: Any, **kwargs: Any) -> None:
        if self.shown:
            super().add_widget(widget, *args, **kwargs)
        else:
            self._stowed.append(widget)

    def on_shown(self, _box: Any, shown: bool) -> None:
        if shown:
            stowed, self._stowed = self._stowed, []
            for widget in stowed:
                super().add_widget(widget)
        else:
            for widget in self.walk(restrict=True):
                if getattr(widget, "focus", False):
                    widget.focus = False  # a hidden field takes no typing
            self._stowed = list(reversed(self.children))
            self.clear_widgets()
