"""What every screen shares: a handle on the App, ``prepare`` before it is shown, ``on_reset``."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen


def load_kv(module_file: str) -> None:
    """Load the ``.kv`` that sits next to a screen's ``.py``."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")))


class KioskScreen(Screen):
    @property
    def app(self) -> Any:
        return App.get_running_app()

    def prepare(self, **kwargs: Any) -> None:
        """Called by ``App.go`` before the screen shows, with the arguments of the navigation."""

    def on_reset(self) -> None:
        """The session ended: forget anything the last person typed or chose here."""
