"""A moderator's decisions beyond one state change: hiding and unhiding abusive texts, the undo of
one's last decision, and the same decision on many suggestions at once (a duplicate group, junk)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..clock import now_iso
from ..db import Database, transaction
from . import audit
from .errors import InvalidInput, InvalidTransition, NotFound
from .notices import MailLinks
from .people import require_moderator
from .suggestions import move

# Audit actions a moderator can take back with "undo".
UNDOABLE = ("status", "hide", "unhide")
BULK_ACTIONS = ("confirm", "merge", "hide", "decline")


def _require(db: Database, actor: str, suggestion_id: str) -> tuple[str, str | None]:
    row = db.execute("SELECT municipality, hidden_at FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    if row is None:
        raise NotFound(f"no suggestion {suggestion_id}")
    require_moderator(db, actor, row[0])
    return row[0], row[1]


def _set_hidden(db: Database, actor: str, suggestion_id: str, hidden: bool, reason: str | None) -> None:
    _, hidden_at = _require(db, actor, suggestion_id)
    if (hidden_at is not None) == hidden:
        return  # already so: nothing to record
    db.execute("UPDATE suggestions SET hidden_at = ? WHERE id = ?", [now_iso() if hidden else None, suggestion_id])
    audit.record(db, actor, "suggestion", suggestion_id, "hide" if hidden else "unhide",
                 note=reason[:200] if reason else None)


def hide_suggestion(db: Database, actor: str, suggestion_id: str, reason: str | None = None) -> None:
    """Abusive text: kept for the record, never shown again on any page or export."""
    with transaction(db):
        _set_hidden(db, actor, suggestion_id, True, reason)


def unhide_suggestion(db: Database, actor: str, suggestion_id: str) -> None:
    """A text hidden by mistake goes back into the queue in the state it had."""
    with transaction(db):
        _set_hidden(db, actor, suggestion_id, False, None)


@dataclass(frozen=True)
class LastDecision:
    suggestion_id: str
    receipt: str | None
    action: str            # "status", "hide" or "unhide"
    to_state: str | None   # for "status"


def last_decision(db: Database, actor: str) -> LastDecision | None:
    """The actor's most recent decision if it can still be undone: not undone already, and nobody
    changed that suggestion since."""
    row = db.execute("SELECT id, entity_id, action, to_state FROM audit WHERE actor = ? AND entity = 'suggestion' "
                     "ORDER BY id DESC LIMIT 1", [actor]).fetchone()
    if row is None or row[2] not in UNDOABLE:
        return None
    entry_id, suggestion_id, action, to_state = row
    if db.execute("SELECT 1 FROM audit WHERE entity = 'suggestion' AND entity_id = ? AND id > ?",
                  [suggestion_id, entry_id]).fetchone():
        return None
    receipt = db.execute("SELECT receipt FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    return LastDecision(suggestion_id, receipt[0] if receipt else None, action, to_state)


def undo_last(db: Database, actor: str) -> str:
    """Take back the actor's last decision; returns the suggestion's id. Recorded as an "undo"
    entry (from the undone state to the restored one), so the trail keeps both."""
    with transaction(db):
        last = last_decision(db, actor)
        if last is None:
            raise InvalidTransition("nothing to undo")
        _require(db, actor, last.suggestion_id)
        entry = db.execute("SELECT from_state, to_state FROM audit WHERE actor = ? AND entity = 'suggestion' "
                           "AND entity_id = ? ORDER BY id DESC LIMIT 1", [actor, last.suggestion_id]).fetchone()
        if last.action == "status":
            # Before a decision a suggestion was received or confirmed: no reason, no target, open.
            db.execute("UPDATE suggestions SET state = ?, decline_reason = NULL, merged_into = NULL, closed_at = NULL "
                       "WHERE id = ?", [entry[0], last.suggestion_id])
            audit.record(db, actor, "suggestion", last.suggestion_id, "undo", entry[1], entry[0])
        else:
            db.execute("UPDATE suggestions SET hidden_at = ? WHERE id = ?",
                       [None if last.action == "hide" else now_iso(), last.suggestion_id])
            audit.record(db, actor, "suggestion", last.suggestion_id, "undo", note=last.action)
    return last.suggestion_id


def decide_many(db: Database, actor: str, suggestion_ids: Sequence[str], action: str, *,
                initiative_id: str | None = None, reason: str | None = None,
                mail: MailLinks | None = None) -> int:
    """One decision on many suggestions, all or none, one audit entry per suggestion (and one
    e-mail per citizen who left an address, when `mail`). Those already in the target state are
    left as they are. Returns how many changed."""
    if action not in BULK_ACTIONS or not suggestion_ids:
        raise InvalidInput(f"no bulk action {action!r} on {len(suggestion_ids)} suggestions")
    if action == "decline" and not (reason or "").strip():
        raise InvalidInput("declining needs a reason")
    if action == "merge" and not initiative_id:
        raise InvalidInput("merging needs an initiative")
    target = {"confirm": "confirmed", "merge": "merged", "decline": "declined"}.get(action)
    changed = 0
    with transaction(db):
        for suggestion_id in dict.fromkeys(suggestion_ids):
            if action == "hide":
                before = _require(db, actor, suggestion_id)[1]
                _set_hidden(db, actor, suggestion_id, True, reason)
                changed += before is None
                continue
            state = _state(db, suggestion_id)
            if state == target:
                continue
            move(db, actor, suggestion_id, target, note=(reason or "").strip() or None,
                 decline_reason=(reason or "").strip() if action == "decline" else None,
                 merged_into=initiative_id if action == "merge" else None, mail=mail)
            changed += 1
    return changed


def _state(db: Database, suggestion_id: str) -> str | None:
    row = db.execute("SELECT state FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    return row[0] if row else None

