"""People on the command line, as a person runs them: `list-users`, `disable-user` (contract),
`enable-user`, `remove-user`, `reset-password`; and the rules behind them, on a real database."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sync_server.db import open_database
from sync_server.services import people
from sync_server.services.errors import Forbidden, InvalidInput, NotFound
from sync_server.services.logins import authenticate, session_user, start_session

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def cli(*args: str | Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sync_server", *map(str, args)], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture()
def db(tmp_path: Path):
    database = open_database(tmp_path / "server.db")
    people.add_user(database, "ana", "admin", PASSWORD)
    people.add_user(database, "mirza", "moderator", PASSWORD, ["mostar"])
    yield database
    database.close()


def test_the_command_line_disables_enables_resets_and_removes(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    assert cli("add-user", "ana", "--role", "admin", "--db", path, stdin=PASSWORD + "\n").returncode == 0
    assert cli("add-user", "mirza", "--role", "moderator", "--municipality", "Mostar", "--db", path,
               stdin=PASSWORD + "\n").returncode == 0
    db = open_database(path)
    token = start_session(db, "mirza")

    result = cli("disable-user", "Mirza", "--db", path)
    assert (result.returncode, result.stderr.strip()) == (0, "disabled mirza")
    assert session_user(db, token) is None, "the session outlived the disable"
    assert authenticate(db, "mirza", PASSWORD) is None
    assert "mirza                    moderator   disabled" in cli("list-users", "--db", path).stdout
    assert "(it was already)" in cli("disable-user", "mirza", "--db", path).stderr

    assert cli("enable-user", "mirza", "--db", path).returncode == 0
    assert authenticate(db, "mirza", PASSWORD) is not None

    result = cli("reset-password", "mirza", "--db", path)
    one_time = result.stdout.strip()
    assert result.returncode == 0 and len(one_time) >= people.MIN_PASSWORD
    assert authenticate(db, "mirza", PASSWORD) is None
    assert "one-time password" in cli("list-users", "--db", path).stdout

    assert cli("remove-user", "mirza", "--db", path).returncode == 0
    assert "mirza" not in cli("list-users", "--db", path).stdout
    db.close()


def test_the_command_line_refuses_clearly_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    assert cli("add-user", "ana", "--role", "admin", "--db", path, stdin=PASSWORD + "\n").returncode == 0
    listed = cli("list-users", "--db", path).stdout
    for args, message in [(("disable-user", "ana"), "error: 'ana' is the last active administrator"),
                          (("remove-user", "ana"), "error: 'ana' is the last active administrator"),
                          (("disable-user", "nobody"), "error: no user 'nobody'"),
                          (("reset-password", "nobody"), "error: no user 'nobody'"),
                          (("remove-user", "nobody"), "error: no user 'nobody'")]:
        result = cli(*args, "--db", path)
        assert (result.returncode, result.stderr.strip()) == (1, message)
    assert cli("list-users", "--db", path).stdout == listed


def test_a_one_time_password_lets_in_once_and_only_to_choose_a_password(db) -> None:
    one_time = people.reset_password(db, "mirza", actor="ana")
    user = authenticate(db, "mirza", one_time)
    assert user is not None and user.must_change_password
    assert authenticate(db, "mirza", one_time) is None, "a one-time password worked twice"
    token = start_session(db, "mirza")
    people.change_password(db, "mirza", None, "my own password 1", keep_session_hash=None)
    assert session_user(db, token) is None  # sessions other than the kept one end
    again = authenticate(db, "mirza", "my own password 1")
    assert again is not None and not again.must_change_password


def test_changing_a_password_needs_the_current_one_and_keeps_this_session(db) -> None:
    from sync_server.services.logins import session_hash

    mine, other = start_session(db, "mirza"), start_session(db, "mirza")
    with pytest.raises(Forbidden):
        people.change_password(db, "mirza", "not the password", "a new password 1")
    with pytest.raises(Forbidden):
        people.change_password(db, "mirza", None, "a new password 1")  # no one-time password given
    with pytest.raises(InvalidInput):
        people.change_password(db, "mirza", PASSWORD, "short")
    with pytest.raises(InvalidInput):
        people.change_password(db, "mirza", PASSWORD, PASSWORD)
    assert authenticate(db, "mirza", PASSWORD) is not None  # nothing changed so far
    people.change_password(db, "mirza", PASSWORD, "a new password 1", keep_session_hash=session_hash(mine))
    assert session_user(db, mine) is not None and session_user(db, other) is None
    assert authenticate(db, "mirza", PASSWORD) is None
    assert authenticate(db, "mirza", "a new password 1") is not None


def test_an_administrator_remains(db) -> None:
    people.add_user(db, "bo", "admin", PASSWORD)
    assert people.disable_user(db, "ana", actor="bo")
    with pytest.raises(InvalidInput):
        people.disable_user(db, "bo", actor="system")
    with pytest.raises(InvalidInput):
        people.remove_user(db, "bo")
    people.enable_user(db, "ana")
    people.remove_user(db, "bo")
    assert [p.username for p in people.list_users(db)] == ["ana", "mirza"]
    with pytest.raises(NotFound):
        people.enable_user(db, "bo")


def test_removing_a_person_ends_their_sessions_and_keeps_the_audit_trail(db) -> None:
    token = start_session(db, "mirza")
    people.remove_user(db, "mirza", actor="ana")
    assert session_user(db, token) is None
    assert db.execute("SELECT count(*) FROM web_sessions WHERE username = 'mirza'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM user_municipalities WHERE username = 'mirza'").fetchone()[0] == 0
    assert db.execute("SELECT actor, action FROM audit WHERE entity = 'user' AND entity_id = 'mirza' "
                      "ORDER BY id DESC").fetchone() == ("ana", "remove")
