"""A scrolling list of thousands of rows of one height, with widgets only for the rows in view.

Kivy's RecycleView also makes widgets only for the rows in view, but its layout keeps a record of
sizes and hints for every item: with 10 000 initiatives that was ~10 MiB, half of what the list
screen cost (benchmarks/kiosk_app.py). Rows of one height need no record: the rows in view follow
from the scroll position. The list holds the items' keys; ``row_of(key)`` gives the properties
of the row that shows that item, asked only when the row comes into view.
"""
from __future__ import annotations

from typing import Any, Callable

from kivy.factory import Factory
from kivy.properties import ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.relativelayout import RelativeLayout
from kivy.uix.widget import Widget

from kiosk.ui.widgets.clipped import ClipScrollView


class RowList(ClipScrollView):
    keys = ListProperty()  # one per item, in order: set with show()
    row_of: Callable[[Any], dict[str, Any]] = ObjectProperty(None)  # a key -> its row's properties
    viewclass = StringProperty("")  # the Factory name of the rows' widget class
    row_height = NumericProperty(100)
    spacing = NumericProperty(0)
    padding_x = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        # The rows' parent moves as the list scrolls: a RelativeLayout carries them along.
        self._content = RelativeLayout(size_hint_y=None, height=0)
        self._shown: dict[int, Widget] = {}  # index -> the row widget showing that item
        self._spare: list[Widget] = []
        super().__init__(**kwargs)
        self.add_widget(self._content)
        self.fbind("scroll_y", self._place)
        self.fbind("height", self._place)
        for name in ("row_height", "spacing", "padding_x", "width"):
            self.fbind(name, self.refresh)

    @property
    def pitch(self) -> float:
        return self.row_height + self.spacing

    def show(self, keys: list[Any]) -> None:
        """List these items, from the top; rows already shown are made up again (an item's row
        may have changed, in another language, with a new count)."""
        self.keys = keys
        self.scroll_y = 1
        self.refresh()

    def refresh(self, *args: Any) -> None:
        """Make every row in view up again (also when the size changes)."""
        for row in self._shown.values():
            self._content.remove_widget(row)
            self._spare.append(row)
        self._shown = {}
        self._content.height = max(0.0, len(self.keys) * self.pitch - self.spacing)
        self._place()

    def _visible(self) -> range:
        hidden_above = (1 - self.scroll_y) * max(0.0, self._content.height - self.height)
        first = max(0, int(hidden_above // self.pitch))
        last = min(len(self.keys), int((hidden_above + self.height) // self.pitch) + 1)
        return range(first, last)

    def _place(self, *args: Any) -> None:
        if not self.keys or self.row_of is None or self.pitch <= 0:
            return
        wanted = self._visible()
        for index in [index for index in self._shown if index not in wanted]:
            row = self._shown.pop(index)
            self._content.remove_widget(row)
            self._spare.append(row)
        for index in wanted:
            if index not in self._shown:
                self._shown[index] = self._show(index)

    def _show(self, index: int) -> Widget:
        row = self._spare.pop() if self._spare else Factory.get(self.viewclass)()
        for name, value in self.row_of(self.keys[index]).items():
            setattr(row, name, value)
        row.size_hint = (None, None)
        row.size = (self.width - 2 * self.padding_x, self.row_height)
        row.pos = (self.padding_x, self._content.height - (index + 1) * self.pitch + self.spacing)
        self._content.add_widget(row)
        return row
