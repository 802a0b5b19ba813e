"""Translator: the kiosk's gettext catalogues, compiled in memory at start-up.

Catalogues live in ``locale/<lang>/LC_MESSAGES/kiosk.po`` for bs, hr, sr (Cyrillic) and en; no
``.mo`` is built or committed. Serbian Latin (``sr-Latn``) is not maintained by hand: it is the
``sr`` catalogue passed through the exact Cyrillic -> Latin letter mapping.
No Kivy here: the UI wraps a Translator in an observable so labels follow a language switch.
"""
from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk.core.config import LANGUAGES
from kiosk.core.text import cyrillic_to_latin

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"
# Wire code -> gettext locale name of the catalogue file.
CATALOGUE_NAMES = {"bs": "bs", "hr": "hr", "sr": "sr", "sr-Latn": "sr@latin", "en": "en"}
HAND_WRITTEN = ("bs", "hr", "sr", "en")


def read_catalogue(language: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    """The hand-written ``.po`` catalogue of ``language`` (one of bs, hr, sr, en)."""
    path = locale_dir / CATALOGUE_NAMES[language] / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as file:
        return read_po(file, locale=CATALOGUE_NAMES[language])


def latin_catalogue(cyrillic: Catalog) -> Catalog:
    """Serbian Latin derived from the Serbian Cyrillic catalogue, letter by letter."""
    latin = Catalog(locale="sr_Latn", domain=DOMAIN)
    for message in cyrillic:
        if message.id:
            latin.add(message.id, cyrillic_to_latin(message.string or ""))
    return latin


def _compiled(catalogue: Catalog) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Every language's catalogue, compiled once; ``gettext(language, text)`` looks one up."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES, locale_dir: Path = LOCALE_DIR) -> None:
        self.catalogues: dict[str, Catalog] = {}
        for language in languages:
            if language == "sr-Latn":
                cyrillic = self.catalogues.get("sr") or read_catalogue("sr", locale_dir)
                self.catalogues[language] = latin_catalogue(cyrillic)
            else:
                self.catalogues[language] = read_catalogue(language, locale_dir)
        self._compiled = {language: _compiled(catalogue) for language, catalogue in self.catalogues.items()}
        self.languages = tuple(languages)

    def gettext(self, language: str, text: str) -> str:
        translations = self._compiled.get(language)
        return translations.gettext(text) if translations else text

    def missing(self, language: str, msgids: set[str]) -> set[str]:
        """The ``msgids`` without a non-empty translation in ``language``'s catalogue."""
        catalogue = self.catalogues[language]
        return {msgid for msgid in msgids
                if msgid not in catalogue or not (catalogue[msgid].string or "").strip()}
