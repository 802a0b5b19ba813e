"""People in real headless Chromium: an administrator disables a moderator on the people page, and
the moderator's open browser gets the login page on its next click; a one-time password leads
its holder to choose a password, on a phone. Screenshots go to test-artifacts/web/."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.web.browser import assert_clean, login, open_page, shot
from tests.web.conftest import Web
from tests.web.test_people_http import new_person


def test_a_disabled_moderators_browser_gets_the_login_page(web: Web, browser: Any, artifacts: Path) -> None:
    username = new_person(web)
    with open_page(browser) as (phone, phone_watch), open_page(browser, phone=False) as (desk, desk_watch):
        login(phone, web.url, username)
        assert phone.locator("h1").text_content() == "Prijedlozi"
        login(desk, web.url, "admin")
        desk.goto(f"{web.url}/admin/users")
        card = desk.locator("article", has=desk.locator("h2", has_text=re.compile(f"^{username}$")))
        card.locator("form[action$='/disable'] button").click()
        card = desk.locator("article", has=desk.locator("h2", has_text=re.compile(f"^{username}$")))
        assert "Onemogućen" in card.text_content()
        shot(desk, artifacts, "desktop-people-bs")
        assert_clean(desk, desk_watch, "people")

        phone.click("a[href='/moderation']")  # the moderator's next request
        assert phone.locator("h1").text_content() == "Prijava"
        assert phone.url.startswith(f"{web.url}/login?next=/moderation")

        card.locator("form[action$='/enable'] button").click()
        card = desk.locator("article", has=desk.locator("h2", has_text=re.compile(f"^{username}$")))
        card.locator("form[action$='/reset'] button").click()
        one_time = desk.locator(".ok .receipt").nth(1).text_content().strip()

        phone.fill("#username", username)
        phone.fill("#password", one_time)
        phone.click("button[type=submit]")
        assert phone.locator("h1").text_content() == "Promijenite lozinku"
        assert phone.locator("#current").count() == 0
        shot(phone, artifacts, "phone-one-time-password-bs")
        phone.fill("#new", "moja nova lozinka")
        phone.fill("#repeat", "moja nova lozinka")
        phone.click("main button[type=submit]")  # the header's logout button is a submit button too
        assert "Vaša lozinka je promijenjena." in phone.text_content("main")
        assert_clean(phone, phone_watch, "password")
