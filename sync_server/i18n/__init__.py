"""The web pages' message catalogues: `.po` files compiled in memory at start (no `.mo` kept).

Serbian Latin (`sr-Latn`) has no catalogue of its own: it is the Serbian (Cyrillic) one
transliterated when loaded, so the two scripts never drift apart. A message missing in Serbian
falls back to Bosnian, then Croatian (in Cyrillic for Cyrillic readers), before English."""
from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .script import to_cyrillic, to_latin

LANGUAGES = ("bs", "hr", "sr", "sr-Latn", "en")
DEFAULT = "bs"
# The name of each language in itself, for the language switcher.
NAMES = {"bs": "Bosanski", "hr": "Hrvatski", "sr": "Српски", "sr-Latn": "Srpski", "en": "English"}
FOLDER = Path(__file__).parent
# Babel's locale identifiers (for plural rules) of our language codes.
_BABEL_LOCALE = {"bs": "bs", "hr": "hr", "sr": "sr", "sr-Latn": "sr_Latn", "en": "en"}


# Where a Serbian reader's missing messages come from, in order (English is the msgid itself).
FALLBACKS = {"sr": ("bs", "hr"), "sr-Latn": ("bs", "hr")}


def read_catalogue(language: str, script: Callable[[str], str] | None = None) -> Catalog:
    """The catalogue of a language as written (sr-Latn: derived from sr), its strings passed
    through `script` when given (another catalogue in Cyrillic, for a fallback)."""
    source = "sr" if language == "sr-Latn" else language
    with (FOLDER / f"{source}.po").open("rb") as file:
        catalog = read_po(file, locale=_BABEL_LOCALE[source])
    script = to_latin if language == "sr-Latn" else script
    if script is not None:
        for message in catalog:
            if message.id and message.string:
                message.string = (tuple(map(script, message.string)) if isinstance(message.string, tuple)
                                  else script(message.string))
    return catalog


def _compiled(catalog: Catalog) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """Compiled translations of a language with its fallbacks, made once per process."""
    compiled = _compiled(read_catalogue(language))
    for fallback in FALLBACKS.get(language, ()):
        compiled.add_fallback(_compiled(read_catalogue(fallback, to_cyrillic if language == "sr" else None)))
    return compiled


def gettext_for(language: str, message: str) -> str:
    return translations(language).gettext(message)


def N_(message: str) -> str:
    """Marks a message in Python code for the catalogues; it is translated where it is shown."""
    return message
