"""Moderation at volume in a real headless Chromium (issue #12): a queue of 250 ideas reachable
page by page with the right totals, triage of ten ideas with the keyboard and one undo, a
duplicate group joined to an initiative at once, junk hidden in bulk. Each test has its own
municipality and moderator, so the totals it reads are its own. Screenshots in Bosnian and
Serbian Cyrillic go to test-artifacts/web/."""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests

from tests.web.browser import assert_clean, login, open_page, shot, top_shot
from tests.web.conftest import Web
from tests.web.helpers import ALPHABET

MOSTAR_PARK = "c3e2b1a0-9f8e-4d7c-8b6a-5f4e3d2c1b0a"     # sample initiative of Mostar
NETWORK_WIDE = "e7d6c5b4-a3b2-4c1d-9e8f-7a6b5c4d3e2f"    # sample initiative of the whole network
# A summer time in UTC and how a moderator in Bosnia and Herzegovina reads it.
WRITTEN = datetime(2026, 7, 1, 10, 5, tzinfo=timezone.utc)
WRITTEN_LOCAL = "2026-07-01 12:05"


def send(web: Web, municipality: str, texts: list[str], language: str = "bs") -> list[tuple[str, str]]:
    """One bench batch; idea n written n minutes after WRITTEN. Returns (id, receipt) in order."""
    _, token = web.bench(municipality)
    items = [{"id": str(uuid.uuid4()), "created_at": (WRITTEN + timedelta(minutes=n)).isoformat(), "text": text,
              "language": language, "receipt": "".join(secrets.choice(ALPHABET) for _ in range(8))}
             for n, text in enumerate(texts)]
    response = requests.post(f"{web.url}/api/v1/suggestions", headers={"Authorization": f"Bearer {token}"},
                             json={"items": items})
    assert response.json()["accepted"] == [i["id"] for i in items], response.text
    return [(i["id"], f"{i['receipt'][:4]}-{i['receipt'][4:]}") for i in items]


def receipts_on(page: Any) -> list[str]:
    return [r.strip() for r in page.locator(".suggestion .receipt-code").all_text_contents()]


def test_queue_of_250_is_reachable_page_by_page(web: Web, browser: Any, artifacts: Path) -> None:
    sent = send(web, "prijedor", [f"Ideja broj {n} za Prijedor: uredite park {n}." for n in range(250)])
    with open_page(browser, phone=False) as (page, watch):
        login(page, web.url, "mod-prijedor")
        page.goto(f"{web.url}/moderation?sort=written&order=oldest")
        assert page.locator(".top nav .count").text_content() == "250 novih"
        assert page.locator(".tabs [data-view=received] .count").text_content() == "250"
        assert page.text_content("#total").startswith("250 prijedloga · prikazano 1–50")
        assert WRITTEN_LOCAL in page.locator(".suggestion .meta").first.text_content()  # the date written, local
        top_shot(page, artifacts, "queue-bs")
        seen, numbers = [], []
        while True:
            seen += receipts_on(page)
            numbers.append(page.locator(".pager span").first.text_content())
            assert page.input_value("#f-order") == "oldest"  # the filter is kept across pages
            following = page.locator("a[rel=next]").first
            if following.count() == 0:
                break
            following.click()
        assert numbers == [f"Stranica {n} od 5" for n in range(1, 6)]
        assert seen == [receipt for _, receipt in sent]  # all of them, once each, oldest written first
        assert page.text_content("#total").startswith("250 prijedloga · prikazano 201–250")
        page.locator("a[rel=prev]").first.click()
        assert page.locator(".pager span").first.text_content() == "Stranica 4 od 5"
        assert_clean(page, watch, "queue")
        page.goto(f"{web.url}/moderation?lang=sr&sort=written&order=oldest&page=2")
        assert page.text_content("#total").startswith("250 предлога · приказано 51–100")
        assert page.locator(".top nav .count").text_content() == "250 нових"
        top_shot(page, artifacts, "queue-sr-cyrillic")
        assert_clean(page, watch, "queue sr")


def test_triage_of_ten_with_the_keyboard_and_one_undo(web: Web, browser: Any, artifacts: Path) -> None:
    sent = send(web, "mostar", [f"Mostarska ideja {n}: više klupa uz Neretvu, kod mosta {n}." for n in range(10)])
    with open_page(browser, phone=False) as (page, watch):
        login(page, web.url, "mod-mostar")
        page.goto(f"{web.url}/moderation/decline-reasons")
        page.fill("#t-mostar", "Ovo je u nadležnosti kantona.")
        page.click("form:has(#t-mostar) button[type=submit]")
        page.goto(f"{web.url}/moderation/triage?sort=written&order=oldest")
        assert page.text_content("#waiting") == "Čeka 10 ideja"
        shot(page, artifacts, "triage-bs")

        def showing() -> str:
            return page.text_content(".focus .receipt-code").strip()

        def key(name: str) -> None:
            with page.expect_navigation():
                page.keyboard.press(name)

        decided = {}
        for n, (_, receipt) in enumerate(sent):
            assert showing() == receipt, n
            if n == 4:
                page.keyboard.press("d")
                page.keyboard.type("Već je u planu grada za iduću godinu.")
                key("Control+Enter")
                decided[receipt] = "declined"
            elif n == 5:
                key("h")  # hidden by mistake ...
                assert showing() == sent[6][1]
                assert "→ Skriveno" in page.text_content(".undo")
                key("u")  # ... and back at once
                assert showing() == receipt
                key("c")
                decided[receipt] = "confirmed"
            elif n == 8:
                page.keyboard.press("1")  # the first decline reason of Mostar's templates
                assert page.input_value("#reason") == "Ovo je u nadležnosti kantona."
                key("Control+Enter")
                decided[receipt] = "declined"
            elif n == 7:
                page.keyboard.press("m")
                page.select_option("#initiative", MOSTAR_PARK)
                key("Enter")
                decided[receipt] = "merged"
            else:
                key("c")
                decided[receipt] = "confirmed"
        assert page.text_content("p.ok") == "Ovdje nema ideja koje čekaju. Bravo."
        assert_clean(page, watch, "triage")
        for sid, receipt in sent:
            assert web.server.rows("SELECT state, hidden_at FROM suggestions WHERE id = ?", [sid]) == [
                (decided[receipt], None)], receipt
        assert web.server.rows("SELECT action, note FROM audit WHERE entity_id = ? ORDER BY id", [sent[5][0]]) == [
            ("hide", None), ("undo", "hide"), ("status", None)]
        assert "Već je u planu grada za iduću godinu." in requests.get(f"{web.url}/r/{sent[4][1]}").text
        assert "Ovo je u nadležnosti kantona." in requests.get(f"{web.url}/r/{sent[8][1]}").text


def test_triage_in_serbian_cyrillic(web: Web, browser: Any, artifacts: Path) -> None:
    send(web, "mostar", ["Треба нам више клупа у хладу код Старог моста."], language="sr")
    with open_page(browser, phone=False, locale="sr") as (page, watch):
        login(page, web.url, "mod-mostar")
        page.goto(f"{web.url}/moderation/triage?lang=sr")
        assert page.text_content("h1") == "Одлучуј један по један"
        assert "клупа у хладу" in page.text_content(".focus .text")
        shot(page, artifacts, "triage-sr-cyrillic")
        assert_clean(page, watch, "triage sr")


def test_duplicate_group_joined_at_once_and_junk_hidden_in_bulk(web: Web, browser: Any, artifacts: Path) -> None:
    same = send(web, "jablanica", ["Treba nam česma kod škole u Jablanici!"])
    same += send(web, "jablanica", ["Треба нам чесма код школе у Јабланици"], language="sr")
    same += send(web, "jablanica", ["TREBA NAM CESMA KOD SKOLE U JABLANICI"])
    other = send(web, "jablanica", ["Popraviti rasvjetu na mostu preko Neretve."])
    junk = send(web, "jablanica", ["asdfgh", "qwertz qwertz"])
    with open_page(browser, phone=False) as (page, watch):
        login(page, web.url, "mod-jablanica")
        page.goto(f"{web.url}/moderation/duplicates")
        groups = page.locator("form.group")
        assert groups.count() == 1
        assert groups.first.locator("h2").text_content().startswith("3 ideje")
        shot(page, artifacts, "duplicates-bs")
        groups.first.locator("select").select_option(NETWORK_WIDE)
        groups.first.locator("button[value=merge]").click()
        assert page.text_content("p.ok") == "Nema sličnih ideja koje čekaju."
        page.goto(f"{web.url}/moderation")
        for _, receipt in junk:
            page.locator(f".suggestion:has-text('{receipt}') input[type=checkbox]").check()
        page.click("form#bulk button[value=hide]")
        assert page.text_content("#total").startswith("1 prijedlog")
        assert page.locator(".tabs [data-view=hidden] .count").text_content() == "2"
        assert_clean(page, watch, "duplicates")
    for sid, _ in same:
        assert web.server.rows("SELECT state, merged_into FROM suggestions WHERE id = ?", [sid]) == [
            ("merged", NETWORK_WIDE)]
        assert web.server.rows("SELECT count(*) FROM audit WHERE entity_id = ?", [sid]) == [(1,)]
    assert web.server.rows("SELECT state FROM suggestions WHERE id = ?", [other[0][0]]) == [("received",)]
    for sid, _ in junk:
        assert web.server.rows("SELECT action FROM audit WHERE entity_id = ?", [sid]) == [("hide",)]
