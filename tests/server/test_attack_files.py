"""The server's files are its owner's only (issue 15, "holding under attack"): the database, its
WAL and shared-memory files and the key file, whoever creates them (`serve` or another command),
whatever the umask of the shell that started it."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT, start_server, stop_server


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_with_umask(args: list[str]) -> subprocess.CompletedProcess[str]:
    """A command started from a shell with the common umask 022 (files 0644 unless we take care)."""
    return subprocess.run(["sh", "-c", 'umask 022 && exec "$@"', "sh", sys.executable, "-m", "sync_server", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_a_command_that_creates_the_database_creates_it_0600(tmp_path: Path) -> None:
    db = tmp_path / "new" / "server.db"
    result = run_with_umask(["add-bench", "b1", "--municipality", "zepce", "--db", str(db)])
    assert result.returncode == 0, result.stderr
    assert mode(db) == 0o600
    assert mode(db.parent) == 0o700
    for leftover in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        assert not leftover.exists() or mode(leftover) == 0o600


def test_serve_creates_database_wal_and_shm_0600(tmp_path: Path) -> None:
    db = tmp_path / "server.db"
    previous = os.umask(0o022)  # the server process inherits it
    try:
        process, url = start_server(db, tmp_path / "server.log")
    finally:
        os.umask(previous)
    try:
        import requests

        assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
        wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
        deadline = time.monotonic() + 5
        while not (wal.exists() and shm.exists()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert wal.exists() and shm.exists(), "the server runs in WAL mode"
        key = db.with_suffix(".key")  # made at the first start
        assert {path.name: oct(mode(path)) for path in (db, wal, shm, key)} == {
            db.name: "0o600", wal.name: "0o600", shm.name: "0o600", key.name: "0o600"}
    finally:
        stop_server(process)


def test_an_existing_database_left_0644_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "server.db"
    assert run_with_umask(["add-bench", "b1", "--municipality", "zepce", "--db", str(db)]).returncode == 0
    db.chmod(0o644)  # as an older server left it
    assert run_with_umask(["list-benches", "--db", str(db)]).returncode == 0
    assert mode(db) == 0o600
