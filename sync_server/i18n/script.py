"""Serbian Cyrillic to Latin for the server (the kiosk has its own; the server imports no kiosk).

The mapping is exact in this direction (љ -> lj, њ -> nj, џ -> dž) and ambiguous in the other
(konjunkcija, nadživeti), so Serbian is written in Cyrillic and the Latin script derived."""
from __future__ import annotations

_LOWER = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š",
}
# A capital digraph is "Lj" at the start of a word (all-capital words are rare in our texts).
_TABLE = str.maketrans({**_LOWER, **{c.upper(): l[0].upper() + l[1:] for c, l in _LOWER.items()}})


def to_latin(text: str) -> str:
    """'Жепче' -> 'Žepče', 'Љубиње' -> 'Ljubinje'; other characters pass through."""
    return text.translate(_TABLE)


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)
