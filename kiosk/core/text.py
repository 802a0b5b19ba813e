"""Text in the bench's languages: Serbian Cyrillic to Latin, and the folded form search uses.

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
# Capitals: a digraph becomes "Lj" at the start of a word; all-capital words are rare on screens.
_TRANSLITERATION = str.maketrans({
    **_CYRILLIC_TO_LATIN,
    **{cyrillic.upper(): latin[0].upper() + latin[1:] for cyrillic, latin in _CYRILLIC_TO_LATIN.items()},
})
_DJ = re.compile("dj")


def cyrillic_to_latin(text: str) -> str:
    """Serbian Cyrillic in the Latin script: 'Жепче' -> 'Žepče', 'Љубиње' -> 'Ljubinje'."""
    return text.translate(_TRANSLITERATION)


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
