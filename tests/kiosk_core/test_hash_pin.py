"""``python -m kiosk hash-pin`` on a real pseudo-terminal, as a maintainer types it: the PIN twice,
unechoed; it prints a config line the kiosk accepts and that opens diagnostics with that PIN only."""
from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

from kiosk.core.config import load_config
from kiosk.core.pin import check_pin

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 30


class Terminal:
    """``python -m kiosk hash-pin`` with a pseudo-terminal as its controlling terminal."""

    def __init__(self) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: getpass opens /dev/tty, which is now this pty
            os.chdir(ROOT)
            os.execv(sys.executable, [sys.executable, "-m", "kiosk", "hash-pin"])
        self.seen = b""

    def _read(self) -> bool:
        """Read what is there; False once the child has closed the terminal."""
        if not select.select([self.fd], [], [], 0.5)[0]:
            return True
        try:
            chunk = os.read(self.fd, 1024)
        except OSError:  # EIO: the child ended
            return False
        self.seen += chunk
        return bool(chunk)

    def read_until(self, text: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while text.encode() not in self.seen:
            assert time.monotonic() < deadline and self._read(), f"no {text!r} in {self.seen!r}"

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\n")

    def finish(self) -> tuple[int, str]:
        """The exit status and everything the terminal showed."""
        deadline = time.monotonic() + TIMEOUT_S
        while self._read():
            assert time.monotonic() < deadline, f"hash-pin did not end: {self.seen!r}"
        os.close(self.fd)
        return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1]), self.seen.decode(errors="replace")


def hash_pin(*typed: str) -> tuple[int, str]:
    terminal = Terminal()
    for prompt, line in zip(("Diagnostics PIN: ", "Again: "), typed):
        terminal.read_until(prompt)
        terminal.type(line)
    return terminal.finish()


def test_hash_pin_prints_a_config_line_for_that_pin(tmp_path: Path) -> None:
    status, shown = hash_pin("4711", "4711")
    assert status == 0, shown
    assert "4711" not in shown  # never echoed
    line = next(line for line in shown.splitlines() if line.startswith("diagnostics_pin_hash = "))
    config_file = tmp_path / "bench.toml"
    config_file.write_text(line + "\n", encoding="utf-8")
    stored = load_config(config_file, environ={}).diagnostics_pin_hash
    assert check_pin("4711", stored) and not check_pin("0000", stored)


def test_hash_pin_refuses_a_short_pin_and_two_different_ones() -> None:
    status, shown = hash_pin("12")
    assert status == 1 and "at least 4 digits" in shown and "diagnostics_pin_hash" not in shown
    status, shown = hash_pin("4711", "4712")
    assert status == 1 and "The two PINs differ." in shown and "diagnostics_pin_hash" not in shown
