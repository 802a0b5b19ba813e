"""SQLite storage: connections, the schema and its migrations, write transactions.

One connection per thread (a sqlite3 connection cannot be shared across threads). Writes use
BEGIN IMMEDIATE: a deferred BEGIN in WAL mode fails at once with "database is locked" when a
read-then-write transaction races another writer, ignoring busy_timeout. Writers of one process
also queue on a lock, which wakes them at once instead of SQLite's sleeping busy handler.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from . import municipalities

SCHEMA_V1 = """
CREATE TABLE municipalities (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE benches (
    id TEXT PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities(slug),
    token_hash TEXT NOT NULL UNIQUE,
    token_issued_at TEXT NOT NULL,
    revoked_at TEXT,
    created_at TEXT NOT NULL,
    last_contact_at TEXT,
    last_telemetry_at TEXT,
    backlog INTEGER,
    app_version TEXT,
    health TEXT
);
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'maintainer')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE user_municipalities (
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    municipality TEXT NOT NULL REFERENCES municipalities(slug),
    PRIMARY KEY (username, municipality)
);
CREATE TABLE initiatives (
    id TEXT PRIMARY KEY,
    municipality TEXT REFERENCES municipalities(slug),
    status TEXT NOT NULL,
    category TEXT,
    original_language TEXT NOT NULL,
    support_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX initiatives_seq ON initiatives(seq);
CREATE TABLE initiative_texts (
    initiative_id TEXT NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (initiative_id, language)
);
CREATE TABLE suggestions (
    id TEXT PRIMARY KEY,
    bench_id TEXT NOT NULL REFERENCES benches(id),
    municipality TEXT NOT NULL,
    receipt TEXT UNIQUE,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    category TEXT,
    initiative_id TEXT REFERENCES initiatives(id),
    contact TEXT,
    state TEXT NOT NULL DEFAULT 'received',
    decline_reason TEXT,
    merged_into TEXT REFERENCES initiatives(id),
    closed_at TEXT
);
CREATE INDEX suggestions_contact_closed ON suggestions(closed_at) WHERE contact IS NOT NULL;
CREATE TABLE supports (
    id TEXT PRIMARY KEY,
    bench_id TEXT NOT NULL REFERENCES benches(id),
    initiative_id TEXT NOT NULL REFERENCES initiatives(id),
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE telemetry (
    bench_id TEXT NOT NULL REFERENCES benches(id),
    at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    battery_v REAL,
    battery_a REAL,
    solar_v REAL,
    solar_w REAL,
    soc_pct REAL,
    charge_state TEXT,
    error TEXT,
    load_on INTEGER,
    ports TEXT,
    extra TEXT,
    PRIMARY KEY (bench_id, at)
) WITHOUT ROWID;
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    note TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('change_seq', 0);
"""

# Version 2: what the web pages keep: login sessions, the server's own secrets,
# hidden suggestion texts, progress updates on initiatives, NGO membership applications.
SCHEMA_V2_WEB = """
CREATE TABLE web_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
ALTER TABLE suggestions ADD COLUMN hidden_at TEXT;
CREATE INDEX suggestions_queue ON suggestions(municipality, state, received_at);
CREATE TABLE initiative_updates (
    id INTEGER PRIMARY KEY,
    initiative_id TEXT NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX initiative_updates_by_initiative ON initiative_updates(initiative_id, at);
CREATE TABLE ngo_applications (
    id TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    municipality TEXT NOT NULL REFERENCES municipalities(slug),
    email TEXT NOT NULL,
    focus TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'declined')),
    created_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by TEXT,
    username TEXT
);
"""

# Moderation at volume (issue #12): the queue sorted by the date written, fast counts of hidden
# items, per-municipality decline-reason templates, photos of initiatives.
SCHEMA_V3_MODERATION = """
CREATE INDEX suggestions_queue_written ON suggestions(municipality, state, created_at);
CREATE INDEX suggestions_hidden ON suggestions(municipality, state) WHERE hidden_at IS NOT NULL;
CREATE INDEX audit_actor ON audit(actor, id);
CREATE TABLE decline_templates (
    id INTEGER PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities(slug),
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (municipality, text)
);
CREATE TABLE initiative_photos (
    id TEXT PRIMARY KEY,
    initiative_id TEXT NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    large BLOB NOT NULL,
    thumb BLOB NOT NULL,
    thumb_width INTEGER NOT NULL,
    thumb_height INTEGER NOT NULL,
    alt TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX initiative_photos_by_initiative ON initiative_photos(initiative_id, position);
"""

# Version 4: the citizen's own ways in and back. Suggestions may come from the web (no bench), so
# the table is rebuilt with `bench_id` nullable and a `source`; supports from phones (one per
# browser, kept as a keyed hash of a random cookie); the outbox of e-mails to citizens, and the
# addresses (keyed hashes) that asked for no more mail. The rebuild copies the columns and makes
# again the indexes of the migrations before it: a later migration must not be put before it.
SCHEMA_V4_CITIZEN = """
CREATE TABLE suggestions_v3 (
    id TEXT PRIMARY KEY,
    bench_id TEXT REFERENCES benches(id),
    source TEXT NOT NULL DEFAULT 'bench' CHECK (source IN ('bench', 'web')),
    municipality TEXT NOT NULL,
    receipt TEXT UNIQUE,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    category TEXT,
    initiative_id TEXT REFERENCES initiatives(id),
    contact TEXT,
    state TEXT NOT NULL DEFAULT 'received',
    decline_reason TEXT,
    merged_into TEXT REFERENCES initiatives(id),
    closed_at TEXT,
    hidden_at TEXT,
    CHECK ((source = 'bench') = (bench_id IS NOT NULL))
);
INSERT INTO suggestions_v3 (id, bench_id, municipality, receipt, created_at, received_at, language, text,
    category, initiative_id, contact, state, decline_reason, merged_into, closed_at, hidden_at)
SELECT id, bench_id, municipality, receipt, created_at, received_at, language, text,
    category, initiative_id, contact, state, decline_reason, merged_into, closed_at, hidden_at FROM suggestions;
DROP TABLE suggestions;
ALTER TABLE suggestions_v3 RENAME TO suggestions;
CREATE INDEX suggestions_contact_closed ON suggestions(closed_at) WHERE contact IS NOT NULL;
CREATE INDEX suggestions_queue ON suggestions(municipality, state, received_at);
CREATE INDEX suggestions_queue_written ON suggestions(municipality, state, created_at);
CREATE INDEX suggestions_hidden ON suggestions(municipality, state) WHERE hidden_at IS NOT NULL;
CREATE TABLE web_supports (
    initiative_id TEXT NOT NULL REFERENCES initiatives(id),
    browser TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (initiative_id, browser)
) WITHOUT ROWID;
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    suggestion_id TEXT,
    recipient TEXT NOT NULL,
    address_key TEXT NOT NULL,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    unsubscribe_url TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    failed_at TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE failed_at IS NULL;
CREATE INDEX mail_outbox_address ON mail_outbox(address_key);
CREATE TABLE mail_optouts (
    address TEXT PRIMARY KEY,
    at TEXT NOT NULL
) WITHOUT ROWID;
"""

# Remote updates and settings (issue #15, items 2 and 3): signed releases with the file itself, staged
# rollouts (the newest rollout that covers a bench wins), and settings layers for the network, a
# municipality or a bench, each numbered from one counter so a bench's merged version only grows.
SCHEMA_UPDATES_SETTINGS = """
CREATE TABLE releases (
    version TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    filename TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    signature TEXT NOT NULL,
    content BLOB NOT NULL,
    published_at TEXT NOT NULL
);
CREATE TABLE rollouts (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL REFERENCES releases(version),
    scope TEXT NOT NULL CHECK (scope IN ('network', 'municipality', 'bench')),
    target TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE remote_settings (
    scope TEXT NOT NULL CHECK (scope IN ('network', 'municipality', 'bench')),
    target TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (scope, target)
);
INSERT INTO counters (name, value) VALUES ('settings_seq', 0);
"""

# Version 6: holding under attack. Supports per bench and initiative are counted per hour; a
# bench's hand-off key is kept sealed with the server's key file (NULL: a bench not moved over yet,
# whose token_hash is still the plain SHA-256 of its token).
SCHEMA_V6_HARDENING = """
CREATE INDEX supports_by_bench ON supports(bench_id, initiative_id, received_at);
ALTER TABLE benches ADD COLUMN handoff_key TEXT;
"""

# Version 7: people can be disabled (their sessions end, they cannot log in) and be given a
# one-time password by an administrator, which lets them in once, only to choose their own.
SCHEMA_V7_PEOPLE = """
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
"""

# Migration n takes the schema from version n to n + 1; append, never edit a released one.
MIGRATIONS: tuple[str, ...] = (SCHEMA_V1, SCHEMA_V2_WEB, SCHEMA_V3_MODERATION, SCHEMA_V4_CITIZEN, SCHEMA_UPDATES_SETTINGS,
                               SCHEMA_V6_HARDENING, SCHEMA_V7_PEOPLE)
SCHEMA_VERSION = len(MIGRATIONS)

class Database(sqlite_utils.Database):
    """A sqlite-utils database that knows the in-process lock its writers queue on."""

    write_lock: threading.Lock


_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


def _write_lock(db: Database) -> threading.Lock:
    path = db.execute("PRAGMA database_list").fetchone()[2] or ":memory:"
    with _write_locks_guard:
        return _write_locks.setdefault(path, threading.Lock())


OWNER_ONLY = 0o600


def _owner_only(path: Path) -> None:
    """The database holds contacts and credentials: make the file, before SQLite opens it, readable
    by its owner only. SQLite gives the -wal and -shm files the database file's permissions. A
    file an older server left 0644 is tightened (if it is ours to change)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY))
    except FileExistsError:
        pass
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            info = name.stat()
            if info.st_mode & 0o077 and info.st_uid == os.geteuid():
                name.chmod(OWNER_ONLY)
        except FileNotFoundError:
            pass


def connect(path: str | os.PathLike[str], busy_timeout_ms: int = 5000) -> Database:
    """A configured connection for the calling thread (creating the file, 0600, and its folder)."""
    if str(path) != ":memory:":
        _owner_only(Path(path))
    db = Database(sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000))
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if db.journal_mode != "wal":
        db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no committed data
    db.execute("PRAGMA foreign_keys = ON")
    db.write_lock = _write_lock(db)
    return db


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction: all of it is committed, or none of it."""
    with db.write_lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def schema_version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def _migrate_one(db: Database) -> bool:
    """Apply the next migration in a transaction of its own: a migration that fails halfway leaves
    the schema at the version before it. (sqlite-utils >= 4 runs a script inside the open
    transaction statement by statement; sqlite3's own executescript would commit first.)
    False once the schema is current."""
    with transaction(db):
        version = schema_version(db)
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"database schema {version} is newer than this server ({SCHEMA_VERSION})")
        if version == SCHEMA_VERSION:
            return False
        db.executescript(MIGRATIONS[version])
        db.execute(f"PRAGMA user_version = {version + 1}")
    return True


def migrate(db: Database) -> int:
    """Bring the schema up to date (safe to run from several processes) and return its version."""
    while _migrate_one(db):
        pass
    with transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO municipalities (slug, name) VALUES " +
            ", ".join("(?, ?)" for _ in municipalities.DEFAULT),
            [value for pair in municipalities.DEFAULT.items() for value in pair],
        )
    return SCHEMA_VERSION


def open_database(path: str | os.PathLike[str], busy_timeout_ms: int = 5000) -> Database:
    """Connect and migrate: what every command line does first."""
    db = connect(path, busy_timeout_ms)
    migrate(db)
    return db


def next_seq(db: Database) -> int:
    """The next change sequence number; call inside a transaction."""
    db.execute("UPDATE counters SET value = value + 1 WHERE name = 'change_seq'")
    return db.execute("SELECT value FROM counters WHERE name = 'change_seq'").fetchone()[0]


def current_seq(db: Database) -> int:
    return db.execute("SELECT value FROM counters WHERE name = 'change_seq'").fetchone()[0]


def municipality_slugs(db: Database) -> dict[str, str]:
    return dict(db.execute("SELECT slug, name FROM municipalities").fetchall())


class ThreadLocalDatabases:
    """Hands each thread its own connection to one database file."""

    def __init__(self, path: str | os.PathLike[str], busy_timeout_ms: int = 5000) -> None:
        self.path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()

    def get(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = connect(self.path, self.busy_timeout_ms)
        return db
