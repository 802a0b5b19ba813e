"""A simulated bench power controller: an honest solar bench model, and a pseudo-terminal that speaks it.

``BenchModel`` is pure (no I/O, no clock): ``step(dt)`` advances simulated time and returns the
blocks the controller would send, so a fortnight runs in a second or two with ``simulate_days``.
``PtySimulator`` puts a model on a pseudo-terminal the way the real hardware is wired: every
simulated second it writes two VE.Direct blocks, one from the Victron MPPT (``PID``/``FW``/``SER#``,
battery, panel, charge state, load output, yields) and one from the bench's port board (ports and
their currents, ``LIGHT``/``LDIM``, ``ROUTER``, temperatures, ``DOOR``, ``CHG``, ``HIB``/``WAKE``, and
``SOC`` if the board has a gauge); a third from a BMV shunt if the bench has one. It obeys the
port-board commands of ``hardware.commands`` and can inject line faults (noise, bad checksums,
truncated blocks, silence, unplugging the adapter).

The bench is a ``HardwareProfile`` (default: 200 Wp at 60°, SmartSolar 75/15, 12 V 100 Ah AGM,
Raspberry Pi 4, a 10.1-inch sunlit screen, an LTE router, a 9 W light) in one of the 12
municipalities (``hardware.climate``), with the sun of that day of the year from pvlib
(``hardware.solar``), the battery of its chemistry (``hardware.battery``: capacity and charge
limits move with temperature), visitors who wake the screen, and phones on the USB and Qi ports.
The port board sits on the battery itself; everything else is on the MPPT's load output, so the
charger's low-voltage cut darkens the bench: the simulator counts those cuts (``uncontrolled_cuts``).
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
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Iterator, Sequence

from hardware import commands
from hardware.climate import WEATHERS, MonthClimate, Town, town
from hardware.commands import ChargeMinTemp, Command, DimLight, Hibernate, SetPort
from hardware.profiles import DEFAULT_PROFILE, HardwareProfile
from hardware.protocol import CHARGING_PORTS, encode_block
from hardware.solar import SunDay, date_of, sun_day

log = logging.getLogger(__name__)

DAY_S = 86_400.0
YEAR = 2026

ABSORPTION_MAX_S = 3 * 3600.0
CHARGER_EFFICIENCY = 0.97
PANEL_VOC = 21.6
PANEL_VMP = 17.6
MIN_CHARGE_W = 2.0  # below this the charger sleeps (CS off, "no input power")
USB_VOLTS = 5.0
RESUME_HOLD_S = 600.0  # the battery must hold the resume voltage this long to end a hibernation
COLD_HYSTERESIS_C = 1.0  # the board's cold lock-out ends this far above its limit
# A lithium cell physically takes charge in the frost (plating lithium as it does): the rule is
# the BMS's or the board's to keep, and the simulator counts every amp-hour that breaks it.
LITHIUM_PHYSICAL_RATE_C = 0.5
# How steeply a battery refuses charge near full: (state of charge where it starts, steepness).
CHARGE_KNEE = {"agm": (0.93, 50.0), "lifepo4": (0.97, 80.0)}

CS_OFF, CS_BULK, CS_ABSORPTION, CS_FLOAT = 0, 3, 4, 5
OR_NO_INPUT, OR_REMOTE = 0x001, 0x008
SOC_SOURCES = ("board", "shunt", "none")


def activity(hour: float) -> float:
    """People at the bench, relative (peak about 1): few at night, a morning, a noon and an evening peak."""
    return (0.02 + 0.3 * math.exp(-((hour - 9.0) / 2.0) ** 2) + math.exp(-((hour - 12.5) / 1.5) ** 2)
            + 0.9 * math.exp(-((hour - 19.0) / 1.5) ** 2))


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


@dataclass
class _Hibernation:
    cut_at: float
    wake_at: float
    resume_v: float
    held_s: float = 0.0
    saved_ports: dict[str, bool] = field(default_factory=dict)


@dataclass
class Counters:
    """What happened, as the bench's owner would want it measured (not sent on the line)."""

    harvest_wh: float = 0.0
    load_wh: float = 0.0
    light_wh: float = 0.0
    usb_wh: float = 0.0  # delivered to phones (5 V side)
    uncontrolled_cuts: int = 0  # the charger's low-voltage cut darkened a running kiosk
    cut_s: float = 0.0  # time with the load output cut
    hibernations: int = 0
    hibernated_s: float = 0.0
    cold_charge_ah: float = 0.0  # charge pushed into lithium below its minimum temperature
    visitors: int = 0
    visitors_missed: int = 0  # came while the kiosk was off


class BenchModel:
    """The bench's sun, battery and loads in simulated time.

    ``weather`` is one of ``WEATHERS`` for every day, or a sequence of them, one per day (the last
    one repeats). Time starts at ``start_hour`` (local clock) on day 0, which is ``day_of_year``
    of ``YEAR`` in ``municipality``.
    """

    STEP_MAX_S = 60.0  # longer steps are integrated in pieces of this size

    def __init__(self, *, weather: str | Sequence[str] = "sunny", municipality: str | Town = "Zavidovići",
                 start_hour: float = 8.0, seed: int | None = 0, day_of_year: int = 135, soc: float = 0.7,
                 plug_ins_per_hour: float = 0.3, visitors_per_hour: float = 4.0,
                 profile: HardwareProfile = DEFAULT_PROFILE, soc_source: str = "board") -> None:
        schedule = [weather] if isinstance(weather, str) else list(weather)
        unknown = [name for name in schedule if name not in WEATHERS]
        if not schedule or unknown:
            raise ValueError(f"weather must be one of {sorted(WEATHERS)}, got {unknown or schedule}")
        if soc_source not in SOC_SOURCES:
            raise ValueError(f"soc_source must be one of {SOC_SOURCES}")
        self._schedule = schedule
        self._random = random.Random(seed)
        self.town = municipality if isinstance(municipality, Town) else town(municipality)
        self.profile = profile
        self.chemistry = profile.battery
        self.soc_source = soc_source
        self.time_s = start_hour % 24 * 3600.0
        self.day_of_year = day_of_year
        self.plug_ins_per_hour = plug_ins_per_hour
        self.visitors_per_hour = visitors_per_hour
        self.counters = Counters()
        self._sun_cache: tuple[int, SunDay] | None = None
        self._season_cache: tuple[int, float] | None = None
        self._climate_cache: tuple[int, MonthClimate] | None = None
        self.ambient_c = self._ambient_c()
        self.battery_temp_c = self.ambient_c + 1.5
        self.enclosure_temp_c = self.battery_temp_c
        self.charge_ah = 0.0
        self.soc = soc
        self.battery_a = 0.0
        self.battery_v = self.chemistry.ocv(self.soc)
        self.solar_w = 0.0
        self.solar_v = 0.0
        self.charge_state = CS_OFF
        self.mppt_limited = False
        self.load_on = True
        self.load_w = 0.0
        self._was_daylight = self.is_daylight
        self.light_on = not self._was_daylight
        self.light_level = 100
        self.router_on = True
        self.computer_on = True
        self.backlight_pct = 100.0
        self.screen_dark_when_idle = False
        self.visitor_s = 0.0  # seconds left of the current visitor's session
        self.door_open_s = 0.0
        self.charge_min_temp_c: float | None = None
        self.cold_lockout = False
        self.hibernation: _Hibernation | None = None
        self.ports = {port: _Port() for port in CHARGING_PORTS}
        self._sunny = self._random.random() < WEATHERS[self.weather].sunshine
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

    @property
    def sun(self) -> SunDay:
        if self._sun_cache is None or self._sun_cache[0] != self.day:
            date = date_of(YEAR, self.day_of_year) + timedelta(days=self.day)
            self._sun_cache = (self.day, sun_day(self.town, self.profile.tilt_deg, self.profile.azimuth_deg, date))
        return self._sun_cache[1]

    @property
    def is_daylight(self) -> bool:
        sun = self.sun
        return sun.sunrise_h <= self.hour <= sun.sunset_h

    @property
    def kiosk_up(self) -> bool:
        """The kiosk's computer is running (not hibernated, not cut by the charger)."""
        return self.computer_on and self.load_on

    def _ambient_c(self) -> float:
        climate = self._climate()
        return (climate.mean_c + WEATHERS[self.weather].temp_offset_c
                + climate.swing_c / 2 * math.sin(2 * math.pi * (self.hour - 9.0) / 24.0))

    def _climate(self) -> MonthClimate:
        if self._climate_cache is None or self._climate_cache[0] != self.day:
            self._climate_cache = (self.day, self.town.climate(self.day_of_year + self.day))
        return self._climate_cache[1]

    def _irradiance(self, dt: float) -> float:
        """W/m² on the panel: the clear sky while the sun's disc is out, the overcast otherwise."""
        weather = WEATHERS[self.weather]
        if weather.sunshine <= 0:
            self._sunny = False
        else:
            cloud_s = weather.cloud_minutes * 60.0
            sun_s = cloud_s * weather.sunshine / max(1e-6, 1.0 - weather.sunshine)
            if self._random.random() < dt / (sun_s if self._sunny else cloud_s):
                self._sunny = not self._sunny
        return self.sun.at(int(self.hour * 60), self._sunny, weather.overcast_k) * self._random.uniform(0.97, 1.0)

    # --- the battery --------------------------------------------------------------------------

    @property
    def soc(self) -> float:
        """The state of charge a person could draw at this temperature, 0..1: the cold locks the
        bottom of the capacity away (the charge is still there when it warms up)."""
        capacity, f = self.profile.battery_ah, self.chemistry.capacity_factor(self.battery_temp_c)
        return min(1.0, max(0.0, (self.charge_ah - capacity * (1 - f)) / (capacity * f)))

    @soc.setter
    def soc(self, value: float) -> None:
        capacity, f = self.profile.battery_ah, self.chemistry.capacity_factor(self.battery_temp_c)
        self.charge_ah = capacity * (1 - f) + min(1.0, max(0.0, value)) * capacity * f

    def _resistance(self) -> float:
        return (self.chemistry.r_internal_ohm * 100.0 / self.profile.battery_ah
                * (1.0 + 0.02 * max(0.0, 25.0 - self.battery_temp_c)))

    def _charge_resistance(self) -> float:
        knee, steepness = CHARGE_KNEE[self.chemistry.name]
        return 1.5 * self._resistance() * math.exp(steepness * max(0.0, self.soc - knee))

    def _max_charge_a(self) -> float:
        if self.chemistry.min_charge_temp_c is not None:
            return LITHIUM_PHYSICAL_RATE_C * self.profile.battery_ah
        return self.chemistry.max_charge_a(self.profile.battery_ah, self.battery_temp_c)

    # --- the loads ----------------------------------------------------------------------------

    def apply(self, command: Command) -> None:
        """What the port board does on a command line (``hardware.commands``)."""
        commands.check(command)
        if isinstance(command, SetPort):
            self.set_port(command.port, command.on)
        elif isinstance(command, DimLight):
            self.light_level = command.percent
        elif isinstance(command, ChargeMinTemp):
            self.charge_min_temp_c = command.celsius
            self._step_cold_lockout()
        elif isinstance(command, Hibernate):
            self.hibernation = _Hibernation(self.time_s + command.grace_s, self.time_s + command.wake_after_s,
                                            command.resume_mv / 1000.0)

    def set_port(self, port: str, on: bool) -> None:
        """``SET <PORT> <ON|OFF>``; switching a charging port resets its fault."""
        if port == "LIGHT":
            self.light_on = on
            return
        if port == "ROUTER":
            self.router_on = on
            return
        state = self.ports[port]  # KeyError for an unknown port
        state.on = on
        state.fault_s = 0.0

    def set_screen(self, backlight_pct: float, dark_when_idle: bool) -> None:
        """What the kiosk does with its screen (sysfs backlight, blanking): not a board command."""
        self.backlight_pct = min(100.0, max(0.0, backlight_pct))
        self.screen_dark_when_idle = dark_when_idle

    def _season(self) -> float:
        """Fewer people linger on a bench in the cold: 0.5 in deep winter, 1 from 18 °C up."""
        if self._season_cache is None or self._season_cache[0] != self.day:
            mean_c = self._climate().mean_c
            self._season_cache = (self.day, min(1.0, max(0.5, 0.5 + mean_c / 36.0)))
        return self._season_cache[1]

    def _step_ports(self, dt: float) -> None:
        busy_hours = 7.0 <= self.hour < 22.0
        season = self._season()
        for port, state in self.ports.items():
            state.fault_s = max(0.0, state.fault_s - dt)
            if state.session is not None:
                state.session.remaining_s -= dt
                if state.session.remaining_s <= 0:
                    state.session = None
                continue
            qi = port.startswith("QI")
            rate = (self.plug_ins_per_hour * season * (1.0 if busy_hours else 0.05)
                    * (0.5 if qi else 1.0))
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

    def _step_visitors(self, dt: float) -> None:
        if self.visitor_s > 0:
            self.visitor_s = max(0.0, self.visitor_s - dt)
            return
        rate = self.visitors_per_hour * activity(self.hour) * self._season()
        if self._random.random() < rate * dt / 3600.0:
            self.counters.visitors += 1
            if self.kiosk_up:
                self.visitor_s = self._random.uniform(60.0, 300.0)
            else:
                self.counters.visitors_missed += 1

    def _step_light(self) -> None:
        # A twilight switch: it flips at dusk and dawn; a command overrides it until the next flip.
        daylight = self.is_daylight
        if daylight != self._was_daylight:
            self.light_on = not daylight
        self._was_daylight = daylight

    def _loads_w(self) -> dict[str, float]:
        """Watts at 12 V of everything on the load output, by part."""
        p = self.profile
        if not self.load_on:
            return {}
        loads = {}
        if self.computer_on:
            busy = self.visitor_s > 0
            loads["computer"] = p.computer_busy_w if busy else p.computer_idle_w
            lit = busy or not self.screen_dark_when_idle
            loads["screen"] = p.screen_dark_w + (p.screen_max_w - p.screen_dark_w) * (
                self.backlight_pct / 100.0 if lit else 0.0)
        if self.router_on and self.computer_on:
            loads["router"] = p.router_w
        if self.light_on:
            loads["light"] = p.light_w * self.light_level / 100.0
        usb = sum(self.port_current_a(port) for port in self.ports if port.startswith("USB"))
        qi = sum(self.port_current_a(port) for port in self.ports if port.startswith("QI"))
        loads["usb"] = usb * USB_VOLTS / p.usb_efficiency + qi * USB_VOLTS / p.qi_efficiency
        return loads

    # --- the port board -----------------------------------------------------------------------

    def _step_cold_lockout(self) -> None:
        limit = self.charge_min_temp_c
        if limit is None:
            self.cold_lockout = False
        elif self.battery_temp_c < limit:
            self.cold_lockout = True
        elif self.battery_temp_c >= limit + COLD_HYSTERESIS_C:
            self.cold_lockout = False

    def _step_hibernation(self, dt: float) -> None:
        order = self.hibernation
        if order is None:
            return
        if self.computer_on and self.time_s >= order.cut_at:
            self.computer_on = False
            self.counters.hibernations += 1
            order.saved_ports = {port: state.on for port, state in self.ports.items()}
            for state in self.ports.values():
                state.on = False
        if self.computer_on:
            return
        self.counters.hibernated_s += dt
        order.held_s = order.held_s + dt if self.battery_v >= order.resume_v else 0.0
        if self.time_s >= order.wake_at or order.held_s >= RESUME_HOLD_S:
            self.computer_on = True
            for port, on in order.saved_ports.items():
                self.ports[port].on = on
            self.hibernation = None

    # --- charger and battery ------------------------------------------------------------------

    def _step_power(self, dt: float, available_w: float) -> None:
        chem, p = self.chemistry, self.profile
        loads = self._loads_w()
        load_w = sum(loads.values())
        total_w = load_w + p.board_w
        self.load_w = load_w
        ocv = chem.ocv(self.soc)
        temp = self.battery_temp_c
        if available_w < MIN_CHARGE_W or self.cold_lockout:
            self.charge_state, self.mppt_limited, used_w = CS_OFF, False, 0.0
            self.battery_a = -total_w / self.battery_v
        else:
            if self.charge_state == CS_OFF or (self.charge_state == CS_FLOAT and self.battery_v < chem.rebulk_v):
                self.charge_state, self._absorption_s = CS_BULK, 0.0
            target_v = chem.charge_v(chem.float_v if self.charge_state == CS_FLOAT else chem.absorption_v, temp)
            accept_a = min(max(0.0, (target_v - ocv) / self._charge_resistance()), self._max_charge_a())
            wanted_w = total_w + accept_a * target_v
            offered_w = min(available_w * CHARGER_EFFICIENCY, p.charger_max_a * self.battery_v)
            out_w = min(offered_w, wanted_w)
            self.mppt_limited = wanted_w < offered_w
            used_w = out_w / CHARGER_EFFICIENCY
            self.battery_a = (out_w - total_w) / self.battery_v
            if self.charge_state == CS_BULK and self.mppt_limited:
                self.charge_state = CS_ABSORPTION
            if self.charge_state == CS_ABSORPTION:
                self._absorption_s += dt
                if accept_a < chem.tail_a_per_ah * p.battery_ah or self._absorption_s > ABSORPTION_MAX_S:
                    self.charge_state = CS_FLOAT
        charging = self.battery_a > 0
        efficiency = chem.coulombic_efficiency * (0.93 if chem.name == "agm" and self.soc > 0.85 else 1.0)
        amp_hours = self.battery_a * dt / 3600.0
        if charging and chem.min_charge_temp_c is not None and temp < chem.min_charge_temp_c:
            self.counters.cold_charge_ah += amp_hours
        self.charge_ah = min(p.battery_ah, max(0.0, self.charge_ah + amp_hours * (efficiency if charging else 1.0)))
        ocv = chem.ocv(self.soc)
        if charging:
            target_v = chem.charge_v(chem.float_v if self.charge_state == CS_FLOAT else chem.absorption_v, temp)
            self.battery_v = min(target_v, ocv + self.battery_a * self._charge_resistance())
        else:
            self.battery_v = ocv + self.battery_a * self._resistance()
        if self.load_on and self.battery_v < chem.load_disconnect_v:
            self.load_on = False
            if self.computer_on:
                self.counters.uncontrolled_cuts += 1
                log.info("day %d %05.2fh: the charger cut the load at %.2f V", self.day, self.hour, self.battery_v)
        elif not self.load_on and self.battery_v > chem.load_reconnect_v:
            self.load_on = True
        if not self.load_on:
            self.counters.cut_s += dt
        self.solar_w = used_w
        hours = dt / 3600.0
        self.counters.harvest_wh += used_w * hours
        self.counters.load_wh += total_w * hours
        self.counters.light_wh += loads.get("light", 0.0) * hours
        self.counters.usb_wh += sum(self.port_current_a(port) for port in self.ports) * USB_VOLTS * hours
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

    def _step_temperatures(self, dt: float, irradiance: float) -> None:
        self.ambient_c = self._ambient_c()
        enclosure_target = self.ambient_c + 12.0 * irradiance / 1000.0 + 2.0
        self.enclosure_temp_c += (enclosure_target - self.enclosure_temp_c) * min(1.0, dt / 1800.0)
        # The battery sits low in an insulated box: it follows the air slowly, a little warmer.
        self.battery_temp_c += (self.ambient_c + 1.5 - self.battery_temp_c) * min(1.0, dt / 21_600.0)

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
        irradiance = self._irradiance(dt)
        available_w = self.profile.panel_wp * self.profile.system_derate * irradiance / 1000.0
        self._step_hibernation(dt)
        self._step_ports(dt)
        self._step_visitors(dt)
        self._step_light()
        self._step_cold_lockout()
        self._step_power(dt, available_w)
        self._step_temperatures(dt, irradiance)
        self._step_door(dt)

    def run(self, duration_s: float, step_s: float = 60.0) -> Iterator[list[dict[str, str]]]:
        """Step through ``duration_s`` seconds, yielding the blocks after each step."""
        for _ in range(math.ceil(duration_s / step_s)):
            yield self.step(step_s)

    def blocks(self) -> list[dict[str, str]]:
        """The MPPT's block, the port board's block and, with a shunt, the BMV's block."""
        blocks = [self.mppt_fields(), self.port_board_fields()]
        if self.soc_source == "shunt":
            blocks.append(self.shunt_fields())
        return blocks

    def mppt_fields(self) -> dict[str, str]:
        charging = self.charge_state != CS_OFF
        off_reason = 0 if charging else (OR_REMOTE if self.cold_lockout else OR_NO_INPUT)
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
            "OR": f"0x{off_reason:08X}",
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
        fields = {"SOC": str(round(self.soc * 1000))} if self.soc_source == "board" else {}
        for port, state in self.ports.items():
            fields[port] = state.state
        for port in self.ports:
            fields[f"{port}_I"] = str(round(self.port_current_a(port) * 1000))
        fields["LIGHT"] = "ON" if self.light_on and self.load_on else "OFF"
        fields["LDIM"] = str(self.light_level)
        fields["ROUTER"] = "ON" if self.router_on and self.computer_on and self.load_on else "OFF"
        fields["TBAT"] = str(round(self.battery_temp_c * 10))
        fields["TENC"] = str(round(self.enclosure_temp_c * 10))
        fields["DOOR"] = "OPEN" if self.door_open_s > 0 else "CLOSED"
        fields["CHG"] = "COLD" if self.cold_lockout else "ON"
        order = self.hibernation
        fields["HIB"] = "OFF" if order is None else ("PENDING" if self.computer_on else "ON")
        fields["WAKE"] = "---" if order is None else str(max(0, round(order.wake_at - self.time_s)))
        return fields

    def shunt_fields(self) -> dict[str, str]:
        """A BMV-712 on the battery: it counts every amp-hour itself and resyncs when full."""
        consumed = self.charge_ah - self.profile.battery_ah
        return {"PID": "0xA381", "V": str(round(self.battery_v * 1000)), "I": str(round(self.battery_a * 1000)),
                "CE": str(round(consumed * 1000)), "SOC": str(round(self.soc * 1000)),
                "TTG": str(round(self.soc * self.profile.battery_ah / max(0.05, -self.battery_a) * 60))
                if self.battery_a < 0 else "-1"}


def simulate_days(weathers: Sequence[str], *, step_s: float = 60.0, seed: int | None = 0,
                  **model_options) -> Iterator[tuple[BenchModel, list[dict[str, str]]]]:
    """Run a bench from midnight through one day per entry of ``weathers`` (no pty, no clock),
    yielding the model and its blocks after each step; a caller may send it commands in between."""
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


def parse_command(line: bytes) -> Command | None:
    """The port-board command on one line, or None for anything else (``hardware.commands``)."""
    return commands.parse(line)


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
                log.info("command: %s", command.line())
                self.model.apply(command)
        return rest[-256:]  # a line without an end is kept, but not forever
