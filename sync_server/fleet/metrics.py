"""The fleet in the Prometheus text exposition format (version 0.0.4): pure, no web.

Per bench gauges carry the labels ``bench`` and ``municipality``. ``smartbench_port_on`` counts
the ports switched on; ``smartbench_port_fault`` (labels ``bench``, ``port``) and
``smartbench_alert`` (label ``kind``) exist only while true (value 1), as Prometheus's own
``ALERTS`` series do: a series per port and alert kind at 0 would make 10 000 benches a 16 MB scrape.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..services.fleet import BenchState
from .alerts import Alert

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass
class Family:
    name: str
    help: str
    samples: list[tuple[str, float]] = field(default_factory=list)  # (rendered labels, value)
    type: str = "gauge"

    def add(self, value: float | None, labels: str = "") -> None:
        if value is not None:
            self.samples.append((labels, value))


def escape_label(value: str) -> str:
    """Label values escape backslash, double quote and line feed (and nothing else)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def labels(**pairs: str) -> str:
    """The text between the braces; rendered once per bench, not once per sample."""
    return ",".join(f'{key}="{escape_label(value)}"' for key, value in pairs.items())


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _value(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def render(families: Iterable[Family]) -> str:
    """The exposition text: every family with HELP and TYPE, even when it has no samples."""
    lines: list[str] = []
    for family in families:
        lines.append(f"# HELP {family.name} {_escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.type}")
        for text, value in family.samples:
            lines.append(f"{family.name}{{{text}}} {_value(value)}" if text else f"{family.name} {_value(value)}")
    return "\n".join(lines) + "\n"


def fleet_families(benches: Iterable[BenchState], alerts: Mapping[str, list[Alert]],
                   suggestions: Mapping[str, int], now: datetime) -> list[Family]:
    """The metric families for the fleet; ``alerts`` maps bench id to its active alerts."""
    contact = Family("smartbench_last_contact_seconds",
                     "Seconds since the bench last contacted the server (absent if it never did).")
    soc = Family("smartbench_battery_soc_percent", "Battery state of charge in the latest sample, percent.")
    volts = Family("smartbench_battery_volts", "Battery voltage in the latest sample, volts.")
    solar = Family("smartbench_solar_watts", "Solar panel power in the latest sample, watts.")
    backlog = Family("smartbench_sync_backlog_items", "Items waiting in the bench's outbox, as it last reported.")
    port_on = Family("smartbench_port_on", "Charging ports switched on in the latest sample.")
    port_fault = Family("smartbench_port_fault", "1 for each port reporting a fault in the latest sample (absent otherwise).")
    alert = Family("smartbench_alert", "1 for each active alert of a bench (absent when not active).")
    bench_count = Family("smartbench_benches", "Registered benches by state.")
    suggestion_count = Family("smartbench_suggestions", "Suggestions by moderation state.")
    states = {"active": 0, "revoked": 0}
    for bench in benches:
        states["revoked" if bench.revoked else "active"] += 1
        if bench.revoked:
            continue  # a retired bench has nothing to watch
        who = labels(bench=bench.id, municipality=bench.municipality)
        if bench.last_contact_at is not None:
            contact.add(round(max((now - bench.last_contact_at).total_seconds(), 0.0), 3), who)
        backlog.add(bench.backlog, who)
        sample = bench.sample
        if sample is not None:
            soc.add(sample.soc_pct, who)
            volts.add(sample.battery_v, who)
            solar.add(sample.solar_w, who)
            if sample.ports:
                port_on.add(sample.ports_on, who)
            for name, port in sample.ports.items():
                if port.state == "fault":
                    port_fault.add(1, labels(bench=bench.id, municipality=bench.municipality, port=name))
        for kind in sorted({a.kind for a in alerts.get(bench.id, ())}):
            alert.add(1, f'{who},kind="{kind}"')
    for state, count in states.items():
        bench_count.add(count, labels(state=state))
    for state, count in sorted(suggestions.items()):
        suggestion_count.add(count, labels(state=state))
    return [contact, soc, volts, solar, backlog, port_on, port_fault, alert, bench_count, suggestion_count]
