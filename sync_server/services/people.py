"""People who run the network: administrators, NGO moderators (per municipality), maintainers,
and municipality officials (who answer for their municipality)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .. import auth
from ..clock import now_iso
from ..db import Database, municipality_slugs, transaction
from ..municipalities import resolve
from . import audit
from .errors import Forbidden, InvalidInput

ROLES = ("admin", "moderator", "maintainer", "official")
# Roles that act for particular municipalities and need at least one.
SCOPED_ROLES = ("moderator", "official")
# The actor name used by trusted local tools (command line, sample loader, retention job).
SYSTEM = "system"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10


def add_user(db: Database, username: str, role: str, password: str,
             municipalities: Sequence[str] = (), actor: str = SYSTEM) -> None:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise InvalidInput("username: 2-64 of a-z 0-9 . _ -, starting with a letter or digit")
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD} characters")
    known = municipality_slugs(db)
    try:
        scope = sorted({resolve(known, name) for name in municipalities})
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if role in SCOPED_ROLES and not scope:
        raise InvalidInput(f"a {role} needs at least one --municipality")
    password_hash = auth.hash_password(password)  # slow on purpose: outside the write lock
    with transaction(db):
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise InvalidInput(f"user {username!r} exists")
        db.execute("INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                   [username, role, password_hash, now_iso()])
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
