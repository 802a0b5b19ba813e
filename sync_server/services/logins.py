"""People's login sessions for the web pages, and the server's own secrets.

A session is a random token in a cookie; the database keeps only its SHA-256 (like bench tokens),
so a copy of the database logs nobody in, and logging out, disabling or removing a user ends it at
once. A one-time password (set by an administrator) lets its holder in once: the login uses it up,
and the session it gives is good only for choosing a new password (``User.must_change_password``)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from .. import auth
from ..clock import iso, now_iso, utcnow
from ..db import Database, transaction

SESSION_HOURS = 12


@dataclass(frozen=True)
class User:
    username: str
    role: str  # admin | moderator | maintainer
    municipalities: tuple[str, ...]  # a moderator's scope; empty for the others
    must_change_password: bool = False  # logged in with a one-time password

    def may_moderate(self, municipality: str | None) -> bool:
        """Admins moderate everything, moderators their municipalities (network-wide: admins only)."""
        return self.role == "admin" or (self.role == "moderator" and municipality in self.municipalities)


def secret(db: Database, name: str) -> bytes:
    """A random 32-byte secret of this server, made on first use and kept in the database."""
    row = db.execute("SELECT value FROM web_secrets WHERE name = ?", [name]).fetchone()
    if row is None:
        with transaction(db):
            db.execute("INSERT OR IGNORE INTO web_secrets (name, value) VALUES (?, ?)",
                       [name, secrets.token_hex(32)])
        row = db.execute("SELECT value FROM web_secrets WHERE name = ?", [name]).fetchone()
    return bytes.fromhex(row[0])


def load_user(db: Database, username: str) -> User | None:
    """The user, or None for unknown and disabled ones."""
    row = db.execute("SELECT role, must_change_password FROM users WHERE username = ? AND disabled_at IS NULL",
                     [username]).fetchone()
    if row is None:
        return None
    scope = tuple(r[0] for r in db.execute(
        "SELECT municipality FROM user_municipalities WHERE username = ? ORDER BY municipality", [username]))
    return User(username, row[0], scope, bool(row[1]))


def authenticate(db: Database, username: str, password: str) -> User | None:
    """The user if the password is right. Unknown names cost the same time as known ones."""
    username = username.strip().lower()
    row = db.execute("SELECT password_hash, must_change_password, disabled_at FROM users WHERE username = ?",
                     [username]).fetchone()
    if row is None:
        auth.verify_password(_DUMMY_HASH, password)
        return None
    if not auth.verify_password(row[0], password) or row[2] is not None:
        return None
    if row[1]:  # a one-time password: used up now (no argon2 hash starts with "!")
        with transaction(db):
            used = db.execute("UPDATE users SET password_hash = ? WHERE username = ? AND password_hash = ?",
                              ["!one-time password used", username, row[0]]).rowcount
        if not used:  # another login used it first
            return None
    return load_user(db, username)


_DUMMY_HASH = auth.hash_password(secrets.token_hex(8))


def start_session(db: Database, username: str) -> str:
    """A new session for the user; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with transaction(db):
        db.execute("DELETE FROM web_sessions WHERE expires_at < ?", [iso(now)])
        db.execute("INSERT INTO web_sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)",
                   [auth.hash_token(token), username, iso(now), iso(now + timedelta(hours=SESSION_HOURS))])
    return token


def session_user(db: Database, token: str) -> User | None:
    row = db.execute("SELECT username FROM web_sessions WHERE token_hash = ? AND expires_at > ?",
                     [auth.hash_token(token), now_iso()]).fetchone()
    return load_user(db, row[0]) if row else None


def session_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return auth.hash_token(token)


def end_session(db: Database, token: str) -> None:
    with transaction(db):
        db.execute("DELETE FROM web_sessions WHERE token_hash = ?", [auth.hash_token(token)])
