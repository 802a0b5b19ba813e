"""Provisioning benches (tokens made, revoked, rotated), finding a bench by its token or its
hand-off key, its last contact, and the per-bench fleet view."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import auth
from .. import server_key as keyfile
from ..clock import ago_iso, ahead_iso, now_iso
from ..db import Database, municipality_slugs, transaction
from ..municipalities import resolve
from ..settings import TELEMETRY_MAX_AHEAD_S
from ..wire import dump_json
from . import audit
from .errors import InvalidInput, NotFound
from .people import SYSTEM

_BENCH_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Fleet pages at /fleet/<name>: a bench of that name would have no page of its own.
RESERVED_IDS = frozenset({"releases", "settings"})


def add_bench(db: Database, bench_id: str, municipality: str, actor: str = SYSTEM,
              server_key: bytes | None = None) -> str:
    """Register a bench; returns its token, which is never stored (only its hash)."""
    return add_benches(db, [(bench_id, municipality)], actor, server_key)[bench_id.strip()]


def _key_of(db: Database, server_key: bytes | None) -> bytes:
    """The server key given, else the one of the key file beside this database (the default of
    `serve`, see Settings.server_key_file)."""
    if server_key is not None:
        return server_key
    return keyfile.load_or_create(keyfile.key_path(db.execute("PRAGMA database_list").fetchone()[2]))


def _credentials(server_key: bytes, bench_id: str, token: str) -> tuple[str, str]:
    """What is stored of a new token: its hash, and the hand-off key it gives, sealed."""
    return auth.hash_bench_token(token), keyfile.seal(server_key, bench_id, auth.handoff_key(token))


def add_benches(db: Database, benches: Iterable[tuple[str, str]], actor: str = SYSTEM,
                server_key: bytes | None = None) -> dict[str, str]:
    """Register benches (id, municipality) in one transaction; returns {bench id: token}."""
    known = municipality_slugs(db)
    key = _key_of(db, server_key)
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
                "INSERT INTO benches (id, municipality, token_hash, handoff_key, token_issued_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [bench_id, slug, *_credentials(key, bench_id, token), now, now],
            )
            audit.record(db, actor, "bench", bench_id, "create", None, "active", slug)
    return {bench_id: token for bench_id, _, token in rows}


def revoke_bench(db: Database, bench_id: str, actor: str = SYSTEM) -> None:
    with transaction(db):
        _require_bench(db, bench_id)
        db.execute("UPDATE benches SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                   [now_iso(), bench_id])
        audit.record(db, actor, "bench", bench_id, "revoke", None, "revoked")


def rotate_token(db: Database, bench_id: str, actor: str = SYSTEM, server_key: bytes | None = None) -> str:
    """A new token for the bench; the old one stops working at once (a revoked bench is
    reactivated). A bench provisioned before sealed hand-off keys moves over here."""
    token = auth.new_token()
    key = _key_of(db, server_key)
    with transaction(db):
        _require_bench(db, bench_id)
        db.execute("UPDATE benches SET token_hash = ?, handoff_key = ?, token_issued_at = ?, revoked_at = NULL "
                   "WHERE id = ?", [*_credentials(key, bench_id, token), now_iso(), bench_id])
        audit.record(db, actor, "bench", bench_id, "rotate-token", None, "active")
    return token


def _require_bench(db: Database, bench_id: str) -> None:
    if not db.execute("SELECT 1 FROM benches WHERE id = ?", [bench_id]).fetchone():
        raise NotFound(f"no bench {bench_id!r}")


def bench_for_token(db: Database, token: str) -> auth.Bench | None:
    """The active bench a token belongs to, or None for unknown and revoked tokens. A bench not
    moved over yet (no sealed hand-off key) is still found by the plain SHA-256 of its token."""
    row = db.execute(
        "SELECT id, municipality, last_contact_at FROM benches WHERE revoked_at IS NULL AND "
        "((token_hash = ? AND handoff_key IS NOT NULL) OR (token_hash = ? AND handoff_key IS NULL))",
        [auth.hash_bench_token(token), auth.hash_token(token)],
    ).fetchone()
    return auth.Bench(*row) if row else None


@dataclass(frozen=True)
class HandoffKey:
    """What checking a bench's hand-off link needs: its sealed key (None for a bench not moved
    over yet, whose key is derived from the token hash as before)."""
    bench_id: str
    sealed: str | None
    legacy_token_hash: str | None
    municipality: str
    revoked: bool


def handoff_key(db: Database, bench_id: str) -> HandoffKey | None:
    row = db.execute("SELECT id, handoff_key, token_hash, municipality, revoked_at IS NOT NULL FROM benches "
                     "WHERE id = ?", [bench_id]).fetchone()
    if row is None:
        return None
    bench, sealed, token_hash, municipality, revoked = row
    return HandoffKey(bench, sealed, None if sealed else token_hash, municipality, bool(revoked))


def touch(db: Database, bench: auth.Bench, interval_s: float) -> None:
    """Record the bench's last contact, at most once per interval (a write per request is waste)."""
    if bench.last_contact_at is None or bench.last_contact_at < ago_iso(interval_s):
        with transaction(db):
            db.execute("UPDATE benches SET last_contact_at = ? WHERE id = ?", [now_iso(), bench.id])


def overview(db: Database) -> list[dict[str, Any]]:
    """Per bench: last contact, last telemetry, the backlog it reported, its last power sample
    (not one dated implausibly ahead of the server's clock)."""
    cursor = db.execute(
        """
        SELECT b.id, b.municipality, b.revoked_at IS NOT NULL, b.last_contact_at, b.last_telemetry_at,
               b.backlog, b.app_version, t.battery_v, t.soc_pct, t.charge_state, t.error
        FROM benches b
        LEFT JOIN telemetry t ON t.bench_id = b.id AND t.at = (
            SELECT max(at) FROM telemetry WHERE bench_id = b.id AND at <= ?)
        ORDER BY b.municipality, b.id
        """, [ahead_iso(TELEMETRY_MAX_AHEAD_S)]
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
