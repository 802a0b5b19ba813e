"""The municipalities of the network and how people may name them."""
from __future__ import annotations

import re
import unicodedata

NETWORK = (
    "Berkovići", "Jablanica", "Kostajnica", "Maglaj", "Mostar", "Nevesinje",
    "Novi Grad", "Prijedor", "Ravno", "Trebinje", "Zavidovići", "Žepče",
)


def slugify(name: str) -> str:
    """'Žepče' -> 'zepce', 'Novi Grad' -> 'novi-grad' (đ has no decomposition, so map it)."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "dj").replace("Đ", "Dj"))
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


DEFAULT = {slugify(name): name for name in NETWORK}


def resolve(known_slugs: set[str] | dict[str, str], name_or_slug: str) -> str:
    """The slug for a name or slug typed by a person, in any case, with or without diacritics."""
    slug = slugify(name_or_slug)
    if slug not in known_slugs:
        raise ValueError(f"unknown municipality {name_or_slug!r}")
    return slug
