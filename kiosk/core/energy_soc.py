"""Know the battery: the state of charge from the best source there is.

1. A shunt (Victron BMV/SmartShunt: its block carries ``SOC`` together with ``CE``, consumed Ah):
   it counts every amp-hour itself, so its SOC is used as it is.
2. Otherwise charge is counted from the battery current ``I`` the MPPT sends every second, with
   the chemistry's charge efficiency, and resynchronised to 100 % whenever the charger reaches
   float (the one moment the battery is known to be full). A gap in the readings (the kiosk
   hibernated, the link was down) is bridged with the MPPT's total yield ``H19`` minus the standby
   draw the kiosk expected.
3. Only when there is no current either, the chemistry's resting-voltage table gives a guess
   (useless on a charging or loaded battery, and on LiFePO4's flat curve at best a rough one).

The port board's own ``SOC`` without a ``CE`` beside it is not trusted: it is the voltage guess of
a cheaper gauge. Capacity shrinks in the cold (``Chemistry.capacity_factor``): the percentage is
of what can be drawn at the battery's temperature (``TBAT``) now.

Pure state and arithmetic: the caller passes each ``PowerStatus`` and the monotonic time.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hardware.battery import Chemistry
from hardware.status import PowerStatus

SHUNT, COUNTING, VOLTAGE, UNKNOWN = "shunt", "counting", "voltage", "unknown"
REST_A_PER_AH = 0.01  # below this current the battery counts as resting for its voltage
DEFAULT_TEMP_C = 15.0  # without TBAT
MIN_REST_SLOPE_MV_PER_PCT = 5.0  # a resting voltage is read only where it moves this much per point
FULL_HOLD_S = 600.0  # float voltage at the tail current this long: the battery is full


@dataclass(frozen=True)
class SocEstimate:
    pct: float | None
    source: str  # shunt | counting | voltage | unknown


@dataclass(frozen=True)
class Anchor:
    """A moment the charge was known independently of the count: full at float, or a rest voltage.
    With the count's total at that moment, two anchors measure the battery's capacity."""

    at: float
    soc: float  # 0..1, of the capacity at 25 °C
    counted_ah: float  # the running net Ah total (charge in x efficiency - charge out)


class ChargeCounter:
    """Coulomb counting with resync at float; see the module's docstring."""

    def __init__(self, chemistry: Chemistry, capacity_ah: float, *, stale_after_s: float = 300.0) -> None:
        self.chemistry = chemistry
        self.capacity_ah = capacity_ah
        self.stale_after_s = stale_after_s
        self.charge_ah: float | None = None  # of the 25 °C capacity, like the battery maker's rating
        self.ah_in = 0.0  # counted totals, for the capacity-fade alert
        self.ah_out = 0.0
        self.net_ah = 0.0
        self.anchors: list[Anchor] = []
        self._last_current = 0.0
        self.source = UNKNOWN
        self._current_at: float | None = None  # the time of the last current reading counted
        self._yield_kwh: float | None = None
        self._rest_since: float | None = None
        self._offline: tuple[float, float] | None = None  # a reboot's gap (s, standby Wh), bridged at the first reading
        self._charged_since: float | None = None

    # --- reading ---------------------------------------------------------------------------

    def update(self, status: PowerStatus, now: float) -> SocEstimate:
        temp_c = self._fresh(status, "TBAT", now)
        temp_c = DEFAULT_TEMP_C if temp_c is None else temp_c
        shunt = self._shunt_soc(status, now)
        if shunt is not None:
            self._set_available(shunt / 100.0, temp_c)
            self._current_at = _reading_at(status, "I")
            self.source = SHUNT
            return SocEstimate(shunt, SHUNT)
        current = self._fresh(status, "I", now)
        volts = self._fresh(status, "V", now)
        if current is not None:
            self._count(status, current, volts, temp_c)
            if self.charge_ah is not None:
                self.source = COUNTING
                return SocEstimate(round(self.available(temp_c) * 100.0, 2), COUNTING)
        if volts is not None and not _charging(status):
            self.source = VOLTAGE
            return SocEstimate(round(self.chemistry.soc_from_rest_v(volts) * 100.0, 2), VOLTAGE)
        self.source = UNKNOWN
        return SocEstimate(None, UNKNOWN)

    def available(self, temp_c: float) -> float:
        """The share of the charge that can be drawn at ``temp_c``, 0..1 (the cold locks the
        bottom of the capacity away, as ``hardware.simulator`` plays it)."""
        if self.charge_ah is None:
            return 0.0
        f = self.chemistry.capacity_factor(temp_c)
        return min(1.0, max(0.0, (self.charge_ah - self.capacity_ah * (1 - f)) / (self.capacity_ah * f)))

    def _set_available(self, soc: float, temp_c: float) -> None:
        f = self.chemistry.capacity_factor(temp_c)
        self.charge_ah = self.capacity_ah * (1 - f) + min(1.0, max(0.0, soc)) * self.capacity_ah * f

    def _fresh(self, status: PowerStatus, label: str, now: float) -> float | None:
        age = status.age(label, now)
        value = status.value(label)
        if age is None or age > self.stale_after_s or not isinstance(value, (int, float)) or isinstance(value, bool):
            return None
        return float(value)

    def _shunt_soc(self, status: PowerStatus, now: float) -> float | None:
        soc, consumed = status.readings.get("SOC"), status.readings.get("CE")
        if soc is None or consumed is None or soc.source != consumed.source:
            return None
        return self._fresh(status, "SOC", now)

    # --- counting --------------------------------------------------------------------------

    def _count(self, status: PowerStatus, current: float, volts: float | None, temp_c: float) -> None:
        at = _reading_at(status, "I")
        yield_kwh = status.value("H19") if isinstance(status.value("H19"), float) else None
        if self.charge_ah is None:
            self._start(status, current, volts, temp_c)
        elif self._offline is not None:
            self._bridge(self._offline[1], yield_kwh)
            self._after_rest(current, volts, temp_c)
        elif at is not None and self._current_at is not None and at > self._current_at:
            gap = at - self._current_at
            if gap <= self.stale_after_s:
                # The current of a block stands for the interval since the block before it.
                self._add(current * gap / 3600.0)
            else:
                # The link was down, the kiosk ran on: its draw as last measured, the sun's from H19.
                self._bridge(max(0.0, -self._last_current) * self.chemistry.nominal_v * gap / 3600.0, yield_kwh)
        if yield_kwh is not None:
            self._yield_kwh = yield_kwh
        self._current_at, self._offline, self._last_current = at, None, current
        if self.charge_ah is None:
            return
        if self._full(status, current, volts, temp_c, at):
            if self.charge_ah < self.capacity_ah - 1e-6 or not self.anchors or self.anchors[-1].soc < 1.0:
                self.anchors.append(Anchor(at or 0.0, 1.0, self.net_ah))
            self.charge_ah = self.capacity_ah
        self._note_rest(at, current, volts)

    def _full(self, status: PowerStatus, current: float, volts: float | None, temp_c: float, at: float | None) -> bool:
        """Full, as a BMV decides it: the charger at float voltage and the battery taking no more
        than the tail current, for ten minutes on end."""
        chemistry = self.chemistry
        charged = (status.charge_state == "float" and volts is not None and at is not None
                   and volts >= chemistry.charge_v(chemistry.float_v, temp_c) - 0.1
                   and 0.0 <= current <= chemistry.tail_a_per_ah * self.capacity_ah)
        if not charged:
            self._charged_since = None
            return False
        if self._charged_since is None:
            self._charged_since = at
        return at - self._charged_since >= FULL_HOLD_S

    def _start(self, status: PowerStatus, current: float, volts: float | None, temp_c: float) -> None:
        if status.charge_state == "float":
            self.charge_ah = self.capacity_ah
        elif volts is not None and not _charging(status):
            rest_v = volts - current * self.chemistry.r_internal_ohm * 100.0 / self.capacity_ah
            self._set_available(self.chemistry.soc_from_rest_v(rest_v), temp_c)

    def _add(self, amp_hours: float) -> None:
        if amp_hours > 0:
            self.ah_in += amp_hours
            amp_hours *= self.chemistry.coulombic_efficiency
        else:
            self.ah_out -= amp_hours
        self.net_ah += amp_hours
        self.charge_ah = min(self.capacity_ah, max(0.0, self.charge_ah + amp_hours))

    def _bridge(self, drawn_wh: float, yield_kwh: float | None) -> None:
        """Hours without readings: what the panel gave (H19) minus what the bench drew."""
        harvested_wh = 0.0
        if yield_kwh is not None and self._yield_kwh is not None and yield_kwh >= self._yield_kwh:
            harvested_wh = (yield_kwh - self._yield_kwh) * 1000.0
        # Watt-hours to amp-hours at the voltages they flowed at: charging near absorption,
        # discharging near the resting voltage.
        charging_v = (self.chemistry.nominal_v + self.chemistry.absorption_v) / 2
        self._add(harvested_wh / charging_v - drawn_wh / (self.chemistry.nominal_v + 0.3))

    def _after_rest(self, current: float, volts: float | None, temp_c: float) -> None:
        """Back from hours asleep with the battery still quiet: where the chemistry's resting
        voltage is steep enough to read (AGM, not LiFePO4's flat middle), it corrects the count."""
        if volts is None or abs(current) > REST_A_PER_AH * self.capacity_ah:
            return
        rest_v = volts - current * self.chemistry.r_internal_ohm * 100.0 / self.capacity_ah
        soc = self.chemistry.soc_from_rest_v(rest_v)
        slope_mv_per_pct = (self.chemistry.ocv(min(1.0, soc + 0.05)) - self.chemistry.ocv(max(0.0, soc - 0.05))) * 100
        if slope_mv_per_pct >= MIN_REST_SLOPE_MV_PER_PCT:
            self._set_available(soc, temp_c)

    def _note_rest(self, at: float | None, current: float, volts: float | None) -> None:
        """After half an hour of rest the voltage tells the charge: an anchor for the capacity."""
        if at is None or volts is None or abs(current) > REST_A_PER_AH * self.capacity_ah:
            self._rest_since = None
            return
        if self._rest_since is None:
            self._rest_since = at
        elif at - self._rest_since >= 1800.0:
            rest_v = volts - current * self.chemistry.r_internal_ohm * 100.0 / self.capacity_ah
            self.anchors.append(Anchor(at, self.chemistry.soc_from_rest_v(rest_v), self.net_ah))
            self._rest_since = None
        del self.anchors[:-64]

    # --- across a reboot -------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """What to keep on disk across a hibernation (JSON-able)."""
        return {"charge_ah": self.charge_ah, "ah_in": self.ah_in, "ah_out": self.ah_out, "net_ah": self.net_ah,
                "yield_kwh": self._yield_kwh}

    def restore(self, state: dict[str, Any], offline_s: float, standby_wh: float) -> None:
        """After a reboot ``offline_s`` long in which the bench drew ``standby_wh``: the count goes
        on, that gap bridged with the yield (and a resting voltage, where it can be read)."""
        self.charge_ah, self.ah_in, self.ah_out = state["charge_ah"], state["ah_in"], state["ah_out"]
        self.net_ah, self._yield_kwh = state["net_ah"], state["yield_kwh"]
        self._current_at, self._offline = None, (offline_s, standby_wh)


def _reading_at(status: PowerStatus, label: str) -> float | None:
    reading = status.readings.get(label)
    return None if reading is None else reading.at


def _charging(status: PowerStatus) -> bool:
    current = status.battery_a
    return isinstance(current, float) and current > 0.05
