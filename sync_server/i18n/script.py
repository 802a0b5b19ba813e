"""Serbian Cyrillic to Latin for the server: the server's one transliteration module. The kiosk
has its twin in ``kiosk/core/text.py`` (the server imports no kiosk); both give the same output
for every text, and a test holds them to it.

The mapping is exact in this direction (љ -> lj, њ -> nj, џ -> dž) and ambiguous in the other
(konjunkcija, nadživeti), so Serbian is written in Cyrillic and the Latin script derived. Latin to
Cyrillic is used only as a fallback, for a Cyrillic reader of a text that exists in Latin only
(a rare word like "konjunkcija" then comes out with њ: better than a text in another script)."""
from __future__ import annotations

import re

_LOWER = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š",
}
_TABLE = str.maketrans({**_LOWER, **{c.upper(): l[0].upper() + l[1:] for c, l in _LOWER.items()}})
_CAPITAL_DIGRAPH = re.compile("[ЉЊЏ]")


def _capital_digraph(match: re.Match[str]) -> str:
    """"LJ" in a word of capitals (ЉУБИЊЕ -> LJUBINJE), else "Lj": the next letter decides, or the
    one before when the digraph ends a word (ПУЉ -> PULJ)."""
    text, at = match.string, match.start()
    after, before = text[at + 1:at + 2], text[at - 1:at]
    neighbour = after if after.isalpha() else before
    latin = _LOWER[match.group().lower()]
    return latin.upper() if neighbour.isupper() else latin.capitalize()


def to_latin(text: str) -> str:
    """'Жепче' -> 'Žepče', 'Љубиње' -> 'Ljubinje', 'ЉУБИЊЕ' -> 'LJUBINJE'; other characters pass through."""
    return _CAPITAL_DIGRAPH.sub(_capital_digraph, text).translate(_TABLE)


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ", "Lj": "Љ", "LJ": "Љ", "Nj": "Њ", "NJ": "Њ", "Dž": "Џ", "DŽ": "Џ"}
_FROM_LATIN = {**{latin: cyrillic for cyrillic, latin in _LOWER.items() if len(latin) == 1},
               **{latin.upper(): cyrillic.upper() for cyrillic, latin in _LOWER.items() if len(latin) == 1},
               **_DIGRAPHS}
_LATIN_LETTERS = re.compile("|".join(sorted(map(re.escape, _FROM_LATIN), key=len, reverse=True)))


def to_cyrillic(text: str) -> str:
    """'Žepče' -> 'Жепче', 'Ljubinje' -> 'Љубиње' (digraphs read as one letter)."""
    return _LATIN_LETTERS.sub(lambda match: _FROM_LATIN[match.group()], text)
