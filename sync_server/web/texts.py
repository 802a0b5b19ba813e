"""Which text of an initiative a reader sees, in their language when there is one."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..i18n.script import to_latin


@dataclass(frozen=True)
class Shown:
    language: str
    fields: Mapping[str, str]  # title, summary, body
    fallback: bool             # not the reader's language: the page says so


def localised(texts: Mapping[str, Mapping[str, str]], language: str, original: str) -> Shown:
    """The reader's language; Serbian Latin derived from Cyrillic (and Latin for Cyrillic readers
    when that is all there is); else the original language."""
    if language in texts:
        return Shown(language, texts[language], False)
    if language == "sr-Latn" and "sr" in texts:
        return Shown("sr-Latn", {k: to_latin(v) for k, v in texts["sr"].items()}, False)
    if language == "sr" and "sr-Latn" in texts:
        return Shown("sr-Latn", texts["sr-Latn"], False)
    chosen = original if original in texts else next(iter(texts))
    return Shown(chosen, texts[chosen], True)
