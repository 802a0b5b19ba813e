"""Kivy settings that must be in place before the Window exists: lock-down and a modest frame rate."""
from __future__ import annotations

import os

ACTIVE_FPS = 30


# Set before Kivy is first imported. Every Kivy setting the kiosk needs is made in code below, so
# Kivy reads and writes no config.ini (whose upgrade printed a warning on every fresh start) and
# keeps no log file of its own; its records go through the kiosk's logging, once (Kivy's own
# console handler printed every line a second time), from warnings up. The clipboard is SDL's
# (probing for xclip printed tracebacks; the X "cut buffer" Kivy also wants at every start is
# Debian's xsel, and Kivy's multitouch probe needs libmtdev1: see run.py). SDL leaves SIGTERM and
# SIGINT to Python: it would turn them into a window close, which the lock-down refuses
# (run_kiosk stops the App on them).
KIVY_ENVIRONMENT = {
    "KIVY_NO_ARGS": "1",
    "KIVY_NO_CONFIG": "1",
    "KIVY_NO_FILELOG": "1",
    "KIVY_LOG_MODE": "PYTHON",
    "KCFG_KIVY_LOG_LEVEL": "warning",
    "KIVY_CLIPBOARD": "sdl2",
    "SDL_NO_SIGNAL_HANDLERS": "1",
}


def configure_kivy(*, fullscreen: bool = True, size: tuple[int, int] = (1280, 800)) -> None:
    """Call before anything imports ``kivy.core.window``."""
    for name, value in KIVY_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")  # no way out by keyboard
    Config.set("kivy", "keyboard_mode", "")
    Config.set("graphics", "maxfps", str(ACTIVE_FPS))
    # No multisampling (Kivy asks for 2 samples by default): the kiosk draws upright rectangles and
    # text, which it does not smooth, and on a software renderer (Mesa llvmpipe) it more than
    # doubled every frame's time and cost ~100 MiB (benchmarks/kiosk_app.py).
    Config.set("graphics", "multisamples", "0")
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
