"""The citizen is told: e-mails through a real SMTP server (aiosmtpd on loopback), queued in the
server's database, sent by its own thread. A restart (even a crash) loses none, a dead mail server
delays but loses none, the unsubscribe link stops them, and without SMTP nothing is queued."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.live_server import GENEROUS_LIMITS, LiveServer, free_port
from tests.web.conftest import FAST_FORMS, Web, add_people, csrf
from tests.web.helpers import heading, receipt_in, web_idea
from tests.web.mailbox import body, eventually, smtp_server

FAST_MAIL = {**FAST_FORMS, "SMART_BENCH_MAIL_POLL_S": "0.2", "SMART_BENCH_MAIL_RETRY_S": "0.3",
             "SMART_BENCH_MAIL_RETRY_MAX_S": "1"}
SENDER = "klupe@mreza.example"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mailing(tmp_path: Path, smtp_port: int) -> Iterator[Web]:
    """A server that mails through smtp://127.0.0.1:<smtp_port> (which the test may leave dead)."""
    add_people(tmp_path / "server.db")
    port = free_port()
    args = (*GENEROUS_LIMITS, "--smtp-url", f"smtp://127.0.0.1:{smtp_port}", "--mail-from", SENDER)
    with LiveServer.start_new(tmp_path, port=port, extra_args=args, env=FAST_MAIL) as server:
        yield Web(server)


def moderate(web: Web, receipt: str, action: str, **data: str) -> None:
    session = web.session("mod-zepce")
    [(sid,)] = web.server.rows("SELECT id FROM suggestions WHERE receipt = ?", [receipt])
    page = session.get(f"{web.url}/moderation/suggestions/{sid}")
    response = session.post(f"{web.url}/moderation/suggestions/{sid}/{action}",
                            data={"csrf_token": csrf(page.text), **data}, allow_redirects=False)
    assert response.status_code == 303, response.text[:500]


def idea(web: Web, text: str, contact: str = "ana@example.org", language: str = "bs") -> str:
    response = web_idea(requests.Session(), web.url, text, contact=contact, consent=True, query=f"?lang={language}")
    assert response.status_code == 200, response.text[:1000]
    return receipt_in(response.text)


def queued(web: Web) -> int:
    return web.server.rows("SELECT count(*) FROM mail_outbox")[0][0]


def test_confirmed_idea_mails_the_citizen_in_their_language(mailing: Web, smtp_port: int) -> None:
    with smtp_server(smtp_port) as inbox:
        receipt = idea(mailing, "Клупе у хладу код школе.", language="sr")
        moderate(mailing, receipt, "confirm")
        [message] = inbox.wait_for(1)
    assert message["To"] == "ana@example.org" and message["From"] == SENDER
    assert message["Subject"] == f"Ваш приједлог {receipt} је потврђен"
    text = body(message)
    assert "потврдила ваш приједлог" in text
    assert "Клупе у хладу" not in text  # never quoted: the address may have been typed by someone else
    assert f"{mailing.url}/r/{receipt}?lang=sr" in text
    unsubscribe = re.search(r"<(http[^>]+/unsubscribe/[^>]+)>", message["List-Unsubscribe"]).group(1)
    assert unsubscribe in text and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert queued(mailing) == 0  # sent mail leaves the database


def test_declined_mail_says_why_and_unsubscribe_stops_the_rest(mailing: Web, smtp_port: int) -> None:
    with smtp_server(smtp_port) as inbox:
        first = idea(mailing, "Semafor kod pijace.", contact="mirza@example.org")
        second = idea(mailing, "Česma u parku.", contact="mirza@example.org")
        moderate(mailing, first, "decline", reason="Semafori su u nadležnosti kantona.")
        [message] = inbox.wait_for(1)
        assert message["Subject"] == f"Vaš prijedlog {first} je odbijen"
        assert "Razlog: Semafori su u nadležnosti kantona." in body(message)
        link = re.search(r"<(.+)>", message["List-Unsubscribe"]).group(1)
        assert link.endswith("?lang=bs")  # the page speaks the mail's language
        page = requests.get(link, headers={"Accept-Language": "en"})
        assert heading(page.text) == "Zaustaviti e-mailove?"
        assert "Semafor" not in page.text  # opening the link alone changes nothing
        done = requests.post(link, data="List-Unsubscribe=One-Click",  # as a mail program posts it
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert heading(done.text) == "Više nećete dobijati e-mailove"
        moderate(mailing, second, "confirm")
        assert mailing.server.rows("SELECT state FROM suggestions WHERE receipt = ?", [second]) == [("confirmed",)]
        assert queued(mailing) == 0
        base, token = link.split("/unsubscribe/")
        forged_link = f"{base}/unsubscribe/{token.replace('.', '.AAA', 1)}"  # the signature changed
        forged = requests.post(forged_link)
        assert forged.status_code == 400 and "oštećen" in forged.text
        assert requests.get(forged_link).status_code == 400
    assert len(inbox.messages) == 1


def test_dead_mail_server_and_a_crash_lose_nothing(mailing: Web, smtp_port: int) -> None:
    receipts = [idea(mailing, f"Ideja broj {n} za Žepče.", contact=f"osoba{n}@example.org") for n in range(3)]
    for receipt in receipts:
        moderate(mailing, receipt, "confirm")
    # Nothing listens on the SMTP port: the messages wait and are tried again.
    eventually(lambda: mailing.server.rows("SELECT min(attempts) FROM mail_outbox")[0][0] >= 2,
               what="retries while the mail server is down")
    assert queued(mailing) == 3
    mailing.server.stop(kill=True)  # a crash with three messages queued
    assert queued(mailing) == 3
    with smtp_server(smtp_port) as inbox:
        mailing.server.start()
        messages = inbox.wait_for(3)
        eventually(lambda: queued(mailing) == 0, what="the outbox empties")
    assert sorted(m["To"] for m in messages) == [f"osoba{n}@example.org" for n in range(3)]
    assert all(m["Subject"].startswith("Vaš prijedlog") for m in messages)


def test_auth_only_with_user_and_password(tmp_path: Path) -> None:
    smtp_port = free_port()
    add_people(tmp_path / "server.db")
    args = (*GENEROUS_LIMITS, "--smtp-url", f"smtp://klupe%40mreza:s3cret@127.0.0.1:{smtp_port}",
            "--mail-from", SENDER)
    with smtp_server(smtp_port, auth=True) as inbox, \
            LiveServer.start_new(tmp_path, extra_args=args, env=FAST_MAIL) as server:
        web = Web(server)
        moderate(web, idea(web, "Više rasvjete u parku."), "confirm")
        inbox.wait_for(1)
    assert inbox.logins == [("klupe@mreza", "s3cret")]


def test_without_smtp_nothing_is_queued(web: Web) -> None:
    receipt = idea(web, "Bez pošte: klupa kod stanice.", contact="niko@example.org")
    moderate(web, receipt, "confirm")
    assert web.server.rows("SELECT count(*) FROM mail_outbox") == [(0,)]
    page = requests.get(f"{web.url}/r/{receipt}")
    assert "Poslat ćemo vam e-mail" not in page.text  # no promise the server cannot keep


@pytest.mark.parametrize(("args", "env", "says"), [
    (["--smtp-url", "smtp://127.0.0.1:2525"], {}, "smtp_url needs mail_from"),
    ([], {"SMART_BENCH_SMTP_URL": "http://mail.example", "SMART_BENCH_MAIL_FROM": SENDER}, "SMART_BENCH_SMTP_URL="),
])
def test_a_mail_setting_that_cannot_work_stops_serve_at_start(tmp_path: Path, args: list[str],
                                                              env: dict[str, str], says: str) -> None:
    import os
    import subprocess
    import sys

    from tests.live_server import ROOT
    done = subprocess.run([sys.executable, "-m", "sync_server", "serve", "--db", str(tmp_path / "s.db"),
                           "--port", str(free_port()), *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and says in done.stderr, done.stderr
