"""Every message of the web templates and the web code is translated in every catalogue, and the
placeholders of each translation match its original."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from sync_server.i18n import LANGUAGES, read_catalogue
from sync_server.i18n.script import has_cyrillic

SERVER = Path(__file__).resolve().parents[2] / "sync_server"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def messages() -> set[str | tuple[str, str]]:
    """Message ids used by the templates and the Python code that shows them."""
    found: set[str | tuple[str, str]] = set()
    methods = [("**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    for _, _, message, _, _ in extract_from_dir(str(SERVER), method_map=methods, keywords=KEYWORDS,
                                                options_map={"**.html": {"extensions": "jinja2.ext.i18n"}}):
        found.add(message)
    return found


def test_templates_use_messages() -> None:
    assert len(messages()) > 100


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_translated(language: str) -> None:
    catalogue = read_catalogue(language)
    missing = []
    for message in messages():
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(msgid)
        strings = entry.string if entry else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if not entry or not all(strings):
            missing.append(msgid)
            continue
        for string in strings:
            if set(_PLACEHOLDER.findall(string)) - set(_PLACEHOLDER.findall(msgid + str(message))):
                missing.append(f"{msgid} (placeholders differ)")
    assert not missing, sorted(missing)


def test_serbian_scripts() -> None:
    cyrillic = read_catalogue("sr").get("Send").string
    latin = read_catalogue("sr-Latn").get("Send").string
    assert has_cyrillic(cyrillic) and not has_cyrillic(latin)


def test_the_translators_template_is_current() -> None:
    """``messages.pot`` (made with the pybabel command in sync_server/i18n/babel.cfg) holds exactly
    the messages of the web code and templates, so a translator starting a language misses none."""
    with (SERVER / "i18n" / "messages.pot").open("rb") as file:
        in_template = {message.id for message in read_po(file) if message.id}
    assert in_template == messages(), "messages.pot is out of date: regenerate it (sync_server/i18n/babel.cfg)"
