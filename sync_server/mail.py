"""Sending the citizens' e-mails from the outbox (services/notices.py) through a real SMTP server,
on a thread of its own so that no request ever waits for a mail server.

`smtp://host[:port]` talks plain SMTP (port 25 by default) and switches to TLS with STARTTLS when
the server offers it; `smtps://host[:port]` is TLS from the first byte (port 465). AUTH is used
only when the URL carries `user:pass@` (percent-encoded). A message leaves the outbox once the
server has taken it; a server that is down or answers 4xx is tried again later, waiting twice as
long each time (up to `mail_retry_max_s`); a 5xx refusal of the address gives that message up.
Nothing is lost on restart: the outbox is in the database, and a message being sent when the
process dies is sent again (at least once, never silently dropped)."""
from __future__ import annotations

import logging
import random
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from .db import ThreadLocalDatabases
from .services.notices import QueuedMail, due_mails, mail_deferred, mail_sent
from .settings import Settings

log = logging.getLogger(__name__)
TIMEOUT_S = 30


def connect(smtp_url: str) -> smtplib.SMTP:
    """An open, greeted (and, when offered or asked for, encrypted and logged-in) SMTP session."""
    url = urlsplit(smtp_url)
    context = ssl.create_default_context()
    if url.scheme == "smtps":
        session: smtplib.SMTP = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=TIMEOUT_S, context=context)
    else:
        session = smtplib.SMTP(url.hostname, url.port or 25, timeout=TIMEOUT_S)
    try:
        session.ehlo()
        if url.scheme == "smtp" and session.has_extn("starttls"):
            session.starttls(context=context)
            session.ehlo()
        if url.username:
            session.login(unquote(url.username), unquote(url.password or ""))
    except BaseException:
        session.close()
        raise
    return session


def message(mail: QueuedMail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg["Content-Language"] = mail.language
    msg["Auto-Submitted"] = "auto-generated"
    # RFC 8058: mail programs show an "unsubscribe" button that posts to this link.
    msg["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(mail.body)
    return msg


def _permanent(error: Exception) -> bool:
    """This message can never go: the server refused it for good (5xx for its address or content),
    or the address needs what the server lacks (SMTPUTF8 for a non-ASCII address)."""
    if isinstance(error, (ValueError, smtplib.SMTPNotSupportedError)):  # UnicodeEncodeError is a ValueError
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, (smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) and error.smtp_code >= 500


class MailSender:
    """The thread that empties the outbox; `start()` and `stop()` from the app's lifespan."""

    def __init__(self, dbs: ThreadLocalDatabases, settings: Settings) -> None:
        assert settings.smtp_url and settings.mail_from
        self.dbs, self.settings = dbs, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(TIMEOUT_S + 5)

    def backoff_s(self, attempts: int) -> float:
        wait = min(self.settings.mail_retry_max_s, self.settings.mail_retry_s * 2 ** min(attempts, 30))
        return wait * random.uniform(0.9, 1.1)  # many messages deferred together do not return together

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.send_due()
            except Exception:  # the thread must outlive a locked database or a bug in one message
                log.exception("mail: sending round failed; will retry")
            self._stop.wait(self.settings.mail_poll_s)

    def send_due(self) -> int:
        """Send what is due now over one SMTP session; returns how many were sent."""
        db = self.dbs.get()
        mails = due_mails(db)
        if not mails:
            return 0
        try:
            session = connect(self.settings.smtp_url)  # type: ignore[arg-type]
        except (OSError, smtplib.SMTPException) as error:
            for mail in mails:
                mail_deferred(db, mail.id, f"connect: {error}", self.backoff_s(mail.attempts))
            log.warning("mail: SMTP server unreachable (%s); %d messages wait", type(error).__name__, len(mails))
            return 0
        sent = 0
        try:
            for mail in mails:
                if self._stop.is_set():
                    break
                try:
                    session.send_message(message(mail, self.settings.mail_from))  # type: ignore[arg-type]
                except (OSError, ValueError, smtplib.SMTPException) as error:
                    mail_deferred(db, mail.id, f"{type(error).__name__}: {error}",
                                  None if _permanent(error) else self.backoff_s(mail.attempts))
                    if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                        break  # the session is gone; the rest are still due and go next round
                    continue
                mail_sent(db, mail.id)
                sent += 1
        finally:
            try:
                session.quit()
            except (OSError, smtplib.SMTPException):
                session.close()
        return sent
