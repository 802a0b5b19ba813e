"""`python -m sync_server backup` and `restore`, as real processes on real files: a backup taken
while a live server takes suggestions opens and holds every suggestion accepted before it began;
a restore brings it back, refuses a newer schema, and bad input changes nothing."""
from __future__ import annotations

import hashlib
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

from sync_server.db import MIGRATIONS, SCHEMA_VERSION, connect
from .helpers import suggestion
from live_server import LiveServer

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sync_server", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def rows(path: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Writer(threading.Thread):
    """A bench sending batches of suggestions as fast as the server takes them; remembers when
    each batch was accepted."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.url, self.token = url, token
        self.accepted: list[tuple[float, list[str]]] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        try:
            while not self.stop.is_set():
                items = [suggestion(text=f"Backup test {uuid.uuid4().hex[:8]}") for _ in range(20)]
                answer = session.post(f"{self.url}/api/v1/suggestions", json={"items": items}, timeout=10)
                answer.raise_for_status()
                self.accepted.append((time.monotonic(), answer.json()["accepted"]))
        except BaseException as error:  # reported by the test
            self.error = error

    def accepted_before(self, moment: float) -> set[str]:
        return {id_ for at, ids in list(self.accepted) if at < moment for id_ in ids}


def test_a_backup_taken_during_writes_opens_and_holds_the_data(tmp_path: Path) -> None:
    with LiveServer.start_new(tmp_path) as server:
        _, token = server.add_bench("mostar")
        writer = Writer(server.url, token)
        writer.start()
        try:
            while len(writer.accepted) < 5:
                assert writer.error is None and writer.is_alive(), writer.error
                time.sleep(0.05)
            backups = []
            for number in range(3):
                target = tmp_path / f"backup-{number}.db"
                started = time.monotonic()
                result = cli("backup", "--db", server.db_path, "--to", target)
                assert result.returncode == 0, result.stderr
                assert f"to {target}: schema {SCHEMA_VERSION}" in result.stderr
                backups.append((target, writer.accepted_before(started)))
            assert len(writer.accepted) > 10, "the writer was not writing during the backups"
        finally:
            writer.stop.set()
            writer.join(15)
        assert writer.error is None, writer.error
        everything = {id_ for (id_,) in server.rows("SELECT id FROM suggestions")}

    counts = []
    for target, before in backups:
        # One file, private, whole, and a consistent snapshot of what the server had committed.
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert not Path(f"{target}-wal").exists() and not Path(f"{target}.partial").exists()
        assert rows(target, "PRAGMA integrity_check") == [("ok",)]
        assert rows(target, "PRAGMA journal_mode") == [("delete",)]
        assert rows(target, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        held = {id_ for (id_,) in rows(target, "SELECT id FROM suggestions")}
        assert before <= held, f"{len(before - held)} suggestions accepted before the backup are missing"
        assert held <= everything
        counts.append(len(held))
    assert counts == sorted(counts) and counts[-1] > counts[0] > 0

    # And it restores: a server on the restored file serves what the backup held.
    restored = tmp_path / "restored" / "server.db"
    result = cli("restore", "--db", restored, "--from", backups[-1][0])
    assert result.returncode == 0, result.stderr
    assert f"restored {backups[-1][0]} into {restored}" in result.stderr
    with LiveServer(restored, tmp_path / "restored.log").start() as again:
        assert len(again.rows("SELECT id FROM suggestions")) == counts[-1]
        assert requests.get(f"{again.url}/healthz", timeout=5).json()["schema_version"] == SCHEMA_VERSION


def test_restore_refuses_a_newer_schema_and_keeps_the_database(tmp_path: Path) -> None:
    live, newer = tmp_path / "server.db", tmp_path / "newer.db"
    assert cli("load-sample", "--db", live).returncode == 0
    assert cli("backup", "--db", live, "--to", newer).returncode == 0
    connection = sqlite3.connect(newer)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    before = digest(live)

    result = cli("restore", "--db", live, "--from", newer)
    assert result.returncode == 1
    assert f"has schema {SCHEMA_VERSION + 1}, newer than this server's {SCHEMA_VERSION}" in result.stderr
    assert digest(live) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["newer.db", "server.db"]


def test_restore_keeps_the_replaced_database_and_migrates_an_older_backup(tmp_path: Path) -> None:
    old, live = tmp_path / "old.db", tmp_path / "server.db"
    db = connect(old)  # a database of two releases ago: schema 2
    for number, script in enumerate(MIGRATIONS[:2]):
        db.executescript(script)
        db.execute(f"PRAGMA user_version = {number + 1}")
    db.close()
    assert cli("load-sample", "--db", live).returncode == 0
    initiatives = rows(live, "SELECT count(*) FROM initiatives")

    result = cli("restore", "--db", live, "--from", old)
    assert result.returncode == 0, result.stderr
    assert rows(live, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(live, "SELECT count(*) FROM initiatives") == [(0,)]
    kept, = tmp_path.glob("server.db.before-restore-*")
    assert f"kept the database it replaces as {kept}" in result.stderr
    assert rows(kept, "SELECT count(*) FROM initiatives") == initiatives


def test_bad_input_gets_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    live = tmp_path / "server.db"
    assert cli("load-sample", "--db", live).returncode == 0
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"keep me")
    (tmp_path / "other.db").write_bytes(b"")
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE notes (text TEXT)").connection.close()
    (tmp_path / "damaged.db").write_bytes(b"SQLite format 3\0" + b"\x13" * 4096)
    files_before = {path.name: digest(path) for path in tmp_path.iterdir()}

    cases = [
        (("backup", "--db", tmp_path / "missing.db", "--to", tmp_path / "b.db"), "there is no file"),
        (("backup", "--db", live, "--to", taken), "exists already"),
        (("backup", "--db", live, "--to", tmp_path / "no-folder" / "b.db"), "there is no folder"),
        (("backup", "--db", tmp_path / "other.db", "--to", tmp_path / "b.db"), "is not a Smart Bench server database"),
        (("restore", "--db", live, "--from", tmp_path / "missing.db"), "there is no file"),
        (("restore", "--db", live, "--from", tmp_path / "other.db"), "is not a Smart Bench server database"),
        (("restore", "--db", live, "--from", tmp_path / "damaged.db"), "is not a SQLite database"),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)
    assert {path.name: digest(path) for path in tmp_path.iterdir()} == files_before
