"""Suggestions finished on a citizen's phone from a bench's "continue" link. They enter through
the same way in as a bench's uploads (`receive_suggestions`), keyed by the draft's UUID, so a link
can make one suggestion only, however often it is sent."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from ..auth import Bench
from ..clock import now_iso
from ..db import Database
from ..receipts import ALPHABET
from ..settings import Settings
from .initiatives import visible_to
from .suggestions import receive_suggestions


@dataclass(frozen=True)
class Outcome:
    receipt: str | None     # the suggestion's receipt code (None: refused, see `reason`)
    already_sent: bool      # the draft had been sent before: nothing new was stored
    reason: str | None = None  # the wire's rejection reason (empty_text, text_too_long, ...)


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
    for _ in range(5):  # a receipt already taken (1 in 10^12) is simply drawn again
        receipt = "".join(secrets.choice(ALPHABET) for _ in range(8))
        item = {"id": draft_id, "created_at": now_iso(), "text": text, "language": language,
                "initiative_id": initiative_id, "receipt": receipt,
                "contact": contact or None, "contact_consent": bool(contact)}
        result = receive_suggestions(db, bench, [item], settings)
        if result["accepted"]:
            stored = sent_receipt(db, draft_id)
            return Outcome(stored or receipt, stored is not False and stored != receipt)
        reason = result["rejected"][0]["reason"]
        if reason != "duplicate_receipt":
            return Outcome(None, False, reason)
    return Outcome(None, False, "duplicate_receipt")
