"""Telemetry does not grow forever (issue 15): the server keeps a month at full resolution, then
the first sample of each hour, as the bench does; a job of the running server does it."""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sync_server.clock import iso
from sync_server.db import open_database, transaction
from sync_server.services.benches import add_bench

from .conftest import start_server, stop_server


def test_the_running_server_thins_telemetry_older_than_a_month_to_one_sample_an_hour(tmp_path: Path) -> None:
    db_path = tmp_path / "server.db"
    db = open_database(db_path)
    add_bench(db, "thin-1", "zepce")
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    old = [now - timedelta(days=40, hours=3) + timedelta(minutes=m) for m in range(180)]      # 3 hours
    recent = [now - timedelta(days=29, hours=2) + timedelta(minutes=m) for m in range(120)]   # 2 hours
    with transaction(db):
        for at in old + recent:
            db.execute("INSERT INTO telemetry (bench_id, at, received_at, soc_pct) VALUES ('thin-1', ?, ?, 50)",
                       [iso(at), iso(at)])
    os.environ["SMART_BENCH_PURGE_INTERVAL_S"] = "0.2"
    try:
        process, _ = start_server(db_path, tmp_path / "server.log")
    finally:
        del os.environ["SMART_BENCH_PURGE_INTERVAL_S"]
    try:
        kept_old: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            kept_old = [r[0] for r in db.execute("SELECT at FROM telemetry WHERE at < ? ORDER BY at",
                                                 [iso(now - timedelta(days=30))])]
            if len(kept_old) <= 3:
                break
            time.sleep(0.2)
        assert kept_old == [iso(old[0] + timedelta(hours=h)) for h in range(3)]  # the first of each hour
        younger = db.execute("SELECT count(*) FROM telemetry WHERE at >= ?", [iso(now - timedelta(days=30))])
        assert younger.fetchone()[0] == 120  # the last month untouched
    finally:
        stop_server(process)
        db.close()
