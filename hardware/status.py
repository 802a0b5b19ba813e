"""PowerStatus: what the bench knows about its power, merged from one or more serial links.

A Victron MPPT on one port and the bench's port board on another (or one controller sending
both) each contribute fields; for every label the newest reading wins, and each reading keeps
where and when it came from so stale data shows its age.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from hardware.commands import SWITCHABLE_PORTS  # noqa: F401 - where the link and the CLI find it
from hardware.protocol import CHARGING_PORTS, FIELD_SPECS, Value, decode_value


@dataclass(frozen=True)
class LinkStats:
    """Health of one serial link, as the diagnostics screens show it."""

    name: str
    connected: bool
    frames_ok: int
    frames_bad: int
    hex_messages: int = 0
    reconnects: int = 0
    last_block_at: float | None = None  # time.monotonic()
    last_error: str | None = None
    accepts_commands: bool = False


@dataclass(frozen=True)
class PortStatus:
    state: str  # "on" | "off" | "fault"
    current_a: float | None


@dataclass(frozen=True)
class Reading:
    raw: str
    value: Value
    source: str
    at: float  # time.monotonic() when the block arrived


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _reading(label: str, doc: str) -> property:
    """A read-only attribute for the value of one label."""
    return property(lambda status: status.value(label), doc=doc)


@dataclass(frozen=True)
class PowerStatus:
    """An immutable snapshot; ``with_block``/``with_link`` return updated copies."""

    readings: Mapping[str, Reading] = field(default_factory=lambda: _frozen({}))
    links: Mapping[str, LinkStats] = field(default_factory=lambda: _frozen({}))

    def with_block(self, source: str, fields: Mapping[str, str], at: float) -> PowerStatus:
        readings = dict(self.readings)
        for label, raw in fields.items():
            readings[label] = Reading(raw, decode_value(label, raw), source, at)
        return PowerStatus(_frozen(readings), self.links)

    def with_link(self, stats: LinkStats) -> PowerStatus:
        return PowerStatus(self.readings, _frozen({**self.links, stats.name: stats}))

    def value(self, label: str) -> Value:
        reading = self.readings.get(label)
        return reading.value if reading else None

    def age(self, key: str, now: float) -> float | None:
        """Seconds since the value named ``key`` (status key such as "battery_v", or a raw
        label such as "V") was received; None if it never was."""
        reading = self.readings.get(_label_for(key))
        return None if reading is None else max(0.0, now - reading.at)

    battery_v = _reading("V", "Battery voltage, V.")
    battery_a = _reading("I", "Battery current, A: positive while charging.")
    solar_v = _reading("VPV", "Panel voltage, V.")
    solar_w = _reading("PPV", "Panel power, W.")
    charge_state = _reading("CS", 'Charge state name ("bulk", "float", ...) or None.')
    error = _reading("ERR", "Charger error name, or None when there is none.")
    soc_pct = _reading("SOC", "Battery state of charge, %.")
    load_on = _reading("LOAD", "Whether the controller's load output is on.")

    @property
    def ports(self) -> dict[str, PortStatus]:
        """Every port the controller has reported, with its current draw where known."""
        ports = {}
        for port in CHARGING_PORTS:
            if port in self.readings:
                ports[port] = PortStatus(self.value(port), self.value(f"{port}_I"))
        if "LIGHT" in self.readings:
            light = self.value("LIGHT")
            ports["LIGHT"] = PortStatus("on" if light else "off", None)
        return ports

    @property
    def frames_ok(self) -> int:
        return sum(link.frames_ok for link in self.links.values())

    @property
    def frames_bad(self) -> int:
        return sum(link.frames_bad for link in self.links.values())

    def to_dict(self, now: float | None = None) -> dict[str, Any]:
        """The JSON-able status of the monitor contract: named values in SI units, ports,
        frame counters, per-link health, unknown labels under "raw", and with ``now`` the age
        in seconds of every value under "age_s"."""
        status: dict[str, Any] = {spec.key: None for label, spec in FIELD_SPECS.items()
                                  if label not in _PORT_LABELS}
        raw: dict[str, str] = {}
        for label, reading in self.readings.items():
            spec = FIELD_SPECS.get(label)
            if spec is None:
                raw[label] = reading.raw
            elif label not in _PORT_LABELS:
                status[spec.key] = reading.value
        status["ports"] = {name: asdict(port) for name, port in self.ports.items()}
        status["frames_ok"] = self.frames_ok
        status["frames_bad"] = self.frames_bad
        status["links"] = {name: asdict(link) for name, link in self.links.items()}
        status["raw"] = raw
        if now is not None:
            status["age_s"] = {_key_for(label): round(max(0.0, now - reading.at), 3)
                               for label, reading in self.readings.items()}
        return status


_PORT_LABELS = frozenset(CHARGING_PORTS) | {f"{port}_I" for port in CHARGING_PORTS}
_LABEL_BY_KEY = {spec.key: label for label, spec in FIELD_SPECS.items()}


def _label_for(key: str) -> str:
    return _LABEL_BY_KEY.get(key, key)


def _key_for(label: str) -> str:
    spec = FIELD_SPECS.get(label)
    return spec.key if spec else label
