"""Serbian Cyrillic readers fall back to Serbian Latin, then Bosnian or Croatian shown in Cyrillic,
before English: for the server's own messages and for initiative texts."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from sync_server import i18n
from sync_server.i18n.script import to_cyrillic, to_latin
from sync_server.web.texts import localised

MESSAGE = "Give an idea"


@pytest.fixture
def serbian_without_one_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real catalogues, with one message missing from Serbian (as when a new one is added)."""
    for po in i18n.FOLDER.glob("*.po"):
        shutil.copy(po, tmp_path / po.name)
    with (tmp_path / "sr.po").open("rb") as file:
        catalog = read_po(file, locale="sr")
    del catalog[MESSAGE]
    with (tmp_path / "sr.po").open("wb") as file:
        write_po(file, catalog)
    monkeypatch.setattr(i18n, "FOLDER", tmp_path)
    i18n.translations.cache_clear()
    yield
    i18n.translations.cache_clear()


def test_a_message_missing_in_serbian_comes_from_bosnian_in_the_readers_script(serbian_without_one_message: None) -> None:
    bosnian = i18n.translations("bs").gettext(MESSAGE)
    assert bosnian == "Dajte ideju"
    assert i18n.translations("sr").gettext(MESSAGE) == "Дајте идеју" == to_cyrillic(bosnian)
    assert i18n.translations("sr-Latn").gettext(MESSAGE) == bosnian
    assert i18n.translations("sr").gettext("Send") == "Пошаљи"  # its own messages untouched


TEXTS = {"bs": {"title": "Kante za smeće uz šetnicu"}, "hr": {"title": "Kante za otpad uz šetnicu"},
         "en": {"title": "Bins along the promenade"}}


@pytest.mark.parametrize(("texts", "reader", "shown", "title", "fallback"), [
    ({"sr-Latn": {"title": "Biciklistička staza"}, **TEXTS}, "sr", "sr", "Бициклистичка стаза", False),
    ({"sr": {"title": "Бициклистичка стаза"}, **TEXTS}, "sr-Latn", "sr-Latn", "Biciklistička staza", False),
    (TEXTS, "sr", "bs-Cyrl", "Канте за смеће уз шетницу", True),
    ({k: TEXTS[k] for k in ("hr", "en")}, "sr", "hr-Cyrl", "Канте за отпад уз шетницу", True),
    (TEXTS, "sr-Latn", "bs", "Kante za smeće uz šetnicu", True),
    ({"en": TEXTS["en"], "de": {"title": "Mülleimer"}}, "sr", "en", "Bins along the promenade", True),
    ({"en": TEXTS["en"], "hr": TEXTS["hr"]}, "bs", "hr", "Kante za otpad uz šetnicu", True),  # the original
])
def test_initiative_texts(texts: dict, reader: str, shown: str, title: str, fallback: bool) -> None:
    result = localised(texts, reader, "hr" if "hr" in texts else "en")
    assert (result.language, result.fields["title"], result.fallback) == (shown, title, fallback)


def test_latin_to_cyrillic_reads_digraphs_as_one_letter() -> None:
    assert to_cyrillic("Ljubinje, Njegoš, Džamija, Žepče, LJUBAV") == "Љубиње, Његош, Џамија, Жепче, ЉУБАВ"
    assert to_latin(to_cyrillic("Čitaonica u Đurđevdanskoj ulici")) == "Čitaonica u Đurđevdanskoj ulici"
