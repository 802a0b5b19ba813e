"""The user-facing messages of the kiosk's UI, found in its source by Babel's extractors as
``kiosk/i18n/babel.cfg`` maps them (the same extraction that makes the translators' ``kiosk.pot``):
every ``_("…")``, ``tr._("…")``, ``N_("…")`` and ``ngettext("…", "…", n)`` in ``kiosk/ui``."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

ROOT = Path(__file__).resolve().parents[1]
UI_DIR = ROOT / "kiosk" / "ui"
MAPPING = ROOT / "kiosk" / "i18n" / "babel.cfg"


def ui_messages(ui_dir: Path = UI_DIR) -> set[str | tuple[str, str]]:
    """Message ids, a plural one as ``(singular, plural)``."""
    with MAPPING.open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file, str(MAPPING))
    return {message for _, _, message, _, _ in extract_from_dir(str(ui_dir), method_map, options_map)}
