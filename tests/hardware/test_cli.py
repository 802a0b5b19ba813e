"""``python -m hardware`` as a user runs it: real processes, real pseudo-terminals."""
from __future__ import annotations

import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
import tty
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from hardware.__main__ import render_table
from hardware.simulator import BenchModel, PtySimulator
from hardware.status import LinkStats, PowerStatus

pytestmark = pytest.mark.timeout(30)

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_KEYS = {"battery_v", "battery_a", "solar_v", "solar_w", "charge_state", "error",
                 "soc_pct", "load_on", "ports", "frames_ok", "frames_bad"}
PORTS = [f"USB{n}" for n in range(1, 9)] + ["QI1", "QI2"]


class Program:
    """``python -m hardware ...`` in the background, its stdout lines gathered by a thread."""

    def __init__(self, *args: str, stdin: int | None = subprocess.DEVNULL) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hardware", *args], cwd=ROOT, stdin=stdin,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.monotonic(), line))

    def next_line(self, timeout: float = 5.0) -> tuple[float, str]:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output in {timeout} s; stderr: {self.stop()[1]}") from None

    def next_json(self, timeout: float = 5.0) -> tuple[float, dict[str, Any]]:
        at, line = self.next_line(timeout)
        return at, json.loads(line)

    def json_until(self, condition: Callable[[dict[str, Any]], bool],
                   timeout: float = 5.0) -> tuple[float, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            at, status = self.next_json(max(0.01, deadline - time.monotonic()))
            if condition(status):
                return at, status
            assert time.monotonic() < deadline, "the expected status never came"

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            self.process.wait(5)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self._reader.join(2)
        return self.process.returncode, self.process.stderr.read()


@pytest.fixture
def simulator(tmp_path) -> Iterator[PtySimulator]:
    with PtySimulator(BenchModel(seed=21, start_hour=12), speed=10,
                      link_path=str(tmp_path / "bench-power")) as simulator:
        yield simulator


def assert_contract(status: dict[str, Any]) -> None:
    assert CONTRACT_KEYS <= set(status)
    for key in ("battery_v", "battery_a", "solar_v", "solar_w", "soc_pct"):
        assert isinstance(status[key], float), key
    assert 11.0 < status["battery_v"] < 15.0 and 0.0 <= status["soc_pct"] <= 100.0
    assert status["charge_state"] in {"off", "bulk", "absorption", "float"}
    assert status["error"] is None
    assert isinstance(status["load_on"], bool)
    assert isinstance(status["frames_ok"], int) and isinstance(status["frames_bad"], int)
    assert set(PORTS) <= set(status["ports"])
    for port in PORTS:
        assert status["ports"][port]["state"] in {"on", "off", "fault"}
        assert isinstance(status["ports"][port]["current_a"], float)
        assert 0.0 <= status["ports"][port]["current_a"] < 3.0


def test_simulate_prints_its_pty_first_and_the_json_monitor_reads_it() -> None:
    simulate = Program("simulate", "--speed", "10", "--seed", "1")
    monitor = None
    try:
        _, path = simulate.next_line(10)
        path = path.strip()
        descriptor = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        assert os.isatty(descriptor)
        os.close(descriptor)
        monitor = Program("monitor", path, "--json")
        statuses = [monitor.next_json(10)[1] for _ in range(4)]
        assert_contract(statuses[-1])
        assert [s["frames_ok"] for s in statuses] == sorted(s["frames_ok"] for s in statuses)
    finally:
        results = [program.stop() for program in (monitor, simulate) if program]
    for returncode, stderr in results:
        assert returncode == 0 and "Traceback" not in stderr


def test_the_monitor_keeps_running_through_unplug_and_resumes_within_two_blocks(tmp_path) -> None:
    link = str(tmp_path / "bench-power")
    # Speed 1: one tick (an MPPT block and a port-board block) per second, like the real thing.
    with PtySimulator(BenchModel(seed=5), speed=1, link_path=link) as simulator:
        monitor = Program("monitor", link, "--json")
        try:
            monitor.next_json(10)
            simulator.unplug(0.6)
            assert simulator.plugged.wait(5)
            replugged_at = time.monotonic()
            at, status = monitor.json_until(lambda s: s["links"][link]["reconnects"] == 1)
            assert at - replugged_at < 2 * simulator.interval_s + 0.5
            assert_contract(status)
            monitor.next_json(3)  # and it goes on
        finally:
            returncode, stderr = monitor.stop()
    assert returncode == 0 and "Traceback" not in stderr


def test_commands_typed_into_the_monitor_switch_a_port(simulator) -> None:
    monitor = Program("monitor", simulator.path, "--json", "--commands", simulator.path,
                      stdin=subprocess.PIPE)
    try:
        monitor.json_until(lambda s: s["ports"].get("USB3", {}).get("state") == "on")
        monitor.process.stdin.write("USB3 off\n")
        monitor.process.stdin.flush()
        _, status = monitor.json_until(lambda s: s["ports"]["USB3"]["state"] == "off", timeout=3)
        assert status["ports"]["USB3"]["current_a"] == 0.0
        assert status["links"][simulator.path]["accepts_commands"] is True
    finally:
        returncode, _ = monitor.stop(signal.SIGTERM)
    assert returncode == 0


def test_a_port_that_does_not_exist_is_a_clear_error(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "hardware", "monitor", str(tmp_path / "ttyUSB9")],
                            cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert f"no such serial port: {tmp_path / 'ttyUSB9'}" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_json_a_pipe_gets_one_readable_line_per_block(simulator) -> None:
    monitor = Program("monitor", simulator.path)
    try:
        _, line = monitor.next_line(10)
        _, line = monitor.next_line(5)
    finally:
        returncode, _ = monitor.stop()
    assert "V=" in line and "SOC=" in line and "USB1=" in line and "ok=" in line
    assert "\x1b[" not in line
    assert returncode == 0


def test_on_a_terminal_the_monitor_draws_a_live_table(simulator) -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    process = subprocess.Popen([sys.executable, "-m", "hardware", "monitor", simulator.path],
                               cwd=ROOT, stdin=subprocess.DEVNULL, stdout=slave,
                               stderr=subprocess.PIPE)
    os.close(slave)
    screen, deadline = b"", time.monotonic() + 10
    try:
        while screen.count(b"\x1b[H") < 3 and time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                screen += os.read(master, 65536)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(5) == 0
        os.close(master)
    last_frame = screen.split(b"\x1b[H")[-2].decode()  # the last complete redraw
    for word in ["Battery", "Solar", "charge", "SOC", "Load", "USB8", "QI2", "LIGHT", "connected"]:
        assert word in last_frame
    assert b"Traceback" not in process.stderr.read()


def test_demo_runs_a_simulated_bench_under_the_monitor_until_ctrl_c() -> None:
    demo = Program("demo", "--json", "--seed", "2")
    try:
        statuses = [demo.next_json(10)[1] for _ in range(6)]
    finally:
        returncode, stderr = demo.stop()
    assert_contract(statuses[-1])
    assert returncode == 0 and "Traceback" not in stderr


def test_the_table_flags_stale_values_and_a_lost_link() -> None:
    now = 1000.0
    status = (PowerStatus()
              .with_block("/dev/ttyUSB0", {"V": "12800", "I": "-500", "CS": "3"}, at=now - 30)
              .with_block("/dev/ttyUSB1", {"USB2": "FAULT", "USB2_I": "0"}, at=now - 0.5)
              .with_link(LinkStats("/dev/ttyUSB0", connected=False, frames_ok=7, frames_bad=1,
                                   last_block_at=now - 30, last_error="connection lost")))
    table = "\n".join(render_table(status, now))
    assert "12.80 V" in table and "-0.50 A" in table and "bulk" in table
    assert "STALE 30 s" in table
    assert "USB2  fault" in table and "QI2" in table
    assert "DISCONNECTED" in table and "connection lost" in table and "bad 1" in table


def test_help_explains_each_command() -> None:
    for command, words in [("monitor", ["--json", "--commands"]),
                           ("simulate", ["--speed", "--fault", "--link", "--weather"])]:
        result = subprocess.run([sys.executable, "-m", "hardware", command, "--help"], cwd=ROOT,
                                capture_output=True, text=True, timeout=20)
        assert result.returncode == 0
        assert all(word in result.stdout for word in words)
