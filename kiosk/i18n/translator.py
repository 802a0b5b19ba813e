"""Translator: the kiosk's gettext catalogues, each compiled in memory when first needed.

Catalogues live in ``locale/<lang>/LC_MESSAGES/kiosk.po`` for bs, hr, sr (Cyrillic) and en; no
``.mo`` is built or committed. Serbian Latin (``sr-Latn``) is not maintained by hand: it is the
``sr`` catalogue passed through the exact Cyrillic -> Latin letter mapping (a span written
``[[like this]]`` stays Cyrillic there; the brackets are dropped in both scripts). Plural entries
(``ngettext``) have three forms in bs, hr and sr, chosen by each catalogue's Plural-Forms.
No Kivy here: the UI wraps a Translator in an observable so labels follow a language switch.
"""
from __future__ import annotations

import gettext
import io
from pathlib import Path
from typing import Callable

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk.core.config import LANGUAGES
from kiosk.core.text import catalogue_cyrillic, catalogue_latin

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"
# Wire code -> gettext locale name of the catalogue file.
CATALOGUE_NAMES = {"bs": "bs", "hr": "hr", "sr": "sr", "sr-Latn": "sr@latin", "en": "en"}


def read_catalogue(language: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    """The hand-written ``.po`` catalogue of ``language`` (one of bs, hr, sr, en), as written."""
    path = locale_dir / CATALOGUE_NAMES[language] / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as file:
        return read_po(file, locale=CATALOGUE_NAMES[language])


def _mapped(catalogue: Catalog, convert: Callable[[str], str], locale: str) -> Catalog:
    """A copy of ``catalogue`` with every translation (each plural form too) passed through ``convert``."""
    mapped = Catalog(locale=locale, domain=DOMAIN)
    for message in catalogue:
        if not message.id:
            continue
        string = message.string
        converted = (tuple(convert(form or "") for form in string) if isinstance(string, tuple)
                     else convert(string or ""))
        mapped.add(message.id, converted, flags=message.flags)
    return mapped


def latin_catalogue(cyrillic: Catalog) -> Catalog:
    """Serbian Latin derived from the Serbian Cyrillic catalogue, letter by letter."""
    return _mapped(cyrillic, catalogue_latin, "sr_Latn")


def cyrillic_catalogue(written: Catalog) -> Catalog:
    """The Serbian Cyrillic catalogue as shown: without the keep-in-Cyrillic markers."""
    return _mapped(written, catalogue_cyrillic, "sr")


def _compiled(catalogue: Catalog) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """The catalogues of the bench's languages; ``gettext(language, text)`` looks one up. Each is
    read and compiled the first time it is asked for (all five took 0.1 s, and the first frame
    needs one); ``prepare`` does it ahead, so a language switch does not wait."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES, locale_dir: Path = LOCALE_DIR) -> None:
        self.languages = tuple(languages)
        self._locale_dir = locale_dir
        self._catalogues: dict[str, Catalog] = {}
        self._compiled: dict[str, gettext.GNUTranslations] = {}

    def catalogue(self, language: str) -> Catalog:
        """``language``'s catalogue as shown (Serbian Latin derived, Cyrillic markers dropped)."""
        if language not in self._catalogues:
            if language in ("sr", "sr-Latn"):
                derive = latin_catalogue if language == "sr-Latn" else cyrillic_catalogue
                self._catalogues[language] = derive(read_catalogue("sr", self._locale_dir))
            else:
                self._catalogues[language] = read_catalogue(language, self._locale_dir)
        return self._catalogues[language]

    def prepare(self, language: str) -> None:
        """Read and compile ``language``'s catalogue now, if the bench has that language."""
        self._translations(language)

    def _translations(self, language: str) -> gettext.GNUTranslations | None:
        if language not in self.languages:
            return None
        if language not in self._compiled:
            self._compiled[language] = _compiled(self.catalogue(language))
        return self._compiled[language]

    def gettext(self, language: str, text: str) -> str:
        translations = self._translations(language)
        return translations.gettext(text) if translations else text

    def ngettext(self, language: str, singular: str, plural: str, n: int) -> str:
        """The form of a counted message for ``n`` in ``language`` (1, 2-4, 5+ differ in bs/hr/sr)."""
        translations = self._translations(language)
        if translations is None:
            return singular if n == 1 else plural
        return translations.ngettext(singular, plural, n)

    def missing(self, language: str, msgids: set[str | tuple[str, str]]) -> set[str | tuple[str, str]]:
        """The ``msgids`` (plural ones as ``(singular, plural)``) without a full translation in
        ``language``'s catalogue: absent, empty, a plural form empty, or singular and plural mixed up."""
        catalogue = self.catalogue(language)
        missing = set()
        for msgid in msgids:
            key = msgid[0] if isinstance(msgid, tuple) else msgid
            message = catalogue.get(key)
            strings = message.string if message is not None else ""
            forms = strings if isinstance(strings, tuple) else (strings,)
            if (message is None or isinstance(msgid, tuple) != message.pluralizable
                    or not all((form or "").strip() for form in forms)):
                missing.add(msgid)
        return missing
