"""Issue #11 in the real Chromium, on a phone viewport: the municipality's official answer, posted
by its official, read on the initiative's phone page; an action's event joined from the phone,
where a second tap from the same browser does not count twice."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.web.browser import assert_clean, login, open_page, shot
from tests.web.conftest import Web
from tests.web.test_citizen_gov_http import BIKES, add_event


def test_the_official_answer_on_the_phone_page(web: Web, browser: Any, artifacts: Path) -> None:
    with open_page(browser, phone=False, locale="sr") as (desk, watch):
        login(desk, web.url, "official-trebinje")
        desk.goto(f"{web.url}/official/initiatives/{BIKES}?lang=sr")
        desk.select_option("#o-decision", "accepted")
        desk.fill("#o-date", "2026-12-01")
        desk.fill("#o-text-sr", "Општина гради стазу на прољеће 2027.")
        shot(desk, artifacts, "official-answer-form-sr")
        desk.click("form[action^='/official'] button[type=submit]")
        assert desk.url.endswith(f"/i/{BIKES}")
        assert_clean(desk, watch, "official")
    for lang, heading, text in (("sr", "Званични одговор општине", "Општина гради стазу на прољеће 2027."),
                                ("sr-Latn", "Zvanični odgovor opštine", "Opština gradi stazu na proljeće 2027.")):
        with open_page(browser, locale="sr") as (page, watch):
            page.goto(f"{web.url}/i/{BIKES}?lang={lang}")
            answer = page.locator("section.official")
            assert answer.locator("h2").text_content() == heading
            assert answer.locator(".text").text_content() == text
            assert answer.locator(".badge").text_content().strip() in ("Прихваћено", "Prihvaćeno")
            assert "2026-12-01" in answer.text_content()
            answer.scroll_into_view_if_needed()
            shot(page, artifacts, f"phone-official-answer-{lang}")
            assert_clean(page, watch, f"answer {lang}")


def test_an_action_joined_from_the_phone_counts_once(web: Web, browser: Any, artifacts: Path) -> None:
    place = f"Парк код Арсенала {uuid.uuid4().hex[:4]}"
    assert add_event(web, web.session("mod-trebinje"), BIKES, datetime.now() + timedelta(days=4), place,
                     needed="Рукавице", people_wanted="15").status_code == 303
    with open_page(browser, locale="bs") as (page, watch):
        page.goto(f"{web.url}/i/{BIKES}?lang=bs")
        event = page.locator("ul.events li", has_text=place)
        assert event.locator(".joined").text_content() == "0 osoba se pridružilo, potrebno 15"
        event.locator("button[type=submit]").click()
        assert page.locator("p.ok").text_content() == "Hvala što ste se pridružili!"
        event = page.locator("ul.events li", has_text=place)
        assert event.locator(".joined").text_content() == "1 osoba se pridružila, potrebno 15"
        event.scroll_into_view_if_needed()
        shot(page, artifacts, "phone-joined-bs")
        event.locator("button[type=submit]").click()  # the same phone taps again
        assert page.locator("p.ok").text_content() == "Već ste se pridružili ovom događaju."
        assert page.locator("ul.events li", has_text=place).locator(".joined").text_content() == \
            "1 osoba se pridružila, potrebno 15"
        shot(page, artifacts, "phone-joined-again-bs")
        assert_clean(page, watch, "join")
    assert web.server.rows("SELECT count(*) FROM event_joins j JOIN action_events e ON e.id = j.event_id "
                           "WHERE e.place = ?", [place]) == [(1,)]
