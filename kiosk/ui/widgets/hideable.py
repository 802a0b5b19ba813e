"""A part of a screen that can be hidden (a form step, the docked keyboard, a warning).

Why not just height 0, opacity 0 and ``disabled``: Kivy still lays out the children of a zero-height
box (fixed-height ones spill out over the widgets around it), and a disabled widget answers True
to every touch that lands on it. Hidden buttons and keys then swallow the taps meant for what is
visible (the list of initiatives, the Send button). A hidden HideBox passes no touch to its children.
"""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout


class HideBox(BoxLayout):
    shown = BooleanProperty(True)

    def on_touch_down(self, touch: Any) -> bool:
        return self.shown and super().on_touch_down(touch)

    def on_touch_move(self, touch: Any) -> bool:
        return self.shown and super().on_touch_move(touch)

    def on_touch_up(self, touch: Any) -> bool:
        return self.shown and super().on_touch_up(touch)
