"""The fleet read from the database: the latest sample per bench, the true last contact, and
ports as odd as a broken bench may send them."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sync_server.clock import iso, utcnow
from sync_server.db import Database, open_database
from sync_server.services import fleet
from sync_server.services.benches import add_bench, bench_for_token, revoke_bench
from sync_server.services.telemetry import ingest_telemetry


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "server.db")
    yield database
    database.close()


def test_each_bench_gets_its_newest_sample_and_the_newer_of_its_contact_times(db: Database) -> None:
    token = add_bench(db, "zepce-01", "zepce")
    add_bench(db, "mostar-01", "mostar")
    now = utcnow()
    samples = [{"at": iso(now - timedelta(minutes=m)), "soc_pct": 90.0 - m, "ports": {"USB1": {"state": "ON"}}}
               for m in (5, 1, 3)]  # sent out of order
    ingest_telemetry(db, bench_for_token(db, token), samples, {"backlog": 4, "uptime_s": 60})
    db.execute("UPDATE benches SET last_contact_at = ? WHERE id = 'zepce-01'", [iso(now - timedelta(hours=1))])
    states = {state.id: state for state in fleet.benches(db)}
    zepce = states["zepce-01"]
    assert zepce.sample.soc_pct == 89.0 and zepce.sample.ports == {"USB1": fleet.Port("on", None)}
    assert (now - zepce.last_contact_at) < timedelta(seconds=30)  # the upload, not the stale column
    assert zepce.backlog == 4 and zepce.health["uptime_s"] == 60
    assert states["mostar-01"].sample is None and states["mostar-01"].last_contact_at is None
    assert [s.soc_pct for s in fleet.samples_since(db, "zepce-01", now - timedelta(minutes=4))] == [87.0, 89.0]
    revoke_bench(db, "mostar-01")
    assert fleet.bench(db, "mostar-01").revoked and fleet.bench(db, "nope") is None


def test_odd_ports_are_skipped_and_capped() -> None:
    raw = ('{"USB1": {"state": "fault", "current_a": "a lot"}, "USB2": "on", "USB3": {"current_a": 1}, '
           + ", ".join(f'"P{n}": {{"state": "on", "current_a": 0.1}}' for n in range(40)) + "}")
    ports = fleet.parse_ports(raw)
    assert ports["USB1"] == fleet.Port("fault", None)
    assert "USB2" not in ports and "USB3" not in ports
    assert len(ports) == fleet.MAX_PORTS
    assert fleet.parse_ports("[1, 2]") == {} and fleet.parse_ports("{not json") == {}
