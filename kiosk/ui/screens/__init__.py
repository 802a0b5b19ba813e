"""The kiosk's screens, one ``.py`` + ``.kv`` pair each, by name.

A screen's module (and so its kv) is imported when the screen is first built: the start screen
before the first frame, each other one in a frame of its own after it (``KioskApp.build``), or
at once when someone goes there first. Building all eight before the first frame took half of
the kiosk's start-up (benchmarks/kiosk_app.py)."""
from __future__ import annotations

from importlib import import_module
from typing import Any

START = "attract"
SCREENS = {  # name: module and class
    "attract": "attract:AttractScreen",
    "initiatives": "initiatives:InitiativesScreen",
    "initiative": "initiative:InitiativeScreen",
    "suggest": "suggest:SuggestScreen",
    "thanks": "thanks:ThanksScreen",
    "results": "results:ResultsScreen",
    "pin": "pin:PinScreen",
    "diagnostics": "diagnostics:DiagnosticsScreen",
}


def build_screen(name: str) -> Any:
    module, _, class_name = SCREENS[name].partition(":")
    return getattr(import_module(f"{__name__}.{module}"), class_name)()
