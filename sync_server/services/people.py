"""People who run the network: administrators, NGO moderators (per municipality), maintainers.

Made, disabled, enabled and removed from the command line or the administrators' page; a
password is changed by its owner or reset by an administrator to a one-time password, which
lets its holder in once, only to choose a password of their own."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .. import auth
from ..clock import now_iso
from ..db import Database, municipality_slugs, transaction
from ..municipalities import resolve
from . import audit
from .errors import Forbidden, InvalidInput, NotFound

ROLES = ("admin", "moderator", "maintainer")
# The actor name used by trusted local tools (command line, sample loader, retention job).
SYSTEM = "system"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10


def canonical(username: str) -> str:
    """Usernames are kept in lower case; people may type them as they like."""
    return username.strip().lower()


def add_user(db: Database, username: str, role: str, password: str,
             municipalities: Sequence[str] = (), actor: str = SYSTEM, *, one_time: bool = False) -> None:
    """``one_time``: the password is someone else's to hand over; its holder must choose their own."""
    username = canonical(username)
    if not _USERNAME.match(username):
        raise InvalidInput("username: 2-64 of a-z 0-9 . _ -, starting with a letter or digit")
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
    _check_new_password(password)
    known = municipality_slugs(db)
    try:
        scope = sorted({resolve(known, name) for name in municipalities})
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if role == "moderator" and not scope:
        raise InvalidInput("a moderator needs at least one --municipality")
    password_hash = auth.hash_password(password)  # slow on purpose: outside the write lock
    with transaction(db):
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise InvalidInput(f"user {username!r} exists")
        db.execute("INSERT INTO users (username, role, password_hash, created_at, must_change_password) "
                   "VALUES (?, ?, ?, ?, ?)", [username, role, password_hash, now_iso(), int(one_time)])
        for slug in scope:
            db.execute("INSERT INTO user_municipalities (username, municipality) VALUES (?, ?)",
                       [username, slug])
        audit.record(db, actor, "user", username, "create", None, role, ", ".join(scope) or None)


def require_moderator(db: Database, actor: str, municipality: str | None) -> None:
    """Administrators moderate everything; moderators only their municipalities (network-wide
    content needs an administrator); maintainers moderate nothing."""
    if actor == SYSTEM:
        return
    row = db.execute("SELECT role FROM users WHERE username = ?", [actor]).fetchone()
    role = row[0] if row else None
    if role == "admin":
        return
    if role == "moderator" and municipality is not None and db.execute(
        "SELECT 1 FROM user_municipalities WHERE username = ? AND municipality = ?", [actor, municipality]
    ).fetchone():
        return
    raise Forbidden(f"{actor!r} may not moderate {municipality or 'network-wide content'}")


@dataclass(frozen=True)
class Person:
    """A row of the administrators' list of people."""

    username: str
    role: str
    municipalities: tuple[str, ...]
    created_at: str
    disabled_at: str | None
    must_change_password: bool


def list_users(db: Database) -> list[Person]:
    scopes: dict[str, list[str]] = {}
    for username, municipality in db.execute(
            "SELECT username, municipality FROM user_municipalities ORDER BY municipality"):
        scopes.setdefault(username, []).append(municipality)
    rows = db.execute("SELECT username, role, created_at, disabled_at, must_change_password FROM users "
                      "ORDER BY username").fetchall()
    return [Person(name, role, tuple(scopes.get(name, ())), created, disabled, bool(must_change))
            for name, role, created, disabled, must_change in rows]


def disable_user(db: Database, username: str, actor: str = SYSTEM) -> bool:
    """Disable a person and end their sessions at once; False if they were disabled already."""
    username = canonical(username)
    with transaction(db):
        disabled_at = _existing(db, username)["disabled_at"]
        if disabled_at is not None:
            return False
        _keep_an_administrator(db, username)
        db.execute("UPDATE users SET disabled_at = ? WHERE username = ?", [now_iso(), username])
        db.execute("DELETE FROM web_sessions WHERE username = ?", [username])
        audit.record(db, actor, "user", username, "disable", "active", "disabled")
    return True


def enable_user(db: Database, username: str, actor: str = SYSTEM) -> bool:
    """Let a disabled person log in again; False if they were not disabled."""
    username = canonical(username)
    with transaction(db):
        if _existing(db, username)["disabled_at"] is None:
            return False
        db.execute("UPDATE users SET disabled_at = NULL WHERE username = ?", [username])
        audit.record(db, actor, "user", username, "enable", "disabled", "active")
    return True


def remove_user(db: Database, username: str, actor: str = SYSTEM) -> None:
    """Remove a person for good: their sessions and municipalities go with them; the audit trail
    keeps their name on what they did."""
    username = canonical(username)
    with transaction(db):
        role = _existing(db, username)["role"]
        _keep_an_administrator(db, username)
        db.execute("DELETE FROM users WHERE username = ?", [username])  # sessions, scopes: ON DELETE CASCADE
        audit.record(db, actor, "user", username, "remove", role, None)


def reset_password(db: Database, username: str, actor: str = SYSTEM) -> str:
    """Give a person a new one-time password (returned, to be handed over; stored as a hash only)
    and end their sessions."""
    username = canonical(username)
    password = auth.new_password()
    password_hash = auth.hash_password(password)
    with transaction(db):
        _existing(db, username)
        db.execute("UPDATE users SET password_hash = ?, must_change_password = 1 WHERE username = ?",
                   [password_hash, username])
        db.execute("DELETE FROM web_sessions WHERE username = ?", [username])
        audit.record(db, actor, "user", username, "reset-password")
    return password


def change_password(db: Database, username: str, current: str | None, new: str,
                    keep_session_hash: str | None = None) -> None:
    """A person sets their own password. ``current`` is checked, except right after a one-time
    password let them in (``None`` then); their other sessions end."""
    _check_new_password(new)
    if current is not None and current == new:
        raise InvalidInput("the new password must differ from the current one")
    row = db.execute("SELECT password_hash, must_change_password FROM users WHERE username = ?",
                     [username]).fetchone()
    if row is None:
        raise NotFound(f"no user {username!r}")
    if current is None and not row[1]:
        raise Forbidden("the current password is needed")
    if current is not None and not auth.verify_password(row[0], current):
        raise Forbidden("the current password is wrong")
    password_hash = auth.hash_password(new)
    with transaction(db):
        db.execute("UPDATE users SET password_hash = ?, must_change_password = 0 WHERE username = ?",
                   [password_hash, username])
        db.execute("DELETE FROM web_sessions WHERE username = ? AND token_hash IS NOT ?",
                   [username, keep_session_hash])
        audit.record(db, username, "user", username, "change-password")


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD} characters")


def _existing(db: Database, username: str) -> dict[str, str | None]:
    row = db.execute("SELECT role, disabled_at FROM users WHERE username = ?", [username]).fetchone()
    if row is None:
        raise NotFound(f"no user {username!r}")
    return {"role": row[0], "disabled_at": row[1]}


def _keep_an_administrator(db: Database, username: str) -> None:
    """Refuse to disable or remove the last active administrator: nobody could manage people."""
    others = db.execute("SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL "
                        "AND username != ?", [username]).fetchone()[0]
    role = db.execute("SELECT role FROM users WHERE username = ?", [username]).fetchone()[0]
    if role == "admin" and others == 0:
        raise InvalidInput(f"{username!r} is the last active administrator")
