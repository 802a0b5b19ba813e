"""Fixtures for the sync server tests: a real server process on loopback, and databases."""
from __future__ import annotations

import itertools
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from sync_server.db import Database, open_database
from sync_server.sample import load_sample
from sync_server.services.benches import add_bench

ROOT = Path(__file__).resolve().parents[2]
_bench_numbers = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_path: Path, log_path: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m sync_server serve` as a subprocess, waited for until it answers."""
    port = free_port()
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "sync_server", "serve", "--db", str(db_path),
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *extra],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.05)
    stop_server(process)
    raise RuntimeError(f"server did not answer in time: {log_path.read_text()}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class LiveServer:
    url: str
    db_path: Path
    db: Database  # the test's own connection to the server's file

    def new_bench(self, municipality: str = "zepce") -> tuple[str, str]:
        """A fresh bench (id, token), so tests sharing the server do not share rate limits or rows."""
        bench_id = f"bench-{next(_bench_numbers)}-{uuid.uuid4().hex[:6]}"
        return bench_id, add_bench(self.db, bench_id, municipality)

    def rows(self, table: str) -> list[tuple]:
        return self.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table: to prove a refused request changed nothing."""
        return {table: self.rows(table) for table in self.db.table_names()}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("live")
    db_path = folder / "server.db"
    db = open_database(db_path)
    load_sample(db)
    process, url = start_server(db_path, folder / "server.log")
    try:
        yield LiveServer(url, db_path, db)
    finally:
        stop_server(process)
        db.close()


@pytest.fixture
def bench(live_server: LiveServer) -> tuple[str, dict[str, str]]:
    """A fresh Žepče bench on the live server: (bench id, auth headers)."""
    bench_id, token = live_server.new_bench()
    return bench_id, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated database with the sample initiatives."""
    database = open_database(tmp_path / "server.db")
    load_sample(database)
    yield database
    database.close()
