"""``tests/`` and this folder on sys.path, so ``live_server`` and ``wheels`` import as plain modules."""
from __future__ import annotations

import sys
from pathlib import Path

for folder in (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
