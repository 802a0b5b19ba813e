"""The translators' template ``kiosk.pot`` holds exactly the messages Babel extracts from the UI
(with ``kiosk/i18n/babel.cfg``), so a translator starting a new language misses none."""
from __future__ import annotations

from babel.messages.pofile import read_po

from tests.kiosk_messages import ui_messages
from kiosk.i18n.translator import LOCALE_DIR

TEMPLATE = LOCALE_DIR / "kiosk.pot"
REGENERATE = "regenerate it with the pybabel command in kiosk/i18n/babel.cfg"


def test_the_template_is_current() -> None:
    with TEMPLATE.open("rb") as file:
        template = read_po(file)
    in_template = {message.id for message in template if message.id}
    extracted = ui_messages()
    assert in_template == extracted, f"kiosk.pot is out of date: {REGENERATE}"
    assert len(extracted) > 100 and ("{count} supporter", "{count} supporters") in extracted


def test_the_template_tells_translators_about_the_cyrillic_marker() -> None:
    with TEMPLATE.open("rb") as file:
        hint = read_po(file).get("Search, e.g. park, škola, школа")
    assert any("[[школа]]" in comment for comment in hint.auto_comments)
