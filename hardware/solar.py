"""The sun on a bench's panel, minute by minute, from pvlib.

For one town, panel tilt and azimuth and one calendar day, ``SunDay`` holds two irradiance curves
on the panel's plane (W/m²): under a clear sky (pvlib's solar position and Ineichen clear-sky model,
transposed with the isotropic sky model) and under a complete overcast that lets through a fraction
``k`` of the clear-sky global irradiance, all of it diffuse. A day's weather mixes the two.

pvlib (with pandas and numpy) is a simulation dependency, imported when the first day is computed:
the kiosk never calls this module, and ``python -m hardware monitor`` runs without pvlib.
"""
from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from functools import lru_cache

from hardware.climate import Town

TIMEZONE = "Europe/Sarajevo"
STEP_MIN = 1
# Linke turbidity: clean continental air in winter, hazier in summer (Remund et al., rounded).
LINKE_TURBIDITY = {12: 2.8, 1: 2.8, 2: 3.0, 3: 3.2, 4: 3.4, 5: 3.6, 6: 3.8, 7: 3.8, 8: 3.7, 9: 3.4,
                   10: 3.1, 11: 2.9}
ALBEDO = 0.2  # grass and pavement; snow would give more


@dataclass(frozen=True)
class SunDay:
    """One day's irradiance on the panel, a value per minute from local midnight."""

    date: dt.date
    clear: tuple[float, ...]  # W/m², clear sky
    overcast_per_k: tuple[float, ...]  # W/m² under a full overcast passing 100 % (multiply by k)
    sunrise_h: float  # local clock hours
    sunset_h: float

    def at(self, minute: int, sunny: bool, overcast_k: float) -> float:
        minute = min(max(minute, 0), len(self.clear) - 1)
        return self.clear[minute] if sunny else self.overcast_per_k[minute] * overcast_k

    @property
    def clear_kwh_m2(self) -> float:
        return sum(self.clear) * STEP_MIN / 60 / 1000

    @property
    def overcast_kwh_m2_per_k(self) -> float:
        return sum(self.overcast_per_k) * STEP_MIN / 60 / 1000


@lru_cache(maxsize=512)
def sun_day(town: Town, tilt_deg: float, azimuth_deg: float, date: dt.date) -> SunDay:
    """The sun on one day (cached: benches of one town share their days)."""
    import pandas as pd  # here, not at the top: importing the simulator must not need pvlib
    import pvlib

    with warnings.catch_warnings():
        # pvlib 0.13 still calls DatetimeIndex.dayofyear, which pandas 3 deprecates: not ours to fix.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return _sun_day(pd, pvlib, town, tilt_deg, azimuth_deg, date)


def _sun_day(pd, pvlib, town: Town, tilt_deg: float, azimuth_deg: float, date: dt.date) -> SunDay:  # noqa: ANN001
    location = pvlib.location.Location(town.latitude, town.longitude, TIMEZONE, town.altitude_m)
    start = pd.Timestamp(date, tz=TIMEZONE)
    times = pd.date_range(start, start + pd.Timedelta(days=1), freq=f"{STEP_MIN}min", inclusive="left")
    position = location.get_solarposition(times)
    clear = location.get_clearsky(times, model="ineichen", linke_turbidity=LINKE_TURBIDITY[date.month],
                                  solar_position=position)
    zenith, azimuth = position["apparent_zenith"], position["azimuth"]
    on_plane = pvlib.irradiance.get_total_irradiance(
        tilt_deg, azimuth_deg, zenith, azimuth, clear["dni"], clear["ghi"], clear["dhi"], albedo=ALBEDO)
    zero = clear["ghi"] * 0.0
    overcast = pvlib.irradiance.get_total_irradiance(
        tilt_deg, azimuth_deg, zenith, azimuth, zero, clear["ghi"], clear["ghi"], albedo=ALBEDO)
    up = position["apparent_elevation"] > 0
    minutes = [i for i, is_up in enumerate(up.tolist()) if is_up]
    sunrise_h, sunset_h = (minutes[0] / 60, minutes[-1] / 60) if minutes else (12.0, 12.0)
    return SunDay(date, tuple(on_plane["poa_global"].fillna(0.0).clip(lower=0.0).tolist()),
                  tuple(overcast["poa_global"].fillna(0.0).clip(lower=0.0).tolist()), sunrise_h, sunset_h)


def date_of(year: int, day_of_year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=day_of_year - 1)
