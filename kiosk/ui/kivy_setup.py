"""Kivy settings that must be in place before the Window exists: lock-down and a modest frame rate."""
from __future__ import annotations

import os

ACTIVE_FPS = 30


def configure_kivy(*, fullscreen: bool = True, size: tuple[int, int] = (1280, 800)) -> None:
    """Call before anything imports ``kivy.core.window``."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")  # no way out by keyboard
    Config.set("kivy", "keyboard_mode", "")
    Config.set("kivy", "log_level", "warning")
    Config.set("graphics", "maxfps", str(ACTIVE_FPS))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    # A touchscreen: no right-click red dots (multitouch emulation) and no stray providers.
    Config.set("input", "mouse", "mouse,disable_multitouch")
    for name in list(Config.options("input")):
        if name != "mouse":
            Config.remove_option("input", name)
