"""A bench's "I'll join" taps travel like supports: the sync round pulls an action's events and the
municipality's response, pushes the joins (idempotently) and pulls the new count back."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from live_server import LiveServer

from kiosk.composition import run_sync_once
from kiosk.core.config import Config
from kiosk.core.store import BenchStore
from sync_server.db import open_database
from sync_server.services.actions import add_event
from sync_server.services.answers import post_response
from sync_server.services.people import add_user

BIKES = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"  # sample, Trebinje, in progress


def test_joins_go_up_and_the_count_comes_back(server: LiveServer, tmp_path: Path) -> None:
    db = open_database(server.db_path)
    try:
        add_user(db, "mod-sync", "moderator", "a long password", ["trebinje"])
        add_user(db, "off-sync", "official", "a long password", ["trebinje"])
        event = add_event(db, "mod-sync", BIKES, place="Платани",
                          starts_at_local=(datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
        post_response(db, "off-sync", BIKES, decision="under_study", decided_on="2026-12-01", texts={"sr": "Разматра се."})
    finally:
        db.close()
    bench_id, token = server.add_bench("trebinje")
    config = Config(bench_id=bench_id, municipality="trebinje", server_url=server.url, token=token, data_dir=tmp_path)
    assert run_sync_once(config) == 0
    with BenchStore(config.store_path) as store:
        initiative = store.initiative(BIKES)
        assert initiative["official_response"]["decision"] == "under_study"
        assert [(e["id"], e["join_count"]) for e in initiative["events"]] == [(event, 0)]
        store.add_join(event)
        assert store.backlog()["joins"] == 1
    assert run_sync_once(config) == 0
    with BenchStore(config.store_path) as store:
        assert store.backlog()["joins"] == 0 and store.pending_joins() == {}
        assert store.initiative(BIKES)["events"][0]["join_count"] == 1
    assert server.rows("SELECT bench_id FROM event_joins WHERE event_id = ?", [event]) == [(bench_id,)]
