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
