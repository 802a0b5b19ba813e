"""NGOs applying to join the Participatory Democracy Network, and an administrator's decision.
An approved NGO gets a moderator account for its municipality with a generated one-time password."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from .. import auth
from ..clock import now_iso
from ..db import Database, municipality_slugs, transaction
from ..i18n.script import to_latin
from ..municipalities import slugify
from . import audit
from .errors import InvalidInput, InvalidTransition, NotFound
from .people import add_user

LIMITS = {"organisation": 200, "registration_number": 64, "email": 200, "focus": 2000}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = ("id", "organisation", "registration_number", "municipality", "email", "focus", "state", "created_at",
          "decided_at", "decided_by", "username")


@dataclass(frozen=True)
class Approval:
    username: str
    password: str  # shown once to the administrator, never stored in clear


def apply(db: Database, *, organisation: str, registration_number: str, municipality: str, email: str,
          focus: str) -> str:
    values = {"organisation": organisation.strip(), "registration_number": registration_number.strip(),
              "email": email.strip(), "focus": focus.replace("\r\n", "\n").strip()}
    for name, value in values.items():
        if not value or len(value) > LIMITS[name] or any(ord(c) < 32 and c not in "\n\t" for c in value):
            raise InvalidInput(name)
    if not _EMAIL.match(values["email"]):
        raise InvalidInput("email")
    if municipality not in municipality_slugs(db):
        raise InvalidInput("municipality")
    application_id = str(uuid.uuid4())
    with transaction(db):
        db.execute("INSERT INTO ngo_applications (id, organisation, registration_number, municipality, email, focus, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [application_id, values["organisation"], values["registration_number"], municipality,
                    values["email"], values["focus"], now_iso()])
        audit.record(db, "public", "application", application_id, "create", None, "pending")
    return application_id


def applications(db: Database, state: str | None = None) -> list[dict[str, Any]]:
    where, params = ("WHERE state = ?", [state]) if state else ("", [])
    rows = db.execute(f"SELECT {', '.join(FIELDS)} FROM ngo_applications {where} ORDER BY created_at DESC LIMIT 500",
                      params).fetchall()
    return [dict(zip(FIELDS, row)) for row in rows]


def _pending(db: Database, application_id: str) -> dict[str, Any]:
    row = db.execute(f"SELECT {', '.join(FIELDS)} FROM ngo_applications WHERE id = ?", [application_id]).fetchone()
    if row is None:
        raise NotFound(f"no application {application_id}")
    application = dict(zip(FIELDS, row))
    if application["state"] != "pending":
        raise InvalidTransition("the application was already decided")
    return application


def _username(db: Database, organisation: str) -> str:
    base = ("ngo-" + slugify(to_latin(organisation)))[:40].strip("-")  # Cyrillic names too
    name, n = base, 1
    while db.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
        n += 1
        name = f"{base}-{n}"
    return name


def approve(db: Database, actor: str, application_id: str) -> Approval:
    application = _pending(db, application_id)
    username, password = _username(db, application["organisation"]), auth.new_password()
    add_user(db, username, "moderator", password, [application["municipality"]], actor=actor, one_time=True)
    _decide(db, actor, application_id, "approved", username)
    return Approval(username, password)


def decline(db: Database, actor: str, application_id: str) -> None:
    _pending(db, application_id)
    _decide(db, actor, application_id, "declined", None)


def _decide(db: Database, actor: str, application_id: str, state: str, username: str | None) -> None:
    with transaction(db):
        db.execute("UPDATE ngo_applications SET state = ?, decided_at = ?, decided_by = ?, username = ? "
                   "WHERE id = ? AND state = 'pending'", [state, now_iso(), actor, username, application_id])
        audit.record(db, actor, "application", application_id, "decide", "pending", state, username)
