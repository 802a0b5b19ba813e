"""Fixtures for the sync client tests: a real server process, a bench provisioned on it, and a
real BenchStore file. ``tests/`` and this folder go on sys.path so ``live_server`` and
``fault_proxy`` import as plain modules however pytest was started."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

for folder in (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from live_server import LiveServer  # noqa: E402

from kiosk.core.config import Config  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server per test module: a module that restarts or stops it harms no other module."""
    with LiveServer.start_new(tmp_path_factory.mktemp("server")) as live:
        yield live


@pytest.fixture
def config(server: LiveServer, tmp_path: Path) -> Config:
    """A freshly provisioned Žepče bench whose store lives in this test's folder."""
    bench_id, token = server.add_bench("zepce")
    return Config(bench_id=bench_id, municipality="zepce", server_url=server.url, token=token,
                  data_dir=tmp_path)
