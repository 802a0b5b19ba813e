"""Thousands of rows, hidden parts of screens, a start screen read every few seconds: what the
visitor sees, at the cost the bench can pay.

The list of initiatives is a RowList (widgets only for the rows in view, asked for their texts
when they come into view), hidden parts of screens leave the window, and the start screen's
port chips are remade only when their words change (benchmarks/kiosk_app.py has the figures)."""
from __future__ import annotations

import pytest
from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput

from hardware.status import PowerStatus
from kiosk.ui.tr import tr
from kiosk.ui.widgets.hideable import HideBox
from kiosk.ui.widgets.rowlist import RowList

ROWS = 5000


@pytest.fixture
def row_list(kiosk):
    asked: list[str] = []
    words = {"text": "Row {}"}

    def row_of(key: str) -> dict[str, str]:
        asked.append(key)
        return {"text": words["text"].format(key)}

    view = RowList(viewclass="Label", row_of=row_of, row_height=100, spacing=10, size_hint=(None, None),
                   size=(600, 500), pos=(100, 100))
    Window.add_widget(view)
    view.show([str(number) for number in range(ROWS)])
    kiosk.frames(2)
    yield view, asked, words
    Window.remove_widget(view)
    kiosk.frames(1)


def shown_texts(view: RowList) -> list[str]:
    """The rows' texts from the top of the window down, those inside the list's rectangle."""
    rows = [row for row in view.walk(restrict=True) if isinstance(row, Label)]
    inside = [row for row in rows if row.to_window(*row.pos)[1] < view.top and row.to_window(row.x, row.top)[1] > view.y]
    return [row.text for row in sorted(inside, key=lambda row: -row.to_window(*row.pos)[1])]


def test_thousands_of_rows_cost_only_the_rows_in_view(kiosk, row_list):
    view, asked, _words = row_list
    assert shown_texts(view)[:4] == ["Row 0", "Row 1", "Row 2", "Row 3"]
    in_view = len(shown_texts(view))
    assert in_view == 5, "500 px of 110 px rows: four whole and a part"
    assert len(asked) <= in_view + 1, "only the rows in view were asked for"

    view.scroll_y = 0
    kiosk.frames(2)
    assert shown_texts(view)[-1] == f"Row {ROWS - 1}", "the last row is reached"
    widgets = [row for row in view.walk(restrict=True) if isinstance(row, Label)]
    assert len(widgets) <= in_view + 1, "as many widgets at the end as at the start"

    view.scroll_y = 0.5
    kiosk.frames(2)
    middle = [int(text.split()[1]) for text in shown_texts(view)]
    assert middle == list(range(middle[0], middle[0] + len(middle))), "rows in order, none missing"
    assert abs(middle[0] - ROWS / 2) < 10


def test_the_same_items_shown_again_are_worded_anew(kiosk, row_list):
    """A language switch lists the same initiatives: their rows must still be made up again
    (a list that compared the items and found them equal kept the old language)."""
    view, _asked, words = row_list
    words["text"] = "Red {}"
    view.show(list(view.keys))
    kiosk.frames(2)
    assert shown_texts(view)[:2] == ["Red 0", "Red 1"]


def test_the_list_rows_follow_a_language_switch(kiosk):
    kiosk.start("en")
    kiosk.tap(kiosk.button(tr._("Initiatives")))
    english = [row.meta for row in kiosk.find(kiosk.screen(), cls="InitiativeRow")]
    kiosk.tap(kiosk.button("EN"))
    kiosk.tap(kiosk.find(text="Bosanski")[0])
    kiosk.frames(2)
    bosnian = [row.meta for row in kiosk.find(kiosk.screen(), cls="InitiativeRow")]
    assert english[0].startswith("Open for support  ·  Mostar"), english
    assert bosnian[0].startswith("Otvoreno za podršku  ·  Mostar"), bosnian
    assert len(bosnian) == len(english)


def test_a_hidden_box_leaves_the_window_and_comes_back_in_order(kiosk):
    box = HideBox(orientation="vertical")
    field, label = TextInput(), Label(text="below")
    box.add_widget(field)
    box.add_widget(label)
    Window.add_widget(box)
    try:
        field.focus = True
        box.shown = False
        assert field.get_root_window() is None and label.get_root_window() is None, "not drawn, not touched"
        assert not field.focus, "a hidden field takes no typing"
        box.add_widget(Label(text="added while hidden"))
        box.shown = True
        assert [child.text for child in reversed(box.children)] == ["", "below", "added while hidden"]
        assert field.get_root_window() is Window
    finally:
        Window.remove_widget(box)


def test_the_start_screen_redraws_the_ports_only_when_their_words_change(kiosk):
    def reading(milliamps: str) -> PowerStatus:
        return PowerStatus().with_block("board", {"USB1": "ON", "USB1_I": milliamps, "USB2": "OFF"}, 1.0)

    try:
        kiosk.app.update_power(reading("0"))
        kiosk.frames(2)
        chips = kiosk.find(kiosk.screen("attract").ids.ports, cls="PortChip")
        assert [chip.text for chip in chips] == ["USB 1\nslobodan", "USB 2\nisključen"]
        kiosk.app.update_power(reading("2"))  # a new reading, 2 mA: still free
        kiosk.frames(2)
        assert kiosk.find(kiosk.screen("attract").ids.ports, cls="PortChip") == chips, "the same chips, not redrawn"
        kiosk.app.update_power(reading("900"))  # a phone plugged in
        kiosk.frames(2)
        texts = [chip.text for chip in kiosk.find(kiosk.screen("attract").ids.ports, cls="PortChip")]
        assert texts == ["USB 1\nzauzet", "USB 2\nisključen"]
    finally:
        kiosk.app.update_power(PowerStatus())  # the next tests' bench reports no ports
