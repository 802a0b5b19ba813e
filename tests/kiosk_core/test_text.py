"""Serbian Latin is derived from Cyrillic, and the right texts are picked for the screen's language."""
from __future__ import annotations

from kiosk.core.text import cyrillic_to_latin, fold, localised

TEXTS = {"sr": {"title": "Љетња читаоница у Жепчу"}, "bs": {"title": "Ljetna čitaonica u Žepču"}}


def test_cyrillic_becomes_latin_letter_by_letter() -> None:
    assert cyrillic_to_latin("Љубиње, Њива, Џеп, ђак, ћуприја") == "Ljubinje, Njiva, Džep, đak, ćuprija"
    assert cyrillic_to_latin("Mostar 2026") == "Mostar 2026"


def test_folding_makes_every_spelling_alike() -> None:
    assert fold("Жепче") == fold("Žepče") == fold("ZEPCE") == "zepce"
    assert fold("Ђурђевдан") == fold("Đurđevdan") == fold("Djurdjevdan") == "durdevdan"


def test_a_language_gets_its_own_texts_or_the_closest_ones() -> None:
    assert localised(TEXTS, "bs") == ("bs", {"title": "Ljetna čitaonica u Žepču"})
    assert localised(TEXTS, "sr-Latn") == ("sr-Latn", {"title": "Ljetnja čitaonica u Žepču"})
    assert localised(TEXTS, "en", fallbacks=("bs",)) == ("bs", TEXTS["bs"])
    assert localised({"hr": {"title": "x"}}, "en")[0] == "hr"
    assert localised({}, "bs") is None
