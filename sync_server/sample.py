"""A small, clearly marked sample set of initiatives, so a fresh server has something to serve."""
from __future__ import annotations

from .db import Database
from .i18n.script import to_latin
from .services.initiatives import create_initiative, publish_initiative, start_initiative
from .services.people import SYSTEM

# (fixed id so loading twice adds nothing, municipality or None, category, status, texts)
SAMPLE = (
    ("5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10", "zepce", "environment", "published", {
        "bs": {"title": "[PRIMJER] Više kanti za smeće uz rijeku Bosnu",
               "summary": "Postaviti kante za otpad na šetnici.",
               "body": "Građani traže kante na svakih 100 metara šetnice."},
        "en": {"title": "[SAMPLE] More bins along the Bosna river",
               "summary": "Put litter bins on the riverside walk.",
               "body": "Citizens ask for a bin every 100 metres of the walk."},
    }),
    ("8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41", "trebinje", "transport", "in_progress", {
        "sr": {"title": "[ПРИМЈЕР] Бициклистичка стаза до Арсенала",
               "summary": "Сигурна стаза за бицикле кроз центар.",
               "body": "Приједлог грађана за стазу од платана до Арсенала."},
    }),
    ("c3e2b1a0-9f8e-4d7c-8b6a-5f4e3d2c1b0a", "mostar", "youth", "published", {
        "hr": {"title": "[PRIMJER] Otvorena čitaonica za mlade",
               "summary": "Čitaonica otvorena i vikendom.",
               "body": "Mladi predlažu produženo radno vrijeme gradske čitaonice."},
        "bs": {"title": "[PRIMJER] Otvorena čitaonica za mlade",
               "summary": "Čitaonica otvorena i vikendom.",
               "body": "Mladi predlažu produženo radno vrijeme gradske čitaonice."},
    }),
    ("e7d6c5b4-a3b2-4c1d-9e8f-7a6b5c4d3e2f", None, "energy", "published", {
        "en": {"title": "[SAMPLE] Solar benches report their energy",
               "summary": "Every bench shows what its panel produced today.",
               "body": "A network-wide initiative of the Participatory Democracy Network."},
        "bs": {"title": "[PRIMJER] Solarne klupe prikazuju energiju",
               "summary": "Svaka klupa prikazuje koliko je panel danas proizveo.",
               "body": "Inicijativa cijele Mreže za participativnu demokratiju."},
    }),
)


def _with_latin(texts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    if "sr" in texts and "sr-Latn" not in texts:
        return {**texts, "sr-Latn": {k: to_latin(v) for k, v in texts["sr"].items()}}
    return texts


def load_sample(db: Database) -> int:
    """Create and publish the sample initiatives that are not there yet; returns how many."""
    added = 0
    for initiative_id, municipality, category, status, texts in SAMPLE:
        if db.execute("SELECT 1 FROM initiatives WHERE id = ?", [initiative_id]).fetchone():
            continue
        original = next(iter(texts))
        create_initiative(db, SYSTEM, municipality=municipality, texts=_with_latin(texts),
                          original_language=original, category=category, initiative_id=initiative_id)
        publish_initiative(db, SYSTEM, initiative_id)
        if status == "in_progress":
            start_initiative(db, SYSTEM, initiative_id)
        added += 1
    return added
