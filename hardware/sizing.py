"""Sizing a bench for a town: the panel and battery that keep the kiosk available through N dark
December days, and what a given profile achieves there.

The service it sizes for is the winter service the kiosk's energy plan falls back to before it
gives up daylight hours: the kiosk on from half an hour after sunrise to half an hour after sunset,
its screen dark until touched, the router on ten minutes every two hours, the USB ports off, and
the computer hibernated at night with the bench light at 10 %. The sun is pvlib's for mid-December
on the panel's tilt (``hardware.solar``), a dark day lets through what the simulator's dark days
do, an average day mixes clear and overcast by the town's December sunshine. The battery starts
the dark spell at 90 % and may go down to the chemistry's hibernation floor, with the capacity the
cold leaves at the town's December mean temperature. The recommendation is the cheapest pair
from common sizes (panel 100-400 Wp, what a bench's canopy holds; battery 50-400 Ah) that lasts the dark days and refills the
deficit within a week of average December days.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from hardware.climate import WEATHERS, Town
from hardware.profiles import HardwareProfile
from hardware.solar import sun_day

DESIGN_DAY = dt.date(2026, 12, 15)
START_SOC = 0.9
REFILL_DAYS = 7
BUSY_SHARE = 0.08  # of the kiosk's hours, somebody is using it
KIOSK_UNTIL_H = 20.0  # through the evening, when most people pass
NIGHT_LIGHT_PCT = 40.0
LIGHT_OFF_HOURS = (23.0, 5.0)
CHARGE_EFFICIENCY_WH = 0.85  # energy in the battery per Wh charged (coulombic x voltage)
PANEL_SIZES_WP = tuple(range(100, 401, 50))  # more than 400 Wp does not fit a bench's canopy
BATTERY_SIZES_AH = (50, 75, 100, 150, 200, 250, 300, 400)
COST = {"agm": 2.2, "lifepo4": 4.5}  # EUR per Ah, 12 V class, rough 2026 retail
COST_PER_WP = 0.6  # EUR per Wp, module and mounting share


@dataclass(frozen=True)
class WinterDay:
    """One December day's energy on a profile: the need at winter service, the harvests."""

    kiosk_hours: float
    need_wh: float
    dark_harvest_wh: float
    average_harvest_wh: float

    @property
    def dark_deficit_wh(self) -> float:
        return max(0.0, self.need_wh - self.dark_harvest_wh * CHARGE_EFFICIENCY_WH)


@dataclass(frozen=True)
class Sizing:
    town: Town
    dark_days: int
    profile: HardwareProfile
    current: WinterDay
    current_autonomy_days: float  # dark days the profile lasts at winter service
    current_refill_days: float | None  # average days to make one dark day's deficit good; None: never
    needed: HardwareProfile | None  # None: nothing in the common sizes does it
    needed_day: WinterDay | None


def winter_day(town: Town, profile: HardwareProfile) -> WinterDay:
    """The design day: the need at the winter service, the harvest on a dark and an average day."""
    sun = sun_day(town, profile.tilt_deg, profile.azimuth_deg, DESIGN_DAY)
    kiosk_from, kiosk_to = sun.sunrise_h + 0.5, KIOSK_UNTIL_H
    kiosk_w = profile.draw_w(busy=BUSY_SHARE, lit=BUSY_SHARE)  # screen dark until touched, router on
    standby_w = profile.draw_w(computer=0.0, router=0.0)
    need = 0.0
    for minute in range(0, 24 * 60, 15):
        hour = (minute + 7.5) / 60.0
        night = not sun.sunrise_h <= hour <= sun.sunset_h
        late = hour >= LIGHT_OFF_HOURS[0] or hour < LIGHT_OFF_HOURS[1]
        watts = kiosk_w if kiosk_from <= hour < kiosk_to else standby_w
        if night and not late:
            watts += profile.light_w * NIGHT_LIGHT_PCT / 100.0
        need += watts * 0.25
    per_m2 = profile.panel_wp * profile.system_derate  # W at 1000 W/m²; kWh/m² x this = Wh
    dark = per_m2 * WEATHERS["dark"].overcast_k * sun.overcast_kwh_m2_per_k
    sunshine = town.climate(DESIGN_DAY.timetuple().tm_yday).sunshine
    average = per_m2 * (sunshine * sun.clear_kwh_m2
                        + (1 - sunshine) * WEATHERS["cloudy"].overcast_k * sun.overcast_kwh_m2_per_k)
    return WinterDay(kiosk_to - kiosk_from, need, dark, average)


def usable_wh(town: Town, profile: HardwareProfile) -> float:
    chemistry = profile.battery
    cold = chemistry.capacity_factor(town.december.mean_c + 1.5)  # the battery box is a little warmer
    return profile.battery_wh * cold * (START_SOC - chemistry.hibernate_pct / 100.0)


def autonomy_days(town: Town, profile: HardwareProfile, day: WinterDay) -> float:
    deficit = day.dark_deficit_wh
    return float("inf") if deficit <= 0 else usable_wh(town, profile) / deficit


def refill_days(day: WinterDay) -> float | None:
    surplus = (day.average_harvest_wh - day.need_wh / CHARGE_EFFICIENCY_WH) * CHARGE_EFFICIENCY_WH
    return None if surplus <= 0 else day.dark_deficit_wh / surplus


def cost(profile: HardwareProfile) -> float:
    """A rough price of panel and battery, to pick the cheapest pair that works."""
    return profile.panel_wp * COST_PER_WP + profile.battery_ah * COST[profile.chemistry]


def size(town: Town, dark_days: int, profile: HardwareProfile) -> Sizing:
    if dark_days < 0:
        raise ValueError("dark days cannot be negative")
    current = winter_day(town, profile)
    best: tuple[float, HardwareProfile, WinterDay] | None = None
    for wp in PANEL_SIZES_WP:
        for ah in BATTERY_SIZES_AH:
            candidate = replace(profile, panel_wp=float(wp), battery_ah=float(ah))
            day = winter_day(town, candidate)
            refill = refill_days(day)
            lasts = autonomy_days(town, candidate, day) >= dark_days
            if lasts and refill is not None and refill * dark_days <= REFILL_DAYS:
                if best is None or cost(candidate) < best[0]:
                    best = (cost(candidate), candidate, day)
    return Sizing(town, dark_days, profile, current, autonomy_days(town, profile, current), refill_days(current),
                  best[1] if best else None, best[2] if best else None)


def report(sizing: Sizing) -> list[str]:
    """The sizing as a person reads it."""
    t, p, day = sizing.town, sizing.profile, sizing.current
    lines = [f"{t.name} ({t.latitude:.2f}° N, {t.altitude_m:.0f} m), mid-December, {sizing.dark_days} dark days in a row",
             f"winter service: kiosk {day.kiosk_hours:.1f} h/day until {KIOSK_UNTIL_H:.0f}:00 (screen dark until "
             f"touched, router on), hibernated overnight, light at {NIGHT_LIGHT_PCT:.0f} % except 23-05"]
    if sizing.needed is None:
        lines.append("needs: more than 400 Wp and 400 Ah: no common size does it; shed more or add a mast panel")
    else:
        n, nd = sizing.needed, sizing.needed_day
        lines.append(f"needs: panel {n.panel_wp:.0f} Wp at {n.tilt_deg:.0f}°, battery {n.battery_ah:.0f} Ah {n.chemistry} "
                     f"(need {nd.need_wh:.0f} Wh/day; harvest {nd.dark_harvest_wh:.0f} Wh on a dark day, "
                     f"{nd.average_harvest_wh:.0f} Wh on an average December day)")
    autonomy = "unlimited" if sizing.current_autonomy_days == float("inf") else f"{sizing.current_autonomy_days:.1f}"
    refill = "never" if sizing.current_refill_days is None else f"{sizing.current_refill_days:.1f} days"
    verdict = "enough" if sizing.current_autonomy_days >= sizing.dark_days and sizing.current_refill_days is not None \
        and sizing.current_refill_days * sizing.dark_days <= REFILL_DAYS else "NOT enough"
    lines.append(f"profile {p.name} ({p.panel_wp:.0f} Wp at {p.tilt_deg:.0f}°, {p.battery_ah:.0f} Ah {p.chemistry}): "
                 f"{autonomy} dark days, a dark day's deficit made good in {refill}; "
                 f"harvest {day.dark_harvest_wh:.0f} Wh dark, {day.average_harvest_wh:.0f} Wh average, "
                 f"need {day.need_wh:.0f} Wh: {verdict} for {sizing.dark_days} dark days")
    return lines
