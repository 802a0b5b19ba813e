"""Initiatives a moderator may pick from (merge targets) with their titles in the reader's language."""
from __future__ import annotations

from ..db import Database
from ..services.initiatives import describe
from .texts import localise

_COLUMNS = "id, municipality, status, category, original_language, support_count, updated_at"


def initiatives_of(db: Database, municipalities: list[str] | None) -> list[dict]:
    """Initiatives (drafts too, not deleted) of these municipalities and the network-wide ones;
    None: all of them."""
    if municipalities is None:
        where, params = "status != 'deleted'", []
    else:
        marks = ", ".join("?" for _ in municipalities) or "NULL"
        where, params = f"status != 'deleted' AND (municipality IS NULL OR municipality IN ({marks}))", municipalities
    rows = db.execute(f"SELECT {_COLUMNS} FROM initiatives WHERE {where} ORDER BY updated_at DESC LIMIT 1000",
                      params).fetchall()
    return describe(db, rows)


def initiative_choices(db: Database, municipality: str, lang: str) -> list[dict]:
    return [{"id": i["id"], "title": localise(i["texts"], lang, i["original_language"]).fields["title"],
             "status": i["status"]} for i in initiatives_of(db, [municipality])]
