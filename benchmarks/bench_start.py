"""The starts that benchmarks/kiosk_app.py times, each in a fresh process importing nothing of
that harness (its own imports would count as part of the start):

    python benchmarks/bench_start.py kiosk [ARGS]   the kiosk's own entry point: python -m kiosk ARGS
    python benchmarks/bench_start.py stock          a stock Kivy window: one label, Kivy's defaults

Both first make the modules a bench lacks unimportable, as a bench has only what
deploy/constraints-bench.txt installs (the harness names them in LACKS_VARIABLE), and both say
FIRST_FRAME on stderr as their first frame is drawn: the kiosk in its own log line, the stock
window in a line of its own. They run until stopped.
"""
from __future__ import annotations

import os
import runpy
import sys

LACKS_VARIABLE = "SMART_BENCH_BENCHMARK_LACKS"
FIRST_FRAME = "first frame drawn"  # in the kiosk's log line "kiosk up: first frame drawn"


def as_on_a_bench() -> None:
    """From here on, importing what a bench lacks fails as it would there. The harness names the
    modules: finding them takes 0.1 s, which is no part of a start."""
    for module in filter(None, os.environ.get(LACKS_VARIABLE, "").split(",")):
        sys.modules.setdefault(module, None)


def kiosk(args: list[str]) -> None:
    sys.argv = ["kiosk", *args]
    runpy.run_module("kiosk", run_name="__main__", alter_sys=True)


def stock_window() -> None:
    """One label, Kivy's own defaults (60 fps, no governor), the kiosk's window size."""
    from kivy.config import Config

    Config.set("graphics", "width", "1280")
    Config.set("graphics", "height", "800")
    from kivy.app import App
    from kivy.core.window import Window
    from kivy.graphics.opengl import glFinish
    from kivy.uix.label import Label

    def flipped(*_args: object) -> None:  # as the kiosk's kiosk.ui.frames.when_first_frame_drawn
        Window.unbind(on_flip=flipped)
        glFinish()
        print(FIRST_FRAME, file=sys.__stderr__, flush=True)  # Kivy took sys.stderr over for its log

    class Stock(App):
        def build(self) -> Label:
            Window.bind(on_flip=flipped)
            return Label(text="Smart Bench", font_size=48)

    Stock().run()


if __name__ == "__main__":
    as_on_a_bench()
    if sys.argv[1:2] == ["kiosk"]:
        kiosk(sys.argv[2:])
    elif sys.argv[1:] == ["stock"]:
        stock_window()
    else:
        sys.exit(__doc__)
