"""Suggestions: the one way in (`receive_suggestions`, for the bench API, the phone hand-off and
the web form), idempotent intake, the moderation lifecycle (which tells the citizen), the public
status."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from ..auth import Bench
from ..clock import iso, now_iso, utcnow
from ..db import Database, transaction
from ..receipts import draw_receipt, normalise_receipt
from ..settings import Settings
from ..wire import Rejection, SuggestionIn, check_hard_text_limit, check_suggestion
from . import audit, notices
from .errors import InvalidInput, InvalidTransition, NotFound
from .initiatives import get_initiative, visible_to
from .intake import intake
from .people import require_moderator

# received → confirmed → (declined | merged); received may also be declined or merged at once.
TRANSITIONS = {"received": {"confirmed", "declined", "merged"}, "confirmed": {"declined", "merged"}}
CLOSED = ("declined", "merged")


@dataclass(frozen=True)
class WebVisitor:
    """A suggestion's origin when it comes from the web form: no bench, the municipality chosen."""
    municipality: str
    id: ClassVar[None] = None  # no bench: stored with source 'web'


Origin = Bench | WebVisitor


def receive_suggestions(db: Database, origin: Origin, items: Sequence[dict[str, Any]],
                        settings: Settings) -> dict[str, list[Any]]:
    """The one way in for suggestions, from a bench's upload, its phone hand-off or the web form:
    check each item, then store the valid new ones. A text past the hard limit refuses the whole
    batch."""
    check_hard_text_limit(items, settings)
    return ingest_suggestions(db, origin, [check_suggestion(item, settings) for item in items])


def ingest_suggestions(db: Database, origin: Origin, items: list[SuggestionIn | Rejection]) -> dict[str, list[Any]]:
    """Store new suggestions, all or nothing; replays store nothing new."""
    now = now_iso()
    source = "web" if isinstance(origin, WebVisitor) else "bench"

    def store(item: SuggestionIn) -> str | None:
        if item.initiative_id and not visible_to(db, item.initiative_id, origin.municipality):
            return "unknown_initiative"
        if item.receipt and db.execute("SELECT 1 FROM suggestions WHERE receipt = ?", [item.receipt]).fetchone():
            return "duplicate_receipt"
        db.execute(
            "INSERT INTO suggestions (id, bench_id, source, municipality, receipt, created_at, received_at, "
            "language, text, category, initiative_id, contact) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [item.id, origin.id, source, origin.municipality, item.receipt, item.created_at, now, item.language,
             item.text, item.category, item.initiative_id, item.contact],
        )
        return None

    return intake(db, origin, "suggestions", items, store)


@dataclass(frozen=True)
class Outcome:
    receipt: str | None     # the suggestion's receipt code (None: refused, see `reason`)
    already_sent: bool      # this id had been stored before: nothing new was stored
    reason: str | None = None  # the wire's rejection reason (empty_text, text_too_long, ...)


def receive_with_receipt(db: Database, origin: Origin, item: dict[str, Any], settings: Settings) -> Outcome:
    """Store one suggestion under a receipt code the server draws. An id stored before (another
    tab sent it a moment earlier) answers with the first receipt, marked as already sent."""
    for _ in range(5):  # a code already taken (1 in 10^12) is simply drawn again
        drawn = draw_receipt()  # canonical 'XXXX-XXXX', the form it is stored and compared in
        result = receive_suggestions(db, origin, [{**item, "receipt": drawn}], settings)
        if result["accepted"]:
            stored = receipt_of(db, item["id"])
            return Outcome(stored, stored != drawn)
        reason = result["rejected"][0]["reason"]
        if reason != "duplicate_receipt":
            return Outcome(None, False, reason)
    return Outcome(None, False, "duplicate_receipt")


def receipt_of(db: Database, suggestion_id: str) -> str | None:
    row = db.execute("SELECT receipt FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    return row[0] if row else None


def same_text(text: str) -> str:
    """What the duplicate rule compares (as the bench does): NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def is_duplicate(db: Database, municipality: str, text: str, window_hours: float) -> bool:
    """The same text was received for this municipality within the window (declined ones too:
    sending a declined idea again changes nothing)."""
    key = same_text(text)
    since = iso(utcnow() - timedelta(hours=window_hours))
    rows = db.execute("SELECT text FROM suggestions WHERE municipality = ? AND received_at >= ?",
                      [municipality, since])
    return any(same_text(row[0]) == key for row in rows)


def move(db: Database, actor: str, suggestion_id: str, to_state: str, *, note: str | None = None,
         decline_reason: str | None = None, merged_into: str | None = None,
         mail: notices.MailLinks | None = None) -> None:
    """Change the state, audited, and queue the citizen's e-mail (when mail is configured:
    `mail`); call inside a transaction, so the change and its message are kept together or not at
    all. `note` and `decline_reason` are public: the citizen reads them on the receipt status page,
    so they must not name people."""
    row = db.execute("SELECT state, municipality FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    if row is None:
        raise NotFound(f"no suggestion {suggestion_id}")
    state, municipality = row
    require_moderator(db, actor, municipality)
    if to_state not in TRANSITIONS.get(state, ()):
        raise InvalidTransition(f"a suggestion cannot go from {state} to {to_state}")
    if merged_into is not None and get_initiative(db, merged_into) is None:
        raise NotFound(f"no initiative {merged_into}")
    db.execute(
        "UPDATE suggestions SET state = ?, decline_reason = ?, merged_into = ?, closed_at = ? WHERE id = ?",
        [to_state, decline_reason, merged_into, now_iso() if to_state in CLOSED else None, suggestion_id],
    )
    audit.record(db, actor, "suggestion", suggestion_id, "status", state, to_state, note)
    notices.queue_notice(db, mail, suggestion_id, to_state)


def _move(db: Database, actor: str, suggestion_id: str, to_state: str, **details: Any) -> None:
    with transaction(db):
        move(db, actor, suggestion_id, to_state, **details)


def confirm_suggestion(db: Database, actor: str, suggestion_id: str, note: str | None = None,
                       mail: notices.MailLinks | None = None) -> None:
    _move(db, actor, suggestion_id, "confirmed", note=note, mail=mail)


def decline_suggestion(db: Database, actor: str, suggestion_id: str, reason: str,
                       mail: notices.MailLinks | None = None) -> None:
    if not reason.strip():
        raise InvalidInput("declining needs a reason")
    _move(db, actor, suggestion_id, "declined", note=reason.strip(), decline_reason=reason.strip(), mail=mail)


def merge_suggestion(db: Database, actor: str, suggestion_id: str, initiative_id: str,
                     note: str | None = None, mail: notices.MailLinks | None = None) -> None:
    _move(db, actor, suggestion_id, "merged", note=note, merged_into=initiative_id, mail=mail)


def status_by_receipt(db: Database, code: str) -> dict[str, Any] | None:
    """What a citizen may see about their suggestion: never contact details, bench or moderators."""
    receipt = normalise_receipt(code)
    if receipt is None:
        return None
    row = db.execute(
        "SELECT id, state, received_at, decline_reason, merged_into FROM suggestions WHERE receipt = ?",
        [receipt],
    ).fetchone()
    if row is None:
        return None
    suggestion_id, state, received_at, decline_reason, merged_into = row
    history = [{"state": "received", "at": received_at, "note": None}]
    # an undone decision is taken back from the citizen's history too
    for e in audit.history(db, "suggestion", suggestion_id):
        if e["action"] == "status":
            history.append({"state": e["to_state"], "at": e["at"], "note": e["note"]})
        elif e["action"] == "undo" and e["from_state"] != e["to_state"] and len(history) > 1:
            history.pop()
    initiative = get_initiative(db, merged_into) if merged_into else None
    if initiative is not None and initiative["status"] not in ("published", "in_progress", "done"):
        initiative = None
    return {"receipt": receipt, "state": state, "history": history, "initiative": initiative,
            "decline_reason": decline_reason}


def own_text(db: Database, code: str) -> dict[str, Any] | None:
    """The citizen's own words for their receipt page (not the API's status: a bench has no need
    of them): text, language, whether a contact was left; None for a hidden text."""
    receipt = normalise_receipt(code)
    row = receipt and db.execute(
        "SELECT text, language, contact IS NOT NULL, hidden_at FROM suggestions WHERE receipt = ?",
        [receipt]).fetchone()
    if not row or row[3] is not None:
        return None
    return {"text": row[0], "language": row[1], "has_contact": bool(row[2])}
