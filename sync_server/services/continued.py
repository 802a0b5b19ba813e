"""Suggestions finished on a citizen's phone from a bench's "continue" link. They enter through
the same way in as a bench's uploads (`receive_suggestions`), keyed by the draft's UUID, so a link
can make one suggestion only, however often it is sent."""
from __future__ import annotations

from ..auth import Bench
from ..clock import now_iso
from ..db import Database
from ..settings import Settings
from .initiatives import visible_to
from .suggestions import Outcome, receive_with_receipt

__all__ = ["Outcome", "sent_receipt", "submit_continued"]


def sent_receipt(db: Database, suggestion_id: str) -> str | None | bool:
    """The receipt of a suggestion already stored under this id; False if there is none."""
    row = db.execute("SELECT receipt FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    return False if row is None else row[0]


def submit_continued(db: Database, bench: Bench, settings: Settings, *, draft_id: str, text: str,
                     language: str, initiative_id: str | None, contact: str | None) -> Outcome:
    previous = sent_receipt(db, draft_id)
    if previous is not False:
        return Outcome(previous, True)
    if initiative_id and not visible_to(db, initiative_id, bench.municipality):
        initiative_id = None  # unpublished since the bench showed it: keep the suggestion anyway
    item = {"id": draft_id, "created_at": now_iso(), "text": text, "language": language,
            "initiative_id": initiative_id, "contact": contact or None, "contact_consent": bool(contact)}
    return receive_with_receipt(db, bench, item, settings)
