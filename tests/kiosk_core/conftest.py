from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.store import BenchStore


@pytest.fixture
def store(tmp_path: Path):
    with BenchStore(tmp_path / "bench.sqlite3") as opened:
        yield opened
