"""``tests/`` and ``tests/sync`` on sys.path, so ``live_server`` and ``fault_proxy`` import as
plain modules however pytest was started (the fleet simulation, a script in ``benchmarks/``, is
loaded from its file by its test)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT / "tests", ROOT / "tests" / "sync"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
