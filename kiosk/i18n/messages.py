"""The user-facing messages of the kiosk's UI, found in its source: every ``_("…")``,
``tr._("…")`` and ``N_("…")`` with a literal string in ``kiosk/ui`` (Python and kv files)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

UI_DIR = Path(__file__).resolve().parents[1] / "ui"
_CALL = re.compile(r"""(?<![\w.])(?:tr\.)?N?_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)""")


def ui_messages(ui_dir: Path = UI_DIR) -> set[str]:
    found = set()
    for path in sorted(ui_dir.rglob("*")):
        if path.suffix in (".py", ".kv"):
            for literal in _CALL.findall(path.read_text(encoding="utf-8")):
                found.add(ast.literal_eval(literal))
    return found
