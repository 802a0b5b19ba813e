"""Telemetry from benches: power samples (deduplicated by bench and time) and kiosk health."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..auth import Bench
from ..clock import iso, now_iso, parse_rfc3339, utcnow
from ..db import Database, transaction
from ..problems import Problem
from ..settings import TELEMETRY_MAX_AHEAD_S
from ..wire import Rejection, clean_text, dump_json, finite_number
from .benches import record_health

NUMBERS = ("battery_v", "battery_a", "solar_v", "solar_w", "soc_pct")
LABELS = ("charge_state", "error")
KNOWN = {"at", *NUMBERS, *LABELS, "load_on", "ports"}


def check_sample(index: int, sample: dict[str, Any], latest: datetime) -> list[Any] | dict[str, Any]:
    """A row for the telemetry table, or a rejection {"index", "reason"}. A sample dated after
    ``latest`` (the server's clock plus a little) is implausible: it would stay the bench's
    "latest" sample and hide the real ones."""
    at = parse_rfc3339(sample.get("at"))
    if at is None or at > latest:
        return {"index": index, "reason": "invalid_at"}
    row: list[Any] = [iso(at)]
    for key in NUMBERS:
        number = finite_number(sample.get(key))
        if isinstance(number, Rejection):
            return {"index": index, "reason": f"invalid_{key}"}
        row.append(number)
    for key in LABELS:
        value = sample.get(key)
        label = None if value is None else clean_text(value, 64)
        if isinstance(label, Rejection):
            return {"index": index, "reason": f"invalid_{key}"}
        row.append(label)
    load_on = sample.get("load_on")
    if load_on is not None and not isinstance(load_on, bool):
        return {"index": index, "reason": "invalid_load_on"}
    ports = sample.get("ports")
    if ports is not None and not isinstance(ports, dict):
        return {"index": index, "reason": "invalid_ports"}
    extra = {k: v for k, v in sample.items() if k not in KNOWN}
    ports_json = None if ports is None else dump_json(ports)
    extra_json = dump_json(extra) if extra else None
    if (ports is not None and ports_json is None) or (extra and extra_json is None):
        return {"index": index, "reason": "too_deeply_nested"}
    row += [load_on, ports_json, extra_json]
    return row


def ingest_telemetry(db: Database, bench: Bench, samples: list[dict[str, Any]], health: Any,
                     max_ahead_s: float = TELEMETRY_MAX_AHEAD_S) -> dict[str, Any]:
    """Store a bench's new samples (deduplicated by bench and time) and its health report; a
    sample that fails its checks (or is dated more than ``max_ahead_s`` ahead of the server's
    clock) is rejected alone, a health report that is no object refuses all."""
    if health is not None and not isinstance(health, dict):
        raise Problem(422, "invalid-request", '"health" must be an object')
    rows, rejected = [], []
    latest = utcnow() + timedelta(seconds=max_ahead_s)
    for index, sample in enumerate(samples):
        checked = check_sample(index, sample, latest)
        (rejected if isinstance(checked, dict) else rows).append(checked)
    now = now_iso()
    with transaction(db):
        for row in rows:
            db.execute(
                "INSERT OR IGNORE INTO telemetry (at, battery_v, battery_a, solar_v, solar_w, soc_pct, "
                "charge_state, error, load_on, ports, extra, bench_id, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [*row, bench.id, now],
            )
        if rows:
            db.execute("UPDATE benches SET last_telemetry_at = ? WHERE id = ?", [now, bench.id])
        if health is not None:
            record_health(db, bench.id, health)
    return {"accepted": len(rows), "rejected": rejected}


def thin_old_telemetry(db: Database, full_resolution_days: float) -> int:
    """Keep samples at full resolution for ``full_resolution_days``, then the first of each hour
    (as the bench does with its own ring); returns how many were deleted. One transaction per
    bench, so the bench API never waits long for the database."""
    cutoff = iso(utcnow() - timedelta(days=full_resolution_days))
    deleted = 0
    for (bench_id,) in db.execute("SELECT id FROM benches").fetchall():
        with transaction(db):
            # Stored time stamps are canonical UTC text: the first 13 characters are the hour.
            deleted += db.execute(
                "DELETE FROM telemetry WHERE bench_id = :bench AND at < :cutoff AND at NOT IN ("
                "  SELECT min(at) FROM telemetry WHERE bench_id = :bench AND at < :cutoff GROUP BY substr(at, 1, 13))",
                {"bench": bench_id, "cutoff": cutoff}).rowcount
    return deleted
