"""Issue #11's services on real SQLite files: the migration that lets officials in keeps every
user, session and scope; reminders of joined actions are queued once and addresses forgotten
after the event; only a municipality's own official answers for it."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sync_server.db import MIGRATIONS, connect, migrate, transaction
from sync_server.sample import load_sample
from sync_server.services.actions import add_event, join_from_web, remind_and_forget
from sync_server.services.answers import post_response
from sync_server.services.errors import Forbidden, InvalidInput
from sync_server.services.logins import load_user, start_session, session_user
from sync_server.services.notices import MailLinks
from sync_server.services.people import add_user

BIKES = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"  # sample, Trebinje, in progress


def test_the_official_role_migration_keeps_users_and_sessions(tmp_path) -> None:
    db = connect(tmp_path / "old.db")
    official = MIGRATIONS.index(next(m for m in MIGRATIONS if callable(m)))
    for script in MIGRATIONS[:official]:  # a server as it was before officials existed
        with transaction(db):
            db.executescript(script)
            db.execute(f"PRAGMA user_version = {MIGRATIONS.index(script) + 1}")
    with transaction(db):
        db.execute("INSERT INTO municipalities (slug, name) VALUES ('trebinje', 'Trebinje')")
    add_user(db, "mod-t", "moderator", "a long password", ["trebinje"])
    token = start_session(db, "mod-t")
    migrate(db)
    assert load_user(db, "mod-t").municipalities == ("trebinje",)
    assert session_user(db, token).username == "mod-t", "sessions survive (no cascading delete)"
    add_user(db, "nacelnik", "official", "a long password", ["trebinje"])
    assert load_user(db, "nacelnik").role == "official"
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(Exception, match="CHECK"):
        with transaction(db):
            db.execute("INSERT INTO users (username, role, password_hash, created_at) VALUES ('x', 'mayor', '', '')")


@pytest.fixture
def db(tmp_path):
    database = connect(tmp_path / "server.db")
    migrate(database)
    load_sample(database)
    add_user(database, "mod-t", "moderator", "a long password", ["trebinje"])
    add_user(database, "off-t", "official", "a long password", ["trebinje"])
    add_user(database, "off-z", "official", "a long password", ["zepce"])
    yield database
    database.close()


def test_only_the_own_official_answers(db) -> None:
    with pytest.raises(Forbidden):
        post_response(db, "off-z", BIKES, decision="accepted", decided_on="2026-11-30", texts={"bs": "Da"})
    with pytest.raises(Forbidden):
        post_response(db, "mod-t", BIKES, decision="accepted", decided_on="2026-11-30", texts={"bs": "Da"})
    with pytest.raises(InvalidInput):
        post_response(db, "off-t", BIKES, decision="accepted", decided_on="2026-11-30", texts={"xx": "Da"})
    assert db.execute("SELECT count(*) FROM official_responses").fetchone() == (0,)
    post_response(db, "off-t", BIKES, decision="not_possible", decided_on="2026-11-30", texts={"sr": "Не."})
    post_response(db, "off-t", BIKES, decision="accepted", decided_on="2026-12-01", texts={"sr": "Да."})
    assert db.execute("SELECT decision, decided_on FROM official_responses").fetchall() == [("accepted", "2026-12-01")]
    trail = db.execute("SELECT from_state, to_state FROM audit WHERE action = 'official-response' ORDER BY id").fetchall()
    assert trail == [(None, "not_possible"), ("not_possible", "accepted")], "every version is in the audit trail"


def test_reminders_are_queued_once_and_addresses_forgotten(db) -> None:
    soon = (datetime.now() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    later = (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    near = add_event(db, "mod-t", BIKES, starts_at_local=soon, place="Платани")
    far = add_event(db, "mod-t", BIKES, starts_at_local=later, place="Арсенал")
    assert join_from_web(db, near, "browser-1", "ana@example.org", "sr-Latn")
    assert not join_from_web(db, near, "browser-1", None), "the same browser counts once"
    assert join_from_web(db, far, "browser-1", "ana@example.org", "sr-Latn")
    mail = MailLinks("https://klupe.example.ba")
    assert remind_and_forget(db, mail) == (1, 0)
    subject, body = db.execute("SELECT subject, body FROM mail_outbox").fetchone()
    assert "Platani" in body or "Платани" in body
    assert remind_and_forget(db, mail) == (0, 0), "one reminder per join"
    with transaction(db):
        db.execute("UPDATE action_events SET starts_at = '2020-01-01T10:00:00.000000Z' WHERE id = ?", [near])
    assert remind_and_forget(db, mail) == (0, 1)
    assert db.execute("SELECT count(*) FROM event_joins WHERE email IS NOT NULL").fetchone() == (1,)
