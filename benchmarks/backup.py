#!/usr/bin/env python3
"""What an online backup costs: `python -m sync_server backup` of a server database holding twelve
benches' telemetry, taken while a bench keeps uploading suggestions to the live server.

    python benchmarks/backup.py [--days 30] [--benches 12]

The database gets one power sample a minute per bench for `--days` days (the rows the server keeps
today; the kiosk sends about that), then a real server process serves it and one bench uploads
batches of 20 suggestions back to back. Printed: the database's size, how long the backup took
and how big it is, and the uploads' latency before and during the backup (WAL: the backup reads
one snapshot and never blocks the writer).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from live_server import LiveServer  # noqa: E402
from sync_server.db import open_database, transaction  # noqa: E402
from sync_server.services.benches import add_bench  # noqa: E402


def fill(db_path: Path, benches: int, days: int) -> list[str]:
    """`benches` benches with a sample a minute for `days` days; returns their tokens."""
    db = open_database(db_path)
    tokens = [add_bench(db, f"bench-{n:02d}", "mostar") for n in range(benches)]
    start = datetime.now(timezone.utc) - timedelta(days=days)
    received = start.isoformat()
    for n in range(benches):
        rows = [(f"bench-{n:02d}", (start + timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%SZ"), received,
                 12.6, -0.4, 18.2, 35.0, 74.0, "float", None, 1, '{"USB1": {"state": "on", "current_a": 0.4}}', None)
                for m in range(days * 24 * 60)]
        with transaction(db):  # benchmark set-up: straight into the table, as the service would store them
            db.conn.executemany("INSERT INTO telemetry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()
    return tokens


class Uploader(threading.Thread):
    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.url, self.token = url, token
        self.latencies: list[tuple[float, float]] = []  # (start, seconds)
        self.stop = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        while not self.stop.is_set():
            items = [{"id": str(uuid.uuid4()), "created_at": "2026-11-23T10:15:00Z", "text": "Više klupa u parku",
                      "language": "bs", "initiative_id": None} for _ in range(20)]
            began = time.monotonic()
            session.post(f"{self.url}/api/v1/suggestions", json={"items": items}, timeout=30).raise_for_status()
            self.latencies.append((began, time.monotonic() - began))


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) >= 2 else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--benches", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backup-bench-") as folder:
        folder = Path(folder)
        db_path = folder / "server.db"
        began = time.monotonic()
        tokens = fill(db_path, args.benches, args.days)
        print(f"filled {args.benches} benches x {args.days} days of samples in {time.monotonic() - began:.1f} s")
        with LiveServer(db_path, folder / "server.log").start() as server:
            uploader = Uploader(server.url, tokens[0])
            uploader.start()
            time.sleep(3)
            target = folder / "backup.db"
            started = time.monotonic()
            result = subprocess.run([sys.executable, "-m", "sync_server", "backup", "--db", str(db_path),
                                     "--to", str(target)], cwd=ROOT, capture_output=True, text=True)
            ended = time.monotonic()
            time.sleep(1)
            uploader.stop.set()
            uploader.join(30)
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 1
        before = [s for at, s in uploader.latencies if at < started]
        during = [s for at, s in uploader.latencies if started <= at < ended]
        size_mb = db_path.stat().st_size / 1e6
        print(result.stderr.strip())
        print(f"uploads of 20 suggestions: before the backup p50 {p(before, 50):.0f} ms p99 {p(before, 99):.0f} ms "
              f"({len(before)}), during it p50 {p(during, 50):.0f} ms p99 {p(during, 99):.0f} ms ({len(during)})")
        print(f"backup: {size_mb:.0f} MB database ({args.benches} benches x {args.days} days) in {ended - started:.1f} s "
              f"while writing, backup {target.stat().st_size / 1e6:.0f} MB; uploads during it "
              f"p99 {p(during, 99):.0f} ms (before {p(before, 99):.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
