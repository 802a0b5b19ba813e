"""Port-board command lines: encoded for the link, parsed for the simulator, bad values refused."""
from __future__ import annotations

import pytest

from hardware.commands import ChargeMinTemp, DimLight, Hibernate, SetPort, encode, parse


@pytest.mark.parametrize("command, line", [
    (SetPort("USB3", False), b"SET USB3 OFF\n"),
    (SetPort("ROUTER", True), b"SET ROUTER ON\n"),
    (DimLight(40), b"DIM LIGHT 40\n"),
    (ChargeMinTemp(0.0), b"CHARGE MIN_TEMP 0\n"),
    (ChargeMinTemp(-2.5), b"CHARGE MIN_TEMP -25\n"),
    (ChargeMinTemp(None), b"CHARGE MIN_TEMP OFF\n"),
    (Hibernate(60, 50_400, 14_200), b"HIBERNATE 60 50400 14200\n"),
])
def test_every_command_encodes_to_its_line_and_parses_back(command, line: bytes) -> None:
    assert encode(command) == line
    assert parse(line.rstrip(b"\n")) == command


@pytest.mark.parametrize("command", [
    SetPort("USB9", True), DimLight(101), ChargeMinTemp(80.0),
    Hibernate(60, 30, 14_200),  # wakes before it sleeps
    Hibernate(60, 9 * 86_400, 14_200),  # beyond a week
    Hibernate(60, 3600, 20_000),  # no 12 V battery holds 20 V
])
def test_impossible_commands_are_refused_before_anything_is_sent(command) -> None:
    with pytest.raises(ValueError):
        encode(command)


@pytest.mark.parametrize("line", [b"DIM LIGHT -5", b"DIM LIGHT lots", b"HIBERNATE 60 abc 14200", b"CHARGE MAX_TEMP 0",
                                  b"HIBERNATE 60 3600", b"dim light 40", b"SET ROUTER MAYBE"])
def test_malformed_lines_parse_to_nothing(line: bytes) -> None:
    assert parse(line) is None
