"""The citizen's loop in a real headless Chromium on a phone screen: an idea given at /suggest,
seen and confirmed in the moderation queue, the e-mail that says so (a real SMTP server on
loopback), support tapped once, and a bench's hand-off link finished on the phone. Each page is
checked by what a person reads on it; screenshots go to test-artifacts/web/."""
from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.handoff import continue_url
from tests.live_server import GENEROUS_LIMITS, LiveServer, free_port
from tests.web.browser import assert_clean, login, open_page, shot
from tests.web.conftest import FILL_S, Web, add_people
from tests.web.mailbox import Inbox, body, smtp_server
from tests.web.test_mail import FAST_MAIL, SENDER

BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"
BIKES = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"


@pytest.fixture
def mailing(tmp_path: Path) -> Iterator[tuple[Web, Inbox]]:
    smtp_port = free_port()
    add_people(tmp_path / "server.db")
    args = (*GENEROUS_LIMITS, "--smtp-url", f"smtp://127.0.0.1:{smtp_port}", "--mail-from", SENDER)
    with smtp_server(smtp_port) as inbox, LiveServer.start_new(tmp_path, extra_args=args, env=FAST_MAIL) as server:
        yield Web(server), inbox


def test_idea_from_a_phone_is_confirmed_and_the_citizen_gets_the_mail(
        mailing: tuple[Web, Inbox], browser: Any, artifacts: Path) -> None:
    web, inbox = mailing
    text = f"Klupe i česma u parku kod Doma kulture ({uuid.uuid4().hex[:4]})."
    with open_page(browser) as (phone, watch):
        phone.goto(f"{web.url}/?municipality=zepce&lang=bs")
        phone.click("main a.button:has-text('Dajte ideju')")
        assert phone.locator("h1").text_content() == "Dajte ideju"
        assert phone.locator("#municipality").input_value() == "zepce"  # ?m= from the portal's filter
        phone.select_option("#category", "environment")
        phone.fill("#text", text)
        phone.fill("#contact", "amra@example.org")
        phone.check("input[name=consent]")
        box = phone.locator("#website").bounding_box()
        assert box["x"] + box["width"] <= 0  # the honeypot is off the screen: not for people
        shot(phone, artifacts, "phone-suggest-bs")
        time.sleep(FILL_S)  # a person takes a moment to write
        phone.click("form[action^='/suggest'] button[type=submit]")
        assert phone.locator("h1").text_content() == "Hvala vam!"
        receipt = phone.text_content(".receipt").strip()
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", receipt)
        shot(phone, artifacts, "phone-suggest-sent-bs")
        phone.click("text=Pratite šta se s njim dešava")
        assert phone.url.startswith(f"{web.url}/r/{receipt}")
        assert phone.text_content("blockquote").strip() == text
        assert phone.text_content(".badge").strip() == "Primljeno, čeka pregled"
        assert "Poslat ćemo vam e-mail" in phone.text_content("main")
        shot(phone, artifacts, "phone-receipt-received-bs")
        assert_clean(phone, watch, "suggest")
    with open_page(browser, phone=False) as (desk, watch):
        login(desk, web.url, "mod-zepce")
        desk.goto(f"{web.url}/moderation")
        card = desk.locator("article.card", has_text=text)
        assert card.locator(".source").text_content() == "s weba"
        shot(desk, artifacts, "desktop-queue-web-idea-bs")
        card.locator("a").click()
        desk.click("form[action$='/confirm'] button")
        assert desk.text_content(".badge") == "Potvrđeno"
        assert_clean(desk, watch, "moderation")
    [mail] = inbox.wait_for(1)
    assert mail["To"] == "amra@example.org" and mail["Subject"] == f"Vaš prijedlog {receipt} je potvrđen"
    status_link = re.search(r"http://\S+/r/\S+", body(mail)).group(0)
    with open_page(browser) as (phone, watch):
        phone.goto(status_link)  # the citizen follows the link in the e-mail
        assert phone.text_content(".badge").strip() == "Potvrđeno"
        assert "Nevladina organizacija je potvrdila vaš prijedlog" in phone.text_content("main")
        shot(phone, artifacts, "phone-receipt-confirmed-from-mail-bs")
        unsubscribe = re.search(r"<(.+)>", mail["List-Unsubscribe"]).group(1)
        phone.goto(unsubscribe)
        assert phone.locator("h1").text_content() == "Zaustaviti e-mailove?"
        phone.click("main button[type=submit]")
        assert phone.locator("h1").text_content() == "Više nećete dobijati e-mailove"
        shot(phone, artifacts, "phone-unsubscribed-bs")
        assert_clean(phone, watch, "mail links")


def test_support_from_the_phone_counts_once(web: Web, browser: Any, artifacts: Path) -> None:
    with open_page(browser, locale="hr") as (phone, watch):
        phone.goto(f"{web.url}/i/{BINS}?lang=hr")
        before = int(phone.text_content(".supporters").split()[0])
        phone.click("text=Podržavam")
        assert phone.text_content("p.ok[role=status]") == "Hvala! Vaša je potpora ubrojena."
        assert int(phone.text_content(".supporters").split()[0]) == before + 1
        assert phone.locator("text=Podržavam").count() == 0  # no second button for this phone
        shot(phone, artifacts, "phone-supported-hr")
        phone.go_back()  # the old page with its button: a second tap
        phone.reload()
        phone.goto(f"{web.url}/i/{BINS}?lang=hr")
        assert phone.locator("form[action$='/support']").count() == 0
        assert "Podržavate ovu inicijativu." in phone.text_content("main")
        assert_clean(phone, watch, "support")
        # The form as it was before the first tap, sent again from this phone: it does not count.
        phone.goto(f"{web.url}/suggest")  # any page, for a fresh CSRF token in this browser
        token = phone.locator("input[name=csrf_token]").first.input_value()
        answer = phone.request.post(f"{web.url}/i/{BINS}/support", form={"csrf_token": token})
        assert "Već podržavate ovu inicijativu" in answer.text()
        phone.goto(f"{web.url}/i/{BINS}?lang=hr")
        assert int(phone.text_content(".supporters").split()[0]) == before + 1
        shot(phone, artifacts, "phone-supported-again-hr")


def test_handoff_link_finished_on_the_phone_in_cyrillic(web: Web, browser: Any, artifacts: Path) -> None:
    bench_id, token = web.bench("trebinje")
    url = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Више стаза за бицикле", "sr", BIKES)
    with open_page(browser, locale="en") as (phone, watch):  # a phone set to English: the bench's language wins
        phone.goto(url)
        other_tab = phone.context.new_page()  # the same link open twice, to send the form twice
        other_tab.goto(url)
        assert phone.locator("h1").text_content() == "Довршите свој приједлог"
        phone.fill("#text", "Више стаза за бицикле уз ријеку.")
        shot(phone, artifacts, "phone-handoff-form-sr")
        phone.click("main button[type=submit]")
        assert phone.locator("h1").text_content() == "Хвала вам!"
        receipt = phone.text_content(".receipt").strip()
        assert phone.get_attribute("main a.button", "href") == f"/r/{receipt}"
        shot(phone, artifacts, "phone-handoff-sent-sr")
        other_tab.click("main button[type=submit]")  # the same draft sent again
        assert other_tab.locator("h1").text_content() == "Већ послато"
        assert other_tab.text_content(".receipt").strip() == receipt
        phone.goto(url)  # the QR code scanned again later
        assert phone.locator("h1").text_content() == "Већ послато"
        shot(phone, artifacts, "phone-handoff-already-sr")
        phone.click("main a.button")  # follow the suggestion: still in the bench's language
        assert phone.locator("h1").text_content() == "Ваш приједлог"
        assert phone.text_content(".badge").strip() == "Примљено, чека преглед"
        shot(phone, artifacts, "phone-handoff-receipt-sr")
        assert_clean(phone, watch, "handoff")
    assert web.server.rows("SELECT count(*) FROM suggestions WHERE receipt = ?", [receipt]) == [(1,)]
