"""Ideas that say the same, among those waiting in a moderator's queue, and the ideas most like
one idea (the triage view's context). The comparison itself is sync_server.similarity."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..db import Database
from ..similarity import group, most_alike
from .moderation import QueueFilter, queue

# Enough for a busy month of one municipality; the comparison stays well under a second.
_MAX_COMPARED = 5000
# The triage view compares one idea with this many of the most recent of its municipality.
_MAX_SIMILAR_COMPARED = 2000


def duplicate_groups(db: Database, f: QueueFilter) -> list[list[dict[str, Any]]]:
    """Groups of waiting (received, not hidden) suggestions matching `f` that say the same."""
    rows = queue(db, replace(f, view="received"), limit=_MAX_COMPARED)
    by_id = {r["id"]: r for r in rows}
    return [[by_id[i] for i in ids] for ids in group({r["id"]: r["text"] for r in rows})]


def similar_to(db: Database, suggestion: dict[str, Any], limit: int = 5) -> list[dict[str, Any]]:
    """Suggestions of the same municipality (any state, hidden left out) most like this one."""
    rows = db.execute(
        "SELECT id, receipt, text, language, state, created_at, merged_into FROM suggestions "
        "WHERE municipality = ? AND id != ? AND hidden_at IS NULL ORDER BY received_at DESC LIMIT ?",
        [suggestion["municipality"], suggestion["id"], _MAX_SIMILAR_COMPARED]).fetchall()
    found = {r[0]: dict(zip(("id", "receipt", "text", "language", "state", "created_at", "merged_into"), r))
             for r in rows}
    return [{**found[key], "likeness": score}
            for key, score in most_alike(suggestion["text"], {k: v["text"] for k, v in found.items()}, limit)]
