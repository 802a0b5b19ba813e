"""The shedding ladder and the arithmetic of an energy plan: what each rung costs, hour by hour,
and where the battery would be in the next 30 hours on each rung.

The ladder, least to most shedding (each rung keeps everything the rungs above it shed):

====  ===================  ==================================================================
rung  name                 what it does
====  ===================  ==================================================================
0     full                 everything on; the screen at full backlight
1     usb_quota            the USB ports get a daily quota (half the usual demand), off at
                           night (22-07); the Qi pads, half as efficient, are off
2     light_dimmed         the bench light at 40 %; the USB quota a quarter of the demand
3     light_scheduled      the light, still dimmed, off from 23:00 to 05:00
4     screen_dark          the screen dark until touched (wakes on touch), 15 frames/s;
                           the USB ports off
5     router_schedule      the LTE router on 10 minutes every two hours from 07 to 21 for a sync
6     night_hibernation    after dusk the kiosk hibernates (the board cuts computer, screen and
                           router; the light at 10 %) and wakes half an hour after sunrise
7     hibernation          hibernated day and night; the board wakes it at midday for a short
                           sync, and it resumes once the battery is well above the floor
====  ===================  ==================================================================

Pure functions over a ``HardwareProfile``; the policy (``kiosk.core.energy``) decides when to use
them. Sunrise and sunset come from a textbook formula (the kiosk has no pvlib).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from hardware.profiles import HardwareProfile

RUNGS = ("full", "usb_quota", "light_dimmed", "light_scheduled", "screen_dark", "router_schedule",
         "night_hibernation", "hibernation")
(FULL, USB_QUOTA, LIGHT_DIMMED, LIGHT_SCHEDULED, SCREEN_DARK, ROUTER_SCHEDULE, NIGHT_HIBERNATION,
 HIBERNATION) = range(len(RUNGS))

NORMAL, SAVER, CRITICAL, HIBERNATE = "normal", "saver", "critical", "hibernate"
MODES = (NORMAL, SAVER, CRITICAL, HIBERNATE)

ROUTER_WINDOW_MIN = 10  # minutes the scheduled router stays on ...
ROUTER_EVERY_H = 2  # ... every this many hours ...
ROUTER_HOURS = (7, 21)  # ... between these hours
ROUTER_DUTY = ROUTER_WINDOW_MIN / 60 / ROUTER_EVERY_H
USB_HOURS = (7, 22)
LIGHT_OFF_HOURS = (23, 5)
HIBERNATION_LIGHT_PCT = 10
WAKE_AFTER_SUNRISE_H = 0.5  # night hibernation: back half an hour after sunrise ...
SLEEP_AFTER_SUNSET_H = 0.5  # ... and off half an hour after sunset
# Share of the time somebody uses the kiosk (the computer busy, the screen lit when dark-until-touched).
BUSY_SHARE_DAY, BUSY_SHARE_NIGHT = 0.08, 0.01
HORIZON_H = 30


@dataclass(frozen=True)
class EnergyPlan:
    """What a rung of the ladder asks of the kiosk and of the port board."""

    rung: int
    name: str
    mode: str  # normal | saver | critical | hibernate: the short word for screens and alerts
    backlight_pct: int
    max_fps: int
    sync_interval_s: int
    usb_ports_on: bool  # some USB charging is allowed (within the quota, in USB hours)
    screen_off_when_idle: bool
    qi_on: bool
    usb_share: float  # the USB quota as a share of the usual daily demand
    light_pct: int
    light_off_late: bool  # off from 23:00 to 05:00
    router_scheduled: bool
    hibernate: str | None  # None | "night" | "always"


def _plan(rung: int, mode: str, backlight: int, fps: int, sync_s: int, usb_share: float, light: int, *,
          qi: bool = False, dark: bool = False, late_off: bool = False, router: bool = False,
          hibernate: str | None = None) -> EnergyPlan:
    return EnergyPlan(rung, RUNGS[rung], mode, backlight, fps, sync_s, usb_share > 0, dark, qi, usb_share, light,
                      late_off, router, hibernate)


PLANS: tuple[EnergyPlan, ...] = (
    _plan(FULL, NORMAL, 100, 30, 300, 1.0, 100, qi=True),
    _plan(USB_QUOTA, SAVER, 100, 30, 600, 0.5, 100),
    _plan(LIGHT_DIMMED, SAVER, 80, 20, 1800, 0.25, 40),
    _plan(LIGHT_SCHEDULED, SAVER, 80, 20, 1800, 0.25, 40, late_off=True),
    _plan(SCREEN_DARK, CRITICAL, 70, 15, 3600, 0.0, 40, dark=True, late_off=True),
    _plan(ROUTER_SCHEDULE, CRITICAL, 70, 10, ROUTER_EVERY_H * 3600, 0.0, 40, dark=True, late_off=True,
          router=True),
    _plan(NIGHT_HIBERNATION, CRITICAL, 70, 10, ROUTER_EVERY_H * 3600, 0.0, 40, dark=True, late_off=True,
          router=True, hibernate="night"),
    _plan(HIBERNATION, HIBERNATE, 70, 10, ROUTER_EVERY_H * 3600, 0.0, HIBERNATION_LIGHT_PCT, dark=True,
          late_off=True, router=True, hibernate="always"),
)


# --- the sun, as the kiosk can know it -----------------------------------------------------------

@lru_cache(maxsize=64)
def daylight(latitude: float, longitude: float, day_of_year: int, utc_offset_h: float) -> tuple[float, float]:
    """Sunrise and sunset in local clock hours (textbook declination formula, ±10 minutes)."""
    declination = math.radians(23.44) * math.sin(2 * math.pi * (284 + day_of_year) / 365.0)
    cos_hour = -math.tan(math.radians(latitude)) * math.tan(declination)
    half_day_h = math.degrees(math.acos(max(-1.0, min(1.0, cos_hour)))) / 15.0
    b = 2 * math.pi * (day_of_year - 81) / 364.0
    equation_of_time_h = (9.87 * math.sin(2 * b) - 7.53 * math.cos(b) - 1.5 * math.sin(b)) / 60.0
    noon = 12.0 - longitude / 15.0 + utc_offset_h - equation_of_time_h
    return noon - half_day_h, noon + half_day_h


@lru_cache(maxsize=64)
def harvest_shares(sunrise_h: float, sunset_h: float) -> tuple[float, ...]:
    """The share of a day's yield in each clock hour 0..23 (a sine between sunrise and sunset)."""
    weights = []
    for hour in range(24):
        middle = hour + 0.5
        inside = sunrise_h < middle < sunset_h
        weights.append(math.sin(math.pi * (middle - sunrise_h) / (sunset_h - sunrise_h)) if inside else 0.0)
    total = sum(weights) or 1.0
    return tuple(weight / total for weight in weights)


# --- what a rung costs ---------------------------------------------------------------------------

def kiosk_up(rung: int, hour: float, sunrise_h: float, sunset_h: float, wake_hour: float = 12.0,
             wake_sync_h: float = 0.25) -> bool:
    """Whether the computer runs at this hour on this rung."""
    if rung <= ROUTER_SCHEDULE:
        return True
    if rung == NIGHT_HIBERNATION:
        return sunrise_h + WAKE_AFTER_SUNRISE_H <= hour < sunset_h + SLEEP_AFTER_SUNSET_H
    return wake_hour <= hour < wake_hour + wake_sync_h


def light_share(plan: EnergyPlan, hour: float, hibernated: bool) -> float:
    """The light's power, as a share of its full power, at a night hour."""
    if hibernated:
        return HIBERNATION_LIGHT_PCT / 100.0
    if plan.light_off_late and (hour >= LIGHT_OFF_HOURS[0] or hour < LIGHT_OFF_HOURS[1]):
        return 0.0
    return plan.light_pct / 100.0


def router_window_open(hour: float) -> bool:
    """The scheduled router's on-times: the first minutes of every second hour, by day."""
    whole, minutes = int(hour), (hour % 1) * 60
    return ROUTER_HOURS[0] <= whole < ROUTER_HOURS[1] and whole % ROUTER_EVERY_H == 1 and minutes < ROUTER_WINDOW_MIN


def need_w(profile: HardwareProfile, rung: int, hour: float, sunrise_h: float, sunset_h: float,
           usb_wh_per_day: float) -> float:
    """Mean watts drawn from the battery side in the clock hour starting at ``hour``."""
    plan = PLANS[rung]
    middle = hour + 0.5
    night = not sunrise_h <= middle <= sunset_h
    up = kiosk_up(rung, middle, sunrise_h, sunset_h)
    busy = BUSY_SHARE_DAY if 8 <= middle < 21 else BUSY_SHARE_NIGHT
    usb_w = 0.0
    if up and (USB_HOURS[0] <= middle < USB_HOURS[1] or rung == FULL):
        usb_w = usb_wh_per_day * plan.usb_share / (24 if rung == FULL else USB_HOURS[1] - USB_HOURS[0])
    light = 100.0 * light_share(plan, middle % 24, hibernated=not up) if night else 0.0
    return profile.draw_w(computer=1.0 if up else 0.0, busy=busy, lit=busy if plan.screen_off_when_idle else 1.0,
                          backlight_pct=plan.backlight_pct,
                          router=(ROUTER_DUTY if plan.router_scheduled else 1.0) if up else 0.0,
                          light_pct=light, usb_w=usb_w)


@dataclass(frozen=True)
class Projection:
    """Where the battery would be on one rung over the next hours."""

    rung: int
    min_pct: float
    end_pct: float
    need_wh: float  # drawn over the horizon
    harvest_wh: float


def project(profile: HardwareProfile, rung: int, *, soc_pct: float, usable_wh: float, start_hour: float,
            harvest_by_day: list[float], harvested_today_wh: float, sunrise_h: float, sunset_h: float,
            usb_wh_per_day: float, efficiency: float, hours: int = HORIZON_H) -> Projection:
    """Step hour by hour from ``start_hour`` (today), with ``harvest_by_day[0]`` expected today
    (of which ``harvested_today_wh`` is in already) and ``harvest_by_day[1]`` tomorrow, and so on."""
    shares = harvest_shares(sunrise_h, sunset_h)
    energy = usable_wh * soc_pct / 100.0
    lowest, need_total, harvest_total = energy, 0.0, 0.0
    # Today: what is still to come of the expected yield, spread over the hours that remain.
    still_to_come = max(0.0, harvest_by_day[0] - harvested_today_wh)
    remaining_share = sum(shares[int(start_hour):]) or 1.0
    for step in range(hours):
        clock = start_hour + step
        day, hour = int(clock // 24), int(clock % 24)
        if day == 0:
            harvest = still_to_come * shares[hour] / remaining_share
        else:
            harvest = harvest_by_day[min(day, len(harvest_by_day) - 1)] * shares[hour]
        need = need_w(profile, rung, hour, sunrise_h, sunset_h, usb_wh_per_day)
        net = harvest - need
        energy = min(usable_wh, energy + (net * efficiency if net > 0 else net))
        lowest = min(lowest, energy)
        need_total += need
        harvest_total += harvest
    return Projection(rung, lowest / usable_wh * 100.0, energy / usable_wh * 100.0, need_total, harvest_total)


def daily_need_wh(profile: HardwareProfile, rung: int, sunrise_h: float, sunset_h: float,
                  usb_wh_per_day: float) -> float:
    return sum(need_w(profile, rung, hour, sunrise_h, sunset_h, usb_wh_per_day) for hour in range(24))
