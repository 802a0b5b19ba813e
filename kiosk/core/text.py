"""Text in the bench's languages: Serbian Cyrillic to Latin, and the folded form search uses.
The kiosk's one transliteration module; the server's twin is ``sync_server/i18n/script.py``.

Serbian is written in Cyrillic and its Latin script derived from it: the mapping is exact one way
(љ -> lj, њ -> nj, џ -> dž) and ambiguous the other (konjunkcija, nadživeti), so nothing here
turns Latin into Cyrillic.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Mapping

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š",
}
_TRANSLITERATION = str.maketrans({
    **_CYRILLIC_TO_LATIN,
    **{cyrillic.upper(): latin[0].upper() + latin[1:] for cyrillic, latin in _CYRILLIC_TO_LATIN.items()},
})
_CAPITAL_DIGRAPH = re.compile("[ЉЊЏ]")
# A catalogue's span written [[like this]] stays in Cyrillic in the derived Latin script (a search
# hint showing both scripts); the brackets never reach the screen.
KEEP_CYRILLIC = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
_DJ = re.compile("dj")


def _capital_digraph(match: re.Match[str]) -> str:
    """Љ is "LJ" in a word of capitals (ЉУБИЊЕ -> LJUBINJE), else "Lj" (Љубиње -> Ljubinje): the
    letter after it decides, or the one before when it ends a word (ПУЉ -> PULJ)."""
    text, at = match.string, match.start()
    after, before = text[at + 1:at + 2], text[at - 1:at]
    neighbour = after if after.isalpha() else before
    latin = _CYRILLIC_TO_LATIN[match.group().lower()]
    return latin.upper() if neighbour.isupper() else latin.capitalize()


def cyrillic_to_latin(text: str) -> str:
    """Serbian Cyrillic in the Latin script: 'Жепче' -> 'Žepče', 'Љубиње' -> 'Ljubinje',
    'ЉУБИЊЕ' -> 'LJUBINJE'. Latin and other characters pass through."""
    return _CAPITAL_DIGRAPH.sub(_capital_digraph, text).translate(_TRANSLITERATION)


def catalogue_latin(text: str) -> str:
    """A catalogue string in the derived Latin script: transliterated except its [[kept]] spans."""
    parts = KEEP_CYRILLIC.split(text)  # even indexes: to transliterate; odd: kept as written
    return "".join(part if index % 2 else cyrillic_to_latin(part) for index, part in enumerate(parts))


def catalogue_cyrillic(text: str) -> str:
    """A catalogue string as the Cyrillic script shows it: the [[kept]] markers removed."""
    return KEEP_CYRILLIC.sub(r"\1", text)


def fold(text: str) -> str:
    """The form search compares: lower case, Latin script, no diacritics, with đ and its ASCII
    spelling "dj" both as d. 'Жепче', 'Žepče' and 'zepce' all fold to 'zepce'."""
    latin = cyrillic_to_latin(unicodedata.normalize("NFC", text).lower()).replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", _DJ.sub("d", latin))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def localised(texts: Mapping[str, Mapping[str, str]], language: str,
              fallbacks: tuple[str, ...] = ()) -> tuple[str, Mapping[str, str]] | None:
    """The language and texts to show for ``language``: its own texts, else Serbian Latin derived
    from Serbian Cyrillic (and the other way round for reading Cyrillic-less Serbian), else the
    first of ``fallbacks`` present, else any. None when there are no texts at all."""
    if language in texts:
        return language, texts[language]
    if language == "sr-Latn" and "sr" in texts:
        return "sr-Latn", {key: cyrillic_to_latin(value) for key, value in texts["sr"].items()}
    if language == "sr" and "sr-Latn" in texts:
        return "sr-Latn", texts["sr-Latn"]
    for candidate in (*fallbacks, *texts):
        if candidate in texts:
            return candidate, texts[candidate]
    return None
