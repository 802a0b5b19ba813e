"""Backups of the server's database and restoring one, through SQLite's online backup API.

A backup is a consistent snapshot taken while the server keeps writing (WAL: readers never block
the writer), written as one self-contained file (no -wal beside it), mode 0600 (it holds password
and token hashes), and only put in place under its name once it is complete and checked. No
``sqlite3`` tool is needed. A restore refuses a database newer than this server and keeps the
database it replaces as a backup of its own."""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..clock import utcnow
from ..db import SCHEMA_VERSION, connect, migrate
from .errors import InvalidInput

# A table every Smart Bench database has had since schema 1: tells ours from other SQLite files.
_MARKER_TABLE = "benches"


@dataclass(frozen=True)
class Snapshot:
    """What a backup or restore wrote."""

    path: Path
    schema_version: int
    size_bytes: int
    benches: int
    suggestions: int


def backup(db_path: str | os.PathLike[str], target: str | os.PathLike[str]) -> Snapshot:
    """Copy the database at ``db_path`` to the new file ``target`` (which must not exist yet)."""
    db_path, target = Path(db_path), Path(target)
    if target.exists():
        raise InvalidInput(f"{target} exists already: give a new file name")
    if not target.parent.is_dir():
        raise InvalidInput(f"there is no folder {target.parent}")
    source = _open_existing(db_path, read_only=False)  # a WAL reader writes the -shm index
    partial = target.with_name(f".{target.name}.partial")
    try:
        _check_ours(source, db_path)
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")  # one file, readable without its -wal
            _check_whole(copy, target)
            snapshot = _describe(copy, target)
        finally:
            copy.close()
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return Snapshot(target, snapshot.schema_version, target.stat().st_size, snapshot.benches, snapshot.suggestions)


def restore(backup_path: str | os.PathLike[str], db_path: str | os.PathLike[str]) -> tuple[Snapshot, Path | None]:
    """Replace the database at ``db_path`` with the backup ``backup_path`` and bring its schema up
    to date. Returns what was restored and where the replaced database was kept (None if there
    was none). Stop the server first: it keeps caches of what it read."""
    backup_path, db_path = Path(backup_path), Path(db_path)
    source = _open_existing(backup_path, read_only=True)
    try:
        _check_whole(source, backup_path)
        found = source.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise InvalidInput(f"{backup_path} has schema {found}, newer than this server's {SCHEMA_VERSION}: "
                               "restore it with the release that made it")
        kept = None
        if db_path.exists() and db_path.stat().st_size > 0:
            stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
            kept = backup(db_path, db_path.with_name(f"{db_path.name}.before-restore-{stamp}")).path
        db = connect(db_path)
        try:
            source.backup(db.conn)
            migrate(db)
            snapshot = _describe(db.conn, db_path)
        finally:
            db.close()
    finally:
        source.close()
    os.chmod(db_path, 0o600)
    return Snapshot(db_path, snapshot.schema_version, db_path.stat().st_size, snapshot.benches,
                    snapshot.suggestions), kept


def _open_existing(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if not path.is_file():
        raise InvalidInput(f"there is no file {path}")
    try:
        return sqlite3.connect(f"file:{path}?mode={'ro' if read_only else 'rw'}", uri=True)
    except sqlite3.Error as error:
        raise InvalidInput(f"{path} cannot be opened: {error}") from None


def _check_ours(connection: sqlite3.Connection, path: Path) -> None:
    """A Smart Bench server database, or InvalidInput saying what the file is instead."""
    try:
        ours = connection.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                                  [_MARKER_TABLE]).fetchone()
    except sqlite3.DatabaseError as error:
        raise InvalidInput(f"{path} is not a SQLite database ({error})") from None
    if not ours:
        raise InvalidInput(f"{path} is not a Smart Bench server database")


def _check_whole(connection: sqlite3.Connection, path: Path) -> None:
    """An undamaged Smart Bench server database (reads every page: for copies, not the live file)."""
    _check_ours(connection, path)
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise InvalidInput(f"{path} is damaged: {result}")


def _describe(connection: sqlite3.Connection, path: Path) -> Snapshot:
    return Snapshot(path, connection.execute("PRAGMA user_version").fetchone()[0], 0,
                    _count(connection, "benches"), _count(connection, "suggestions"))


def _count(connection: sqlite3.Connection, table: str) -> int:
    return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
