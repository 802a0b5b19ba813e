"""Photos of initiatives: stored re-encoded (see sync_server.images), listed in the initiatives
feed with their content hash, served to phones and benches. Adding or removing one is a change
of the initiative that benches pull again."""
from __future__ import annotations

import uuid
from typing import Any

from ..clock import now_iso
from ..db import Database, next_seq, transaction
from ..images import Photo
from . import audit
from .errors import InvalidInput, NotFound
from .people import require_moderator

MAX_PER_INITIATIVE = 6
_LISTED = ("id", "initiative_id", "position", "sha256", "width", "height", "thumb_width", "thumb_height", "alt")


def _initiative(db: Database, initiative_id: str) -> tuple[str | None, str]:
    row = db.execute("SELECT municipality, status FROM initiatives WHERE id = ?", [initiative_id]).fetchone()
    if row is None or row[1] == "deleted":
        raise NotFound(f"no initiative {initiative_id}")
    return row[0], row[1]


def _touch(db: Database, initiative_id: str) -> None:
    db.execute("UPDATE initiatives SET updated_at = ?, seq = ? WHERE id = ?", [now_iso(), next_seq(db), initiative_id])


def add_photo(db: Database, actor: str, initiative_id: str, photo: Photo, alt: str = "") -> str:
    photo_id = str(uuid.uuid4())
    with transaction(db):
        municipality, _ = _initiative(db, initiative_id)
        require_moderator(db, actor, municipality)
        count = db.execute("SELECT count(*), coalesce(max(position), 0) FROM initiative_photos WHERE initiative_id = ?",
                           [initiative_id]).fetchone()
        if count[0] >= MAX_PER_INITIATIVE:
            raise InvalidInput(f"an initiative has at most {MAX_PER_INITIATIVE} photos")
        db.execute(
            "INSERT INTO initiative_photos (id, initiative_id, position, sha256, width, height, large, thumb, "
            "thumb_width, thumb_height, alt, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [photo_id, initiative_id, count[1] + 1, photo.sha256, photo.large.width, photo.large.height,
             photo.large.jpeg, photo.thumb.jpeg, photo.thumb.width, photo.thumb.height, alt.strip()[:200], now_iso(),
             actor])
        _touch(db, initiative_id)
        audit.record(db, actor, "initiative", initiative_id, "add-photo", note=photo.sha256[:12])
    return photo_id


def remove_photo(db: Database, actor: str, photo_id: str) -> None:
    with transaction(db):
        row = db.execute("SELECT initiative_id, sha256 FROM initiative_photos WHERE id = ?", [photo_id]).fetchone()
        if row is None:
            raise NotFound(f"no photo {photo_id}")
        municipality, _ = _initiative(db, row[0])
        require_moderator(db, actor, municipality)
        db.execute("DELETE FROM initiative_photos WHERE id = ?", [photo_id])
        _touch(db, row[0])
        audit.record(db, actor, "initiative", row[0], "remove-photo", note=row[1][:12])


def photo_count(db: Database, initiative_id: str) -> int:
    return db.execute("SELECT count(*) FROM initiative_photos WHERE initiative_id = ?", [initiative_id]).fetchone()[0]


def photos_of(db: Database, initiative_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """{initiative id: its photos in order} (without the image bytes)."""
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in initiative_ids}
    if initiative_ids:
        marks = ", ".join("?" for _ in initiative_ids)
        for row in db.execute(f"SELECT {', '.join(_LISTED)} FROM initiative_photos WHERE initiative_id IN ({marks}) "
                              f"ORDER BY initiative_id, position", initiative_ids):
            photo = dict(zip(_LISTED, row))
            out[photo["initiative_id"]].append(photo)
    return out


def photo_bytes(db: Database, photo_id: str, size: str) -> tuple[bytes, str | None, str] | None:
    """(JPEG bytes, the initiative's municipality, its status) of one size ("large" or "thumb")."""
    column = "thumb" if size == "thumb" else "large"
    row = db.execute(f"SELECT p.{column}, i.municipality, i.status FROM initiative_photos p "
                     f"JOIN initiatives i ON i.id = p.initiative_id WHERE p.id = ?", [photo_id]).fetchone()
    return (bytes(row[0]), row[1], row[2]) if row else None
