"""Counted messages take the form their number needs (bs, hr, sr: 1 / 2-4 / 5+, with 21 like 1 and
22 like 2), in Serbian Latin too, and a span marked to stay Cyrillic does in the derived Latin."""
from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from kiosk.i18n.translator import Translator, latin_catalogue

TRANSLATOR = Translator()
COUNTS = (1, 2, 5, 21, 22, 25)
SUPPORTERS = {
    "bs": ["podrška", "podrške", "podrški", "podrška", "podrške", "podrški"],
    "hr": ["potpora", "potpore", "potpora", "potpora", "potpore", "potpora"],
    "sr": ["подршка", "подршке", "подршки", "подршка", "подршке", "подршки"],
    "sr-Latn": ["podrška", "podrške", "podrški", "podrška", "podrške", "podrški"],
    "en": ["supporter", "supporters", "supporters", "supporters", "supporters", "supporters"],
}
SECONDS = {
    "bs": ["sekundu.", "sekunde.", "sekundi.", "sekundu.", "sekunde.", "sekundi."],
    "hr": ["sekundu.", "sekunde.", "sekundi.", "sekundu.", "sekunde.", "sekundi."],
    "sr": ["секунду.", "секунде.", "секунди.", "секунду.", "секунде.", "секунди."],
    "sr-Latn": ["sekundu.", "sekunde.", "sekundi.", "sekundu.", "sekunde.", "sekundi."],
    "en": ["second.", "seconds.", "seconds.", "seconds.", "seconds.", "seconds."],
}


@pytest.mark.parametrize("language", SUPPORTERS)
def test_supporters_are_counted_in_the_right_form(language: str) -> None:
    shown = [TRANSLATOR.ngettext(language, "{count} supporter", "{count} supporters", n).format(count=n)
             for n in COUNTS]
    assert shown == [f"{n} {word}" for n, word in zip(COUNTS, SUPPORTERS[language])]


@pytest.mark.parametrize("language", SECONDS)
def test_the_idle_countdown_is_counted_too(language: str) -> None:
    singular = "Touch the screen to continue. Otherwise what you typed is cleared in {seconds} second."
    plural = "Touch the screen to continue. Otherwise what you typed is cleared in {seconds} seconds."
    endings = [TRANSLATOR.ngettext(language, singular, plural, n).format(seconds=n).rsplit(" ", 1)[1]
               for n in COUNTS]
    assert endings == SECONDS[language]


@pytest.mark.parametrize("language", SUPPORTERS)
def test_the_character_limit_agrees_with_the_limit(language: str) -> None:
    """"34 od 500 znakova": the noun follows the limit (the number it stands after)."""
    shown = [TRANSLATOR.ngettext(language, "{count} of {limit} character", "{count} of {limit} characters", n)
             .format(count=0, limit=n).rsplit(" ", 1)[1] for n in (1, 2, 5, 21, 500)]
    expected = {"en": ["character", "characters", "characters", "characters", "characters"],
                "sr": ["знака", "знака", "знакова", "знака", "знакова"]}
    assert shown == expected.get(language, ["znaka", "znaka", "znakova", "znaka", "znakova"])


def test_a_derived_latin_catalogue_keeps_plural_entries_whole() -> None:
    cyrillic = Catalog(locale="sr")
    cyrillic.add(("{n} bench", "{n} benches"), ("{n} клупа", "{n} клупе", "{n} клупа"))
    cyrillic.add("Bench", "Клупа")
    latin = latin_catalogue(cyrillic)
    assert latin.get("{n} bench").string == ("{n} klupa", "{n} klupe", "{n} klupa")
    assert latin.get("Bench").string == "Klupa"
    assert latin.num_plurals == 3


def test_the_serbian_search_hint_shows_both_scripts_in_both_scripts() -> None:
    hint = "Search, e.g. park, škola, школа"
    assert TRANSLATOR.gettext("sr", hint) == "Претрага, нпр. парк, школа, škola"
    assert TRANSLATOR.gettext("sr-Latn", hint) == "Pretraga, npr. park, школа, škola"


def test_a_plural_message_without_its_forms_is_missing() -> None:
    assert TRANSLATOR.missing("bs", {("{count} supporter", "{count} supporters")}) == set()
    assert TRANSLATOR.missing("bs", {("Smart Bench", "Smart Benches")}) == {("Smart Bench", "Smart Benches")}
    assert TRANSLATOR.missing("bs", {"{count} supporter"}) == {"{count} supporter"}
