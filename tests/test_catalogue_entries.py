"""Every catalogue and template holds each message once: branches that add the same message
(catalogues merge by union) must not leave two definitions, which gettext refuses."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted([*ROOT.glob("kiosk/i18n/locale/**/*.po"), *ROOT.glob("kiosk/i18n/locale/*.pot"),
                     *ROOT.glob("sync_server/i18n/*.po"), *ROOT.glob("sync_server/i18n/*.pot")])
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def message_keys(text: str) -> list[tuple[str, str]]:
    """(context, msgid) of every entry, multi-line strings joined; the header is left out."""
    keys = []
    for entry in re.split(r"\n\s*\n", text):
        context, msgid, field = "", None, None
        for line in entry.splitlines():
            if line.startswith("msgctxt "):
                field, context = "ctxt", "".join(_STRING.findall(line))
            elif line.startswith("msgid "):
                field, msgid = "id", "".join(_STRING.findall(line))
            elif line.startswith('"') and field == "id":
                msgid += "".join(_STRING.findall(line))
            elif line.startswith('"') and field == "ctxt":
                context += "".join(_STRING.findall(line))
            elif line.startswith(("msgstr", "msgid_plural")):
                field = None
        if msgid:
            keys.append((context, msgid))
    return keys


def entries_without_translation_line(text: str) -> list[str]:
    """Entries whose msgid has no msgstr: a merge that dropped a line, which gettext refuses."""
    return [entry.strip()[:60] for entry in re.split(r"\n\s*\n", text)
            if len(re.findall(r"^msgid ", entry, re.M)) != len(re.findall(r"^msgstr(?: |\[0\])", entry, re.M))]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_entry_has_its_translation_line(path: Path) -> None:
    assert entries_without_translation_line(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_message_is_defined_once(path: Path) -> None:
    keys = message_keys(path.read_text(encoding="utf-8"))
    assert keys, "no messages found: the parser or the file is broken"
    assert sorted({key for key in keys if keys.count(key) > 1}) == []


def test_a_duplicate_is_caught() -> None:
    entry = 'msgid "Energy"\nmsgstr "Energija"\n'
    keys = message_keys(f'msgid ""\nmsgstr ""\n\n{entry}\n{entry}\nmsgctxt "x"\n{entry}')
    assert keys.count(("", "Energy")) == 2 and keys.count(("x", "Energy")) == 1
    assert entries_without_translation_line('msgid "for good"\nmsgid "Energy"\nmsgstr ""\n') != []
