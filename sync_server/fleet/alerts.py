"""A bench's active alerts, from its last contact and latest sample: pure, with "now" passed in.

An alert is a state, not an event: a bench that recovers simply has no alert any more."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..i18n import N_
from ..services.fleet import BenchState
from .charts import LOCAL_TIME
from ..settings import Settings

KINDS = ("silent", "controller_error", "charge_fault", "port_fault", "low_battery")
CRITICAL, WARNING = "critical", "warning"
SEVERITY_RANK = {CRITICAL: 0, WARNING: 1}


@dataclass(frozen=True)
class Alert:
    kind: str      # one of KINDS: stable, for metrics labels and CSS classes
    severity: str  # CRITICAL or WARNING
    message: str   # a catalogue msgid for the maintainer, translated where it is shown
    values: dict[str, str] = field(default_factory=dict)  # its placeholders, language-neutral


def alerts_for(bench: BenchState, now: datetime, settings: Settings) -> list[Alert]:
    """The alerts active for ``bench`` at ``now``, most severe first; none for a revoked bench."""
    if bench.revoked:
        return []
    found: list[Alert] = []
    # A bench that never called is measured from its provisioning: it should have called by now.
    if (now - (bench.last_contact_at or bench.created_at)).total_seconds() > silent_after_s(bench.health.get("sync_interval_s"), settings):
        if bench.last_contact_at is None:
            found.append(Alert("silent", CRITICAL, N_("Never contacted the server")))
        else:
            since = bench.last_contact_at.astimezone(LOCAL_TIME).strftime("%d.%m. %H:%M")
            found.append(Alert("silent", CRITICAL, N_("No contact since %(since)s"), {"since": since}))
    sample = bench.sample
    if sample is not None:
        if sample.error:
            found.append(Alert("controller_error", CRITICAL, N_("Controller error: %(error)s"),
                               {"error": sample.error}))
        if sample.charge_state == "fault":
            found.append(Alert("charge_fault", CRITICAL, N_("The charge controller reports a fault")))
        faulty = [name for name, port in sample.ports.items() if port.state == "fault"]
        if faulty:
            found.append(Alert("port_fault", WARNING, N_("Port fault: %(ports)s"), {"ports": ", ".join(faulty)}))
        if sample.soc_pct is not None:
            low = f"{sample.soc_pct:.0f} %" if sample.soc_pct < settings.low_soc_pct else None
        else:
            volts = sample.battery_v
            low = f"{volts:.2f} V" if volts is not None and volts < settings.low_battery_v else None
        if low:
            found.append(Alert("low_battery", WARNING, N_("Battery low: %(level)s"), {"level": low}))
    return sorted(found, key=lambda alert: SEVERITY_RANK[alert.severity])


def silent_after_s(sync_interval_s: object, settings: Settings) -> float:
    """How long a bench may stay quiet, given the sync interval its last health report gave. A
    bench saving energy syncs less often (every 30 min in saver mode, every few hours in critical):
    it is silent only after missing two of its own rounds, never sooner than the fleet's
    threshold. (Its low battery has its own alert.)"""
    if isinstance(sync_interval_s, (int, float)) and not isinstance(sync_interval_s, bool) and sync_interval_s > 0:
        return max(settings.silent_after_s, 2 * float(sync_interval_s) + 60)
    return settings.silent_after_s


def worst_first_key(bench: BenchState, alerts: list[Alert]) -> tuple[int, int, float, str, str]:
    """Sort key for the dashboard: critical benches first, then warnings, then the quiet ones;
    among equals the emptiest battery first. Revoked benches go last."""
    quiet = len(SEVERITY_RANK)
    rank = quiet + 1 if bench.revoked else min((SEVERITY_RANK[a.severity] for a in alerts), default=quiet)
    soc = bench.sample.soc_pct if bench.sample and bench.sample.soc_pct is not None else 101.0
    return rank, -len(alerts), soc, bench.municipality, bench.id
