"""Every user-facing string is translated in every language; sr@latin is derived from sr;
the palette's text/background pairs reach WCAG 4.5:1; QR codes and helpers behave."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kiosk.core.handoff import initiative_url, receipt_url
from kiosk.core.privacy import contact_details
from kiosk.core.session import MAX_SUGGESTIONS_PER_SESSION, Session
from kiosk.i18n.translator import Translator
from kiosk.ui.palette import TEXT_PAIRS, contrast
from kiosk.ui.widgets.keyboard import LAYOUTS, layout_rows

UI_DIR = Path(__file__).resolve().parents[2] / "kiosk" / "ui"
_CALL = re.compile(r"""(?<![\w.])(?:tr\.)?N?_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)""")


def ui_messages(ui_dir: Path = UI_DIR) -> set[str]:
    """The user-facing messages of the kiosk's UI, found in its source: every ``_("…")``,
    ``tr._("…")`` and ``N_("…")`` with a literal string in ``kiosk/ui`` (Python and kv files)."""
    found = set()
    for path in sorted(ui_dir.rglob("*")):
        if path.suffix in (".py", ".kv"):
            for literal in _CALL.findall(path.read_text(encoding="utf-8")):
                found.add(ast.literal_eval(literal))
    return found


TRANSLATOR = Translator()
MESSAGES = ui_messages()


def test_the_ui_has_messages_to_check():
    assert len(MESSAGES) > 100 and "Touch anywhere to start" in MESSAGES


@pytest.mark.parametrize("language", ["bs", "hr", "sr", "sr-Latn", "en"])
def test_no_message_is_missing(language):
    assert TRANSLATOR.missing(language, MESSAGES) == set()


@pytest.mark.parametrize("language", ["bs", "hr", "sr", "sr-Latn"])
def test_placeholders_survive_translation(language):
    for msgid in MESSAGES:
        assert set(re.findall(r"{\w+}", TRANSLATOR.gettext(language, msgid))) == set(re.findall(r"{\w+}", msgid)), msgid


def test_serbian_latin_is_derived_from_cyrillic():
    assert TRANSLATOR.gettext("sr", "Smart Bench") == "Паметна клупа"
    assert TRANSLATOR.gettext("sr-Latn", "Smart Bench") == "Pametna klupa"
    assert TRANSLATOR.gettext("sr-Latn", "Wireless {n}") == "Bežično {n}"
    cyrillic = re.compile("[\u0400-\u04ff]")
    assert not [m for m in MESSAGES if cyrillic.search(TRANSLATOR.gettext("sr-Latn", m).replace("школа", ""))]


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
