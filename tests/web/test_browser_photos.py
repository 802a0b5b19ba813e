"""Photos and the initiative editor in a real headless Chromium (issue #12): a phone photo with
its GPS position comes back without it (on the feed and the phone page, lazily, with its size);
a decompression bomb and a PDF renamed .jpg are refused with a message in words; the languages
are tabs; unpublishing asks first; the publication scope is said plainly. Screenshots of the
editor in Bosnian and Serbian Cyrillic go to test-artifacts/web/."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import requests
from PIL import Image

from tests.web.browser import assert_clean, login, open_page, shot, top_shot
from tests.web.conftest import Web
from tests.web.photo_files import decompression_bomb, photo_with_gps, renamed_pdf

MOSTAR_PARK = "c3e2b1a0-9f8e-4d7c-8b6a-5f4e3d2c1b0a"  # sample initiative of Mostar, published
BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"


def upload(page: Any, name: str, mime: str, data: bytes, alt: str = "") -> None:
    page.set_input_files("#photo", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.fill("#alt", alt)
    page.click("form[action$='/photos'] button[type=submit]")


def test_photo_loses_its_gps_and_bad_files_are_refused(web: Web, browser: Any, artifacts: Path) -> None:
    editor = f"{web.url}/moderation/initiatives/{MOSTAR_PARK}"
    with open_page(browser, phone=False) as (page, watch):
        login(page, web.url, "mod-mostar")
        page.goto(editor)
        assert page.text_content("#scope").strip() == "Prikazuje se samo na klupama i stranicama općine Mostar."
        upload(page, "stari-most.jpg", "image/jpeg", photo_with_gps(), "Klupe kod Starog mosta")
        assert page.locator(".photos img").count() == 1
        assert "1280 × 853" in page.text_content(".photos figcaption")
        upload(page, "bomba.png", "image/png", decompression_bomb())
        assert page.text_content("p.error") == ("Ova slika tvrdi da ima daleko više piksela od bilo koje fotografije "
                                                "(dekompresijska bomba), pa je odbijena.")
        upload(page, "plan.jpg", "image/jpeg", renamed_pdf())
        assert page.text_content("p.error") == "Ova datoteka nije fotografija: izaberite JPEG, PNG ili WebP sliku."
        assert page.locator(".photos img").count() == 1  # nothing stored by a refusal
        assert_clean(page, watch, "photos", error_page=True)

    _, token = web.bench("mostar")
    feed = requests.get(f"{web.url}/api/v1/initiatives", headers={"Authorization": f"Bearer {token}"}).json()
    (photo,) = next(i for i in feed["items"] if i["id"] == MOSTAR_PARK)["photos"]
    served = requests.get(web.url + photo["url"])
    assert served.headers["content-type"] == "image/jpeg"
    assert hashlib.sha256(served.content).hexdigest() == photo["sha256"]
    image = Image.open(io.BytesIO(served.content))
    assert not image.getexif() and b"Phone 12 Secret" not in served.content and b"PhoneMaker" not in served.content
    assert (photo["width"], photo["height"], photo["thumb_width"]) == (1280, 853, 320)

    with open_page(browser) as (phone, watch):
        phone.goto(f"{web.url}/i/{MOSTAR_PARK}")
        img = phone.locator("img.photo")
        assert (img.get_attribute("loading"), img.get_attribute("width"), img.get_attribute("height")) == (
            "lazy", "1280", "853")
        assert img.get_attribute("alt") == "Klupe kod Starog mosta"
        img.scroll_into_view_if_needed()
        phone.wait_for_function("document.querySelector('img.photo').complete")
        assert phone.evaluate("document.querySelector('img.photo').naturalWidth") > 0  # decoded and shown
        assert phone.evaluate("document.querySelector('img.photo').currentSrc").endswith((photo["url"], photo["thumb_url"]))
        shot(phone, artifacts, "phone-initiative-photo-bs")
        assert_clean(phone, watch, "phone photo")
    weight = len(requests.get(f"{web.url}/i/{BINS}").content) + len(requests.get(f"{web.url}/static/style.css").content)
    assert weight < 50_000, weight  # the page without its photo


def test_editor_tabs_unpublish_asks_first(web: Web, browser: Any, artifacts: Path) -> None:
    editor = f"{web.url}/moderation/initiatives/{MOSTAR_PARK}"
    with open_page(browser, phone=False) as (page, watch):
        login(page, web.url, "mod-mostar")
        page.goto(editor)
        assert page.is_visible("fieldset[data-panel=bs]") and not page.is_visible("fieldset[data-panel=sr]")
        page.click("[data-tab=sr]")
        assert page.is_visible("#sr_title") and not page.is_visible("#bs_title")
        page.click("[data-tab=bs]")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 2700, height  # no longer one 2 700-pixel column
        page.evaluate("window.scrollTo(0, 0)")
        top_shot(page, artifacts, "editor-bs")
        shot(page, artifacts, "editor-bs-full")
        page.click("form[action$='/status'] button.danger")
        assert page.text_content("h1").startswith("Povući objavu „")
        assert web.server.rows("SELECT status FROM initiatives WHERE id = ?", [MOSTAR_PARK]) == [("published",)]
        shot(page, artifacts, "editor-unpublish-confirm-bs")
        page.click("text=Ne, neka ostane objavljeno")
        assert page.url == editor
        assert_clean(page, watch, "editor")
        page.goto(editor + "?lang=sr")
        page.click("[data-tab=sr]")
        page.evaluate("window.scrollTo(0, 0)")
        assert page.text_content("#scope").strip() == "Приказује се само на клупама и страницама општине Mostar."
        top_shot(page, artifacts, "editor-sr-cyrillic")
        assert_clean(page, watch, "editor sr")
    assert web.server.rows("SELECT status FROM initiatives WHERE id = ?", [MOSTAR_PARK]) == [("published",)]
