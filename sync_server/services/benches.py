"""Provisioning benches (tokens made, revoked, rotated), finding a bench by its token or its
hand-off key, its last contact, and the per-bench fleet view."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import auth
from ..clock import ago_iso, now_iso
from ..db import Database, municipality_slugs, transaction
from ..municipalities import resolve
from ..wire import dump_json
from . import audit
from .errors import InvalidInput, NotFound
from .people import SYSTEM

_BENCH_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Fleet pages at /fleet/<name>: a bench of that name would have no page of its own.
RESERVED_IDS = frozenset({"releases", "settings"})


def add_bench(db: Database, bench_id: str, municipality: str, actor: str = SYSTEM) -> str:
    """Register a bench; returns its token, which is never stored (only its hash)."""
    return add_benches(db, [(bench_id, municipality)], actor)[bench_id.strip()]


def add_benches(db: Database, benches: Iterable[tuple[str, str]], actor: str = SYSTEM) -> dict[str, str]:
    """Register benches (id, municipality) in one transaction; returns {bench id: token}."""
    known = municipality_slugs(db)
    rows = []
    for bench_id, municipality in benches:
        bench_id = bench_id.strip()
        if not _BENCH_ID.match(bench_id):
            raise InvalidInput("bench id: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit")
        if bench_id.lower() in RESERVED_IDS:
            raise InvalidInput(f"bench id: {', '.join(sorted(RESERVED_IDS))} are names of fleet pages")
        try:
            rows.append((bench_id, resolve(known, municipality), auth.new_token()))
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    now = now_iso()
    with transaction(db):
        # Ids differing only in case would confuse people reading dashboards: one of them only.
        taken = {row[0] for row in db.execute("SELECT lower(id) FROM benches")}
        for bench_id, slug, token in rows:
            if bench_id.lower() in taken:
                raise InvalidInput(f"bench {bench_id!r} exists; use rotate-token for a new token")
            taken.add(bench_id.lower())
            db.execute(
                "INSERT INTO benches (id, municipality, token_hash, token_issued_at, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [bench_id, slug, auth.hash_token(token), now, now],
            )
            audit.record(db, actor, "bench", bench_id, "create", None, "active", slug)
    return {bench_id: token for bench_id, _, token in rows}


def revoke_bench(db: Database, bench_id: str, actor: str = SYSTEM) -> None:
    with transaction(db):
        _require_bench(db, bench_id)
        db.execute("UPDATE benches SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                   [now_iso(), bench_id])
        audit.record(db, actor, "bench", bench_id, "revoke", None, "revoked")


def rotate_token(db: Database, bench_id: str, actor: str = SYSTEM) -> str:
    """A new token for the bench; the old one stops working at once (a revoked bench is reactivated)."""
    token = auth.new_token()
    with transaction(db):
        _require_bench(db, bench_id)
        db.execute("UPDATE benches SET token_hash = ?, token_issued_at = ?, revoked_at = NULL WHERE id = ?",
                   [auth.hash_token(token), now_iso(), bench_id])
        audit.record(db, actor, "bench", bench_id, "rotate-token", None, "active")
    return token


def _require_bench(db: Database, bench_id: str) -> None:
    if not db.execute("SELECT 1 FROM benches WHERE id = ?", [bench_id]).fetchone():
        raise NotFound(f"no bench {bench_id!r}")


def bench_for_token(db: Database, token: str) -> auth.Bench | None:
    """The active bench a token belongs to, or None for unknown and revoked tokens."""
    row = db.execute(
        "SELECT id, municipality, last_contact_at FROM benches WHERE token_hash = ? AND revoked_at IS NULL",
        [auth.hash_token(token)],
    ).fetchone()
    return auth.Bench(*row) if row else None


@dataclass(frozen=True)
class HandoffKey:
    """What checking a bench's hand-off link needs: its token's hash signs the link."""
    token_hash: str
    municipality: str
    revoked: bool


def handoff_key(db: Database, bench_id: str) -> HandoffKey | None:
    row = db.execute("SELECT token_hash, municipality, revoked_at IS NOT NULL FROM benches WHERE id = ?",
                     [bench_id]).fetchone()
    return None if row is None else HandoffKey(row[0], row[1], bool(row[2]))


def touch(db: Database, bench: auth.Bench, interval_s: float) -> None:
    """Record the bench's last contact, at most once per interval (a write per request is waste)."""
    if bench.last_contact_at is None or bench.last_contact_at < ago_iso(interval_s):
        with transaction(db):
            db.execute("UPDATE benches SET last_contact_at = ? WHERE id = ?", [now_iso(), bench.id])


def overview(db: Database) -> list[dict[str, Any]]:
    """Per bench: last contact, last telemetry, the backlog it reported, its last power sample."""
    cursor = db.execute(
        """
        SELECT b.id, b.municipality, b.revoked_at IS NOT NULL, b.last_contact_at, b.last_telemetry_at,
               b.backlog, b.app_version, t.battery_v, t.soc_pct, t.charge_state, t.error
        FROM benches b
        LEFT JOIN telemetry t ON t.bench_id = b.id AND t.at = (
            SELECT max(at) FROM telemetry WHERE bench_id = b.id)
        ORDER BY b.municipality, b.id
        """
    )
    keys = ("id", "municipality", "revoked", "last_contact_at", "last_telemetry_at", "backlog",
            "app_version", "battery_v", "soc_pct", "charge_state", "error")
    return [dict(zip(keys, row), revoked=bool(row[2])) for row in cursor]


def record_health(db: Database, bench_id: str, health: dict[str, Any]) -> None:
    """Store the kiosk health report; call inside a transaction."""
    backlog = health.get("backlog")
    version = health.get("app_version")
    db.execute(
        # The report is kept whole; the two fields the fleet view reads keep their last known value.
        "UPDATE benches SET health = ?, backlog = coalesce(?, backlog), app_version = coalesce(?, app_version) "
        "WHERE id = ?",
        [
            dump_json(health),
            backlog if isinstance(backlog, int) and not isinstance(backlog, bool) and 0 <= backlog < 2**62 else None,
            version[:64] if isinstance(version, str) and version.isprintable() else None,
            bench_id,
        ],
    )
