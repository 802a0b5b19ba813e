"""The simulated controller: a believable solar day, and a pty that speaks VE.Direct and obeys SET."""
from __future__ import annotations

import logging
import os
import time
from typing import Callable

import pytest
import serial

from hardware.commands import ChargeMinTemp, DimLight, Hibernate, SetPort
from hardware.protocol import BlockParser
from hardware.simulator import BenchModel, FaultPlan, PtySimulator, parse_command, simulate_days

pytestmark = pytest.mark.timeout(30)

CS_OFF, CS_BULK, CS_ABSORPTION, CS_FLOAT = "0", "3", "4", "5"


def hourly(weathers: list[str], *, dark_screen: bool = False, **options) -> list[tuple[float, dict[str, str]]]:
    """(hour since the start, merged fields) once an hour of simulated time; with ``dark_screen``
    the kiosk blanks its screen between visitors, as the energy policy would."""
    samples = []
    for model, (mppt, board) in simulate_days(weathers, step_s=60, **options):
        model.set_screen(100, dark_screen)
        if model.time_s % 3600 == 0:
            samples.append((model.time_s / 3600, {**mppt, **board}))
    return samples


def test_a_sunny_day_charges_bulk_absorption_float_and_sleeps_at_night() -> None:
    day = hourly(["sunny"], soc=0.75)  # a May day on a panel tilted for December: it fills from 75 %
    # Absorption is short on a battery that takes charge well until nearly full: look minute by minute.
    states = [mppt["CS"] for _, (mppt, _) in simulate_days(["sunny"], soc=0.75)]
    night = [fields for hour, fields in day if hour < 4 or hour > 21]
    noon = [fields for hour, fields in day if 11 <= hour <= 14]
    assert all(f["CS"] == CS_OFF and f["PPV"] == "0" and f["LIGHT"] == "ON" for f in night)
    assert all(int(f["PPV"]) > 20 and f["LIGHT"] == "OFF" for f in noon)
    first = {state: states.index(state) for state in (CS_BULK, CS_ABSORPTION, CS_FLOAT)}
    assert first[CS_BULK] < first[CS_ABSORPTION] < first[CS_FLOAT]
    # Charging in the day, discharging at night, and always a 12 V battery.
    assert max(int(f["I"]) for _, f in day) > 5000 and all(int(f["I"]) < 0 for f in night)
    # (Absorption is temperature-compensated: a 14 °C battery is charged to about 14.6 V.)
    assert all(11_000 < int(f["V"]) <= 14_700 for _, f in day)
    assert int(day[-1][1]["SOC"]) > 500
    assert int(day[-1][1]["H22"]) > 50  # over 0.5 kWh harvested (H20 rolled over to H22)


def test_a_week_of_weather_runs_fast_and_dark_days_drain_the_battery() -> None:
    started = time.monotonic()
    week = hourly(["sunny", "sunny", "dark", "dark", "dark", "cloudy", "sunny"], seed=7, soc=0.5, dark_screen=True)
    assert time.monotonic() - started < 10  # pvlib's sun for the seven days included
    # Index d: the end of day d.
    soc_at_midnight = [int(fields["SOC"]) for hour, fields in week if hour % 24 == 0]
    yesterday = [int(fields["H22"]) for hour, fields in week if hour % 24 == 0]
    assert soc_at_midnight[1] > soc_at_midnight[2] > soc_at_midnight[3] > soc_at_midnight[4]
    assert yesterday[1] > 3 * yesterday[3]  # a sunny day yields far more than a dark one
    assert soc_at_midnight[6] > soc_at_midnight[4] + 300  # the sunny day recovers


def test_an_empty_battery_cuts_the_load_output_until_it_recovers() -> None:
    week = hourly(["dark"] * 4, soc=0.15, seed=1)
    cut = [hour for hour, fields in week if fields["LOAD"] == "OFF"]
    assert cut, "the low-voltage disconnect never tripped"
    off = dict(week)[cut[0]]
    assert off["IL"] == "0" and off["LIGHT"] == "OFF"
    assert all(off[f"USB{n}_I"] == "0" for n in range(1, 9))


def test_phones_come_and_go_on_the_usb_ports() -> None:
    model = BenchModel(start_hour=8, seed=3, plug_ins_per_hour=1.0)
    currents: dict[str, list[int]] = {}
    for _ in range(12 * 60):  # twelve hours, a block a minute
        _, board = model.step(60)
        for n in range(1, 9):
            currents.setdefault(f"USB{n}", []).append(int(board[f"USB{n}_I"]))
    busy = [port for port, series in currents.items() if max(series) > 0]
    assert len(busy) >= 6
    for series in currents.values():
        assert all(0 <= milliamps <= 2100 for milliamps in series)
        # Sessions end: a port is not busy the whole time.
        assert 0 in series


def test_the_same_seed_gives_the_same_day() -> None:
    def run() -> list[dict[str, str]]:
        model = BenchModel(weather="cloudy", seed=42)
        return [block for _ in range(200) for block in model.step(30)]

    assert run() == run()


def test_switching_a_port_off_stops_its_current_and_shows_off() -> None:
    model = BenchModel(start_hour=10, seed=5, plug_ins_per_hour=50)
    model.step(600)
    charging = [port for port in model.ports if model.port_current_a(port) > 0]
    assert charging
    model.set_port(charging[0], False)
    _, board = model.step(1)
    assert board[charging[0]] == "OFF" and board[f"{charging[0]}_I"] == "0"
    model.set_port("LIGHT", True)
    assert model.step(1)[1]["LIGHT"] == "ON"  # a command overrides the twilight switch


@pytest.mark.parametrize("line, expected", [
    (b"SET USB3 OFF", ("USB3", False)),
    (b"SET QI2 ON", ("QI2", True)),
    (b"SET LIGHT ON", ("LIGHT", True)),
    (b"SET USB9 ON", None),
    (b"SET USB3 MAYBE", None),
    (b"set usb3 off", None),
    (b"SET USB3", None),
    (b"\xff\xfe", None),
])
def test_only_well_formed_commands_are_understood(line: bytes, expected) -> None:
    assert parse_command(line) == expected


# --- through a real pseudo-terminal -----------------------------------------------------------

def read_blocks(port: serial.Serial, parser: BlockParser, until: Callable[[dict[str, str]], bool],
                timeout: float = 5.0) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for block in parser.feed(port.read(max(1, port.in_waiting))):
            if until(dict(block.fields)):
                return dict(block.fields)
    raise AssertionError("no such block arrived in time")


def test_the_pty_sends_an_mppt_block_and_a_port_board_block_each_tick() -> None:
    with PtySimulator(BenchModel(seed=1), speed=10) as simulator:
        with serial.Serial(simulator.path, 19200, timeout=0.2) as port:
            parser = BlockParser()
            mppt = read_blocks(port, parser, lambda fields: "PID" in fields)
            board = read_blocks(port, parser, lambda fields: "USB1" in fields)
    assert {"PID", "FW", "SER#", "V", "I", "VPV", "PPV", "CS", "ERR", "LOAD", "IL",
            "H19", "H20", "H21", "H22", "H23"} <= set(mppt)
    assert {"SOC", "LIGHT", "TBAT", "TENC", "DOOR", "QI1", "QI2", "QI2_I", "USB8_I"} <= set(board)
    assert parser.blocks_bad == 0


def test_a_set_command_on_the_pty_shows_in_the_next_block_and_junk_is_ignored(caplog) -> None:
    caplog.set_level(logging.INFO, logger="hardware.simulator")
    with PtySimulator(BenchModel(seed=1), speed=10) as simulator:
        with serial.Serial(simulator.path, 19200, timeout=0.2) as port:
            parser = BlockParser()
            read_blocks(port, parser, lambda fields: fields.get("USB3") == "ON")
            port.write(b"HELLO\nSET USB9 OFF\nSET USB3 OFF\n")
            board = read_blocks(port, parser, lambda fields: "USB3" in fields)
            assert board["USB3"] == "OFF" and board["USB3_I"] == "0"
            assert board["USB4"] == "ON"
    assert "ignored malformed command b'HELLO'" in caplog.text
    assert "ignored malformed command b'SET USB9 OFF'" in caplog.text


@pytest.mark.parametrize("fault", ["bad-checksum", "truncate"])
def test_corrupting_faults_cost_blocks_but_never_deliver_wrong_ones(fault: str) -> None:
    faults = FaultPlan((fault,), rate=0.5)
    with PtySimulator(BenchModel(seed=2), speed=10, faults=faults, seed=2) as simulator:
        with serial.Serial(simulator.path, 19200, timeout=0.2) as port:
            parser, deadline = BlockParser(), time.monotonic() + 1.2
            good = []
            while time.monotonic() < deadline:
                good += parser.feed(port.read(max(1, port.in_waiting)))
    assert parser.blocks_bad >= 2
    assert len(good) >= 10
    assert all("V" in b.fields or "USB1" in b.fields for b in good)


def test_silence_makes_the_controller_go_quiet_for_seconds() -> None:
    with PtySimulator(BenchModel(seed=3), speed=10, faults=FaultPlan(("silence",), rate=0.2),
                      seed=3) as simulator:
        with serial.Serial(simulator.path, 19200, timeout=0.1) as port:
            parser, started, arrivals = BlockParser(), time.monotonic(), []
            while time.monotonic() - started < 3.5:
                if parser.feed(port.read(max(1, port.in_waiting))):
                    arrivals.append(time.monotonic())
    moments = [started, *arrivals, time.monotonic()]
    gaps = [later - earlier for earlier, later in zip(moments, moments[1:])]
    assert arrivals and max(gaps) >= 1.5
    assert min(gaps) < 0.3  # and otherwise it talks at its usual pace


def test_unplugging_breaks_the_open_port_and_a_new_pty_appears_at_the_symlink(tmp_path) -> None:
    link = str(tmp_path / "bench-power")
    with PtySimulator(BenchModel(seed=4), speed=10, link_path=link) as simulator:
        port = serial.Serial(link, 19200, timeout=0.2)
        read_blocks(port, BlockParser(), lambda fields: True)
        simulator.unplug(0.3)
        with pytest.raises(serial.SerialException):
            for _ in range(20):
                port.read(100)
        port.close()
        assert simulator.plugged.wait(3)
        with serial.Serial(link, 19200, timeout=0.2) as port:
            read_blocks(port, BlockParser(), lambda fields: "V" in fields)
    assert not os.path.lexists(link)  # stop() removes its symlink


# --- the port board's new commands and the honest model ----------------------------------------

def test_hibernate_cuts_computer_screen_router_and_ports_after_the_grace_and_wakes_on_time() -> None:
    model = BenchModel(start_hour=20, seed=6, day_of_year=345, municipality="Mostar", plug_ins_per_hour=20)
    model.step(600)
    model.apply(Hibernate(60, 3600, 16_000))
    _, board = model.step(30)
    assert board["HIB"] == "PENDING" and model.computer_on
    _, board = model.step(60)
    assert board["HIB"] == "ON" and not model.computer_on and board["ROUTER"] == "OFF"
    assert all(board[f"USB{n}"] == "OFF" for n in range(1, 9)) and int(board["WAKE"]) <= 3510
    assert model.load_w == pytest.approx(model.profile.light_w * model.light_level / 100 if model.light_on else 0.0)
    for _ in range(60):
        _, board = model.step(60)
    assert model.computer_on and board["HIB"] == "OFF" and board["WAKE"] == "---" and board["USB1"] == "ON"
    assert model.counters.hibernations == 1 and model.counters.uncontrolled_cuts == 0


def test_hibernation_ends_early_once_the_battery_holds_the_resume_voltage() -> None:
    model = BenchModel(start_hour=10, seed=6, weather="sunny", soc=0.97, day_of_year=135)
    model.apply(Hibernate(0, 6 * 3600, 13_500))
    for _ in range(30):
        model.step(60)
    assert model.computer_on  # the charger held it above 13.5 V for ten minutes


def test_the_cold_lockout_keeps_the_charger_off_below_its_limit() -> None:
    model = BenchModel(start_hour=11, seed=2, weather="sunny", soc=0.4, day_of_year=135)
    model.battery_temp_c = -3.0
    model.apply(ChargeMinTemp(0.0))
    mppt, board = model.step(60)
    assert board["CHG"] == "COLD" and mppt["CS"] == "0" and mppt["OR"] == "0x00000008" and int(mppt["I"]) < 0
    model.battery_temp_c = 0.5
    assert model.step(60)[1]["CHG"] == "COLD"  # 1 °C of hysteresis
    model.battery_temp_c = 1.2
    mppt, board = model.step(60)
    assert board["CHG"] == "ON" and mppt["CS"] != "0"


def test_dimming_the_light_and_the_router_change_what_the_bench_draws() -> None:
    model = BenchModel(start_hour=22, seed=3, day_of_year=345, plug_ins_per_hour=0)
    model.step(60)
    full = model.load_w
    model.apply(DimLight(40))
    model.apply(SetPort("ROUTER", False))
    _, board = model.step(60)
    assert board["LDIM"] == "40" and board["ROUTER"] == "OFF"
    assert full - model.load_w == pytest.approx(0.6 * model.profile.light_w + model.profile.router_w, abs=0.01)


def test_the_screen_costs_what_the_kiosk_makes_of_it() -> None:
    model = BenchModel(start_hour=3, seed=3, day_of_year=345, plug_ins_per_hour=0, visitors_per_hour=0)
    model.step(60)
    lit = model.load_w
    model.set_screen(100, dark_when_idle=True)
    model.step(60)
    assert lit - model.load_w == pytest.approx(model.profile.screen_max_w - model.profile.screen_dark_w)


def test_december_in_the_north_is_short_and_weak_and_may_in_the_south_is_long() -> None:
    def yield_and_light(**options) -> tuple[float, float]:
        model = BenchModel(start_hour=0, seed=1, weather="cloudy", **options)
        model.set_screen(100, True)
        for _ in model.run(86_400):
            pass
        return model.counters.harvest_wh, model.sun.sunset_h - model.sun.sunrise_h

    december, december_day = yield_and_light(municipality="Prijedor", day_of_year=350)
    may, may_day = yield_and_light(municipality="Trebinje", day_of_year=140)
    assert 8.4 < december_day < 9.0 and 14.5 < may_day < 15.5
    assert may > 2 * december


def test_a_shunt_sends_its_own_block_and_a_gaugeless_board_no_soc() -> None:
    with_shunt = BenchModel(seed=1, soc_source="shunt").blocks()
    assert len(with_shunt) == 3 and {"SOC", "CE", "TTG", "V", "I"} <= set(with_shunt[2])
    assert "SOC" not in with_shunt[1]
    assert all("SOC" not in block for block in BenchModel(seed=1, soc_source="none").blocks())
