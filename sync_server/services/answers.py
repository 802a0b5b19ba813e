"""The municipality's word on an initiative: an official's response (a decision, its date, a text
per language). One current response per initiative; every version is in the audit trail, and
benches get the initiative again through the feed."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ..clock import now_iso
from ..db import Database, next_seq, transaction
from ..wire import LANGUAGES
from . import audit
from .errors import Forbidden, InvalidInput, NotFound
from .notices import MailLinks, queue_initiative_notice

DECISIONS = ("accepted", "under_study", "not_possible")
MAX_RESPONSE = 3000


def _clean(decision: str, decided_on: str, texts: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    if decision not in DECISIONS:
        raise InvalidInput(f"the decision must be one of {', '.join(DECISIONS)}")
    try:
        day = date.fromisoformat(decided_on).isoformat()
    except (TypeError, ValueError):
        raise InvalidInput("the date of the decision must be YYYY-MM-DD") from None
    clean = {}
    for language, text in texts.items():
        if language not in LANGUAGES:
            raise InvalidInput(f"unknown language {language!r}")
        text = str(text).replace("\r\n", "\n").strip()
        if len(text) > MAX_RESPONSE:
            raise InvalidInput(f"a response has at most {MAX_RESPONSE} characters")
        if text:
            clean[language] = text
    if not clean:
        raise InvalidInput("a response needs a text in at least one language")
    return day, clean


def require_official(db: Database, actor: str, municipality: str | None) -> None:
    """Only an official of the initiative's own municipality speaks for it."""
    row = db.execute("SELECT role FROM users WHERE username = ?", [actor]).fetchone()
    if row is None or row[0] != "official" or municipality is None or db.execute(
            "SELECT 1 FROM user_municipalities WHERE username = ? AND municipality = ?",
            [actor, municipality]).fetchone() is None:
        raise Forbidden(f"{actor!r} may not answer for {municipality or 'the whole network'}")


def post_response(db: Database, actor: str, initiative_id: str, *, decision: str, decided_on: str,
                  texts: Mapping[str, str], mail: MailLinks | None = None) -> None:
    """Set (or replace) the municipality's response on a public initiative; the citizens whose
    suggestions are part of it (and who left an e-mail) are told, in the same transaction."""
    day, clean = _clean(decision, decided_on, texts)
    with transaction(db):
        row = db.execute("SELECT municipality, status FROM initiatives WHERE id = ?", [initiative_id]).fetchone()
        if row is None or row[1] in ("deleted", "draft"):
            raise NotFound(f"no public initiative {initiative_id}")
        require_official(db, actor, row[0])
        previous = db.execute("SELECT decision FROM official_responses WHERE initiative_id = ?",
                              [initiative_id]).fetchone()
        db.execute("INSERT OR REPLACE INTO official_responses (initiative_id, decision, decided_on, texts, author, at) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [initiative_id, decision, day, json.dumps(clean, ensure_ascii=False), actor, now_iso()])
        db.execute("UPDATE initiatives SET seq = ? WHERE id = ?", [next_seq(db), initiative_id])
        original = db.execute("SELECT original_language FROM initiatives WHERE id = ?", [initiative_id]).fetchone()[0]
        queue_initiative_notice(db, mail, initiative_id, "answered",
                                {"answer": clean.get(original) or next(iter(clean.values()))})
        audit.record(db, actor, "initiative", initiative_id, "official-response",
                     previous[0] if previous else None, decision,
                     f"{day}: " + " / ".join(f"{k}: {v[:80]}" for k, v in sorted(clean.items())))


def responses_of(db: Database, initiative_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The current response of each initiative that has one, as the feed carries it."""
    if not initiative_ids:
        return {}
    marks = ", ".join("?" for _ in initiative_ids)
    rows = db.execute(f"SELECT initiative_id, decision, decided_on, texts, at FROM official_responses "
                      f"WHERE initiative_id IN ({marks})", list(initiative_ids))
    return {r[0]: {"decision": r[1], "decided_on": r[2], "texts": json.loads(r[3]), "at": r[4]} for r in rows}
