"""A simulated bench power controller: a solar day model, and a pseudo-terminal that speaks it.

``BenchModel`` is pure (no I/O, no clock): ``step(dt)`` advances simulated time and returns the
blocks the controller would send, so a week of sunny, cloudy and dark days runs in well under a
second with ``simulate_days``. ``PtySimulator`` puts a model on a pseudo-terminal the way the real
hardware is wired: every simulated second it writes two VE.Direct blocks, one from the Victron MPPT
(``PID``/``FW``/``SER#``, battery, panel, charge state, load output, yields) and one from the
bench's port board (``SOC``, USB/Qi ports and their currents, ``LIGHT``, temperatures, ``DOOR``);
it answers ``SET <PORT> <ON|OFF>`` lines, and can inject line faults (noise, bad checksums,
truncated blocks, silence, unplugging the adapter).

The bench: a 200 Wp panel, a SmartSolar 75/15 charging a 12 V 100 Ah AGM battery (bulk at up to
15 A, absorption at 14.4 V, float at 13.8 V), and on the MPPT's load output the screen, the router,
the port board, eight USB ports, two Qi pads and the night light.
"""
from __future__ import annotations

import errno
import logging
import math
import os
import random
import select
import termios
import threading
import time
import tty
from dataclasses import dataclass
from typing import Iterator, Sequence

from hardware.protocol import encode_block
from hardware.status import SWITCHABLE_PORTS

log = logging.getLogger(__name__)

DAY_S = 86_400.0

# The battery: 12 V AGM, 100 Ah.
CAPACITY_AH = 100.0
V_ABSORPTION = 14.4
V_FLOAT = 13.8
V_REBULK = 13.2  # below this with sun up, the charger starts a new bulk phase
TAIL_A = 2.0  # absorption ends when the battery accepts less than this
ABSORPTION_MAX_S = 3 * 3600.0
R_DISCHARGE = 0.02  # ohm: voltage sag under load
CHARGE_EFFICIENCY = 0.9  # coulombic, lead-acid
LOAD_DISCONNECT_V = 11.8  # the MPPT's load output switches off below this ...
LOAD_RECONNECT_V = 12.6  # ... and back on above this

# The charger and the panel.
CHARGER_MAX_A = 15.0
CHARGER_EFFICIENCY = 0.97
PANEL_PEAK_W = 200.0
PANEL_VOC = 21.6
PANEL_VMP = 17.6
MIN_CHARGE_W = 2.0  # below this the charger sleeps (CS off, "no input power")

# The loads on the MPPT's load output, in watts at 12 V.
BASE_LOAD_W = 5.0 + 3.0 + 0.5  # screen, router, port board
LIGHT_W = 9.0
USB_VOLTS = 5.0
USB_EFFICIENCY = 0.88  # 12 V -> 5 V converters

CS_OFF, CS_BULK, CS_ABSORPTION, CS_FLOAT = 0, 3, 4, 5
CHARGING_PORTS = tuple(port for port in SWITCHABLE_PORTS if port != "LIGHT")


@dataclass(frozen=True)
class Weather:
    """How clouds treat the sun on one kind of day."""

    clearness: float  # fraction of clear-sky power between cloud dips
    dips_per_hour: float  # passing clouds
    dip_depth: tuple[float, float]  # fraction of power left under a passing cloud
    mean_temp_c: float


WEATHERS: dict[str, Weather] = {
    "sunny": Weather(1.0, 0.4, (0.35, 0.8), 22.0),
    "cloudy": Weather(0.5, 5.0, (0.15, 0.5), 15.0),
    "dark": Weather(0.1, 2.0, (0.3, 0.7), 6.0),
}


@dataclass
class _Session:
    """A phone (or a Qi device) charging on one port."""

    remaining_s: float
    duration_s: float
    peak_a: float

    def current_a(self) -> float:
        # Constant current for most of the session, then the phone tapers off as it fills.
        done = 1.0 - self.remaining_s / self.duration_s
        return self.peak_a if done < 0.6 else self.peak_a * max(0.1, (1.0 - done) / 0.4)


@dataclass
class _Port:
    on: bool = True
    fault_s: float = 0.0  # seconds of overcurrent lock-out left
    session: _Session | None = None

    @property
    def state(self) -> str:
        return "FAULT" if self.fault_s > 0 else ("ON" if self.on else "OFF")


class BenchModel:
    """The bench's solar, battery and loads in simulated time.

    ``weather`` is one of WEATHERS for every day, or a sequence of them, one per day (the last
    one repeats). Time starts at ``start_hour`` on day 0; ``day_of_year`` sets the day length
    (Bosnia and Herzegovina, about 44° N).
    """

    STEP_MAX_S = 60.0  # longer steps are integrated in pieces of this size

    def __init__(self, *, weather: str | Sequence[str] = "sunny", start_hour: float = 8.0,
                 seed: int | None = 0, day_of_year: int = 135, soc: float = 0.7,
                 plug_ins_per_hour: float = 0.3) -> None:
        schedule = [weather] if isinstance(weather, str) else list(weather)
        unknown = [name for name in schedule if name not in WEATHERS]
        if not schedule or unknown:
            raise ValueError(f"weather must be one of {sorted(WEATHERS)}, got {unknown or schedule}")
        self._schedule = schedule
        self._random = random.Random(seed)
        self.time_s = start_hour % 24 * 3600.0
        self.day_of_year = day_of_year
        self.plug_ins_per_hour = plug_ins_per_hour
        self.soc = soc
        self.battery_v = self._open_circuit_v()
        self.battery_a = 0.0
        self.solar_w = 0.0
        self.solar_v = 0.0
        self.charge_state = CS_OFF
        self.mppt_limited = False
        self.load_on = True
        self.load_w = 0.0
        self._was_daylight = self._is_daylight()
        self.light_on = not self._was_daylight
        self.door_open_s = 0.0
        self.battery_temp_c = WEATHERS[self.weather].mean_temp_c
        self.enclosure_temp_c = self.battery_temp_c
        self.ports = {port: _Port() for port in CHARGING_PORTS}
        self._cloud_s = 0.0  # seconds left of the passing cloud
        self._cloud_depth = 1.0
        self._absorption_s = 0.0
        self._yield_total_wh = 0.0
        self._yield_today_wh = 0.0
        self._max_w_today = 0.0
        self._yield_yesterday_wh = 0.0
        self._max_w_yesterday = 0.0
        self._serial = "HQ%02d%02d%05d" % (22, 44, self._random.randrange(100_000))

    # --- the world ----------------------------------------------------------------------------

    @property
    def day(self) -> int:
        return int(self.time_s // DAY_S)

    @property
    def hour(self) -> float:
        return self.time_s % DAY_S / 3600.0

    @property
    def weather(self) -> str:
        return self._schedule[min(self.day, len(self._schedule) - 1)]

    def _daylight_hours(self) -> tuple[float, float]:
        """Sunrise and sunset, local clock time, for this day of the year."""
        season = math.sin(2 * math.pi * (self.day_of_year + self.day - 80) / 365.0)
        half_day = (12.0 + 3.3 * season) / 2
        noon = 12.5  # central European time is about half an hour ahead of the sun here
        return noon - half_day, noon + half_day

    def _is_daylight(self) -> bool:
        sunrise, sunset = self._daylight_hours()
        return sunrise <= self.hour <= sunset

    def _clear_sky_fraction(self) -> float:
        sunrise, sunset = self._daylight_hours()
        if not sunrise < self.hour < sunset:
            return 0.0
        elevation = math.sin(math.pi * (self.hour - sunrise) / (sunset - sunrise))
        season = math.sin(2 * math.pi * (self.day_of_year + self.day - 80) / 365.0)
        return elevation ** 1.3 * (0.8 + 0.2 * season)

    def _step_clouds(self, dt: float) -> float:
        weather = WEATHERS[self.weather]
        if self._cloud_s > 0:
            self._cloud_s -= dt
        elif self._random.random() < weather.dips_per_hour * dt / 3600.0:
            self._cloud_s = self._random.uniform(60.0, 900.0)
            self._cloud_depth = self._random.uniform(*weather.dip_depth)
        dip = self._cloud_depth if self._cloud_s > 0 else 1.0
        return weather.clearness * dip * self._random.uniform(0.97, 1.0)

    # --- the loads ----------------------------------------------------------------------------

    def set_port(self, port: str, on: bool) -> None:
        """What the port board does on ``SET <PORT> <ON|OFF>``; switching a port resets a fault."""
        if port == "LIGHT":
            self.light_on = on
            return
        state = self.ports[port]  # KeyError for an unknown port
        state.on = on
        state.fault_s = 0.0

    def _step_ports(self, dt: float) -> None:
        busy_hours = 7.0 <= self.hour < 22.0
        for port, state in self.ports.items():
            state.fault_s = max(0.0, state.fault_s - dt)
            if state.session is not None:
                state.session.remaining_s -= dt
                if state.session.remaining_s <= 0:
                    state.session = None
                continue
            qi = port.startswith("QI")
            rate = self.plug_ins_per_hour * (1.0 if busy_hours else 0.05) * (0.5 if qi else 1.0)
            if self._random.random() < rate * dt / 3600.0:
                duration = self._random.uniform(20 * 60.0, 90 * 60.0)
                peak = self._random.uniform(0.9, 1.4) if qi else self._random.uniform(0.5, 2.1)
                state.session = _Session(duration, duration, peak)
                if self._random.random() < 0.01:  # a damaged cable trips the overcurrent guard
                    state.fault_s = 30 * 60.0

    def port_current_a(self, port: str) -> float:
        state = self.ports[port]
        if not (self.load_on and state.on and state.fault_s == 0 and state.session):
            return 0.0
        return state.session.current_a()

    def _step_light(self) -> None:
        # A twilight switch: it flips at dusk and dawn; a command overrides it until the next flip.
        daylight = self._is_daylight()
        if daylight != self._was_daylight:
            self.light_on = not daylight
        self._was_daylight = daylight

    def _load_w(self) -> float:
        if not self.load_on:
            return 0.0
        usb_w = sum(self.port_current_a(port) for port in self.ports) * USB_VOLTS / USB_EFFICIENCY
        return BASE_LOAD_W + (LIGHT_W if self.light_on else 0.0) + usb_w

    # --- charger and battery ------------------------------------------------------------------

    def _open_circuit_v(self) -> float:
        return 11.6 + 1.25 * self.soc  # AGM resting voltage, empty to full

    def _charge_resistance(self) -> float:
        # Lead-acid takes less current as it fills: the effective resistance climbs near full.
        return 0.03 * math.exp(12.0 * max(0.0, self.soc - 0.7))

    def _step_power(self, dt: float, available_w: float) -> None:
        load_w = self._load_w()
        self.load_w = load_w
        ocv = self._open_circuit_v()
        if available_w < MIN_CHARGE_W:
            self.charge_state, self.mppt_limited, used_w = CS_OFF, False, 0.0
            self.battery_a = -load_w / self.battery_v
        else:
            if self.charge_state == CS_OFF or (self.charge_state == CS_FLOAT
                                               and self.battery_v < V_REBULK):
                self.charge_state, self._absorption_s = CS_BULK, 0.0
            target_v = V_FLOAT if self.charge_state == CS_FLOAT else V_ABSORPTION
            accept_a = max(0.0, (target_v - ocv) / self._charge_resistance())
            wanted_w = load_w + accept_a * target_v
            offered_w = min(available_w * CHARGER_EFFICIENCY, CHARGER_MAX_A * self.battery_v)
            out_w = min(offered_w, wanted_w)
            self.mppt_limited = wanted_w < offered_w
            used_w = out_w / CHARGER_EFFICIENCY
            self.battery_a = (out_w - load_w) / self.battery_v
            if self.charge_state == CS_BULK and self.mppt_limited:
                self.charge_state = CS_ABSORPTION
            if self.charge_state == CS_ABSORPTION:
                self._absorption_s += dt
                if accept_a < TAIL_A or self._absorption_s > ABSORPTION_MAX_S:
                    self.charge_state = CS_FLOAT
        charging = self.battery_a > 0
        amp_hours = self.battery_a * dt / 3600.0 * (CHARGE_EFFICIENCY if charging else 1.0)
        self.soc = min(1.0, max(0.0, self.soc + amp_hours / CAPACITY_AH))
        ocv = self._open_circuit_v()
        if charging:
            target_v = V_FLOAT if self.charge_state == CS_FLOAT else V_ABSORPTION
            self.battery_v = min(target_v, ocv + self.battery_a * self._charge_resistance())
        else:
            self.battery_v = ocv + self.battery_a * R_DISCHARGE
        if self.load_on and self.battery_v < LOAD_DISCONNECT_V:
            self.load_on = False
        elif not self.load_on and self.battery_v > LOAD_RECONNECT_V:
            self.load_on = True
        self.solar_w = used_w
        self._step_panel_voltage(available_w, used_w)
        self._count_yield(dt, used_w)

    def _step_panel_voltage(self, available_w: float, used_w: float) -> None:
        if available_w < MIN_CHARGE_W:
            # Dawn and dusk: the unloaded panel's voltage rises quickly with the first light.
            self.solar_v = PANEL_VOC * min(1.0, available_w / MIN_CHARGE_W) * 0.9
        else:
            # A limited charger pulls less than the maximum power: the panel drifts towards Voc.
            unused = 1.0 - used_w / available_w
            self.solar_v = PANEL_VMP + (PANEL_VOC - PANEL_VMP) * max(0.0, unused)

    def _count_yield(self, dt: float, used_w: float) -> None:
        energy_wh = used_w * dt / 3600.0
        self._yield_total_wh += energy_wh
        self._yield_today_wh += energy_wh
        self._max_w_today = max(self._max_w_today, used_w)

    def _roll_over_day(self) -> None:
        self._yield_yesterday_wh, self._max_w_yesterday = self._yield_today_wh, self._max_w_today
        self._yield_today_wh = self._max_w_today = 0.0

    def _step_temperatures(self, dt: float, sun: float) -> None:
        ambient = WEATHERS[self.weather].mean_temp_c + 6.0 * math.sin(
            2 * math.pi * (self.hour - 9.0) / 24.0)
        enclosure_target = ambient + 12.0 * sun + 2.0
        self.enclosure_temp_c += (enclosure_target - self.enclosure_temp_c) * min(1.0, dt / 1800.0)
        self.battery_temp_c += (ambient + 1.0 - self.battery_temp_c) * min(1.0, dt / 10_800.0)

    def _step_door(self, dt: float) -> None:
        # Now and then a maintainer opens the cabinet during working hours.
        if self.door_open_s > 0:
            self.door_open_s = max(0.0, self.door_open_s - dt)
        elif 9.0 <= self.hour < 17.0 and self._random.random() < dt / (20 * 8 * 3600.0):
            self.door_open_s = self._random.uniform(300.0, 1200.0)

    # --- stepping -----------------------------------------------------------------------------

    def step(self, dt: float) -> list[dict[str, str]]:
        """Advance ``dt`` simulated seconds; return the blocks sent at the end of it."""
        while dt > 0:
            piece = min(dt, self.STEP_MAX_S)
            self._advance(piece)
            dt -= piece
        return self.blocks()

    def _advance(self, dt: float) -> None:
        day = self.day
        self.time_s += dt
        if self.day != day:
            self._roll_over_day()
        sun = self._clear_sky_fraction()
        available_w = PANEL_PEAK_W * sun * self._step_clouds(dt)
        self._step_ports(dt)
        self._step_light()
        self._step_power(dt, available_w)
        self._step_temperatures(dt, sun)
        self._step_door(dt)

    def run(self, duration_s: float, step_s: float = 60.0) -> Iterator[list[dict[str, str]]]:
        """Step through ``duration_s`` seconds, yielding the blocks after each step."""
        for _ in range(math.ceil(duration_s / step_s)):
            yield self.step(step_s)

    def blocks(self) -> list[dict[str, str]]:
        """The MPPT's block and the port board's block, as label -> raw value."""
        return [self.mppt_fields(), self.port_board_fields()]

    def mppt_fields(self) -> dict[str, str]:
        charging = self.charge_state != CS_OFF
        return {
            "PID": "0xA053",  # SmartSolar MPPT 75/15
            "FW": "164",
            "SER#": self._serial,
            "V": str(round(self.battery_v * 1000)),
            "I": str(round(self.battery_a * 1000)),
            "VPV": str(round(self.solar_v * 1000)),
            "PPV": str(round(self.solar_w)),
            "CS": str(self.charge_state),
            "MPPT": "0" if not charging else ("1" if self.mppt_limited else "2"),
            "OR": "0x00000000" if charging else "0x00000001",
            "ERR": "0",
            "LOAD": "ON" if self.load_on else "OFF",
            "IL": str(round(self.load_w / self.battery_v * 1000)),
            "H19": str(round(self._yield_total_wh / 10)),  # 0.01 kWh
            "H20": str(round(self._yield_today_wh / 10)),
            "H21": str(round(self._max_w_today)),
            "H22": str(round(self._yield_yesterday_wh / 10)),
            "H23": str(round(self._max_w_yesterday)),
            "HSDS": str(self.day % 365),
        }

    def port_board_fields(self) -> dict[str, str]:
        fields = {"SOC": str(round(self.soc * 1000))}
        for port, state in self.ports.items():
            fields[port] = state.state
        for port in self.ports:
            fields[f"{port}_I"] = str(round(self.port_current_a(port) * 1000))
        fields["LIGHT"] = "ON" if self.light_on and self.load_on else "OFF"
        fields["TBAT"] = str(round(self.battery_temp_c * 10))
        fields["TENC"] = str(round(self.enclosure_temp_c * 10))
        fields["DOOR"] = "OPEN" if self.door_open_s > 0 else "CLOSED"
        return fields


def simulate_days(weathers: Sequence[str], *, step_s: float = 60.0, seed: int | None = 0,
                  **model_options) -> Iterator[tuple[BenchModel, list[dict[str, str]]]]:
    """Run a bench from midnight through one day per entry of ``weathers`` (no pty, no clock),
    yielding the model and its blocks after each step; a caller may switch ports in between."""
    model = BenchModel(weather=weathers, start_hour=0.0, seed=seed, **model_options)
    for blocks in model.run(len(weathers) * DAY_S, step_s):
        yield model, blocks


# --- the simulated controller on a pseudo-terminal ---------------------------------------------

FAULTS = ("noise", "bad-checksum", "truncate", "silence", "unplug")
MAX_TICKS_PER_S = 10.0  # at high speed, skip simulated time rather than flood the line
SILENCE_S = (2.0, 6.0)  # how long the controller goes quiet on a "silence" fault
UNPLUG_S = 1.0  # how long the adapter stays unplugged on an "unplug" fault


@dataclass(frozen=True)
class FaultPlan:
    """Which line faults to inject, and the chance of one per tick (two blocks)."""

    kinds: tuple[str, ...] = ()
    rate: float = 0.1
    unplug_s: float = UNPLUG_S

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault {sorted(unknown)}; choose from {FAULTS}")


def parse_command(line: bytes) -> tuple[str, bool] | None:
    """``SET <PORT> <ON|OFF>`` as (port, on), or None for anything else."""
    words = line.decode("ascii", "replace").split()
    if len(words) != 3 or words[0] != "SET" or words[1] not in SWITCHABLE_PORTS:
        return None
    if words[2] not in ("ON", "OFF"):
        return None
    return words[1], words[2] == "ON"


class _Pty:
    """One pseudo-terminal: we write to the master; whoever opens the slave path reads it.

    The slave end stays open here too, so writing works while nobody listens (a real controller
    talks to an unplugged cable); what nobody reads is flushed when the buffer fills.
    """

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # no echo, no CR/LF translation: the bytes go through as sent
        os.set_blocking(self.master, False)
        self.path = os.ttyname(self.slave)

    def write(self, data: bytes) -> None:
        try:
            written = os.write(self.master, data)
        except BlockingIOError:
            written = 0
        if written < len(data):
            termios.tcflush(self.slave, termios.TCIFLUSH)  # nobody is reading: drop the backlog
            try:
                os.write(self.master, data[written:])
            except BlockingIOError:
                log.debug("pty full: a block was dropped")

    def read(self) -> bytes:
        try:
            return os.read(self.master, 4096)
        except BlockingIOError:
            return b""
        except OSError as error:  # EIO: no slave open (cannot happen while we hold it)
            if error.errno != errno.EIO:
                raise
            return b""

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


class PtySimulator:
    """A ``BenchModel`` talking VE.Direct on a pseudo-terminal, in a thread of its own.

    ``speed`` is simulated seconds per real second; blocks are written up to MAX_TICKS_PER_S
    times per real second. With ``link_path`` a symlink there always points at the current pty
    (it changes when the adapter is "unplugged"), like a udev rule's /dev/bench-power.
    """

    def __init__(self, model: BenchModel, *, speed: float = 1.0, link_path: str | None = None,
                 faults: FaultPlan = FaultPlan(), seed: int | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        if link_path and os.path.lexists(link_path) and not os.path.islink(link_path):
            raise FileExistsError(f"{link_path} exists and is not a symlink; not replacing it")
        self.model = model
        self.interval_s = max(1.0 / speed, 1.0 / MAX_TICKS_PER_S)
        self.sim_step_s = speed * self.interval_s
        self.link_path = link_path
        self.faults = faults
        self.plugged = threading.Event()  # set while a pty is there to be opened
        self.ticks = 0
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._pty: _Pty | None = None
        self._unplug_requests: list[float] = []
        self._stopping = False
        self._wake_read, self._wake_write = os.pipe()
        self._thread = threading.Thread(target=self._run, name="bench-simulator", daemon=True)

    @property
    def path(self) -> str:
        """The path to open: the symlink if there is one, else the current pty's slave."""
        if self.link_path:
            return self.link_path
        with self._lock:
            if self._pty is None:
                raise RuntimeError("simulator not started or unplugged")
            return self._pty.path

    def start(self) -> PtySimulator:
        self._plug()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping = True
        self._wake()
        if self._thread.is_alive():
            self._thread.join()
        with self._lock:
            if self._pty is not None:
                self._pty.close()
                self._pty = None
        if self.link_path and os.path.islink(self.link_path):
            os.unlink(self.link_path)
        os.close(self._wake_read)
        os.close(self._wake_write)

    def __enter__(self) -> PtySimulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def unplug(self, pause_s: float = UNPLUG_S) -> None:
        """Pull the adapter out: close the pty now; after ``pause_s`` a new one appears (at the
        same symlink). ``plugged`` is clear until then."""
        self.plugged.clear()
        with self._lock:
            self._unplug_requests.append(pause_s)
        self._wake()

    def _wake(self) -> None:
        os.write(self._wake_write, b"x")

    def _plug(self) -> None:
        pty = _Pty()
        if self.link_path:
            # Replace the symlink atomically, so an opener never sees it missing.
            temporary = f"{self.link_path}.{os.getpid()}.tmp"
            os.symlink(pty.path, temporary)
            os.replace(temporary, self.link_path)
        with self._lock:
            self._pty = pty
        log.info("controller on %s%s", pty.path, f" (via {self.link_path})" if self.link_path else "")
        self.plugged.set()

    def _unplug_now(self) -> None:
        with self._lock:
            pty, self._pty = self._pty, None
        if pty is not None:
            log.info("adapter unplugged from %s", pty.path)
            pty.close()

    # The thread: one select() per wake-up; it sleeps until the next tick, a command, a
    # replug or stop().
    def _run(self) -> None:
        next_tick = time.monotonic() + self.interval_s
        replug_at: float | None = None
        silent_until = 0.0
        commands = b""
        while not self._stopping:
            now = time.monotonic()
            with self._lock:
                requests, self._unplug_requests = self._unplug_requests, []
            if requests:
                self._unplug_now()
                replug_at, commands = now + requests[-1], b""
            if replug_at is not None and now >= replug_at:
                self._plug()
                replug_at = None
            if now >= next_tick:
                next_tick = max(next_tick + self.interval_s, now)
                blocks = self.model.step(self.sim_step_s)
                self.ticks += 1
                fault = self._pick_fault() if now >= silent_until else None
                if fault == "silence":
                    silent_until = now + self._random.uniform(*SILENCE_S)
                    log.info("fault: controller silent for %.1f s", silent_until - now)
                elif fault == "unplug":
                    self.unplug(self.faults.unplug_s)
                    continue
                if now >= silent_until and self._pty is not None:
                    self._pty.write(self._line_bytes(blocks, fault))
            deadline = min(next_tick, replug_at or next_tick)
            readable = [self._wake_read] + ([self._pty.master] if self._pty else [])
            ready, _, _ = select.select(readable, [], [], max(0.0, deadline - time.monotonic()))
            if self._wake_read in ready:
                os.read(self._wake_read, 512)
            if self._pty is not None and self._pty.master in ready:
                commands = self._handle_commands(commands + self._pty.read())

    def _pick_fault(self) -> str | None:
        if self.faults.kinds and self._random.random() < self.faults.rate:
            return self._random.choice(self.faults.kinds)
        return None

    def _line_bytes(self, blocks: list[dict[str, str]], fault: str | None) -> bytes:
        encoded = [encode_block(fields) for fields in blocks]
        if fault in ("bad-checksum", "truncate"):
            victim = self._random.randrange(len(encoded))
            block = bytearray(encoded[victim])
            if fault == "bad-checksum":
                block[self._random.randrange(2, len(block))] ^= 0x01
            else:
                del block[self._random.randrange(2, len(block) - 1):]
            encoded[victim] = bytes(block)
        if fault == "noise":
            encoded.insert(1, self._random.randbytes(self._random.randint(1, 40)))
        return b"".join(encoded)

    def _handle_commands(self, pending: bytes) -> bytes:
        *lines, rest = pending.split(b"\n")
        for line in lines:
            command = parse_command(line.strip(b"\r"))
            if command is None:
                log.warning("ignored malformed command %r", line[:80])
            else:
                log.info("command: %s %s", command[0], "ON" if command[1] else "OFF")
                self.model.set_port(*command)
        return rest[-256:]  # a line without an end is kept, but not forever
