"""The fleet as maintainers see it: every bench with its latest power sample and health, and a
bench's telemetry over a period. One query per table, never one per bench: the dashboard and
/metrics must stay fast for 10 000 benches."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from ..clock import iso, utcnow
from ..db import Database
from ..settings import TELEMETRY_MAX_AHEAD_S

# A bench reports its own port names; more than this many is a broken or hostile bench, and every
# port becomes a metric series, so the rest are ignored.
MAX_PORTS = 16


class Port(NamedTuple):  # a tuple: 10 000 benches have 100 000 ports, made in a fifth of the time
    state: str  # "on" | "off" | "fault" as the bench sent it, lower-case
    current_a: float | None


@dataclass(frozen=True)
class Sample:
    at: datetime
    battery_v: float | None = None
    battery_a: float | None = None
    solar_v: float | None = None
    solar_w: float | None = None
    soc_pct: float | None = None
    charge_state: str | None = None
    error: str | None = None
    load_on: bool | None = None
    ports: dict[str, Port] = field(default_factory=dict)

    @property
    def ports_on(self) -> int:
        return sum(port.state == "on" for port in self.ports.values())

    @property
    def ports_current_a(self) -> float:
        return sum(port.current_a or 0.0 for port in self.ports.values())


@dataclass(frozen=True)
class BenchState:
    id: str
    municipality: str
    created_at: datetime
    revoked: bool = False
    last_contact_at: datetime | None = None
    backlog: int | None = None
    app_version: str | None = None
    health: dict[str, Any] = field(default_factory=dict)
    sample: Sample | None = None


def _time(text: str | None) -> datetime | None:
    """A stored time stamp (always the canonical UTC form, which fromisoformat reads ten times
    faster than the general RFC 3339 parser that guards the API)."""
    return datetime.fromisoformat(text) if text else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def parse_ports(text: str | None) -> dict[str, Port]:
    """The ports object as the bench sent it, tolerating anything: odd entries are skipped."""
    try:
        raw = json.loads(text) if text else {}
    except ValueError:
        return {}
    ports: dict[str, Port] = {}
    for name, value in raw.items() if isinstance(raw, dict) else ():
        if len(ports) == MAX_PORTS:
            break
        if isinstance(value, dict) and isinstance(value.get("state"), str):
            ports[name] = Port(value["state"].lower(), _number(value.get("current_a")))
    return ports


_VALUE_COLUMNS = "battery_v, battery_a, solar_v, solar_w, soc_pct, charge_state, error, load_on, ports"


def _sample(row: tuple[Any, ...]) -> Sample:
    at, battery_v, battery_a, solar_v, solar_w, soc, charge_state, error, load_on, ports = row
    return Sample(_time(at), battery_v, battery_a, solar_v, solar_w, soc, charge_state, error,
                  None if load_on is None else bool(load_on), parse_ports(ports))


def _until(until: datetime | None) -> str:
    """The newest time stamp worth showing: a sample dated after it (stored before the API refused
    such samples, or by a bench whose clock ran wild) must neither break a page nor stay "latest"."""
    return iso(until if until is not None else utcnow() + timedelta(seconds=TELEMETRY_MAX_AHEAD_S))


def _latest_samples(db: Database, bench_id: str | None, until: datetime | None) -> dict[str, Sample]:
    # max(at) per bench walks the (bench_id, at) primary key; SQLite returns the row's other
    # columns from the row holding the max (a documented bare-column guarantee).
    where, params = "WHERE at <= ?", [_until(until)]
    if bench_id is not None:
        where, params = where + " AND bench_id = ?", params + [bench_id]
    cursor = db.execute(f"SELECT bench_id, max(at), {_VALUE_COLUMNS} FROM telemetry {where} GROUP BY bench_id",
                        params)
    return {row[0]: _sample(row[1:]) for row in cursor}


def _health(text: str | None) -> dict[str, Any]:
    try:
        health = json.loads(text) if text else {}
    except ValueError:
        return {}
    return health if isinstance(health, dict) else {}


def benches(db: Database, bench_id: str | None = None, until: datetime | None = None) -> list[BenchState]:
    """Every bench (or the one asked for) with its latest sample up to ``until`` (default: the
    server's clock plus the telemetry's allowed advance), ordered by municipality and id."""
    samples = _latest_samples(db, bench_id, until)
    where = "WHERE id = ?" if bench_id is not None else ""
    cursor = db.execute(
        "SELECT id, municipality, created_at, revoked_at IS NOT NULL, last_contact_at, last_telemetry_at, "
        f"backlog, app_version, health FROM benches {where} ORDER BY municipality, id",
        [bench_id] if bench_id is not None else [])
    states = []
    for bench, municipality, created, revoked, contact, telemetry, backlog, version, health in cursor:
        # The API writes last_contact_at at most every 30 s but last_telemetry_at on every
        # upload with samples: the newer of the two is the true last contact.
        states.append(BenchState(bench, municipality, _time(created), bool(revoked),
                                 _time(max(contact or "", telemetry or "") or None), backlog, version,
                                 _health(health), samples.get(bench)))
    return states


def bench(db: Database, bench_id: str, until: datetime | None = None) -> BenchState | None:
    found = benches(db, bench_id, until)
    return found[0] if found else None


def samples_since(db: Database, bench_id: str, since: datetime, until: datetime | None = None) -> list[Sample]:
    """A bench's samples from ``since`` to ``until`` (as for `benches`), oldest first."""
    cursor = db.execute(f"SELECT at, {_VALUE_COLUMNS} FROM telemetry WHERE bench_id = ? AND at >= ? AND at <= ? "
                        "ORDER BY at", [bench_id, iso(since), _until(until)])
    return [_sample(row) for row in cursor]


def suggestion_counts(db: Database) -> dict[str, int]:
    """Suggestions by state, for the server-wide metrics."""
    return dict(db.execute("SELECT state, count(*) FROM suggestions GROUP BY state").fetchall())
