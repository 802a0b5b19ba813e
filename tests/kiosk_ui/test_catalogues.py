"""Every user-facing string is translated in every language; sr@latin is derived from sr;
the palette's text/background pairs reach WCAG 4.5:1; QR codes and helpers behave."""
from __future__ import annotations

import re

import pytest

from kiosk.core.handoff import initiative_url, receipt_url
from kiosk.core.privacy import contact_details
from kiosk.core.session import MAX_SUGGESTIONS_PER_SESSION, Session
from kiosk.i18n.translator import Translator
from kiosk.ui.palette import TEXT_PAIRS, contrast
from kiosk.ui.widgets.keyboard import LAYOUTS, layout_rows
from tests.kiosk_messages import ui_messages

TRANSLATOR = Translator()
MESSAGES = ui_messages()


def test_the_ui_has_messages_to_check():
    assert len(MESSAGES) > 100 and "Touch anywhere to start" in MESSAGES


@pytest.mark.parametrize("language", ["bs", "hr", "sr", "sr-Latn", "en"])
def test_no_message_is_missing(language):
    assert TRANSLATOR.missing(language, MESSAGES) == set()


def shown_forms(language, msgid):
    """Every form a message can take on screen (a plural one: for 1, 2 and 5)."""
    if isinstance(msgid, tuple):
        return [TRANSLATOR.ngettext(language, *msgid, n) for n in (1, 2, 5)]
    return [TRANSLATOR.gettext(language, msgid)]


@pytest.mark.parametrize("language", ["bs", "hr", "sr", "sr-Latn"])
def test_placeholders_survive_translation(language):
    for msgid in MESSAGES:
        expected = set(re.findall(r"{\w+}", msgid if isinstance(msgid, str) else msgid[0]))
        for shown in shown_forms(language, msgid):
            assert set(re.findall(r"{\w+}", shown)) == expected, msgid


def test_serbian_latin_is_derived_from_cyrillic():
    assert TRANSLATOR.gettext("sr", "Smart Bench") == "Паметна клупа"
    assert TRANSLATOR.gettext("sr-Latn", "Smart Bench") == "Pametna klupa"
    assert TRANSLATOR.gettext("sr-Latn", "Wireless {n}") == "Bežično {n}"
    cyrillic = re.compile("[\u0400-\u04ff]")
    assert not [m for m in MESSAGES
                if any(cyrillic.search(shown.replace("школа", "")) for shown in shown_forms("sr-Latn", m))]
    assert not [m for m in MESSAGES for language in ("sr", "sr-Latn")
                if any("[[" in shown for shown in shown_forms(language, m))]


@pytest.mark.parametrize("pair", TEXT_PAIRS)
def test_contrast_at_least_4_5(pair):
    assert contrast(*pair) >= 4.5


def test_cyrillic_layout_has_all_30_letters():
    letters = {key[1] for row in layout_rows("cyrillic", "normal") for key in row if len(key[1]) == 1}
    assert set("абвгдђежзијклљмнњопрстћуфхцчџш") <= letters


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layouts_rows_fit_the_key_grid(layout):
    for mode in ("normal", "shift", "special"):
        for row in layout_rows(layout, mode):
            assert sum(key[3] for key in row) <= 13.5


def test_qr_urls():
    assert initiative_url("https://klupe.example.ba/", "abc") == "https://klupe.example.ba/i/abc"
    assert receipt_url("https://klupe.example.ba", "K7M2-Q9XD") == "https://klupe.example.ba/r/K7M2-Q9XD"


def test_contact_details_found():
    assert contact_details("zovite 061/123-456 ili ana@example.org") == ["061/123-456", "ana@example.org"]
    assert contact_details("Park 2024, 15 klupa") == []


def test_session_limits():
    session = Session()
    session.record_sent("Više klupa")
    assert session.refusal("više  KLUPA") == "duplicate"
    for n in range(MAX_SUGGESTIONS_PER_SESSION - 1):
        session.record_sent(f"idea {n}")
    assert session.refusal("something new") == "limit"
