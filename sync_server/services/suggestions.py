"""Suggestions: the one way in (`receive_suggestions`, for the bench API and the phone hand-off),
idempotent intake, the moderation lifecycle, the public status."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..auth import Bench
from ..clock import now_iso
from ..db import Database, transaction
from ..receipts import normalise_receipt
from ..settings import Settings
from ..wire import Rejection, SuggestionIn, check_hard_text_limit, check_suggestion
from . import audit
from .errors import InvalidInput, InvalidTransition, NotFound
from .initiatives import get_initiative, visible_to
from .intake import intake
from .people import require_moderator

# received → confirmed → (declined | merged); received may also be declined or merged at once.
TRANSITIONS = {"received": {"confirmed", "declined", "merged"}, "confirmed": {"declined", "merged"}}
CLOSED = ("declined", "merged")


def receive_suggestions(db: Database, bench: Bench, items: Sequence[dict[str, Any]],
                        settings: Settings) -> dict[str, list[Any]]:
    """The one way in for suggestions, from a bench's upload or its phone hand-off: check each
    item, then store the valid new ones. A text past the hard limit refuses the whole batch."""
    check_hard_text_limit(items, settings)
    return ingest_suggestions(db, bench, [check_suggestion(item, settings) for item in items])


def ingest_suggestions(db: Database, bench: Bench, items: list[SuggestionIn | Rejection]) -> dict[str, list[Any]]:
    """Store a bench's new suggestions, all or nothing; replays store nothing new."""
    now = now_iso()

    def store(item: SuggestionIn) -> str | None:
        if item.initiative_id and not visible_to(db, item.initiative_id, bench.municipality):
            return "unknown_initiative"
        if item.receipt and db.execute("SELECT 1 FROM suggestions WHERE receipt = ?", [item.receipt]).fetchone():
            return "duplicate_receipt"
        db.execute(
            "INSERT INTO suggestions (id, bench_id, municipality, receipt, created_at, received_at, "
            "language, text, category, initiative_id, contact) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [item.id, bench.id, bench.municipality, item.receipt, item.created_at, now, item.language,
             item.text, item.category, item.initiative_id, item.contact],
        )
        return None

    return intake(db, bench, "suggestions", items, store)


def move(db: Database, actor: str, suggestion_id: str, to_state: str, *, note: str | None = None,
         decline_reason: str | None = None, merged_into: str | None = None) -> None:
    """Change the state, audited; call inside a transaction. `note` and `decline_reason` are
    public: the citizen reads them on the receipt status page, so they must not name people."""
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


def _move(db: Database, actor: str, suggestion_id: str, to_state: str, **details: str | None) -> None:
    with transaction(db):
        move(db, actor, suggestion_id, to_state, **details)


def confirm_suggestion(db: Database, actor: str, suggestion_id: str, note: str | None = None) -> None:
    _move(db, actor, suggestion_id, "confirmed", note=note)


def decline_suggestion(db: Database, actor: str, suggestion_id: str, reason: str) -> None:
    if not reason.strip():
        raise InvalidInput("declining needs a reason")
    _move(db, actor, suggestion_id, "declined", note=reason.strip(), decline_reason=reason.strip())


def merge_suggestion(db: Database, actor: str, suggestion_id: str, initiative_id: str,
                     note: str | None = None) -> None:
    _move(db, actor, suggestion_id, "merged", note=note, merged_into=initiative_id)


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
