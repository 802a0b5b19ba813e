"""``python -m hardware``: watch the power controller, simulate one, or size a bench.

    python -m hardware monitor /dev/ttyUSB0 [/dev/ttyUSB1 ...] [--json] [--commands PORT]
    python -m hardware simulate [--speed N] [--weather sunny|cloudy|dark] [--fault KIND] ...
    python -m hardware demo [--speed N]      # a simulated controller watched by the monitor
    python -m hardware sizing --municipality NAME --dark-days N [--profile FILE]

The simulator and the sizing need pvlib (the ``simulation`` extra); ``monitor`` does not.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from typing import Callable, TextIO

from hardware.climate import TOWNS, WEATHERS, town
from hardware.commands import SWITCHABLE_PORTS
from hardware.link import LinkError, PowerMonitor
from hardware.profiles import ProfileError, load_profile
from hardware.simulator import FAULTS, UNPLUG_S, BenchModel, FaultPlan, PtySimulator
from hardware.sizing import report, size
from hardware.status import PowerStatus

log = logging.getLogger("hardware")

TABLE_REFRESH_S = 0.5
STALE_S = 5.0  # a value older than this is flagged on the table (the controller sends every 1 s)


class UsageError(Exception):
    """A mistake on the command line: reported in one line, exit status 2."""


def _stop_cleanly_on_signals() -> None:
    # SIGTERM ends the program the way Ctrl-C does: cleanly, exit status 0. SIGINT is set too,
    # because a shell starting us in the background (``&``) hands it over ignored.
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _wait_for_interrupt(every_s: float, tick: Callable[[], None] | None = None) -> None:
    try:
        while True:
            time.sleep(every_s)
            if tick is not None:
                tick()
    except KeyboardInterrupt:
        pass


# --- monitor ------------------------------------------------------------------------------------

def check_port(port: str) -> None:
    """Refuse at start a port that is not there; one that goes away later is waited for."""
    if "://" in port:
        return
    if not os.path.exists(port):
        raise UsageError(f"no such serial port: {port}")
    if not os.access(port, os.R_OK | os.W_OK):
        raise UsageError(f"no permission to open {port} (is the user in the dialout group?)")


def _text(value: object, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "--"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    if isinstance(value, list):
        return ",".join(value) or "none"
    return f"{value}{unit}"


def render_table(status: PowerStatus, now: float) -> list[str]:
    """The maintainer's live table, one string per line."""
    values = status.to_dict()

    def age(*keys: str) -> str:
        ages = [a for a in (status.age(key, now) for key in keys) if a is not None]
        if not ages:
            return "no data yet"
        oldest = max(ages)
        return f"STALE {oldest:.0f} s" if oldest > STALE_S else f"{oldest:.1f} s ago"

    lines = [
        f"Battery  {_text(status.battery_v, ' V'):>9}  {_text(status.battery_a, ' A'):>9}  "
        f"SOC {_text(status.soc_pct, ' %', 1):>7}  temp {_text(values['battery_temp_c'], ' °C', 1)}"
        f"   [{age('battery_v', 'battery_a')}]",
        f"Solar    {_text(status.solar_v, ' V'):>9}  {_text(status.solar_w, ' W', 0):>9}  "
        f"charge {_text(status.charge_state)}  mppt {_text(values['mppt'])}  "
        f"error {status.error or 'none'}"
        + (f"  off: {_text(values['off_reasons'])}" if values["off_reasons"] else "")
        + f"   [{age('solar_w', 'charge_state')}]",
        f"Load     {_text(status.load_on):>9}  {_text(values['load_a'], ' A'):>9}  "
        f"light {_text(values['light_on'])}  door {_text(values['door'])}  "
        f"enclosure {_text(values['enclosure_temp_c'], ' °C', 1)}   [{age('load_on')}]",
        f"Yield    today {_text(values['yield_today_kwh'], ' kWh')} "
        f"(max {_text(values['max_power_today_w'], ' W', 0)})  "
        f"yesterday {_text(values['yield_yesterday_kwh'], ' kWh')}  "
        f"total {_text(values['yield_total_kwh'], ' kWh')}",
    ]
    ports = status.ports
    cells = [f"{name:<5} {_text(ports[name].state) if name in ports else '--':<5} "
             f"{_text(ports[name].current_a, ' A') if name in ports else '':>7}"
             for name in SWITCHABLE_PORTS]
    for row in range(0, len(cells), 4):
        label = "Ports" if row == 0 else ""
        lines.append(f"{label:<9}" + "   ".join(cells[row:row + 4]))
    lines[-1] += f"   [{age(*SWITCHABLE_PORTS)}]"
    for index, link in enumerate(status.links.values()):
        last = "never" if link.last_block_at is None else f"{now - link.last_block_at:.1f} s ago"
        lines.append(
            f"{'Links' if index == 0 else '':<9}{link.name}  "
            f"{'connected' if link.connected else 'DISCONNECTED'}  ok {link.frames_ok}  "
            f"bad {link.frames_bad}  hex {link.hex_messages}  reconnects {link.reconnects}  "
            f"last block {last}{'  [commands]' if link.accepts_commands else ''}")
        if link.last_error and not link.connected:
            lines.append(f"{'':<9}  last error: {link.last_error}")
    return lines


def render_line(status: PowerStatus) -> str:
    """One line per block, for a log file or a pipe."""
    ports = " ".join(f"{name}={port.state}/{_text(port.current_a)}"
                     for name, port in status.ports.items())
    return (f"{time.strftime('%H:%M:%S')} V={_text(status.battery_v)} I={_text(status.battery_a)} "
            f"SOC={_text(status.soc_pct, '%', 1)} PV={_text(status.solar_v, 'V')}/"
            f"{_text(status.solar_w, 'W', 0)} CS={_text(status.charge_state)} "
            f"ERR={status.error or '-'} LOAD={_text(status.load_on)} {ports} "
            f"ok={status.frames_ok} bad={status.frames_bad}")


class _Output:
    """Writes whole lines to stdout from any thread; remembers a closed pipe instead of failing."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.closed = threading.Event()
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        if self.closed.is_set():
            return
        with self._lock:
            try:
                self.stream.write(text)
                self.stream.flush()
            except (BrokenPipeError, ValueError):
                self.closed.set()


def _read_commands(monitor: PowerMonitor, stream: TextIO) -> None:
    """Port commands typed by the maintainer: ``SET USB3 OFF`` or just ``USB3 off``."""
    for line in stream:
        words = line.upper().split()
        if words[:1] == ["SET"]:
            words = words[1:]
        if len(words) != 2 or words[0] not in SWITCHABLE_PORTS or words[1] not in ("ON", "OFF"):
            if words:
                print(f"not a command: {line.strip()!r} (try: USB3 off)", file=sys.stderr)
            continue
        try:
            monitor.set_port(words[0], words[1] == "ON")
        except LinkError as error:
            print(f"command not sent: {error}", file=sys.stderr)


def run_monitor(ports: list[str], *, as_json: bool = False, command_port: str | None = None,
                stream: TextIO = sys.stdout) -> int:
    """Watch ``ports`` until Ctrl-C or SIGTERM; returns the exit status."""
    output = _Output(stream)
    live_table = not as_json and stream.isatty()

    def on_status(status: PowerStatus) -> None:
        if as_json:
            output.write(json.dumps(status.to_dict(time.monotonic())) + "\n")
        elif not live_table:
            output.write(render_line(status) + "\n")

    def redraw() -> None:
        if output.closed.is_set():
            raise KeyboardInterrupt
        if live_table:
            lines = [f"Smart Bench power monitor   {time.strftime('%H:%M:%S')}   Ctrl-C quits"]
            lines += render_table(monitor.status(), time.monotonic())
            if command_port:
                lines.append("Type a command and Enter to switch a port, e.g.: USB3 off")
            # Home the cursor and overwrite in place: no flicker, no scrolling.
            output.write("\x1b[H" + "".join(f"{line}\x1b[K\n" for line in lines) + "\x1b[J")

    all_ports = list(dict.fromkeys(ports + ([command_port] if command_port else [])))
    monitor = PowerMonitor(all_ports, command_port=command_port, listener=on_status)
    if command_port:
        threading.Thread(target=_read_commands, args=(monitor, sys.stdin), daemon=True,
                         name="commands").start()
    if live_table:
        output.write("\x1b[?25l\x1b[2J")  # hide the cursor, clear the screen
    monitor.start()
    try:
        _wait_for_interrupt(TABLE_REFRESH_S, redraw)
    finally:
        monitor.close()
        if live_table:
            output.write("\x1b[?25h\n")
    if output.closed.is_set():
        # The reader went away (``| head``): point stdout at /dev/null so the exit flush is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    return 0


# --- simulate and demo --------------------------------------------------------------------------

def _start_simulator(args: argparse.Namespace) -> PtySimulator:
    try:
        profile = load_profile(args.profile)
        model = BenchModel(weather=args.weather, start_hour=args.start_hour, seed=args.seed,
                           municipality=args.municipality, day_of_year=args.day_of_year, profile=profile)
    except (ProfileError, ValueError) as error:
        raise UsageError(str(error)) from None
    faults = FaultPlan(tuple(args.fault), args.fault_rate, args.unplug_seconds)
    try:
        simulator = PtySimulator(model, speed=args.speed, link_path=args.link, faults=faults,
                                 seed=args.seed)
    except FileExistsError as error:
        raise UsageError(str(error)) from None
    return simulator.start()


def run_simulate(args: argparse.Namespace) -> int:
    if "unplug" in args.fault and not args.link:
        raise UsageError("--fault unplug needs --link PATH: every replug makes a new pty")
    simulator = _start_simulator(args)
    try:
        print(simulator.path, flush=True)
        _wait_for_interrupt(1.0)
    finally:
        simulator.stop()
    return 0


def run_demo(args: argparse.Namespace) -> int:
    simulator = _start_simulator(args)
    try:
        return run_monitor([simulator.path], as_json=args.json, command_port=simulator.path)
    finally:
        simulator.stop()


def run_sizing(args: argparse.Namespace) -> int:
    try:
        profile = load_profile(args.profile)
        where = town(args.municipality)
    except (ProfileError, ValueError) as error:
        raise UsageError(str(error)) from None
    print("\n".join(report(size(where, args.dark_days, profile))))
    return 0


# --- the command line ---------------------------------------------------------------------------

def _day_count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 30:
        raise argparse.ArgumentTypeError("must be 0-30")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _simulation_options(parser: argparse.ArgumentParser, *, speed: float) -> None:
    parser.add_argument("--speed", type=_positive, default=speed,
                        help=f"simulated seconds per real second (default {speed:g}); blocks are "
                             "sent at most 10 times a second, skipping simulated time between")
    parser.add_argument("--weather", choices=sorted(WEATHERS), default="sunny",
                        help="the kind of day (default sunny)")
    parser.add_argument("--start-hour", type=float, default=8.0, metavar="H",
                        help="simulated clock time to start at, 0-24 (default 8)")
    parser.add_argument("--seed", type=int, default=None,
                        help="random seed, for a repeatable day (default: random)")
    parser.add_argument("--link", metavar="PATH",
                        help="also make PATH a symlink to the pty (kept pointing at the new pty "
                             "after a simulated unplug); printed instead of the pty path")
    parser.add_argument("--fault", action="append", choices=FAULTS, default=[],
                        help="inject this line fault now and then (repeat for several)")
    parser.add_argument("--fault-rate", type=float, default=0.1, metavar="P",
                        help="chance of a fault per second of blocks (default 0.1)")
    parser.add_argument("--unplug-seconds", type=float, default=UNPLUG_S, metavar="S",
                        help=f"how long an unplug lasts (default {UNPLUG_S:g})")
    parser.add_argument("--municipality", default="Zavidovići", metavar="NAME",
                        help="the town whose sun and climate to simulate (default Zavidovići)")
    parser.add_argument("--day-of-year", type=int, default=135, metavar="N",
                        help="the calendar day of the simulation's first day, 1-365 (default 135, mid-May)")
    parser.add_argument("--profile", metavar="FILE", help="a hardware profile (default: the default bench)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hardware", description="The bench power controller: monitor or simulate it.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    monitor = commands.add_parser(
        "monitor", help="watch one or more controller ports",
        description="Read VE.Direct blocks from one or more serial ports (device paths or pyserial "
                    "URLs) and show the merged power status. Keeps running when an adapter is "
                    "unplugged, and picks it up again when it comes back.")
    monitor.add_argument("ports", nargs="+", metavar="PORT", help="serial device or pyserial URL")
    monitor.add_argument("--json", action="store_true",
                         help="print one JSON object per line for every block: the merged status")
    monitor.add_argument("--commands", metavar="PORT",
                         help="PORT is the bench port board and accepts commands: lines such as "
                              "'USB3 off' or 'SET USB3 OFF' read from stdin are sent to it")

    simulate = commands.add_parser(
        "simulate", help="run a simulated controller on a pseudo-terminal",
        description="Start a simulated bench power controller (Victron MPPT plus the bench port "
                    "board) on a pseudo-terminal. Prints the path to open on the first line of "
                    "stdout, then runs until Ctrl-C or SIGTERM.")
    _simulation_options(simulate, speed=1.0)

    demo = commands.add_parser(
        "demo", help="a simulated controller watched by the monitor",
        description="Start the simulated controller and show the live monitor on it; type "
                    "'USB3 off' and Enter to switch a port. Ctrl-C quits.")
    _simulation_options(demo, speed=60.0)
    demo.add_argument("--json", action="store_true", help="print JSON lines instead of the table")

    sizing = commands.add_parser(
        "sizing", help="the panel and battery a bench needs in a town",
        description="Print the panel (Wp, tilt) and battery (Ah, chemistry) a bench in MUNICIPALITY needs to "
                    "keep the kiosk available in daylight through N dark December days, and what the profile "
                    "achieves there. See docs/energy.md.")
    sizing.add_argument("--municipality", required=True, metavar="NAME",
                        help=f"one of: {', '.join(TOWNS)} (diacritics optional)")
    sizing.add_argument("--dark-days", type=_day_count, required=True, metavar="N",
                        help="dark (overcast, foggy) December days in a row to get through, 0-30")
    sizing.add_argument("--profile", metavar="FILE", help="a hardware profile (default: the default bench)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose or args.command == "simulate"
                        else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    _stop_cleanly_on_signals()
    try:
        if args.command == "monitor":
            for port in args.ports + ([args.commands] if args.commands else []):
                check_port(port)
            return run_monitor(args.ports, as_json=args.json, command_port=args.commands)
        if args.command == "simulate":
            return run_simulate(args)
        if args.command == "sizing":
            return run_sizing(args)
        return run_demo(args)
    except UsageError as error:
        parser.error(str(error))  # exits with status 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
