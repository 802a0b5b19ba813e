"""The 12 municipalities: where they are, and a simple climate for December and May.

Per town: coordinates and altitude (for pvlib's sun), and for December and for May the mean
temperature, its daily swing and the sunshine fraction (measured sunshine hours / possible ones).
The other months are interpolated on an annual cosine peaking in late July. Figures are rounded
climate normals; sources and caveats in ``docs/energy.md``.

Days come as kinds (``sunny``, ``cloudy``, ``dark``, see ``WEATHERS``), drawn so that a month's
sunshine matches the town's; ``fortnight`` forces a dark spell, like the inversion fog that sits
over the northern valleys for days in December.
"""
from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Weather:
    """How one kind of day treats the sun."""

    sunshine: float  # fraction of the day the sun's disc is clear
    overcast_k: float  # under cloud, the fraction of clear-sky global irradiance that gets through
    cloud_minutes: float  # mean length of a cloud spell
    temp_offset_c: float  # against the month's mean


WEATHERS: dict[str, Weather] = {
    "sunny": Weather(sunshine=0.85, overcast_k=0.45, cloud_minutes=12.0, temp_offset_c=1.0),
    "cloudy": Weather(sunshine=0.25, overcast_k=0.3, cloud_minutes=40.0, temp_offset_c=0.0),
    "dark": Weather(sunshine=0.0, overcast_k=0.17, cloud_minutes=1e9, temp_offset_c=-2.0),
}


@dataclass(frozen=True)
class MonthClimate:
    mean_c: float
    swing_c: float  # daily maximum minus minimum
    sunshine: float  # sunshine fraction of the month


@dataclass(frozen=True)
class Town:
    name: str
    latitude: float
    longitude: float
    altitude_m: float
    north: bool  # in the Sava/Bosna lowlands: the December inversion fog
    december: MonthClimate
    may: MonthClimate

    def climate(self, day_of_year: int) -> MonthClimate:
        """The climate of any day of the year, between the December and May figures."""
        def phase(day: float) -> float:
            return math.cos(2 * math.pi * (day - 205) / 365.0)
        dec, may = phase(349), phase(135)
        t = (phase(day_of_year) - dec) / (may - dec)  # 0 in mid-December, 1 in mid-May
        mix = lambda a, b: a + (b - a) * t  # noqa: E731 - one line, used three times
        return MonthClimate(mix(self.december.mean_c, self.may.mean_c),
                            mix(self.december.swing_c, self.may.swing_c),
                            max(0.02, min(0.95, mix(self.december.sunshine, self.may.sunshine))))


def _town(name: str, lat: float, lon: float, alt: float, north: bool,
          dec: tuple[float, float, float], may: tuple[float, float, float]) -> Town:
    return Town(name, lat, lon, alt, north, MonthClimate(*dec), MonthClimate(*may))


# name, latitude, longitude, altitude, north, (December mean °C, swing, sunshine), (May ...)
TOWNS: dict[str, Town] = {town.name: town for town in (
    _town("Kostajnica", 45.22, 16.54, 105, True, (1.5, 5.5, 0.17), (16.5, 11.5, 0.47)),
    _town("Novi Grad", 45.05, 16.38, 125, True, (1.3, 5.5, 0.17), (16.3, 11.5, 0.47)),
    _town("Prijedor", 44.98, 16.71, 135, True, (1.2, 6.0, 0.19), (16.2, 12.0, 0.48)),
    _town("Maglaj", 44.55, 18.10, 175, True, (0.8, 5.0, 0.14), (16.0, 12.0, 0.45)),
    _town("Zavidovići", 44.45, 18.15, 205, True, (0.6, 5.0, 0.14), (15.9, 12.0, 0.45)),
    _town("Žepče", 44.43, 18.04, 235, True, (0.5, 5.0, 0.15), (15.8, 12.0, 0.45)),
    _town("Jablanica", 43.66, 17.76, 200, False, (3.5, 6.5, 0.28), (16.5, 12.0, 0.50)),
    _town("Mostar", 43.34, 17.81, 60, False, (6.5, 7.0, 0.37), (18.5, 12.0, 0.55)),
    _town("Nevesinje", 43.26, 18.11, 890, False, (-0.5, 8.0, 0.32), (12.5, 12.5, 0.48)),
    _town("Berkovići", 43.10, 18.17, 520, False, (2.5, 8.0, 0.36), (14.5, 12.5, 0.52)),
    _town("Ravno", 42.89, 17.97, 350, False, (5.0, 7.5, 0.40), (17.0, 12.0, 0.56)),
    _town("Trebinje", 42.71, 18.34, 275, False, (6.5, 7.5, 0.42), (18.0, 12.0, 0.58)),
)}


def slug(name: str) -> str:
    """'Žepče' -> 'zepce', 'Novi Grad' -> 'novi-grad': the bench ids' spelling (as the server's)."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "dj").replace("Đ", "Dj"))
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


def town(name: str) -> Town:
    """A municipality by name or slug, case and diacritics forgiven (``zepce`` finds Žepče)."""
    wanted = slug(name)
    for candidate in TOWNS.values():
        if slug(candidate.name) == wanted:
            return candidate
    raise ValueError(f"unknown municipality {name!r}; choose from {', '.join(TOWNS)}")


def draw_days(town: Town, day_of_year: int, days: int, rng: random.Random) -> list[str]:
    """Weather kinds for ``days`` days whose expected sunshine is the town's for the season."""
    sunshine = town.climate(day_of_year).sunshine
    cloudy, dark = WEATHERS["cloudy"], WEATHERS["dark"]
    # With the share of sunny days p and the rest cloudy:dark as 3:2, the expected sunshine is
    # p * sunny + (1 - p) * (0.6 * cloudy + 0.4 * dark); solve for p.
    rest = 0.6 * cloudy.sunshine + 0.4 * dark.sunshine
    p_sunny = max(0.0, min(1.0, (sunshine - rest) / (WEATHERS["sunny"].sunshine - rest)))
    kinds = []
    for _ in range(days):
        x = rng.random()
        kinds.append("sunny" if x < p_sunny else ("cloudy" if x < p_sunny + 0.6 * (1 - p_sunny) else "dark"))
    return kinds


def fortnight(town: Town, day_of_year: int, *, days: int = 14, dark_spell: tuple[int, int] | None = None,
              seed: int = 0) -> list[str]:
    """The town's weather for ``days`` days from ``day_of_year``; days ``dark_spell`` = (first,
    count) are dark whatever the draw said. Repeatable: the seed and the town's name fix it."""
    kinds = draw_days(town, day_of_year, days, random.Random(f"{seed}:{town.name}:{day_of_year}"))
    if dark_spell is not None:
        first, count = dark_spell
        for day in range(first, min(days, first + count)):
            kinds[day] = "dark"
    return kinds
