"""Battery chemistries of a 12 V bench battery: resting voltage, charge limits and what the cold does.

Pure data and arithmetic, shared by the simulator (which plays the battery) and the kiosk's charge
estimator (which has to guess it): both read the same tables, so the simulator is only as kind to
the estimator as the measured temperature allows. Sources of the figures: ``docs/energy.md``.
"""
from __future__ import annotations

from dataclasses import dataclass

Table = tuple[tuple[float, float], ...]


def interpolate(table: Table, x: float) -> float:
    """Piecewise-linear lookup in a table of (x, y) sorted by x, clamped at both ends."""
    x0, y0 = table[0]
    if x <= x0:
        return y0
    for x1, y1 in table[1:]:  # a dozen points at most: a scan beats building a bisect index
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        x0, y0 = x1, y1
    return y0


def _inverse(table: Table) -> Table:
    return tuple((y, x) for x, y in table)


@dataclass(frozen=True)
class Chemistry:
    """One kind of battery, 12 V class, at 25 °C unless a table says otherwise."""

    name: str
    nominal_v: float
    rest_v: Table  # state of charge 0..1 -> open-circuit voltage after a rest
    absorption_v: float
    float_v: float
    rebulk_v: float  # below this with the sun up the charger starts a new bulk phase
    tail_a_per_ah: float  # absorption ends when the battery takes less than this per Ah
    coulombic_efficiency: float  # charge out / charge in
    r_internal_ohm: float  # at 25 °C, for a 100 Ah battery (scales with 1/Ah)
    usable_capacity: Table  # battery temperature °C -> fraction of the 25 °C capacity you can draw
    charge_rate: Table  # battery temperature °C -> most charge current, in C (A per Ah)
    temp_compensation_v_per_c: float  # charge voltages move by this per °C away from 25 °C
    load_disconnect_v: float  # the MPPT's load output switches off below this (under load) ...
    load_reconnect_v: float  # ... and back on above this
    hibernate_pct: float  # the kiosk's controlled hibernation floor, well above that cut

    def ocv(self, soc: float) -> float:
        return interpolate(self.rest_v, soc)

    def soc_from_rest_v(self, volts: float) -> float:
        return interpolate(_inverse(self.rest_v), volts)

    def capacity_factor(self, temp_c: float) -> float:
        return interpolate(self.usable_capacity, temp_c)

    def max_charge_a(self, capacity_ah: float, temp_c: float) -> float:
        return interpolate(self.charge_rate, temp_c) * capacity_ah

    def charge_v(self, target_v: float, temp_c: float) -> float:
        return target_v + self.temp_compensation_v_per_c * (temp_c - 25.0)

    @property
    def min_charge_temp_c(self) -> float | None:
        """Below this the battery must not be charged at all (None: no such limit)."""
        blocked = [temp for temp, rate in self.charge_rate if rate == 0.0]
        return max(blocked) if blocked else None


# 12 V AGM (six cells): charge accepted in frost, but less of the capacity comes out in the cold.
AGM = Chemistry(
    name="agm", nominal_v=12.0,
    rest_v=((0.0, 11.60), (0.1, 11.75), (0.25, 11.96), (0.5, 12.22), (0.75, 12.50), (0.9, 12.70),
            (1.0, 12.85)),
    absorption_v=14.4, float_v=13.8, rebulk_v=13.2, tail_a_per_ah=0.02, coulombic_efficiency=0.9,
    r_internal_ohm=0.02,
    usable_capacity=((-20.0, 0.60), (-10.0, 0.72), (0.0, 0.83), (10.0, 0.91), (25.0, 1.0),
                     (40.0, 1.03)),
    charge_rate=((-20.0, 0.1), (0.0, 0.2), (25.0, 0.3)),
    temp_compensation_v_per_c=-0.018,  # -3 mV per cell and °C
    load_disconnect_v=11.8, load_reconnect_v=12.6, hibernate_pct=35.0,
)

# 12.8 V LiFePO4 (four cells, built-in BMS): flat voltage, high efficiency, no charge below 0 °C.
LIFEPO4 = Chemistry(
    name="lifepo4", nominal_v=12.8,
    rest_v=((0.0, 10.8), (0.05, 12.4), (0.1, 12.9), (0.2, 13.05), (0.4, 13.15), (0.6, 13.22),
            (0.8, 13.3), (0.9, 13.35), (0.99, 13.45), (1.0, 13.6)),
    absorption_v=14.2, float_v=13.5, rebulk_v=13.2, tail_a_per_ah=0.05, coulombic_efficiency=0.99,
    r_internal_ohm=0.01,
    usable_capacity=((-20.0, 0.65), (-10.0, 0.78), (0.0, 0.88), (10.0, 0.95), (25.0, 1.0),
                     (40.0, 1.0)),
    # The cell makers' rule: nothing below 0 °C, little until 5 °C, then up to 0.5 C.
    charge_rate=((-40.0, 0.0), (0.0, 0.0), (0.01, 0.05), (5.0, 0.1), (10.0, 0.3), (15.0, 0.5)),
    temp_compensation_v_per_c=0.0,
    load_disconnect_v=11.5, load_reconnect_v=13.1, hibernate_pct=20.0,
)

CHEMISTRIES: dict[str, Chemistry] = {chemistry.name: chemistry for chemistry in (AGM, LIFEPO4)}


def chemistry(name: str) -> Chemistry:
    try:
        return CHEMISTRIES[name]
    except KeyError:
        raise ValueError(f"unknown battery chemistry {name!r}; choose from {', '.join(CHEMISTRIES)}") from None
