"""The kiosk as the service manager runs it: a real ``python -m kiosk`` process, offscreen, with a
simulated controller on a pseudo-terminal. It starts without a traceback or a warning, logs each
event once, and SIGTERM stops it cleanly (exit 0 within seconds, its store intact)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hardware.simulator import BenchModel, PtySimulator

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(90)


def wait_for_line(path: Path, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = path.read_text(encoding="utf-8", errors="replace")
        if text in log:
            return log
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not logged in {timeout} s:\n{path.read_text()[-3000:]}")


def test_a_kiosk_process_starts_quietly_logs_once_and_stops_on_sigterm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with PtySimulator(BenchModel(seed=2, start_hour=12), link_path=str(tmp_path / "bench-power")) as simulator:
        # A fresh Kivy home, as on a bench's first start: no config.ini to upgrade.
        env = {name: value for name, value in os.environ.items()
               if not name.startswith(("SMART_BENCH_", "KIVY_", "KCFG_"))}
        env.update(SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"), PYTHONPATH=str(ROOT),
                   SMART_BENCH_DATA_DIR=str(data), SMART_BENCH_SERIAL_PORTS=simulator.path)
        stderr = tmp_path / "stderr.txt"
        with stderr.open("w") as sink:
            process = subprocess.Popen([sys.executable, "-m", "kiosk", "--window"], cwd=ROOT, env=env,
                                       stdout=subprocess.DEVNULL, stderr=sink)
        try:
            wait_for_line(stderr, "first frame drawn", 60)
            wait_for_line(stderr, ": connected", 10)
            time.sleep(1.5)  # a few blocks from the controller, the power refresh
            process.send_signal(signal.SIGTERM)
            stopped_at = time.monotonic()
            status = process.wait(10)
            took = time.monotonic() - stopped_at
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    log = stderr.read_text(encoding="utf-8")
    lines = log.splitlines()
    assert status == 0 and took < 5, (status, took, log[-3000:])
    assert "Traceback" not in log and not [line for line in lines if line.startswith(("WARNING", "ERROR", "CRITICAL"))], log
    # One line per event: the link connected once, the window came up once (Kivy's own console
    # handler printed each line a second time).
    assert sum(line.endswith(": connected") for line in lines) == 1, log
    assert sum("first frame drawn" in line for line in lines) == 1, log
    assert lines[-1] == "INFO kiosk.composition: stopping: SIGTERM", log
    with sqlite3.connect(data / "bench.sqlite3") as store:
        assert store.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not list((tmp_path / "kivy").glob("config.ini")), "no Kivy config file is written"


# Run as ``python -m kiosk --window`` is, with a look at what is loaded as the first frame is
# logged (the log line is written as that frame is drawn).
FIRST_FRAME_PROBE = """
import logging, runpy, sys
LATER = ("sqlite_utils", "requests", "urllib.request", "importlib.metadata", "cryptography")

class AtFirstFrame(logging.Filter):
    def filter(self, record):
        if "first frame drawn" in record.getMessage():
            print("loaded at the first frame:", [name for name in LATER if name in sys.modules], file=sys.__stderr__)
        return True

logging.getLogger("kiosk.composition").addFilter(AtFirstFrame())
sys.argv = ["kiosk", "--window"]
runpy.run_module("kiosk", run_name="__main__", alter_sys=True)
"""


def test_the_first_frame_waits_for_neither_the_store_nor_the_network(tmp_path: Path) -> None:
    """The start screen is drawn before the store's library, the HTTP stack, the version lookup
    and the signature library are loaded (0.1-0.2 s of a start); the store opens right after."""
    data = tmp_path / "data"
    env = {name: value for name, value in os.environ.items() if not name.startswith(("SMART_BENCH_", "KIVY_"))}
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"), PYTHONPATH=str(ROOT),
               SMART_BENCH_DATA_DIR=str(data), SMART_BENCH_SERVER_URL="http://127.0.0.1:9",
               SMART_BENCH_TOKEN="t" * 32)
    stderr = tmp_path / "stderr.txt"
    with stderr.open("w") as sink:
        process = subprocess.Popen([sys.executable, "-c", FIRST_FRAME_PROBE], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=sink)
    try:
        log = wait_for_line(stderr, "loaded at the first frame:", 60)
        deadline = time.monotonic() + 10
        while not (data / "bench.sqlite3").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        opened = (data / "bench.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        status = process.wait(10)
    assert "loaded at the first frame: []" in log, log
    assert opened, "the store is opened after the first frame"
    assert status == 0, stderr.read_text()[-3000:]
