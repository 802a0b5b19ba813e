"""Reasons for declining that a municipality's moderators reuse ("outside the municipality's
remit", "already planned"), so the citizen reads a careful sentence and the moderator saves time."""
from __future__ import annotations

from typing import Any

from ..clock import now_iso
from ..db import Database, transaction
from . import audit
from .errors import InvalidInput, NotFound
from .people import require_moderator

MAX_CHARS = 1000


def templates_for(db: Database, municipality: str) -> list[dict[str, Any]]:
    return [{"id": r[0], "text": r[1]} for r in db.execute(
        "SELECT id, text FROM decline_templates WHERE municipality = ? ORDER BY id", [municipality])]


def template_text(db: Database, municipality: str, template_id: int) -> str | None:
    row = db.execute("SELECT text FROM decline_templates WHERE id = ? AND municipality = ?",
                     [template_id, municipality]).fetchone()
    return row[0] if row else None


def add_template(db: Database, actor: str, municipality: str, text: str) -> int:
    clean = text.replace("\r\n", "\n").strip()
    if not clean or len(clean) > MAX_CHARS:
        raise InvalidInput("a decline reason needs 1 to 1000 characters")
    with transaction(db):
        require_moderator(db, actor, municipality)
        if db.execute("SELECT 1 FROM decline_templates WHERE municipality = ? AND text = ?",
                      [municipality, clean]).fetchone():
            raise InvalidInput("this reason is already a template")
        cursor = db.execute("INSERT INTO decline_templates (municipality, text, created_at) VALUES (?, ?, ?)",
                            [municipality, clean, now_iso()])
        audit.record(db, actor, "decline_template", str(cursor.lastrowid), "create", note=municipality)
        return int(cursor.lastrowid)


def delete_template(db: Database, actor: str, template_id: int) -> None:
    with transaction(db):
        row = db.execute("SELECT municipality FROM decline_templates WHERE id = ?", [template_id]).fetchone()
        if row is None:
            raise NotFound(f"no decline template {template_id}")
        require_moderator(db, actor, row[0])
        db.execute("DELETE FROM decline_templates WHERE id = ?", [template_id])
        audit.record(db, actor, "decline_template", str(template_id), "delete", note=row[0])
