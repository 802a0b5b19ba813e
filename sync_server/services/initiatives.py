"""Initiatives: the draft → published → in progress → done lifecycle, their texts in several
languages, supports from benches, and the change feed the benches pull."""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from ..auth import Bench
from ..clock import ago_iso, now_iso
from ..db import Database, current_seq, municipality_slugs, next_seq, transaction
from ..municipalities import resolve
from ..settings import MAX_SUPPORTS_PER_HOUR
from ..wire import LANGUAGES, Rejection, SupportIn, check_support
from . import audit
from .errors import InvalidInput, InvalidTransition, NotFound
from .intake import intake
from .people import require_moderator
from .photos import photos_of

VISIBLE = ("published", "in_progress", "done")
# Allowed moves; back to draft is "unpublish", which benches see as a deletion.
TRANSITIONS = {
    "draft": {"published"},
    "published": {"in_progress", "draft"},
    "in_progress": {"done", "draft"},
    "done": {"in_progress", "draft"},
}
TEXT_FIELDS = ("title", "summary", "body")


def _texts(texts: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    if not texts:
        raise InvalidInput("an initiative needs a text in at least one language")
    out = {}
    for language, fields in texts.items():
        if language not in LANGUAGES:
            raise InvalidInput(f"unknown language {language!r}")
        if not str(fields.get("title", "")).strip():
            raise InvalidInput(f"the {language} text needs a title")
        out[language] = {field: str(fields.get(field, "")).strip() for field in TEXT_FIELDS}
    return out


def create_initiative(db: Database, actor: str, *, municipality: str | None,
                      texts: Mapping[str, Mapping[str, str]], original_language: str,
                      category: str | None = None, initiative_id: str | None = None) -> str:
    """A new draft; `municipality` None makes it network-wide. Returns its id."""
    slug = None
    if municipality is not None:
        try:
            slug = resolve(municipality_slugs(db), municipality)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    clean = _texts(texts)
    if original_language not in clean:
        raise InvalidInput("the original language must be one of the texts")
    new_id = str(uuid.UUID(initiative_id)) if initiative_id else str(uuid.uuid4())
    now = now_iso()
    with transaction(db):
        require_moderator(db, actor, slug)
        if db.execute("SELECT 1 FROM initiatives WHERE id = ?", [new_id]).fetchone():
            raise InvalidInput(f"initiative {new_id} exists")
        db.execute(
            "INSERT INTO initiatives (id, municipality, status, category, original_language, created_at, "
            "updated_at, seq) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)",
            [new_id, slug, category, original_language, now, now, next_seq(db)],
        )
        _write_texts(db, new_id, clean)
        audit.record(db, actor, "initiative", new_id, "create", None, "draft")
    return new_id


def _write_texts(db: Database, initiative_id: str, texts: dict[str, dict[str, str]]) -> None:
    for language, fields in texts.items():
        db.execute(
            "INSERT OR REPLACE INTO initiative_texts (initiative_id, language, title, summary, body) "
            "VALUES (?, ?, ?, ?, ?)",
            [initiative_id, language, *(fields[f] for f in TEXT_FIELDS)],
        )


def set_texts(db: Database, actor: str, initiative_id: str, texts: Mapping[str, Mapping[str, str]]) -> None:
    """Add or replace translations; benches get the initiative again."""
    clean = _texts(texts)
    with transaction(db):
        row = _require(db, initiative_id)
        require_moderator(db, actor, row["municipality"])
        _write_texts(db, initiative_id, clean)
        db.execute("UPDATE initiatives SET updated_at = ?, seq = ? WHERE id = ?",
                   [now_iso(), next_seq(db), initiative_id])
        audit.record(db, actor, "initiative", initiative_id, "edit-texts", note=", ".join(sorted(clean)))


def _require(db: Database, initiative_id: str) -> dict[str, Any]:
    row = db.execute("SELECT id, municipality, status FROM initiatives WHERE id = ?",
                     [initiative_id]).fetchone()
    if row is None or row[2] == "deleted":
        raise NotFound(f"no initiative {initiative_id}")
    return {"id": row[0], "municipality": row[1], "status": row[2]}


def _move(db: Database, actor: str, initiative_id: str, to_state: str, note: str | None = None) -> None:
    with transaction(db):
        row = _require(db, initiative_id)
        require_moderator(db, actor, row["municipality"])
        if to_state != "deleted" and to_state not in TRANSITIONS[row["status"]]:
            raise InvalidTransition(f"an initiative cannot go from {row['status']} to {to_state}")
        db.execute("UPDATE initiatives SET status = ?, updated_at = ?, seq = ? WHERE id = ?",
                   [to_state, now_iso(), next_seq(db), initiative_id])
        audit.record(db, actor, "initiative", initiative_id, "status", row["status"], to_state, note)


def publish_initiative(db: Database, actor: str, initiative_id: str) -> None:
    _move(db, actor, initiative_id, "published")


def start_initiative(db: Database, actor: str, initiative_id: str) -> None:
    _move(db, actor, initiative_id, "in_progress")


def complete_initiative(db: Database, actor: str, initiative_id: str) -> None:
    _move(db, actor, initiative_id, "done")


def unpublish_initiative(db: Database, actor: str, initiative_id: str) -> None:
    _move(db, actor, initiative_id, "draft")


def delete_initiative(db: Database, actor: str, initiative_id: str, note: str | None = None) -> None:
    """Kept as a tombstone so benches learn of the deletion through the feed."""
    _move(db, actor, initiative_id, "deleted", note)


def visible_to(db: Database, initiative_id: str, municipality: str) -> bool:
    return db.execute(
        "SELECT 1 FROM initiatives WHERE id = ? AND status IN ('published', 'in_progress', 'done') "
        "AND (municipality IS NULL OR municipality = ?)",
        [initiative_id, municipality],
    ).fetchone() is not None


def receive_supports(db: Database, bench: Bench, items: Sequence[dict[str, Any]],
                     per_hour: int = MAX_SUPPORTS_PER_HOUR) -> dict[str, list[Any]]:
    """The one way in for "I support this initiative" taps: check each item, then store the new ones."""
    return ingest_supports(db, bench, [check_support(item) for item in items], per_hour)


def ingest_supports(db: Database, bench: Bench, items: list[SupportIn | Rejection],
                    per_hour: int = MAX_SUPPORTS_PER_HOUR) -> dict[str, list[Any]]:
    """Store a bench's new supports, all or nothing; replays store nothing new. At most
    ``per_hour`` new supports of this bench for one initiative in the last hour: the rest are
    rejected `too_many_supports`."""
    now, hour_ago = now_iso(), ago_iso(3600)
    room: dict[str, int] = {}  # initiative id -> supports this bench may still add this hour

    def store(item: SupportIn) -> str | None:
        if not visible_to(db, item.initiative_id, bench.municipality):
            return "unknown_initiative"
        if item.initiative_id not in room:
            recent = db.execute("SELECT count(*) FROM supports WHERE bench_id = ? AND initiative_id = ? "
                                "AND received_at > ?", [bench.id, item.initiative_id, hour_ago]).fetchone()[0]
            room[item.initiative_id] = per_hour - recent
        if room[item.initiative_id] <= 0:
            return "too_many_supports"
        room[item.initiative_id] -= 1
        db.execute(
            "INSERT INTO supports (id, bench_id, initiative_id, created_at, received_at) VALUES (?, ?, ?, ?, ?)",
            [item.id, bench.id, item.initiative_id, item.created_at, now],
        )
        # A new count is a change the benches should pull.
        db.execute("UPDATE initiatives SET support_count = support_count + 1, seq = ? WHERE id = ?",
                   [next_seq(db), item.initiative_id])
        return None

    return intake(db, bench, "supports", items, store)


# What `describe` takes, in this order.
COLUMNS = "id, municipality, status, category, original_language, support_count, updated_at"


def photo_entry(photo: dict[str, Any]) -> dict[str, Any]:
    """A photo as the feed lists it: where to fetch both sizes, their pixel sizes, and the
    content hash (SHA-256 of the large JPEG) that tells a bench whether its copy is current."""
    return {"id": photo["id"], "sha256": photo["sha256"], "url": f"/photos/{photo['id']}.jpg",
            "width": photo["width"], "height": photo["height"], "thumb_url": f"/photos/{photo['id']}-thumb.jpg",
            "thumb_width": photo["thumb_width"], "thumb_height": photo["thumb_height"], "alt": photo["alt"]}


def describe(db: Database, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Initiative rows (id, municipality, status, category, original_language, support_count,
    updated_at) as the wire format, with texts in every language they have and photos."""
    items = [
        {"id": r[0], "municipality": r[1], "status": r[2], "category": r[3], "texts": {},
         "original_language": r[4], "support_count": r[5], "updated_at": r[6]}
        for r in rows
    ]
    by_id = {item["id"]: item for item in items}
    for initiative_id, photos in photos_of(db, list(by_id)).items():
        by_id[initiative_id]["photos"] = [photo_entry(p) for p in photos]
    if by_id:
        marks = ", ".join("?" for _ in by_id)
        for initiative_id, language, *fields in db.execute(
            f"SELECT initiative_id, language, title, summary, body FROM initiative_texts "
            f"WHERE initiative_id IN ({marks})", list(by_id)
        ):
            by_id[initiative_id]["texts"][language] = dict(zip(TEXT_FIELDS, fields))
    return items


def initiatives_of(db: Database, municipalities: list[str] | None) -> list[dict[str, Any]]:
    """Initiatives (drafts too, not deleted) of these municipalities and the network-wide ones;
    None: all of them. Newest first, at most 1000."""
    if municipalities is None:
        where, params = "status != 'deleted'", []
    else:
        marks = ", ".join("?" for _ in municipalities) or "NULL"
        where, params = f"status != 'deleted' AND (municipality IS NULL OR municipality IN ({marks}))", municipalities
    rows = db.execute(f"SELECT {COLUMNS} FROM initiatives WHERE {where} ORDER BY updated_at DESC LIMIT 1000",
                      params).fetchall()
    return describe(db, rows)


def get_initiative(db: Database, initiative_id: str) -> dict[str, Any] | None:
    rows = db.execute(
        f"SELECT {COLUMNS} FROM initiatives WHERE id = ?", [initiative_id]).fetchall()
    return describe(db, rows)[0] if rows else None


def feed(db: Database, municipality: str, since: int | None) -> dict[str, Any]:
    """Initiatives of the municipality and network-wide ones changed after change number `since`
    (all visible ones when None). Read in one snapshot so the cursor matches the rows."""
    db.execute("BEGIN")
    try:
        head = current_seq(db)
        full = since is None or since > head  # a cursor from another database: start over
        rows = db.execute(
            f"SELECT {COLUMNS} FROM initiatives WHERE seq > ? AND (municipality IS NULL OR municipality = ?) ORDER BY seq",
            [0 if full else since, municipality],
        ).fetchall()
        items = describe(db, [r for r in rows if r[2] in VISIBLE])
    finally:
        db.execute("COMMIT")
    deleted = [] if full else [r[0] for r in rows if r[2] not in VISIBLE]
    return {"items": items, "deleted": deleted, "head": head, "full": full}
