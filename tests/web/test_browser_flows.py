"""The two stories in a real headless Chromium: a citizen finishes on a phone what they started on a
bench; a moderator declines a suggestion and the citizen reads why. Screenshots go to
test-artifacts/web/."""
from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from kiosk.core.handoff import continue_url
from tests.web.browser import assert_clean, login, open_page, shot
from tests.web.conftest import Web
from tests.web.helpers import bench_suggestion

BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"
BIKES = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"


def test_phone_finishes_a_suggestion_once(web: Web, browser: Any, artifacts: Path) -> None:
    bench_id, token = web.bench()
    url = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Trebaju nam klupe u hladu kod", "bs", BINS)
    with open_page(browser) as (page, watch):
        page.goto(url)
        second_tab = page.context.new_page()  # the same link open twice: both show the form
        second_tab.goto(url)
        assert page.input_value("#text") == "Trebaju nam klupe u hladu kod"
        shot(page, artifacts, "phone-continue-bs")
        page.fill("#text", "Trebaju nam klupe u hladu kod škole, i česma.")
        page.fill("#contact", "ana@example.org")
        page.check("input[name=consent]")
        page.click("button[type=submit]")
        receipt = page.text_content(".receipt").strip()
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", receipt)
        assert page.locator("h1").text_content() == "Hvala vam!"  # the first answer, never "already sent"
        shot(page, artifacts, "phone-sent-bs")
        assert_clean(page, watch, "sent")
        second_tab.click("button[type=submit]")
        assert receipt in second_tab.text_content(".receipt")
        assert second_tab.locator("h1").text_content() == "Već poslano"
        shot(second_tab, artifacts, "phone-already-sent-bs")
        second_tab.goto(url)  # the link opened again after sending
        assert second_tab.locator("h1").text_content() == "Već poslano"
        assert receipt in second_tab.text_content(".receipt")
        payload, tag = url.rsplit("/", 1)[1].split(".")
        page.goto(f"{web.url}/c/{payload}.{tag[:-1]}{'A' if tag[-1] != 'A' else 'B'}")
        assert page.locator("textarea").count() == 0
        shot(page, artifacts, "phone-refused-bs")
        assert_clean(page, watch, "refused", error_page=True)
    assert web.server.rows("SELECT count(*) FROM suggestions WHERE receipt = ?", [receipt]) == [(1,)]


def test_serbian_phone_pages_in_both_scripts(web: Web, browser: Any, artifacts: Path) -> None:
    bench_id, token = web.bench("trebinje")
    url = continue_url(web.url, bench_id, token, str(uuid.uuid4()), "Треба нам више стаза за бицикле", "sr", BIKES)
    with open_page(browser, locale="sr") as (page, watch):
        page.goto(url)
        assert "Довршите" in page.text_content("h1")
        shot(page, artifacts, "phone-continue-sr-cyrillic")
        page.goto(f"{web.url}/i/{BIKES}?lang=sr-Latn")
        assert "Biciklistička staza" in page.text_content("h1")
        shot(page, artifacts, "phone-initiative-sr-latn")
        page.goto(f"{web.url}/i/{BIKES}?lang=sr")
        assert "Бициклистичка" in page.text_content("h1")
        shot(page, artifacts, "phone-initiative-sr-cyrillic")
        assert_clean(page, watch, "serbian")


def test_moderator_declines_and_citizen_reads_why(web: Web, browser: Any, artifacts: Path) -> None:
    sid, receipt = bench_suggestion(web, "Postaviti semafor kod pijace.")
    other, other_receipt = bench_suggestion(web, "Očistiti obalu Bosne.")
    with open_page(browser, phone=False) as (desk, watch):
        login(desk, web.url, "mod-zepce")
        desk.goto(f"{web.url}/moderation?q={receipt}")
        shot(desk, artifacts, "desktop-queue-bs")
        desk.click(f"a[href='/moderation/suggestions/{sid}']")
        desk.fill("#reason", "Semafori su u nadležnosti kantona; proslijedili smo prijedlog.")
        desk.click("form[action$='/decline'] button")
        assert "Odbijeno" in desk.text_content(".badge")
        desk.goto(f"{web.url}/moderation/suggestions/{other}")
        desk.click("form[action$='/confirm'] button")
        shot(desk, artifacts, "desktop-suggestion-bs")
        assert_clean(desk, watch, "moderation")
    with open_page(browser) as (phone, watch):
        phone.goto(f"{web.url}/r/{receipt}")
        assert "nadležnosti kantona" in phone.text_content("main")
        shot(phone, artifacts, "phone-receipt-declined-bs")
        phone.goto(f"{web.url}/r/{other_receipt}?lang=sr")
        assert "Потврђено" in phone.text_content(".badge")
        shot(phone, artifacts, "phone-receipt-confirmed-sr")
        phone.goto(f"{web.url}/?lang=en")
        shot(phone, artifacts, "phone-portal-en")
        assert_clean(phone, watch, "receipt")


def test_admin_pages_on_desktop_in_cyrillic(web: Web, browser: Any, artifacts: Path) -> None:
    with open_page(browser, phone=False, locale="sr") as (desk, watch):
        desk.goto(f"{web.url}/join?lang=sr")
        desk.fill("#organisation", "Удружење грађана Требиње")
        desk.fill("#registration_number", "РУ-77")
        desk.select_option("#municipality", "trebinje")
        desk.fill("#email", "info@trebinje.example")
        desk.fill("#focus", "Јавни простори и млади.")
        shot(desk, artifacts, "desktop-join-sr")
        desk.click("button[type=submit]")
        assert "Хвала" in desk.text_content("main")
        login(desk, web.url, "admin")
        desk.goto(f"{web.url}/admin/applications")
        desk.locator("article", has_text="Удружење грађана Требиње").locator("form[action$='/approve'] button").click()
        assert "Једнократна лозинка" in desk.text_content("main")
        assert "ngo-udruzenje-gradjana-trebinje" in desk.text_content(".ok")
        shot(desk, artifacts, "desktop-approval-sr")
        desk.goto(f"{web.url}/moderation/initiatives/{BIKES}")
        shot(desk, artifacts, "desktop-initiative-editor-sr")
        desk.goto(f"{web.url}/?lang=sr-Latn")
        shot(desk, artifacts, "desktop-portal-sr-latn")
        assert_clean(desk, watch, "admin")
