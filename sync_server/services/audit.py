"""The audit trail: every state change, who made it and when."""
from __future__ import annotations

from ..clock import now_iso
from ..db import Database


def record(db: Database, actor: str, entity: str, entity_id: str, action: str,
           from_state: str | None = None, to_state: str | None = None, note: str | None = None) -> None:
    """Append one entry; call inside the transaction that makes the change."""
    db.execute(
        "INSERT INTO audit (at, actor, entity, entity_id, action, from_state, to_state, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [now_iso(), actor, entity, entity_id, action, from_state, to_state, note],
    )


def history(db: Database, entity: str, entity_id: str) -> list[dict[str, str | None]]:
    cursor = db.execute(
        "SELECT at, actor, action, from_state, to_state, note FROM audit "
        "WHERE entity = ? AND entity_id = ? ORDER BY id",
        [entity, entity_id],
    )
    return [dict(zip(("at", "actor", "action", "from_state", "to_state", "note"), row)) for row in cursor]
