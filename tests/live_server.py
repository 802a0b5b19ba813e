"""A real sync server for tests and benchmarks: `python -m sync_server serve` as a subprocess on a
free loopback port, waited for until `/healthz` answers, restartable on the same port and db.

    with LiveServer.start_new(tmp_path) as server:
        bench_id, token = server.add_bench("zepce")
        ...
        server.restart()            # same port, same database file
        server.rows("SELECT id FROM suggestions")

The server's file is read through short-lived connections of our own (WAL lets us read while the
server writes), so nothing here is shared with a forked child process.
"""
from __future__ import annotations

import itertools
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from sync_server.db import open_database
from sync_server.sample import load_sample
from sync_server.services.benches import add_bench, revoke_bench

ROOT = Path(__file__).resolve().parents[1]
# Tests provoke many requests in little time; the rate limiter has tests of its own.
GENEROUS_LIMITS = ("--rate-per-minute", "1000000", "--rate-burst", "100000")
_bench_numbers = itertools.count(1)


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    """Rows from a database another process is writing, read-only; none while the file or its
    tables are not made yet."""
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.OperationalError:
        return []
    try:
        return connection.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, deadline_s: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``url``/healthz until it answers 200; RuntimeError if the process dies or time runs out."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer /healthz within {deadline_s} s")


class LiveServer:
    """One server process on ``port`` serving ``db_path``; ``restart()`` keeps both."""

    def __init__(self, db_path: Path, log_path: Path, port: int | None = None,
                 extra_args: tuple[str, ...] = GENEROUS_LIMITS, env: dict[str, str] | None = None) -> None:
        self.db_path, self.log_path = Path(db_path), Path(log_path)
        self.port = port or free_port()
        self.extra_args = extra_args
        self.env = env or {}  # SMART_BENCH_* settings without a flag
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def start_new(cls, folder: Path, *, sample: bool = True, **kwargs: Any) -> LiveServer:
        """A fresh database in ``folder`` (with the sample initiatives) and a running server."""
        server = cls(folder / "server.db", folder / "server.log", **kwargs)
        db = open_database(server.db_path)
        try:
            if sample:
                load_sample(db)
        finally:
            db.close()
        return server.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("server already running")
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sync_server", "serve", "--db", str(self.db_path),
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
                 *self.extra_args],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env})
        try:
            wait_healthy(self.url, process=self.process)
        except RuntimeError as error:
            self.stop()
            raise RuntimeError(f"{error}; log:\n{self.log_path.read_text(errors='replace')[-3000:]}") from None
        return self

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server: SIGTERM (graceful) or, with ``kill``, SIGKILL (a crash)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self, *, kill: bool = False) -> None:
        """Stop and start again on the same port with the same database."""
        self.stop(kill=kill)
        self.start()

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    # --- the database, seen from outside ------------------------------------------------------

    def add_bench(self, municipality: str = "zepce") -> tuple[str, str]:
        """Provision a fresh bench: (bench id, token)."""
        bench_id = f"bench-{next(_bench_numbers)}-{uuid.uuid4().hex[:6]}"
        db = open_database(self.db_path)
        try:
            return bench_id, add_bench(db, bench_id, municipality)
        finally:
            db.close()

    def revoke_bench(self, bench_id: str) -> None:
        db = open_database(self.db_path)
        try:
            revoke_bench(db, bench_id)
        finally:
            db.close()

    def rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query on the server's file, read through a connection of our own."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
