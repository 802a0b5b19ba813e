"""Long initiative texts and large-text mode, in both scripts: screenshots to look at, and the
checks that nothing a citizen needs is cut off."""
from __future__ import annotations

import pytest

from kiosk.core.text import cyrillic_to_latin
from kiosk.ui.tr import tr

LONG_ID = "0d5a6c1e-7b7f-4c52-9d0e-1f2a3b4c5d6e"
TITLE_SR = ("[ПРИМЈЕР] Обнова дјечјег игралишта у насељу Бректовица са новим клупама, "
            "хладовином, чесмом и приступом за дјечја колица и инвалидска колица")
BODY_SR = " ".join(["Становници траже да се игралиште уреди прије љета: нове справе, мека подлога, "
                    "расвјета, канте и сјенице, уз учешће дјеце у избору справа."] * 12)


@pytest.fixture
def long_initiative(kiosk):
    store = kiosk.app.store
    texts = {"sr": {"title": TITLE_SR, "summary": BODY_SR[:160], "body": BODY_SR}}
    store.apply_initiatives({"items": [{
        "id": LONG_ID, "municipality": "mostar", "status": "published", "category": "other",
        "original_language": "sr", "support_count": 1234, "updated_at": "2026-11-21T10:00:00Z", "texts": texts}]})
    kiosk.app.store_version += 1
    yield LONG_ID
    store.apply_initiatives({"items": [], "deleted": [LONG_ID]})
    kiosk.app.store_version += 1


@pytest.mark.parametrize("language,large", [("sr", False), ("sr-Latn", True), ("sr", True)])
def test_long_initiative(kiosk, long_initiative, language, large):
    name = ("cyrillic" if language == "sr" else "latin") + ("-large" if large else "")
    kiosk.start(language)
    if large:
        aa = kiosk.button("Aa")
        kiosk.tap(aa)
        assert kiosk.app.large_text and aa.color != aa.background_color, "the switch stays readable"
    kiosk.screenshot(f"long-initiatives-{name}")
    row = [row for row in kiosk.find(cls="InitiativeRow") if row.initiative_id == long_initiative][0]
    kiosk.tap(row)
    screen = kiosk.screen()
    title = TITLE_SR if language == "sr" else cyrillic_to_latin(TITLE_SR)
    assert kiosk.find(screen, text=title, cls="Heading"), "the title is on screen"
    kiosk.screenshot(f"long-initiative-{name}")
    qr = kiosk.find(screen, cls="QRCode")[0]
    assert qr.width >= 206 and qr.y >= 0, "the QR code is whole and at least 35 mm"
    kiosk.tap(kiosk.button(tr._("Write a suggestion about this")))
    about = kiosk.screen().ids.about
    assert about.text.startswith(tr._("About: {title}").format(title="")), "the initiative is named"
    kiosk.screenshot(f"long-suggest-{name}")
