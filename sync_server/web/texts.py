"""Which text of an initiative a reader sees, in their language when there is one."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..i18n.script import to_cyrillic, to_latin

# What a Serbian reader sees when their own text is missing, before the original language.
_SERBIAN_FALLBACKS = ("bs", "hr", "en")


@dataclass(frozen=True)
class Shown:
    language: str
    fields: Mapping[str, str]  # title, summary, body
    fallback: bool             # not the reader's language: the page says so


def localised(texts: Mapping[str, Mapping[str, str]], language: str, original: str) -> Shown:
    """The reader's language; Serbian Latin derived from Cyrillic. A Serbian Cyrillic reader
    without Serbian text reads Serbian Latin, then Bosnian or Croatian, in Cyrillic (a Latin
    reader the same in Latin), then English; anyone else the original language."""
    if language in texts:
        return Shown(language, texts[language], False)
    if language == "sr-Latn" and "sr" in texts:
        return Shown("sr-Latn", {k: to_latin(v) for k, v in texts["sr"].items()}, False)
    if language == "sr" and "sr-Latn" in texts:
        return Shown("sr", {k: to_cyrillic(v) for k, v in texts["sr-Latn"].items()}, False)
    if language in ("sr", "sr-Latn"):
        for fallback in _SERBIAN_FALLBACKS:
            if fallback in texts:
                if language == "sr" and fallback != "en":
                    return Shown(f"{fallback}-Cyrl", {k: to_cyrillic(v) for k, v in texts[fallback].items()}, True)
                return Shown(fallback, texts[fallback], True)
    chosen = original if original in texts else next(iter(texts))
    return Shown(chosen, texts[chosen], True)
