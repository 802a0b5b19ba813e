"""Privacy: what is held about a receipt code (export, erase) and the contact retention job."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..clock import iso, utcnow
from ..db import Database, transaction
from ..receipts import normalise_receipt
from . import audit
from .errors import NotFound
from .people import SYSTEM

_FIELDS = ("id", "receipt", "bench_id", "source", "municipality", "created_at", "received_at", "language", "text", "category",
           "initiative_id", "contact", "state", "decline_reason", "merged_into", "closed_at")


def _suggestion(db: Database, code: str) -> dict[str, Any]:
    receipt = normalise_receipt(code)
    row = receipt and db.execute(
        f"SELECT {', '.join(_FIELDS)} FROM suggestions WHERE receipt = ?", [receipt]).fetchone()
    if not row:
        raise NotFound(f"no suggestion with receipt {code!r}")
    return dict(zip(_FIELDS, row))


def export_receipt(db: Database, code: str, actor: str = SYSTEM) -> dict[str, Any]:
    """Everything held about one suggestion, for the citizen who asks (an administrator runs it)."""
    suggestion = _suggestion(db, code)
    history = [{k: e[k] for k in ("at", "action", "from_state", "to_state", "note")}
               for e in audit.history(db, "suggestion", suggestion["id"])]
    with transaction(db):
        audit.record(db, actor, "suggestion", suggestion["id"], "export")
    return {"suggestion": suggestion, "history": history}


def erase_receipt(db: Database, code: str, actor: str = SYSTEM) -> None:
    """Delete the suggestion and the notes of its history; the trail keeps only that it was erased."""
    suggestion = _suggestion(db, code)
    with transaction(db):
        db.execute("DELETE FROM suggestions WHERE id = ?", [suggestion["id"]])
        db.execute("DELETE FROM mail_outbox WHERE suggestion_id = ?", [suggestion["id"]])
        db.execute("UPDATE audit SET note = NULL WHERE entity = 'suggestion' AND entity_id = ?",
                   [suggestion["id"]])
        audit.record(db, actor, "suggestion", suggestion["id"], "erase")


def purge_expired_contacts(db: Database, retention_days: float) -> int:
    """Erase contact details of suggestions closed more than `retention_days` ago; returns how many."""
    cutoff = iso(utcnow() - timedelta(days=retention_days))
    with transaction(db):
        ids = [r[0] for r in db.execute(
            "SELECT id FROM suggestions WHERE contact IS NOT NULL AND closed_at IS NOT NULL AND closed_at <= ?",
            [cutoff])]
        for suggestion_id in ids:
            db.execute("UPDATE suggestions SET contact = NULL WHERE id = ?", [suggestion_id])
            audit.record(db, SYSTEM, "suggestion", suggestion_id, "contact-erased", note="retention")
    return len(ids)
