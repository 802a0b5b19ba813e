"""10 000 benches with a power sample each: /fleet and /metrics still answer in seconds, and one
scrape holds every bench. Prints the figures (run with -s to see them)."""
from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from live_server import LiveServer
from sync_server.clock import ago_iso
from sync_server.db import open_database, transaction
from sync_server.municipalities import DEFAULT
from sync_server.services.benches import add_benches
from sync_server.services.people import add_user

from .conftest import PASSWORD, Web

BENCHES = 10_000
# Generous: this machine's two cores are shared; the point is "seconds, not minutes".
BUDGET_S = 15.0


def _cpu_s(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def big_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    folder = tmp_path_factory.mktemp("fleet-scale")
    db = open_database(folder / "server.db")
    slugs, rnd = list(DEFAULT), random.Random(6)
    try:
        add_user(db, "maint", "maintainer", PASSWORD)
        ids = [f"bench-{n:05d}" for n in range(BENCHES)]
        add_benches(db, [(bench_id, slugs[n % len(slugs)]) for n, bench_id in enumerate(ids)])
        with transaction(db):
            for bench_id in ids:
                ports = {f"USB{n}": {"state": rnd.choice(("on", "off", "off", "off", "fault")), "current_a": 0.4}
                         for n in range(1, 9)} | {"QI1": {"state": "off"}, "QI2": {"state": "on", "current_a": 0.9}}
                at = ago_iso(rnd.uniform(0, 7200))
                db.execute("INSERT INTO telemetry (bench_id, at, received_at, battery_v, soc_pct, solar_w, "
                           "charge_state, ports) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [bench_id, at, at, 12.5, rnd.uniform(5, 100), rnd.uniform(0, 60), "bulk", json.dumps(ports)])
                db.execute("UPDATE benches SET last_telemetry_at = ?, backlog = ? WHERE id = ?",
                           [at, rnd.randint(0, 20), bench_id])
    finally:
        db.close()
    with LiveServer.start_new(folder, sample=False) as server:
        yield Web(server)


def test_ten_thousand_benches(big_fleet: Web) -> None:
    session = big_fleet.session("maint")
    pid = big_fleet.server.process.pid
    figures = []
    for path in ("/fleet", "/fleet?only=alerts", "/metrics"):
        cpu, started = _cpu_s(pid), time.perf_counter()
        response = session.get(big_fleet.url + path, timeout=60)
        wall, cpu = time.perf_counter() - started, _cpu_s(pid) - cpu
        assert response.status_code == 200 and wall < BUDGET_S, (path, response.status_code, wall)
        figures.append(f"{path}: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms server CPU, "
                       f"{len(response.content) / 1e6:.2f} MB")
        if path == "/metrics":
            benches = {line.split('"')[1] for line in response.text.splitlines()
                       if line.startswith("smartbench_battery_soc_percent{")}
            assert len(benches) == BENCHES
        else:
            assert response.text.count('<tr class="') == 200  # one page, worst first
    print(f"\n{BENCHES} benches (load average {os.getloadavg()[0]:.1f}):\n  " + "\n  ".join(figures))
