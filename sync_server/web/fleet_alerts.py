"""A bench's active alerts, from its last contact and latest sample: pure, with "now" passed in.

An alert is a state, not an event: a bench that recovers simply has no alert any more."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..services.fleet import BenchState
from .fleet_settings import FleetSettings

KINDS = ("silent", "controller_error", "charge_fault", "port_fault", "low_battery")
CRITICAL, WARNING = "critical", "warning"
SEVERITY_RANK = {CRITICAL: 0, WARNING: 1}


@dataclass(frozen=True)
class Alert:
    kind: str      # one of KINDS: stable, for metrics labels and CSS classes
    severity: str  # CRITICAL or WARNING
    message: str   # for the maintainer, in English (templates translate by kind)
    detail: str | None = None  # the port, error name or measured value that fired it


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def alerts_for(bench: BenchState, now: datetime, settings: FleetSettings) -> list[Alert]:
    """The alerts active for ``bench`` at ``now``, most severe first; none for a revoked bench."""
    if bench.revoked:
        return []
    found: list[Alert] = []
    # A bench that never called is measured from its provisioning: it should have called by now.
    since = bench.last_contact_at or bench.created_at
    silent_s = (now - since).total_seconds()
    if silent_s > settings.silent_after_s:
        what = "no contact" if bench.last_contact_at else "never contacted the server"
        found.append(Alert("silent", CRITICAL, f"{what} for {_minutes(silent_s)}", _minutes(silent_s)))
    sample = bench.sample
    if sample is not None:
        if sample.error:
            found.append(Alert("controller_error", CRITICAL, f"controller error: {sample.error}", sample.error))
        if sample.charge_state == "fault":
            found.append(Alert("charge_fault", CRITICAL, "the charge controller reports a fault"))
        faulty = [name for name, port in sample.ports.items() if port.state == "fault"]
        if faulty:
            ports = ", ".join(faulty)
            found.append(Alert("port_fault", WARNING, f"port fault: {ports}", ports))
        if sample.soc_pct is not None:
            if sample.soc_pct < settings.low_soc_pct:
                found.append(Alert("low_battery", WARNING, f"battery at {sample.soc_pct:.0f} %",
                                   f"{sample.soc_pct:.0f} %"))
        elif sample.battery_v is not None and sample.battery_v < settings.low_battery_v:
            found.append(Alert("low_battery", WARNING, f"battery at {sample.battery_v:.2f} V",
                               f"{sample.battery_v:.2f} V"))
    return sorted(found, key=lambda alert: SEVERITY_RANK[alert.severity])


def worst_first_key(bench: BenchState, alerts: list[Alert]) -> tuple[int, int, float, str, str]:
    """Sort key for the dashboard: critical benches first, then warnings, then the quiet ones;
    among equals the emptiest battery first. Revoked benches go last."""
    quiet = len(SEVERITY_RANK)
    rank = quiet + 1 if bench.revoked else min((SEVERITY_RANK[a.severity] for a in alerts), default=quiet)
    soc = bench.sample.soc_pct if bench.sample and bench.sample.soc_pct is not None else 101.0
    return rank, -len(alerts), soc, bench.municipality, bench.id
