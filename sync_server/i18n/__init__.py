"""The web pages' message catalogues: `.po` files compiled in memory at start (no `.mo` kept).

Serbian Latin (`sr-Latn`) has no catalogue of its own: it is the Serbian (Cyrillic) one
transliterated when loaded, so the two scripts never drift apart."""
from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .script import to_latin

LANGUAGES = ("bs", "hr", "sr", "sr-Latn", "en")
DEFAULT = "bs"
# The name of each language in itself, for the language switcher.
NAMES = {"bs": "Bosanski", "hr": "Hrvatski", "sr": "Српски", "sr-Latn": "Srpski", "en": "English"}
FOLDER = Path(__file__).parent
# Babel's locale identifiers (for plural rules) of our language codes.
_BABEL_LOCALE = {"bs": "bs", "hr": "hr", "sr": "sr", "sr-Latn": "sr_Latn", "en": "en"}


def read_catalogue(language: str) -> Catalog:
    """The catalogue of a language as written (sr-Latn: derived from sr)."""
    source = "sr" if language == "sr-Latn" else language
    with (FOLDER / f"{source}.po").open("rb") as file:
        catalog = read_po(file, locale=_BABEL_LOCALE[source])
    if language == "sr-Latn":
        for message in catalog:
            if message.id and message.string:
                message.string = (tuple(map(to_latin, message.string)) if isinstance(message.string, tuple)
                                  else to_latin(message.string))
    return catalog


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """Compiled translations of a language, made once per process."""
    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(language))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(language: str, message: str) -> str:
    return translations(language).gettext(message)


def N_(message: str) -> str:
    """Marks a message in Python code for the catalogues; it is translated where it is shown."""
    return message
