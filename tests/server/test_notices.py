"""What is queued for a citizen, on a real SQLite file: only with mail configured, only to an
e-mail address left with consent, in the suggestion's language, never after unsubscribing; and the
hook other parts use to tell everyone behind an initiative."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from sync_server.auth import Bench
from sync_server.db import Database, transaction
from sync_server.sample import load_sample
from sync_server.services.notices import MailLinks, is_email, queue_initiative_notice, unsubscribe
from sync_server.services.suggestions import (WebVisitor, confirm_suggestion, decline_suggestion, merge_suggestion,
                                              receive_with_receipt)
from sync_server.settings import Settings

MAIL = MailLinks("https://klupe.example")
BIKES = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"


@pytest.fixture
def sample(db: Database) -> Database:
    load_sample(db)
    return db


def suggestion(db: Database, contact: str | None, language: str = "bs", municipality: str = "zepce",
               initiative_id: str | None = None) -> str:
    sid = str(uuid.uuid4())
    outcome = receive_with_receipt(db, WebVisitor(municipality), {
        "id": sid, "created_at": datetime.now(timezone.utc).isoformat(), "text": f"Tekst {sid[:6]}",
        "language": language, "contact": contact, "contact_consent": contact is not None,
        "initiative_id": initiative_id}, Settings())
    assert outcome.receipt and not outcome.already_sent
    return sid


def outbox(db: Database) -> list[tuple]:
    return db.execute("SELECT recipient, language, subject, body FROM mail_outbox ORDER BY id").fetchall()


def test_nothing_is_queued_without_mail_or_an_address(sample: Database) -> None:
    confirm_suggestion(sample, "system", suggestion(sample, "ana@example.org"))  # no SMTP configured
    confirm_suggestion(sample, "system", suggestion(sample, "061 123 456"), mail=MAIL)  # a phone number
    confirm_suggestion(sample, "system", suggestion(sample, None), mail=MAIL)
    assert outbox(sample) == []


def test_merged_in_serbian_latin_names_the_initiative(sample: Database) -> None:
    sid = suggestion(sample, "marko@example.org", language="sr-Latn", municipality="trebinje")
    merge_suggestion(sample, "system", sid, BIKES, mail=MAIL)
    [(to, language, subject, body)] = outbox(sample)
    assert (to, language) == ("marko@example.org", "sr-Latn")
    assert subject.startswith("Vaš predlog") or subject.startswith("Vaš prijedlog")
    assert "Biciklistička" in body and "Бицикл" not in body
    assert "https://klupe.example/r/" in body and "?lang=sr-Latn" in body


def test_unsubscribing_stops_queued_and_future_mail(sample: Database) -> None:
    first = suggestion(sample, "Ana@Example.org")
    second = suggestion(sample, "ana@example.org")
    confirm_suggestion(sample, "system", first, mail=MAIL)
    [token] = [row[0].rsplit("/", 1)[1].split("?")[0] for row in sample.execute("SELECT unsubscribe_url FROM mail_outbox")]
    assert not unsubscribe(sample, token[:-2] + ("xx" if not token.endswith("xx") else "yy"))  # forged
    assert len(outbox(sample)) == 1
    assert unsubscribe(sample, token)
    assert outbox(sample) == []
    decline_suggestion(sample, "system", second, "Već postoji.", mail=MAIL)  # the same address, other case
    assert outbox(sample) == []


def test_the_initiative_hook_tells_everyone_behind_it(sample: Database) -> None:
    about = suggestion(sample, "a@example.org", municipality="trebinje", initiative_id=BIKES)
    merged = suggestion(sample, "b@example.org", municipality="trebinje")
    merge_suggestion(sample, "system", merged, BIKES)
    suggestion(sample, "c@example.org", municipality="trebinje")  # not about it
    with transaction(sample):
        count = queue_initiative_notice(sample, MAIL, BIKES, "answered", {"answer": "Staza se gradi 2027."})
    assert count == 2 and about
    assert sorted(row[0] for row in outbox(sample)) == ["a@example.org", "b@example.org"]
    assert all("Staza se gradi 2027." in row[3] for row in outbox(sample))


@pytest.mark.parametrize(("contact", "expected"), [
    ("ana@example.org", True), ("ana.b+klupe@mail.example.ba", True), ("061 123 456", False),
    ("ana@example", False), ("a@b.c d", False), ("<x@y.z>", False), ("", False)])
def test_what_counts_as_an_e_mail_address(contact: str, expected: bool) -> None:
    assert is_email(contact) is expected


def test_a_bench_suggestion_is_marked_as_from_a_bench(sample: Database) -> None:
    from sync_server.services.benches import add_bench
    add_bench(sample, "b1", "zepce")
    outcome = receive_with_receipt(sample, Bench("b1", "zepce", None), {
        "id": str(uuid.uuid4()), "created_at": "2026-11-30T10:00:00Z", "text": "S klupe", "language": "bs"},
        Settings())
    assert sample.execute("SELECT source, bench_id FROM suggestions WHERE receipt = ?",
                          [outcome.receipt]).fetchall() == [("bench", "b1")]
    assert "-" in outcome.receipt and len(outcome.receipt) == 9


def test_a_bulk_decision_tells_each_citizen(sample: Database) -> None:
    from sync_server.services.decisions import decide_many

    ids = [suggestion(sample, f"osoba{n}@example.org") for n in range(3)] + [suggestion(sample, None)]
    assert decide_many(sample, "system", ids, "decline", reason="Isti prijedlog već postoji.", mail=MAIL) == 4
    mails = outbox(sample)
    assert sorted(row[0] for row in mails) == [f"osoba{n}@example.org" for n in range(3)]
    assert all("Isti prijedlog već postoji." in row[3] for row in mails)
