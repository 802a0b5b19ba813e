"""Names shown for codes: categories, statuses, receipt states, municipalities, languages.

Messages are marked with ``N_`` so the catalogue test finds them; they are translated when shown."""
from __future__ import annotations

from kiosk.ui.tr import _


def N_(text: str) -> str:
    return text


CATEGORIES = {
    "environment": N_("Environment"), "transport": N_("Transport"), "youth": N_("Youth"),
    "energy": N_("Energy"), "culture": N_("Culture"), "social": N_("Social care"),
    "health": N_("Health"), "infrastructure": N_("Streets and buildings"), "tourism": N_("Tourism"),
    "other": N_("Other"),
}
INITIATIVE_STATUSES = {"published": N_("Open for support"), "in_progress": N_("In progress"), "done": N_("Done")}
SUGGESTION_STATES = {
    "pending": N_("Waiting to be sent"), "sent": N_("Sent, awaiting moderation"),
    "rejected": N_("Not accepted by the server"), "received": N_("Received, awaiting moderation"),
    "confirmed": N_("Confirmed"), "declined": N_("Declined"), "merged": N_("Joined to an initiative"),
}
# The charge controller's states of operation (hardware.codes.CHARGE_STATES), for the technician.
CHARGE_STATES = {
    "off": N_("off"), "low_power": N_("low power"), "fault": N_("fault"), "bulk": N_("bulk charging"),
    "absorption": N_("absorption charging"), "float": N_("float charging"), "storage": N_("storage mode"),
    "equalize": N_("equalising"), "starting": N_("starting up"), "battery_safe": N_("battery protection"),
    "external_control": N_("external control"),
}
# Endonyms: each language is named in itself, whatever language the screen is in.
LANGUAGE_NAMES = {"bs": "Bosanski", "hr": "Hrvatski", "sr": "Српски", "sr-Latn": "Srpski", "en": "English"}
LANGUAGE_CODES = {"bs": "BS", "hr": "HR", "sr": "СР", "sr-Latn": "SR", "en": "EN"}
LANGUAGE_IN_SENTENCE = {"bs": N_("Bosnian"), "hr": N_("Croatian"), "sr": N_("Serbian (Cyrillic)"),
                        "sr-Latn": N_("Serbian (Latin)"), "en": N_("English")}
MUNICIPALITIES = {
    "berkovici": ("Berkovići", "Берковићи"), "jablanica": ("Jablanica", "Јабланица"),
    "kostajnica": ("Kostajnica", "Костајница"), "maglaj": ("Maglaj", "Маглај"),
    "mostar": ("Mostar", "Мостар"), "nevesinje": ("Nevesinje", "Невесиње"),
    "novi-grad": ("Novi Grad", "Нови Град"), "prijedor": ("Prijedor", "Приједор"),
    "ravno": ("Ravno", "Равно"), "trebinje": ("Trebinje", "Требиње"),
    "zavidovici": ("Zavidovići", "Завидовићи"), "zepce": ("Žepče", "Жепче"),
}


def translated(table: dict[str, str], code: str | None) -> str:
    """The translated name of ``code``, or the code itself when it is not one we know."""
    if not code:
        return ""
    return _(table[code]) if code in table else code


def municipality_name(slug: str | None, language: str) -> str:
    if slug is None:
        return _("Whole network")
    latin, cyrillic = MUNICIPALITIES.get(slug, (slug, slug))
    return cyrillic if language == "sr" else latin
