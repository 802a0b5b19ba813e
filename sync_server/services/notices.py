"""Telling citizens: e-mails queued in the database (the outbox) when something they follow
changes, the addresses that asked for no more, and what the sending thread needs (sync_server/mail.py).

A message is queued in the transaction that makes the change, so a change and its message are
stored together or not at all; the thread sends them later, so no request waits for a mail server.
Only a contact that is an e-mail address, left with consent, gets mail; none at all when the
server has no SMTP server configured (`mail` is None). Addresses that unsubscribed are kept only
as a keyed hash (HMAC with a server secret), which is also the signed part of the unsubscribe link.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from ..clock import iso, now_iso, utcnow
from ..db import Database, transaction
from ..i18n import N_, gettext_for
from ..i18n.script import to_latin

_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+$")


@dataclass(frozen=True)
class MailLinks:
    """What composing a message needs: where people reach the server (links in the mail)."""
    public_url: str


@dataclass(frozen=True)
class QueuedMail:
    id: int
    recipient: str
    language: str
    subject: str
    body: str
    unsubscribe_url: str
    attempts: int


# Per event: the subject and the first paragraph; %(...)s values come from `queue_notice`.
EVENTS = {
    "confirmed": (N_("Your suggestion %(receipt)s was confirmed"),
                  N_("An NGO of the Participatory Democracy Network read and confirmed your suggestion.")),
    "declined": (N_("Your suggestion %(receipt)s was declined"),
                 N_("An NGO of the Participatory Democracy Network declined your suggestion. Their reason: %(reason)s")),
    "merged": (N_("Your suggestion %(receipt)s joined an initiative"),
               N_("Your suggestion is now part of the initiative \u201c%(title)s\u201d. You can support it and follow its progress.")),
    "answered": (N_("The municipality answered: %(receipt)s"),
                 N_("The municipality gave its official answer about the initiative your suggestion is part of: %(answer)s")),
    "action_soon": (N_("An action you joined is near"),
                    N_("The action \u201c%(title)s\u201d that you joined takes place on %(when)s, at %(place)s.")),
}
_FOLLOW = N_("Follow it here: %(url)s")
_WHY = N_("You receive this e-mail because you left this address with your suggestion and agreed that we keep it. "
          "To receive no more e-mails from us: %(url)s")


def is_email(contact: str | None) -> bool:
    return bool(contact) and len(contact) <= 254 and _EMAIL.match(contact) is not None  # type: ignore[arg-type]


def _mail_key(db: Database) -> bytes:
    """The server's mail secret, made on first use. Call inside a write transaction."""
    row = db.execute("SELECT value FROM web_secrets WHERE name = 'mail'").fetchone()
    if row is None:
        db.execute("INSERT INTO web_secrets (name, value) VALUES ('mail', ?)", [secrets.token_hex(32)])
        row = db.execute("SELECT value FROM web_secrets WHERE name = 'mail'").fetchone()
    return bytes.fromhex(row[0])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _address_key(key: bytes, address: str) -> str:
    return _b64(hmac.new(key, address.strip().lower().encode(), hashlib.sha256).digest())


def _tag(key: bytes, address_key: str) -> str:
    return _b64(hmac.new(key, b"unsubscribe:" + address_key.encode(), hashlib.sha256).digest()[:12])


def _opted_out(db: Database, address_key: str) -> bool:
    return db.execute("SELECT 1 FROM mail_optouts WHERE address = ?", [address_key]).fetchone() is not None


def queue_mail(db: Database, mail: MailLinks | None, *, recipient: str | None, language: str, event: str,
               values: dict[str, str], status_path: str, suggestion_id: str | None = None) -> bool:
    """Queue one message about `event` (a key of EVENTS) in `language`, with a link to
    `status_path` and the unsubscribe link. Call inside the write transaction of the change.
    False when nothing was queued: no mail server, not an e-mail address, or unsubscribed."""
    if mail is None or not is_email(recipient):
        return False
    key = _mail_key(db)
    address_key = _address_key(key, recipient)  # type: ignore[arg-type]
    if _opted_out(db, address_key):
        return False
    base = mail.public_url.rstrip("/")
    separator = "&" if "?" in status_path else "?"
    unsubscribe_url = f"{base}/unsubscribe/{address_key}.{_tag(key, address_key)}?lang={language}"
    subject_id, first_id = EVENTS[event]
    subject = gettext_for(language, subject_id) % values
    # The citizen's own text is not quoted: an address typed by someone else must not receive it.
    paragraphs = [gettext_for(language, first_id) % values,
                   gettext_for(language, _FOLLOW) % {"url": f"{base}{status_path}{separator}lang={language}"},
                   "-- \n" + gettext_for(language, _WHY) % {"url": unsubscribe_url}]
    now = now_iso()
    db.execute(
        "INSERT INTO mail_outbox (suggestion_id, recipient, address_key, language, subject, body, unsubscribe_url, "
        "queued_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [suggestion_id, recipient, address_key, language, subject, "\n\n".join(paragraphs), unsubscribe_url,
         now, now])
    return True


def queue_notice(db: Database, mail: MailLinks | None, suggestion_id: str, event: str,
                 values: dict[str, str] | None = None) -> bool:
    """Queue the message about a suggestion's public change (confirmed, declined, merged, or —
    for other parts of the server — "answered" with `values={"answer": ...}`), in the
    suggestion's language, to the contact its citizen left. Inside the change's transaction."""
    if mail is None:
        return False
    row = db.execute("SELECT contact, language, receipt, decline_reason, merged_into FROM suggestions "
                     "WHERE id = ? AND receipt IS NOT NULL", [suggestion_id]).fetchone()
    if row is None:
        return False
    contact, language, receipt, reason, merged_into = row
    title = initiative_title(db, merged_into, language) if merged_into else ""
    return queue_mail(db, mail, recipient=contact, language=language, event=event, suggestion_id=suggestion_id,
                      values={"receipt": receipt, "reason": reason or "", "title": title or "", **(values or {})},
                      status_path=f"/r/{receipt}")


def initiative_title(db: Database, initiative_id: str, language: str) -> str:
    """The initiative's title in the citizen's language, else its original language."""
    texts = dict(db.execute("SELECT language, title FROM initiative_texts WHERE initiative_id = ?", [initiative_id]))
    if language == "sr-Latn" and "sr" in texts:
        return to_latin(texts["sr"])
    original = db.execute("SELECT original_language FROM initiatives WHERE id = ?", [initiative_id]).fetchone()
    return texts.get(language) or texts.get(original[0] if original else "") or next(iter(texts.values()), "")


def queue_initiative_notice(db: Database, mail: MailLinks | None, initiative_id: str, event: str,
                            values: dict[str, str]) -> int:
    """The same message to every citizen whose suggestion joined (or is about) an initiative, e.g.
    when the municipality answers it. Inside the change's transaction; returns how many."""
    if mail is None:
        return 0
    ids = [row[0] for row in db.execute(
        "SELECT id FROM suggestions WHERE (merged_into = ? OR initiative_id = ?) AND contact IS NOT NULL",
        [initiative_id, initiative_id])]
    return sum(queue_notice(db, mail, suggestion_id, event, values) for suggestion_id in ids)


def _signed(key: bytes, token: str) -> str | None:
    """The address key of an unsubscribe token this server made, else None."""
    address_key, _, tag = token.partition(".")
    if len(address_key) != 43 or not hmac.compare_digest(_tag(key, address_key), tag):
        return None
    return address_key


def is_unsubscribe_token(db: Database, token: str) -> bool:
    row = db.execute("SELECT value FROM web_secrets WHERE name = 'mail'").fetchone()
    return row is not None and _signed(bytes.fromhex(row[0]), token) is not None


def unsubscribe(db: Database, token: str) -> bool:
    """Stop all mail to the address of a signed unsubscribe token, queued mail included.
    False for a token this server did not make (nothing changes)."""
    with transaction(db):
        address_key = _signed(_mail_key(db), token)
        if address_key is None:
            return False
        db.execute("INSERT OR IGNORE INTO mail_optouts (address, at) VALUES (?, ?)", [address_key, now_iso()])
        db.execute("DELETE FROM mail_outbox WHERE address_key = ?", [address_key])
    return True


# --- for the sending thread --------------------------------------------------------------------

def due_mails(db: Database, limit: int = 20) -> list[QueuedMail]:
    rows = db.execute(
        "SELECT id, recipient, language, subject, body, unsubscribe_url, attempts FROM mail_outbox "
        "WHERE failed_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?", [now_iso(), limit]).fetchall()
    return [QueuedMail(*row) for row in rows]


def mail_sent(db: Database, mail_id: int) -> None:
    """Sent: the message leaves the database (it holds an address and the citizen's text)."""
    with transaction(db):
        db.execute("DELETE FROM mail_outbox WHERE id = ?", [mail_id])


def mail_deferred(db: Database, mail_id: int, error: str, retry_in_s: float | None) -> None:
    """Not sent: try again in `retry_in_s`, or never (None: the server refused the address)."""
    now = utcnow()
    with transaction(db):
        if retry_in_s is None:
            db.execute("UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, failed_at = ? WHERE id = ?",
                       [error[:500], iso(now), mail_id])
        else:
            db.execute("UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                       "WHERE id = ?", [error[:500], iso(now + timedelta(seconds=retry_in_s)), mail_id])
