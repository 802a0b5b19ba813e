"""What the public pages show of initiatives: visible ones only, with their progress updates."""
from __future__ import annotations

from typing import Any

from ..clock import now_iso
from ..db import Database, transaction
from ..wire import LANGUAGES
from . import audit
from .errors import InvalidInput, NotFound
from .initiatives import COLUMNS, VISIBLE, describe, get_initiative
from .people import require_moderator

MAX_UPDATE = 2000


def public_initiative(db: Database, initiative_id: str) -> dict[str, Any] | None:
    initiative = get_initiative(db, initiative_id)
    return initiative if initiative and initiative["status"] in VISIBLE else None


def public_initiatives(db: Database, municipality: str | None = None, status: str | None = None,
                       network_wide: bool = False) -> list[dict[str, Any]]:
    """Visible initiatives, newest change first; `municipality` also keeps the network-wide ones."""
    where, params = [f"status IN ({', '.join('?' for _ in VISIBLE)})"], list(VISIBLE)
    if status in VISIBLE:
        where.append("status = ?")
        params.append(status)
    if network_wide:
        where.append("municipality IS NULL")
    elif municipality:
        where.append("(municipality = ? OR municipality IS NULL)")
        params.append(municipality)
    rows = db.execute(f"SELECT {COLUMNS} FROM initiatives WHERE {' AND '.join(where)} "
                      f"ORDER BY updated_at DESC LIMIT 500", params).fetchall()
    return describe(db, rows)


def updates(db: Database, initiative_id: str) -> list[dict[str, str]]:
    cursor = db.execute("SELECT at, language, text FROM initiative_updates WHERE initiative_id = ? ORDER BY at DESC",
                        [initiative_id])
    return [dict(zip(("at", "language", "text"), row)) for row in cursor]


def add_update(db: Database, actor: str, initiative_id: str, language: str, text: str) -> None:
    """A progress update, public on the initiative's page; audited."""
    text = text.replace("\r\n", "\n").strip()
    if not text or len(text) > MAX_UPDATE:
        raise InvalidInput(f"an update needs 1 to {MAX_UPDATE} characters")
    if language not in LANGUAGES:
        raise InvalidInput(f"unknown language {language!r}")
    with transaction(db):
        row = db.execute("SELECT municipality, status FROM initiatives WHERE id = ?", [initiative_id]).fetchone()
        if row is None or row[1] == "deleted":
            raise NotFound(f"no initiative {initiative_id}")
        require_moderator(db, actor, row[0])
        db.execute("INSERT INTO initiative_updates (initiative_id, at, author, language, text) VALUES (?, ?, ?, ?, ?)",
                   [initiative_id, now_iso(), actor, language, text])
        audit.record(db, actor, "initiative", initiative_id, "update", note=text[:200])
