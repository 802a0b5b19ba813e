"""BenchStore: everything the bench keeps on disk, in one SQLite file.

- the initiatives pulled from the server, with their texts in every language, and a full-text
  index over the folded texts (``kiosk.core.text.fold``: Latin and Cyrillic, with or without
  diacritics, all find each other; prefixes match, so "mostar" finds "mostarski");
- the outbox: suggestions, supports and "I'll join" taps made on the bench, each with a UUIDv7 id, waiting for the
  sync client (pending -> sent, or rejected by the server with a reason);
- the receipt status of suggestions as the server last reported it;
- power telemetry in a bounded ring (full resolution for a day, then one sample per 10 minutes,
  and a hard cap on rows);
- sync cursors;
- the initiatives' photos (JPEG, as the server made them) within a byte budget: what no
  initiative lists any more goes first, then the least recently shown.

Durability: WAL journal with ``synchronous=FULL``, every write in ``BEGIN IMMEDIATE``; when
``add_suggestion`` returns, the suggestion survives a power cut.

Threads: a ``BenchStore`` belongs to the thread that opened it (SQLite connections cannot be
shared; using it from another thread raises ``sqlite3.ProgrammingError``). The sync thread opens
its own ``BenchStore`` on the same file; WAL lets it read while the UI writes, and
``BEGIN IMMEDIATE`` with a busy timeout makes concurrent writers wait for each other instead of
failing.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hardware.status import PowerStatus
from kiosk.core.config import LANGUAGES
from kiosk.core.receipts import new_receipt, normalise_receipt, uuid7, uuid7_time_ms
from kiosk.core.text import fold

if TYPE_CHECKING:
    import sqlite_utils

MAX_TEXT_CHARS = 2000
MAX_SHORT_CHARS = 200  # category, contact: the server's limit
BUSY_TIMEOUT_MS = 10_000

OUTBOX_KINDS = ("suggestions", "supports", "joins")  # as the API's endpoints name them
PENDING, SENT, REJECTED = "pending", "sent", "rejected"

# The telemetry ring.
FULL_RESOLUTION_S = 24 * 3600
THINNED_INTERVAL_S = 600
MAX_TELEMETRY_ROWS = 20_000  # a day at one sample a minute, then about four months thinned

# Search weights: a hit in the title counts more than one in the summary, more than in the body.
_SEARCH_WEIGHTS = (10.0, 4.0, 1.0)
_WORD = re.compile(r"\w+")
_ROWS_PER_INITIATIVE = 8  # search rows: one per language, with room for more languages
_MAX_QUERY_WORDS = 8
_SHORT_WORD = 3
# A shown photo's "last used" time is written at most this often.
_TOUCH_INTERVAL_S = 600
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Control characters other than tab and newline: the server rejects texts that contain them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class StoreError(RuntimeError):
    """The store file cannot be used (for example, a newer schema than this code knows)."""


class InvalidItem(ValueError):
    """Input that cannot go into the outbox. ``reason`` is a short code for the UI
    (``empty_text``, ``text_too_long``, ``invalid_language``, ``invalid_contact``,
    ``invalid_category``, ``invalid_initiative``); the message is for logs."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Suggestion:
    id: str
    receipt: str
    created_at: str
    text: str
    language: str
    initiative_id: str | None
    category: str | None
    contact: str | None
    sync_state: str  # pending | sent | rejected
    attempts: int
    last_error: str | None
    server_state: str | None  # what the server last said became of it, e.g. "confirmed"
    server_note: str | None


@dataclass(frozen=True)
class Support:
    id: str
    created_at: str
    initiative_id: str


# --- helpers ----------------------------------------------------------------------------------

def rfc3339(moment: datetime) -> str:
    """UTC, milliseconds, "Z": 2026-11-23T10:15:00.123Z."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _created_at(item_id: uuid.UUID) -> str:
    # The id carries the moment it was made: created_at is that same moment.
    return rfc3339(datetime.fromtimestamp(uuid7_time_ms(item_id) / 1000, timezone.utc))


def clean_text(text: str, limit: int, *, what: str) -> str:
    """NFC, without control characters (but newline and tab), stripped; ``InvalidItem`` if empty
    or longer than ``limit`` characters."""
    if not isinstance(text, str):
        raise InvalidItem(f"invalid_{what}", f"the {what} must be a string")
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", text.replace("\r\n", "\n"))).strip()
    if not cleaned:
        raise InvalidItem(f"empty_{what}", f"the {what} is empty")
    if len(cleaned) > limit:
        raise InvalidItem(f"{what}_too_long", f"the {what} has {len(cleaned)} characters; at most {limit}")
    return cleaned


def _optional_short(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    try:
        return clean_text(value, MAX_SHORT_CHARS, what=what)
    except InvalidItem as error:
        raise InvalidItem(f"invalid_{what}", str(error)) from None


def _initiative_id(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        raise InvalidItem("invalid_initiative", f"not an initiative id: {value!r}") from None


DECISIONS = ("accepted", "under_study", "not_possible")


def _official_response(response: Any) -> str | None:
    """The municipality's response as the bench keeps it (JSON), or None when there is none or it
    is not one this bench can show (an unknown decision, no text)."""
    if not isinstance(response, dict) or response.get("decision") not in DECISIONS:
        return None
    texts = {k: v for k, v in (response.get("texts") or {}).items()
             if k in LANGUAGES and isinstance(v, str) and v.strip()} if isinstance(response.get("texts"), dict) else {}
    if not texts:
        return None
    return json.dumps({"decision": response["decision"], "decided_on": str(response.get("decided_on", ""))[:10],
                       "texts": texts}, ensure_ascii=False)


def _events(events: Any) -> list[dict[str, Any]]:
    """An action's events the bench can show: id, start (RFC 3339), place, and the counts."""
    usable = []
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict) or not isinstance(event.get("place"), str):
            continue
        try:
            event_id = str(uuid.UUID(str(event.get("id"))))
            datetime.fromisoformat(str(event.get("starts_at")).replace("Z", "+00:00"))
        except ValueError:
            continue
        wanted = event.get("people_wanted")
        usable.append({"id": event_id, "starts_at": event["starts_at"], "place": event["place"],
                       "needed": str(event.get("needed") or ""),
                       "people_wanted": wanted if isinstance(wanted, int) and not isinstance(wanted, bool) else None,
                       "join_count": max(0, int(event.get("join_count") or 0))})
    return usable


def _photo_entries(photos: Any) -> list[dict[str, Any]]:
    """The feed's photo entries the bench can use: a content hash, both URLs on the server (a
    path, never another host) and the sizes; anything else is dropped."""
    usable = []
    for photo in photos if isinstance(photos, list) else []:
        if not isinstance(photo, dict) or not _SHA256.match(str(photo.get("sha256", ""))):
            continue
        urls = [str(photo.get(key, "")) for key in ("url", "thumb_url")]
        if not all(u.startswith("/") and not u.startswith("//") for u in urls):
            continue
        sizes = [photo.get(key) for key in ("width", "height", "thumb_width", "thumb_height")]
        if not all(isinstance(v, int) and 0 < v <= 10_000 for v in sizes):
            continue
        usable.append({"sha256": photo["sha256"], "url": urls[0], "thumb_url": urls[1],
                       "width": sizes[0], "height": sizes[1], "thumb_width": sizes[2], "thumb_height": sizes[3],
                       "alt": str(photo.get("alt") or "")[:200]})
    return usable


def fts_query(text: str) -> str | None:
    """An FTS5 query for what a person typed: every word folded, quoted and prefix-matched
    ("mostar zep" -> '"mostar"* "zep"*'), so no input can be FTS5 syntax. None if no words.

    Bosnian, Croatian and Serbian inflect nouns by changing the final vowel (Žepče, u Žepču;
    škola, škole), so a word of five letters or more loses its final vowel before matching.
    While every word is shorter than three letters (the first keystrokes of search-as-you-type)
    only titles are searched: such prefixes match most texts, and ranking them all is slow."""
    words = _WORD.findall(fold(text))[:_MAX_QUERY_WORDS]
    if not words:
        return None
    stems = [word[:-1] if len(word) >= 5 and word[-1] in "aeiou" else word for word in words]
    phrases = " ".join(f'"{stem}"*' for stem in stems)
    return f"{{title}} : ({phrases})" if max(map(len, words)) < _SHORT_WORD else phrases


def telemetry_sample(status: PowerStatus, at: datetime) -> dict[str, Any]:
    """One telemetry sample: the status's values without what never changes or only serves
    the maintainer's screens (link details, raw labels, ages, device ids), plus the wall-clock
    time ``at``."""
    sample = status.to_dict()
    for noise in ("links", "raw", "age_s", "product_id", "firmware", "serial_number"):
        sample.pop(noise, None)
    sample["at"] = rfc3339(at)
    return sample


# --- schema -----------------------------------------------------------------------------------

def _schema_v1(db: sqlite_utils.Database) -> None:
    db["initiatives"].create({
        "id": str, "municipality": str, "status": str, "category": str, "original_language": str,
        "support_count": int, "updated_at": str, "texts": str,
    }, pk="id")
    db["initiatives"].create_index(["updated_at"])
    # One row per initiative and language, holding folded text. Prefix indexes keep
    # search-as-you-type fast on the first letters.
    db.execute("CREATE VIRTUAL TABLE initiative_search USING fts5("
               "initiative_id UNINDEXED, language UNINDEXED, title, summary, body, "
               "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')")
    weights = ", ".join(str(weight) for weight in _SEARCH_WEIGHTS)
    db.execute(f"INSERT INTO initiative_search (initiative_search, rank) VALUES ('rank', 'bm25(0, 0, {weights})')")
    db["suggestions"].create({
        "id": str, "receipt": str, "created_at": str, "text": str, "language": str,
        "initiative_id": str, "category": str, "contact": str, "contact_consent": int,
        "sync_state": str, "attempts": int, "last_error": str, "sent_at": str,
        "server_state": str, "server_note": str, "server_checked_at": str,
    }, pk="id", not_null={"receipt", "created_at", "text", "language", "sync_state", "attempts"},
        defaults={"sync_state": PENDING, "attempts": 0, "contact_consent": 0})
    db["suggestions"].create_index(["receipt"], unique=True)
    db["supports"].create({
        "id": str, "created_at": str, "initiative_id": str, "sync_state": str, "attempts": int,
        "last_error": str, "sent_at": str,
    }, pk="id", not_null={"created_at", "initiative_id", "sync_state", "attempts"},
        defaults={"sync_state": PENDING, "attempts": 0})
    for table in ("suggestions", "supports"):  # the kinds of version 1
        db[table].create_index(["sync_state", "id"])
    db["telemetry"].create({"at": str, "at_s": float, "sample": str, "sent": int},
                           pk="at", not_null={"at_s", "sample", "sent"}, defaults={"sent": 0})
    db["telemetry"].create_index(["at_s"])
    db["telemetry"].create_index(["sent", "at"])
    db["cursors"].create({"name": str, "value": str}, pk="name")


def _schema_v2_photos(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE initiatives ADD COLUMN photos TEXT NOT NULL DEFAULT '[]'")
    db["photo_cache"].create({"sha256": str, "size": str, "data": bytes, "bytes": int, "last_used": float},
                             pk=("sha256", "size"), not_null={"data", "bytes", "last_used"})
    db["photo_cache"].create_index(["last_used"])


def _schema_v3_citizen_gov(db: sqlite_utils.Database) -> None:
    """The municipality's response and an action's events travel with the initiative; "I'll join"
    taps wait in the outbox like supports."""
    db.execute("ALTER TABLE initiatives ADD COLUMN official_response TEXT")
    db.execute("ALTER TABLE initiatives ADD COLUMN events TEXT NOT NULL DEFAULT '[]'")
    db["joins"].create({
        "id": str, "created_at": str, "event_id": str, "sync_state": str, "attempts": int,
        "last_error": str, "sent_at": str,
    }, pk="id", not_null={"created_at", "event_id", "sync_state", "attempts"},
        defaults={"sync_state": PENDING, "attempts": 0})
    db["joins"].create_index(["sync_state", "id"])


# Index i migrates from version i to i + 1. Append, never edit: benches in the field run them.
MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_schema_v1, _schema_v2_photos,
                                                                    _schema_v3_citizen_gov)
SCHEMA_VERSION = len(MIGRATIONS)


class BenchStore:
    """The bench's local database. Open one per thread; ``close()`` when done."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Imported here: it imports click, pluggy and dateutil (50 ms), and the kiosk's first
        # frame is drawn before its store is opened (KioskApp.store).
        import sqlite_utils

        self.db = sqlite_utils.Database(self.path)
        self.conn = self.db.conn
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._enter_wal()
        self.conn.execute("PRAGMA synchronous = FULL")  # a commit is on disk before it returns
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def _enter_wal(self) -> None:
        # Switching a new file to WAL needs an exclusive lock, and SQLite does not wait for it
        # (busy_timeout does not apply): when the UI and the sync thread open a new file at the
        # same moment, one of them would fail at once with "database is locked". Wait instead.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    def __enter__(self) -> BenchStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction. IMMEDIATE takes the write lock up front, so a read-then-write
        never fails half-way with "database is locked" (a deferred BEGIN would)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._writing():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} has schema version {version}, newer than this "
                                 f"software's {SCHEMA_VERSION}: update the kiosk")
            for migrate in MIGRATIONS[version:]:
                migrate(self.db)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def size_bytes(self) -> int:
        """The store's size on disk, WAL included (for the health report)."""
        return sum(os.path.getsize(p) for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    # --- initiatives ------------------------------------------------------------------------

    def apply_initiatives(self, feed: Mapping[str, Any]) -> None:
        """Apply one answer of ``GET /api/v1/initiatives``: upsert ``items``, drop ``deleted``,
        drop everything else when ``full`` is true, and store ``cursor`` in the same
        transaction, so the cursor never runs ahead of the data."""
        items = list(feed.get("items") or [])
        with self._writing():
            if feed.get("full"):
                keep = {item["id"] for item in items}
                stale = [row[0] for row in self.conn.execute("SELECT id FROM initiatives")
                         if row[0] not in keep]
                self._delete_initiatives(stale)
            self._delete_initiatives(feed.get("deleted") or [])
            self._upsert_initiatives(items)
            if feed.get("cursor") is not None:
                self._set_cursor("initiatives", str(feed["cursor"]))

    # An initiative's search rows have rowids rowid * _ROWS_PER_INITIATIVE + language number, so
    # they are found by a rowid range (initiative_id is not an indexed column of the FTS table).
    def _search_rowids(self, initiative_id: str) -> tuple[int, int] | None:
        row = self.conn.execute("SELECT rowid FROM initiatives WHERE id = ?", [initiative_id]).fetchone()
        return None if row is None else (row[0] * _ROWS_PER_INITIATIVE, (row[0] + 1) * _ROWS_PER_INITIATIVE - 1)

    def _delete_initiatives(self, ids: Iterable[str]) -> None:
        for initiative_id in ids:
            rowids = self._search_rowids(initiative_id)
            if rowids is not None:
                self.conn.execute("DELETE FROM initiative_search WHERE rowid BETWEEN ? AND ?", rowids)
                self.conn.execute("DELETE FROM initiatives WHERE id = ?", [initiative_id])

    def _upsert_initiatives(self, items: list[Mapping[str, Any]]) -> None:
        self.db["initiatives"].upsert_all(({
            "id": item["id"], "municipality": item.get("municipality"), "status": item.get("status"),
            "category": item.get("category"), "original_language": item.get("original_language"),
            "support_count": item.get("support_count") or 0, "updated_at": item.get("updated_at"),
            "texts": json.dumps(item.get("texts") or {}, ensure_ascii=False),
            "photos": json.dumps(_photo_entries(item.get("photos")), ensure_ascii=False),
            "official_response": _official_response(item.get("official_response")),
            "events": json.dumps(_events(item.get("events")), ensure_ascii=False),
        } for item in items), pk="id")
        search_rows = []
        for item in items:
            first, last = self._search_rowids(item["id"])
            self.conn.execute("DELETE FROM initiative_search WHERE rowid BETWEEN ? AND ?", [first, last])
            for language, fields in (item.get("texts") or {}).items():
                if language not in LANGUAGES:  # no screen could show it
                    continue
                search_rows.append((first + LANGUAGES.index(language), item["id"], language,
                                    *(fold(fields.get(key) or "") for key in ("title", "summary", "body"))))
        self.conn.executemany("INSERT INTO initiative_search (rowid, initiative_id, language, title, summary, "
                              "body) VALUES (?, ?, ?, ?, ?, ?)", search_rows)

    @staticmethod
    def _initiative(row: sqlite3.Row | tuple) -> dict[str, Any]:
        (id_, municipality, status, category, original_language, support_count, updated_at,
         texts, photos, official_response, events) = row
        return {"id": id_, "municipality": municipality, "status": status, "category": category,
                "texts": json.loads(texts), "original_language": original_language,
                "support_count": support_count, "updated_at": updated_at, "photos": json.loads(photos),
                "official_response": json.loads(official_response) if official_response else None,
                "events": json.loads(events)}

    _INITIATIVE_COLUMNS = ("id, municipality, status, category, original_language, support_count, "
                           "updated_at, texts, photos, official_response, events")

    def initiative(self, initiative_id: str) -> dict[str, Any] | None:
        """One initiative in the feed's shape, or None."""
        row = self.conn.execute(f"SELECT {self._INITIATIVE_COLUMNS} FROM initiatives WHERE id = ?",
                                [initiative_id]).fetchone()
        return self._initiative(row) if row else None

    def initiatives(self, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Initiatives, most recently updated first."""
        rows = self.conn.execute(f"SELECT {self._INITIATIVE_COLUMNS} FROM initiatives "
                                 "ORDER BY updated_at DESC, id LIMIT ? OFFSET ?", [limit, offset])
        return [self._initiative(row) for row in rows]

    def initiative_index(self, limit: int = 50) -> list[tuple[str, str]]:
        """(id, category or "") of the initiatives in ``initiatives``' order: all a list of
        thousands needs until a row comes into view."""
        return self.conn.execute("SELECT id, coalesce(category, '') FROM initiatives "
                                 "ORDER BY updated_at DESC, id LIMIT ?", [limit]).fetchall()

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Initiatives matching what a person typed (any script, any diacritics, word prefixes),
        best first. Any input is safe: it never reaches FTS5 as syntax."""
        match = fts_query(query)
        if match is None:
            return []
        # Each initiative has a row per language: over-fetch, then keep each one's best hit.
        hits = self.conn.execute("SELECT initiative_id FROM initiative_search WHERE initiative_search "
                                 "MATCH ? ORDER BY rank LIMIT ?", [match, limit * len(LANGUAGES)])
        ranked = list(dict.fromkeys(initiative_id for (initiative_id,) in hits))[:limit]
        found = {initiative["id"]: initiative for initiative in self._initiatives_by_id(ranked)}
        return [found[initiative_id] for initiative_id in ranked if initiative_id in found]

    def _initiatives_by_id(self, ids: list[str]) -> list[dict[str, Any]]:
        marks = ", ".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT {self._INITIATIVE_COLUMNS} FROM initiatives WHERE id IN ({marks})", ids)
        return [self._initiative(row) for row in rows]

    # --- photos -----------------------------------------------------------------------------

    def wanted_photos(self) -> list[dict[str, str]]:
        """Photo files the initiatives list and the cache lacks: {"sha256", "size", "url"}, the
        thumbnails first (the list shows them), newest initiatives first."""
        have = set(self.conn.execute("SELECT sha256, size FROM photo_cache"))
        wanted: list[dict[str, str]] = []
        rows = self.conn.execute("SELECT photos FROM initiatives WHERE photos != '[]' ORDER BY updated_at DESC")
        entries = [photo for (photos,) in rows for photo in json.loads(photos)]
        for size, key in (("thumb", "thumb_url"), ("large", "url")):
            wanted += [{"sha256": p["sha256"], "size": size, "url": p[key]} for p in entries
                       if (p["sha256"], size) not in have]
        return wanted

    def put_photo(self, sha256: str, size: str, data: bytes, budget_bytes: int) -> None:
        """Keep one photo file, then evict until the cache fits ``budget_bytes``: files no
        initiative lists first, then the least recently shown; never the one just stored."""
        now = time.time()
        with self._writing():
            self.conn.execute("INSERT OR REPLACE INTO photo_cache (sha256, size, data, bytes, last_used) "
                              "VALUES (?, ?, ?, ?, ?)", [sha256, size, data, len(data), now])
            listed = {p["sha256"] for (photos,) in self.conn.execute("SELECT photos FROM initiatives")
                      for p in json.loads(photos)}
            total = self.conn.execute("SELECT coalesce(sum(bytes), 0) FROM photo_cache").fetchone()[0]
            rows = self.conn.execute("SELECT sha256, size, bytes, last_used FROM photo_cache "
                                     "WHERE NOT (sha256 = ? AND size = ?)", [sha256, size]).fetchall()
            for old_sha, old_size, old_bytes, _ in sorted(rows, key=lambda r: (r[0] in listed, r[3])):
                if total <= budget_bytes:
                    break
                self.conn.execute("DELETE FROM photo_cache WHERE sha256 = ? AND size = ?", [old_sha, old_size])
                total -= old_bytes

    def evict_unlisted_photos(self) -> None:
        """Drop the files of photos no initiative lists any more."""
        listed = sorted({p["sha256"] for (photos,) in self.conn.execute("SELECT photos FROM initiatives")
                         for p in json.loads(photos)})
        with self._writing():
            self.conn.execute(f"DELETE FROM photo_cache WHERE sha256 NOT IN ({', '.join('?' * len(listed))})", listed)

    def photo(self, sha256: str, size: str) -> bytes | None:
        """A cached photo file ("thumb" or "large"), marked as just used; None if not (yet) here."""
        row = self.conn.execute("SELECT data, last_used FROM photo_cache WHERE sha256 = ? AND size = ?",
                                [sha256, size]).fetchone()
        if row is None:
            return None
        if time.time() - row[1] > _TOUCH_INTERVAL_S:  # spare the SD card a write per screen
            with self._writing():
                self.conn.execute("UPDATE photo_cache SET last_used = ? WHERE sha256 = ? AND size = ?",
                                  [time.time(), sha256, size])
        return bytes(row[0])

    def photo_cache_bytes(self) -> int:
        return self.conn.execute("SELECT coalesce(sum(bytes), 0) FROM photo_cache").fetchone()[0]

    # --- the outbox -------------------------------------------------------------------------

    def add_suggestion(self, text: str, language: str, *, initiative_id: str | None = None,
                       category: str | None = None, contact: str | None = None,
                       contact_consent: bool = False, draft_id: str | None = None) -> Suggestion:
        """Queue a citizen's suggestion; returns once it is durably on disk. Contact details
        are kept only with ``contact_consent``. ``InvalidItem`` for unusable input.
        ``draft_id`` (a UUIDv7) is the id of a draft whose hand-off QR was shown: the item keeps
        it, so the server stores one suggestion whether the phone or the bench sends it first."""
        text = clean_text(text, MAX_TEXT_CHARS, what="text")
        if language not in LANGUAGES:
            raise InvalidItem("invalid_language", f"language must be one of {', '.join(LANGUAGES)}")
        initiative_id = _initiative_id(initiative_id)
        category = _optional_short(category, "category")
        contact = _optional_short(contact, "contact") if contact_consent else None
        item_id = uuid.UUID(draft_id) if draft_id else uuid7()
        row = {"id": str(item_id), "created_at": _created_at(item_id), "text": text,
               "language": language, "initiative_id": initiative_id, "category": category,
               "contact": contact, "contact_consent": int(contact is not None)}
        for _ in range(5):  # 40-bit codes: a clash is rare, but the index would refuse it
            row["receipt"] = new_receipt()
            try:
                with self._writing():
                    self.db["suggestions"].insert(row)
                break
            except sqlite3.IntegrityError:
                if self.suggestion_by_receipt(row["receipt"]) is None:
                    raise
        else:
            raise StoreError("could not find a free receipt code")
        return self._suggestion_by("id", row["id"])

    def add_support(self, initiative_id: str) -> Support:
        """Queue an "I support this initiative" tap; returns once it is durably on disk."""
        checked = _initiative_id(initiative_id)
        if checked is None:
            raise InvalidItem("invalid_initiative", "a support needs an initiative id")
        item_id = uuid7()
        support = Support(str(item_id), _created_at(item_id), checked)
        with self._writing():
            self.db["supports"].insert({"id": support.id, "created_at": support.created_at,
                                        "initiative_id": support.initiative_id})
        return support

    def add_join(self, event_id: str) -> str:
        """Queue an "I'll join" tap on an action's event; returns the item's id once on disk."""
        try:
            checked = str(uuid.UUID(event_id))
        except (ValueError, TypeError, AttributeError):
            raise InvalidItem("invalid_event", f"not an event id: {event_id!r}") from None
        item_id = uuid7()
        with self._writing():
            self.db["joins"].insert({"id": str(item_id), "created_at": _created_at(item_id), "event_id": checked})
        return str(item_id)

    def pending_joins(self) -> dict[str, int]:
        """Per event, this bench's joins not sent yet: the server's count lacks them so far."""
        rows = self.conn.execute("SELECT event_id, count(*) FROM joins WHERE sync_state = ? GROUP BY event_id",
                                 [PENDING])
        return dict(rows.fetchall())

    def pending_supports(self) -> dict[str, int]:
        """Per initiative, this bench's supports not sent yet: the server's count lacks them so far."""
        rows = self.conn.execute("SELECT initiative_id, count(*) FROM supports WHERE sync_state = ? "
                                 "GROUP BY initiative_id", [PENDING])
        return dict(rows.fetchall())

    @staticmethod
    def _check_kind(kind: str) -> str:
        if kind not in OUTBOX_KINDS:
            raise ValueError(f"kind must be one of {OUTBOX_KINDS}, not {kind!r}")
        return kind

    def pending_batch(self, kind: str, limit: int = 100) -> list[dict[str, Any]]:
        """Up to ``limit`` pending items of ``kind`` (one of OUTBOX_KINDS), oldest first, as the
        API's wire items."""
        if self._check_kind(kind) in ("supports", "joins"):
            key = "initiative_id" if kind == "supports" else "event_id"
            rows = self.conn.execute(
                f"SELECT id, created_at, {key} FROM {kind} WHERE sync_state = ? ORDER BY id LIMIT ?", [PENDING, limit])
            return [{"id": i, "created_at": c, key: s} for i, c, s in rows]
        rows = self.conn.execute(
            "SELECT id, created_at, text, language, initiative_id, receipt, category, contact "
            "FROM suggestions WHERE sync_state = ? ORDER BY id LIMIT ?", [PENDING, limit])
        items = []
        for id_, created_at, text, language, initiative_id, receipt, category, contact in rows:
            item = {"id": id_, "created_at": created_at, "text": text, "language": language,
                    "initiative_id": initiative_id, "receipt": receipt}
            if category is not None:
                item["category"] = category
            if contact is not None:
                item["contact"], item["contact_consent"] = contact, True
            items.append(item)
        return items

    def _set_states(self, kind: str, assignments: str, updates: Iterable[tuple[str, list[Any]]]) -> int:
        """Apply ``assignments`` to pending items, one ``(id, values)`` per item, in one
        transaction; returns how many changed."""
        sql = f"UPDATE {self._check_kind(kind)} SET {assignments} WHERE id = ? AND sync_state = ?"
        with self._writing():
            return sum(self.conn.execute(sql, [*values, item_id, PENDING]).rowcount
                       for item_id, values in updates)

    def mark_sent(self, kind: str, ids: Iterable[str]) -> int:
        """The server accepted these items; returns how many pending items changed."""
        now = rfc3339(datetime.now(timezone.utc))
        return self._set_states(kind, "sync_state = ?, sent_at = ?, attempts = attempts + 1, last_error = NULL",
                                ((item_id, [SENT, now]) for item_id in ids))

    def mark_failed(self, kind: str, ids: Iterable[str], error: str) -> int:
        """An attempt to send these failed (network, server error); they stay pending."""
        return self._set_states(kind, "attempts = attempts + 1, last_error = ?",
                                ((item_id, [error[:500]]) for item_id in ids))

    def mark_rejected(self, kind: str, reasons: Mapping[str, str]) -> int:
        """The server rejected these items for good (``{id: reason}``): they leave the queue."""
        return self._set_states(kind, "sync_state = ?, attempts = attempts + 1, last_error = ?",
                                ((item_id, [REJECTED, reason[:500]]) for item_id, reason in reasons.items()))

    def backlog(self) -> dict[str, Any]:
        """What waits to be sent: counts per kind and the creation time of the oldest item."""
        counts: dict[str, Any] = {}
        oldest = []
        for kind in OUTBOX_KINDS:
            count, first = self.conn.execute(
                f"SELECT count(*), min(created_at) FROM {kind} WHERE sync_state = ?", [PENDING]).fetchone()
            counts[kind] = count
            if first:
                oldest.append(first)
        counts["telemetry"] = self.conn.execute("SELECT count(*) FROM telemetry WHERE sent = 0").fetchone()[0]
        counts["oldest_pending_at"] = min(oldest) if oldest else None
        return counts

    # --- suggestions and their fate ---------------------------------------------------------

    _SUGGESTION_COLUMNS = ("id, receipt, created_at, text, language, initiative_id, category, contact, "
                           "sync_state, attempts, last_error, server_state, server_note")

    def _suggestion_by(self, column: str, value: str) -> Suggestion | None:
        row = self.conn.execute(f"SELECT {self._SUGGESTION_COLUMNS} FROM suggestions "
                                f"WHERE {column} = ?", [value]).fetchone()
        return Suggestion(*row) if row else None

    def suggestion_by_receipt(self, code: str) -> Suggestion | None:
        """The suggestion with this receipt code, as a person typed it (any case, dash optional)."""
        receipt = normalise_receipt(code)
        return self._suggestion_by("receipt", receipt) if receipt else None

    def recent_suggestions(self, n: int = 20) -> list[Suggestion]:
        """The newest ``n`` suggestions made on this bench, newest first."""
        rows = self.conn.execute(f"SELECT {self._SUGGESTION_COLUMNS} FROM suggestions "
                                 "ORDER BY id DESC LIMIT ?", [n])
        return [Suggestion(*row) for row in rows]

    def suggestion_counts(self) -> dict[str, int]:
        """How many suggestions of this bench are in each state (the server's word first, else the
        outbox's): what a public screen may show without anyone's text or receipt code."""
        rows = self.conn.execute("SELECT COALESCE(server_state, sync_state) AS state, COUNT(*) "
                                 "FROM suggestions GROUP BY state")
        return {state: count for state, count in rows}

    def update_status(self, receipt: str, state: str, note: str | None = None) -> bool:
        """Record what the server says became of a suggestion; False for an unknown receipt."""
        code = normalise_receipt(receipt)
        if code is None:
            return False
        with self._writing():
            return self.conn.execute(
                "UPDATE suggestions SET server_state = ?, server_note = ?, server_checked_at = ? "
                "WHERE receipt = ?", [state, note, rfc3339(datetime.now(timezone.utc)), code]).rowcount > 0

    # --- telemetry --------------------------------------------------------------------------

    def add_telemetry(self, samples: Iterable[Mapping[str, Any]]) -> None:
        """Store samples (each with an RFC 3339 ``at``; see ``telemetry_sample``) and keep the
        ring bounded: older than a day thinned to one per 10 minutes, never more than
        MAX_TELEMETRY_ROWS rows. A sample at an ``at`` already stored replaces it."""
        rows = []
        for sample in samples:
            at = sample["at"]
            at_s = datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()
            rows.append((at, at_s, json.dumps(sample, ensure_ascii=False, separators=(",", ":"))))
        if not rows:
            return
        with self._writing():
            self.conn.executemany("INSERT OR REPLACE INTO telemetry (at, at_s, sample, sent) "
                                  "VALUES (?, ?, ?, 0)", rows)
            self._thin_telemetry()

    def _thin_telemetry(self) -> None:
        newest = self.conn.execute("SELECT max(at_s) FROM telemetry").fetchone()[0]
        cutoff = newest - FULL_RESOLUTION_S
        # Of each 10-minute bucket older than the cutoff, keep the first sample.
        self.conn.execute(
            "DELETE FROM telemetry WHERE at_s < :cutoff AND rowid NOT IN ("
            "  SELECT min(rowid) FROM telemetry WHERE at_s < :cutoff"
            "  GROUP BY CAST(at_s / :bucket AS INTEGER))",
            {"cutoff": cutoff, "bucket": THINNED_INTERVAL_S})
        self.conn.execute(
            "DELETE FROM telemetry WHERE at IN (SELECT at FROM telemetry ORDER BY at_s "
            "LIMIT max(0, (SELECT count(*) FROM telemetry) - ?))", [MAX_TELEMETRY_ROWS])

    def telemetry_rows(self) -> int:
        return self.conn.execute("SELECT count(*) FROM telemetry").fetchone()[0]

    def pending_telemetry(self, limit: int = 500) -> list[dict[str, Any]]:
        """Up to ``limit`` unsent samples, oldest first, as the telemetry API's samples."""
        rows = self.conn.execute("SELECT sample FROM telemetry WHERE sent = 0 ORDER BY at LIMIT ?", [limit])
        return [json.loads(sample) for (sample,) in rows]

    def mark_telemetry_sent(self, ats: Iterable[str]) -> None:
        """The server stored the samples with these ``at`` values."""
        with self._writing():
            self.conn.executemany("UPDATE telemetry SET sent = 1 WHERE at = ?", [(at,) for at in ats])

    # --- sync cursors -----------------------------------------------------------------------

    def get_cursor(self, name: str) -> str | None:
        row = self.conn.execute("SELECT value FROM cursors WHERE name = ?", [name]).fetchone()
        return row[0] if row else None

    def set_cursor(self, name: str, value: str | None) -> None:
        with self._writing():
            self._set_cursor(name, value)

    def _set_cursor(self, name: str, value: str | None) -> None:
        self.conn.execute("INSERT INTO cursors (name, value) VALUES (?, ?) "
                          "ON CONFLICT (name) DO UPDATE SET value = excluded.value", [name, value])
