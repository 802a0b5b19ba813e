"""The categories of a suggestion: the same codes and names as on the benches (kiosk/ui/names.py),
so an idea from the web sorts with the bench ideas."""
from __future__ import annotations

from .i18n import N_

CATEGORIES = {
    "environment": N_("Environment"), "transport": N_("Transport"), "youth": N_("Youth"),
    "energy": N_("Energy"), "culture": N_("Culture"), "social": N_("Social care"),
    "health": N_("Health"), "infrastructure": N_("Streets and buildings"), "tourism": N_("Tourism"),
    "other": N_("Other"),
}
