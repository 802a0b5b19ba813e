"""The SQLite file: WAL, schema version, migrations that are safe to repeat."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from sync_server import db as db_module
from sync_server.db import MIGRATIONS, SCHEMA_VERSION, connect, migrate, open_database, schema_version

from .conftest import ROOT


def test_schema_is_created_once_with_its_version_and_the_network(tmp_path):
    db = open_database(tmp_path / "deep" / "folder" / "s.db")
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert schema_version(db) == SCHEMA_VERSION
    assert migrate(db) == SCHEMA_VERSION  # again: nothing to do, nothing duplicated
    assert db.execute("SELECT count(*) FROM municipalities").fetchone()[0] == 12


WRITER = """
import sys
from sync_server.db import connect, transaction
db = connect(sys.argv[1])
for _ in range(100):
    with transaction(db):  # read-then-write: the case a deferred BEGIN gets wrong under WAL
        value = db.execute("SELECT value FROM counters WHERE name = 'change_seq'").fetchone()[0]
        db.execute("UPDATE counters SET value = ? WHERE name = 'change_seq'", [value + 1])
"""


def test_concurrent_read_then_write_transactions_from_processes_lose_nothing(tmp_path):
    path = tmp_path / "s.db"
    open_database(path).close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT, stderr=subprocess.PIPE)
               for _ in range(4)]
    errors = [w.communicate(timeout=60)[1] for w in writers]
    assert errors == [b""] * 4
    assert connect(path).execute("SELECT value FROM counters WHERE name = 'change_seq'").fetchone()[0] == 400


def test_a_version_1_database_is_migrated_on_open(tmp_path):
    path = tmp_path / "old.db"
    old = connect(path)
    old.executescript(MIGRATIONS[0])
    old.execute("PRAGMA user_version = 1")
    old.execute("INSERT INTO municipalities (slug, name) VALUES ('zepce', 'Žepče')")
    old.execute("INSERT INTO benches (id, municipality, token_hash, token_issued_at, created_at) "
                "VALUES ('b1', 'zepce', 'h', 't', 't')")
    old.close()
    db = open_database(path)
    assert schema_version(db) == SCHEMA_VERSION
    assert db.execute("SELECT id FROM benches").fetchall() == [("b1",)]


def test_a_migration_that_fails_halfway_leaves_the_schema_at_the_version_before_it(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    old = connect(path)
    old.executescript(MIGRATIONS[0])
    old.execute("PRAGMA user_version = 1")
    old.close()
    broken = "CREATE TABLE first_half (a TEXT);\nINSERT INTO first_half VALUES ('x');\nCREATE TABLE (;\n"
    monkeypatch.setattr(db_module, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    db = connect(path)
    with pytest.raises(sqlite3.OperationalError, match="syntax error"):
        migrate(db)
    assert schema_version(db) == SCHEMA_VERSION  # the good migrations before it are kept
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'first_half'").fetchone()[0] == 0
    assert not db.conn.in_transaction


def test_the_citizen_migration_keeps_bench_suggestions_and_lets_web_ones_in(tmp_path):
    """The citizen migration rebuilds `suggestions` (bench_id nullable, `source`): rows, indexes
    and the rule that a bench suggestion names its bench survive."""
    path = tmp_path / "v3.db"
    old = connect(path)
    for script in MIGRATIONS[:3]:
        old.executescript(script)
    old.execute("PRAGMA user_version = 3")
    old.execute("INSERT INTO municipalities (slug, name) VALUES ('zepce', 'Žepče')")
    old.execute("INSERT INTO benches (id, municipality, token_hash, token_issued_at, created_at) "
                "VALUES ('b1', 'zepce', 'h', 't', 't')")
    old.execute("INSERT INTO suggestions (id, bench_id, municipality, receipt, created_at, received_at, language, "
                "text, contact, hidden_at) VALUES ('s1', 'b1', 'zepce', 'AAAA-BBBB', 't', 't', 'bs', 'Klupe', "
                "'a@b.ba', 'x')")
    old.conn.commit()
    old.close()
    db = open_database(path)
    assert db.execute("SELECT id, bench_id, source, receipt, contact, hidden_at FROM suggestions").fetchall() == [
        ("s1", "b1", "bench", "AAAA-BBBB", "a@b.ba", "x")]
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'suggestions' "
                                            "AND type = 'index' AND name NOT LIKE 'sqlite_%'")}
    assert indexes == {"suggestions_contact_closed", "suggestions_queue", "suggestions_queue_written",
                       "suggestions_hidden"}  # those of the migrations before it, made again
    db.execute("INSERT INTO suggestions (id, source, municipality, created_at, received_at, language, text) "
               "VALUES ('w1', 'web', 'zepce', 't', 't', 'bs', 'S weba')")
    with pytest.raises(sqlite3.IntegrityError):  # a bench suggestion without its bench
        db.execute("INSERT INTO suggestions (id, municipality, created_at, received_at, language, text) "
                   "VALUES ('w2', 'zepce', 't', 't', 'bs', 'Bez klupe')")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
