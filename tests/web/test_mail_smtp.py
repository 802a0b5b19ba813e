"""The sending side against a real SMTP server (aiosmtpd) with real TLS: STARTTLS when offered,
implicit TLS for smtps://, and what a refusal does to a queued message. The certificate is made
here and trusted through SSL_CERT_FILE, the way a deployment trusts its CA."""
from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync_server.db import ThreadLocalDatabases, open_database, transaction
from sync_server.mail import MailSender
from sync_server.services.notices import MailLinks, queue_mail
from sync_server.settings import Settings
from tests.live_server import free_port
from tests.web.mailbox import smtp_server

SENDER = "klupe@mreza.example"


@pytest.fixture
def certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A server TLS context for 127.0.0.1 whose certificate the client trusts."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[ThreadLocalDatabases]:
    """A server database with one message queued."""
    db = open_database(tmp_path / "server.db")
    with transaction(db):
        assert queue_mail(db, MailLinks("https://klupe.example"), recipient="ana@example.org", language="hr",
                          event="confirmed", values={"receipt": "K7M2-Q9XD"}, status_path="/r/K7M2-Q9XD")
    db.close()
    yield ThreadLocalDatabases(tmp_path / "server.db")


def sender(dbs: ThreadLocalDatabases, url: str) -> MailSender:
    return MailSender(dbs, Settings(smtp_url=url, mail_from=SENDER, mail_retry_s=60))


def rows(dbs: ThreadLocalDatabases) -> list[tuple]:
    return dbs.get().execute("SELECT attempts, failed_at IS NOT NULL, next_attempt_at > strftime('%Y-%m-%dT%H:%M:%f', "
                             "'now') FROM mail_outbox").fetchall()


def test_starttls_when_the_server_offers_it(outbox: ThreadLocalDatabases, certificate: ssl.SSLContext) -> None:
    port = free_port()
    with smtp_server(port, tls_context=certificate, require_starttls=True) as inbox:
        assert sender(outbox, f"smtp://127.0.0.1:{port}").send_due() == 1
        [message] = inbox.wait_for(1)
    assert inbox.encrypted == [True]
    assert message["Subject"] == "Vaš je prijedlog K7M2-Q9XD potvrđen"
    assert "https://klupe.example/r/K7M2-Q9XD?lang=hr" in message.get_content()
    assert rows(outbox) == []


def test_plain_smtp_when_no_starttls_is_offered(outbox: ThreadLocalDatabases) -> None:
    port = free_port()
    with smtp_server(port) as inbox:
        assert sender(outbox, f"smtp://127.0.0.1:{port}").send_due() == 1
        inbox.wait_for(1)
    assert inbox.encrypted == [False] and inbox.logins == []  # no AUTH without user:pass@


def test_smtps_is_tls_from_the_first_byte(outbox: ThreadLocalDatabases, certificate: ssl.SSLContext) -> None:
    port = free_port()
    with smtp_server(port, ssl_context=certificate) as inbox:
        assert sender(outbox, f"smtps://127.0.0.1:{port}").send_due() == 1
        inbox.wait_for(1)
    assert len(inbox.messages) == 1


def test_an_untrusted_certificate_is_not_used(outbox: ThreadLocalDatabases, certificate: ssl.SSLContext,
                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "other-ca.pem").write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "other-ca.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    port = free_port()
    with smtp_server(port, ssl_context=certificate) as inbox:
        assert sender(outbox, f"smtps://127.0.0.1:{port}").send_due() == 0
    assert inbox.messages == [] and rows(outbox) == [(1, 0, 1)]  # kept, tried again later


@pytest.mark.parametrize(("answer", "expected"), [
    ("451 try again later", (1, 0, 1)),   # a passing refusal: retried after a while
    ("550 no such user", (1, 1, 0)),      # a final one: given up, kept for the operator
])
def test_a_refused_address(outbox: ThreadLocalDatabases, answer: str, expected: tuple) -> None:
    port = free_port()
    with smtp_server(port) as inbox:
        inbox.refuse_rcpt = answer
        assert sender(outbox, f"smtp://127.0.0.1:{port}").send_due() == 0
    assert rows(outbox) == [expected]
    assert sender(outbox, f"smtp://127.0.0.1:{port}").send_due() == 0  # nothing due now either way


def test_backoff_doubles_up_to_the_maximum(outbox: ThreadLocalDatabases) -> None:
    mail = MailSender(outbox, Settings(smtp_url="smtp://127.0.0.1:1", mail_from=SENDER, mail_retry_s=30,
                                       mail_retry_max_s=3600))
    waits = [mail.backoff_s(n) for n in range(10)]
    assert 27 <= waits[0] <= 33 and 54 <= waits[1] <= 66 and all(3240 <= w <= 3960 for w in waits[7:])


def test_an_address_the_server_cannot_take_is_given_up(tmp_path: Path) -> None:
    """A non-ASCII address needs SMTPUTF8, which this server does not offer: no endless retries."""
    db = open_database(tmp_path / "server.db")
    with transaction(db):
        assert queue_mail(db, MailLinks("https://klupe.example"), recipient="željko@primjer.ba", language="bs",
                          event="confirmed", values={"receipt": "K7M2-Q9XD"}, status_path="/r/K7M2-Q9XD")
    db.close()
    dbs = ThreadLocalDatabases(tmp_path / "server.db")
    port = free_port()
    with smtp_server(port, enable_SMTPUTF8=False) as inbox:
        assert sender(dbs, f"smtp://127.0.0.1:{port}").send_due() == 0
    assert inbox.messages == [] and rows(dbs) == [(1, 1, 0)]
