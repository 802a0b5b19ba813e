"""The moderation queue: finding suggestions within a moderator's scope, hiding abusive texts,
and the CSV export for reports. State changes go through services.suggestions."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..clock import now_iso
from ..db import Database, transaction
from . import audit
from .errors import NotFound
from .people import require_moderator

FIELDS = ("id", "receipt", "municipality", "received_at", "language", "text", "category", "initiative_id",
          "contact", "state", "decline_reason", "merged_into", "hidden_at", "source")
STATES = ("received", "confirmed", "declined", "merged")
PAGE = 100


@dataclass(frozen=True)
class QueueFilter:
    municipalities: Sequence[str]  # already limited to the moderator's scope
    state: str | None = None
    date_from: str | None = None   # YYYY-MM-DD, inclusive
    date_to: str | None = None
    search: str | None = None


def _where(f: QueueFilter) -> tuple[str, list[Any]]:
    clauses = [f"municipality IN ({', '.join('?' for _ in f.municipalities) or 'NULL'})"]
    params: list[Any] = list(f.municipalities)
    if f.state in STATES:
        clauses.append("state = ?")
        params.append(f.state)
    if f.date_from:
        clauses.append("received_at >= ?")
        params.append(f.date_from)
    if f.date_to:
        clauses.append("received_at < date(?, '+1 day')")
        params.append(f.date_to)
    if f.search:
        # hidden texts are not searched: their words must not leak through the results count
        clauses.append("(receipt = upper(?) OR (hidden_at IS NULL AND instr(lower(text), lower(?)) > 0))")
        params += [f.search.strip(), f.search.strip()]
    return " AND ".join(clauses), params


def queue(db: Database, f: QueueFilter, limit: int = PAGE) -> list[dict[str, Any]]:
    where, params = _where(f)
    rows = db.execute(f"SELECT {', '.join(FIELDS)} FROM suggestions WHERE {where} "
                      f"ORDER BY received_at DESC LIMIT ?", [*params, limit]).fetchall()
    return [dict(zip(FIELDS, row)) for row in rows]


def get_suggestion(db: Database, suggestion_id: str) -> dict[str, Any] | None:
    row = db.execute(f"SELECT {', '.join(FIELDS)} FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    return dict(zip(FIELDS, row)) if row else None


def hide_suggestion(db: Database, actor: str, suggestion_id: str, reason: str | None = None) -> None:
    """Abusive text: kept for the record, never shown again on any page or export."""
    with transaction(db):
        row = db.execute("SELECT municipality, hidden_at FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
        if row is None:
            raise NotFound(f"no suggestion {suggestion_id}")
        require_moderator(db, actor, row[0])
        if row[1] is None:
            db.execute("UPDATE suggestions SET hidden_at = ? WHERE id = ?", [now_iso(), suggestion_id])
            audit.record(db, actor, "suggestion", suggestion_id, "hide", note=None if not reason else reason[:200])


def export_csv(rows: list[dict[str, Any]], hidden_text: str) -> str:
    """The queue as CSV for reports: no contact details; hidden texts replaced. Cells that a
    spreadsheet would run as a formula are prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ("receipt", "municipality", "received_at", "language", "state", "decline_reason", "merged_into", "text")
    writer.writerow(columns)
    for row in rows:
        values = {**row, "text": hidden_text if row["hidden_at"] else row["text"]}
        writer.writerow([_cell(values[c]) for c in columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
