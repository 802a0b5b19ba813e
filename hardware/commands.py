"""Commands to the bench's port board: one ASCII line each, both ways (encode for the link, parse
for the simulator or the board's firmware tests). The grammar is in ``docs/protocol.md``.

    SET <PORT> <ON|OFF>                         a charging port, the light or the router
    DIM LIGHT <0-100>                           the light's level while it is on
    CHARGE MIN_TEMP <0.1 °C | OFF>              the board keeps the charger off below this
    HIBERNATE <grace s> <wake after s> <resume mV>
"""
from __future__ import annotations

from typing import NamedTuple

from hardware.protocol import CHARGING_PORTS

# Ports the port board switches with "SET <PORT> <ON|OFF>".
SWITCHABLE_PORTS: tuple[str, ...] = CHARGING_PORTS + ("LIGHT", "ROUTER")
MAX_HIBERNATE_S = 7 * 86_400  # a wake time beyond a week is a mistake, not a plan


class SetPort(NamedTuple):
    port: str
    on: bool

    def line(self) -> str:
        return f"SET {self.port} {'ON' if self.on else 'OFF'}"


class DimLight(NamedTuple):
    percent: int

    def line(self) -> str:
        return f"DIM LIGHT {self.percent}"


class ChargeMinTemp(NamedTuple):
    """The board's cold lock-out: charging stays off while TBAT is below ``celsius`` and resumes
    1 °C above it (the board enforces it on its own, also while the computer hibernates)."""

    celsius: float | None  # None: no limit (lead-acid)

    def line(self) -> str:
        return f"CHARGE MIN_TEMP {'OFF' if self.celsius is None else round(self.celsius * 10)}"


class Hibernate(NamedTuple):
    """After ``grace_s`` the board cuts the computer, screen, router and charging ports; it powers
    them again after ``wake_after_s`` (counted from the command) or once the battery has held
    ``resume_mv`` for ten minutes, whichever comes first."""

    grace_s: int
    wake_after_s: int
    resume_mv: int

    def line(self) -> str:
        return f"HIBERNATE {self.grace_s} {self.wake_after_s} {self.resume_mv}"


Command = SetPort | DimLight | ChargeMinTemp | Hibernate


def encode(command: Command) -> bytes:
    """The command's line, validated: a bad value raises ValueError and nothing is sent."""
    check(command)
    return (command.line() + "\n").encode("ascii")


def check(command: Command) -> None:
    if isinstance(command, SetPort) and command.port not in SWITCHABLE_PORTS:
        raise ValueError(f"unknown port {command.port!r}; switchable ports are {', '.join(SWITCHABLE_PORTS)}")
    if isinstance(command, DimLight) and not 0 <= command.percent <= 100:
        raise ValueError(f"light level {command.percent} is not 0-100")
    if isinstance(command, ChargeMinTemp) and command.celsius is not None and not -40 <= command.celsius <= 60:
        raise ValueError(f"charge temperature limit {command.celsius} °C is out of range")
    if isinstance(command, Hibernate) and not (0 <= command.grace_s <= 600 and command.grace_s < command.wake_after_s
                                               <= MAX_HIBERNATE_S and 9000 <= command.resume_mv <= 16000):
        raise ValueError(f"impossible hibernation {command.line()!r}")


def parse(line: bytes) -> Command | None:
    """The command on one line (without its ``\\n``), or None for anything else."""
    words = line.decode("ascii", "replace").split()
    try:
        command = _parse_words(words)
        if command is not None:
            check(command)
        return command
    except ValueError:
        return None


def _parse_words(words: list[str]) -> Command | None:
    match words:
        case ["SET", port, ("ON" | "OFF") as state] if port in SWITCHABLE_PORTS:
            return SetPort(port, state == "ON")
        case ["DIM", "LIGHT", percent] if percent.isdigit():
            return DimLight(int(percent))
        case ["CHARGE", "MIN_TEMP", "OFF"]:
            return ChargeMinTemp(None)
        case ["CHARGE", "MIN_TEMP", tenths]:
            return ChargeMinTemp(int(tenths) / 10)
        case ["HIBERNATE", grace, wake, resume]:
            return Hibernate(int(grace), int(wake), int(resume))
    return None
