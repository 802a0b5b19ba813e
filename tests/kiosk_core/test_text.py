"""Serbian Latin is derived from Cyrillic, and the right texts are picked for the screen's language."""
from __future__ import annotations

import pytest

from kiosk.core.text import catalogue_cyrillic, catalogue_latin, cyrillic_to_latin, fold, localised

TEXTS = {"sr": {"title": "Љетња читаоница у Жепчу"}, "bs": {"title": "Ljetna čitaonica u Žepču"}}


def test_cyrillic_becomes_latin_letter_by_letter() -> None:
    assert cyrillic_to_latin("Љубиње, Њива, Џеп, ђак, ћуприја") == "Ljubinje, Njiva, Džep, đak, ćuprija"
    assert cyrillic_to_latin("Mostar 2026") == "Mostar 2026"


@pytest.mark.parametrize(("cyrillic", "latin"), [
    ("ЉУБИЊЕ", "LJUBINJE"), ("Љубиње", "Ljubinje"), ("ЊЕГОШ", "NJEGOŠ"), ("Његош", "Njegoš"),
    ("ЏЕП", "DŽEP"), ("Џеп", "Džep"), ("ПУЉ", "PULJ"), ("Љ", "Lj"), ("ОПШТИНА ЉУБИЊЕ", "OPŠTINA LJUBINJE"),
    ("[ПРИМЈЕР] Љетна башта", "[PRIMJER] Ljetna bašta"),
])
def test_capital_digraphs_follow_the_word_around_them(cyrillic: str, latin: str) -> None:
    assert cyrillic_to_latin(cyrillic) == latin


def test_a_marked_span_stays_in_cyrillic_in_the_derived_latin() -> None:
    hint = "Претрага, нпр. парк, [[школа]], škola"
    assert catalogue_latin(hint) == "Pretraga, npr. park, школа, škola"
    assert catalogue_cyrillic(hint) == "Претрага, нпр. парк, школа, škola"
    assert catalogue_latin("[[Љ]] и [[Њ]]") == "Љ i Њ"
    assert catalogue_latin("без ознаке") == "bez oznake"


def test_folding_makes_every_spelling_alike() -> None:
    assert fold("Жепче") == fold("Žepče") == fold("ZEPCE") == "zepce"
    assert fold("Ђурђевдан") == fold("Đurđevdan") == fold("Djurdjevdan") == "durdevdan"


def test_a_language_gets_its_own_texts_or_the_closest_ones() -> None:
    assert localised(TEXTS, "bs") == ("bs", {"title": "Ljetna čitaonica u Žepču"})
    assert localised(TEXTS, "sr-Latn") == ("sr-Latn", {"title": "Ljetnja čitaonica u Žepču"})
    assert localised(TEXTS, "en", fallbacks=("bs",)) == ("bs", TEXTS["bs"])
    assert localised({"hr": {"title": "x"}}, "en")[0] == "hr"
    assert localised({}, "bs") is None
