"""A bench cannot pump an initiative's support count (issue 15, "holding under attack"): supports
per bench and initiative are capped per hour (SMART_BENCH_MAX_SUPPORTS_PER_HOUR, default 120); the
excess is rejected item by item, and what was stored before the cap stays accepted on replay."""
from __future__ import annotations

import requests

from sync_server.settings import Settings

from .conftest import LiveServer
from .helpers import NETWORK_INITIATIVE, ZEPCE_INITIATIVE, support

CAP = Settings().max_supports_per_hour


def count(live_server: LiveServer, initiative_id: str) -> int:
    return live_server.db.execute("SELECT support_count FROM initiatives WHERE id = ?", [initiative_id]).fetchone()[0]


def test_one_request_of_500_supports_raises_the_count_by_the_cap_only(live_server: LiveServer, bench) -> None:
    _, headers = bench
    before, other_before = count(live_server, ZEPCE_INITIATIVE), count(live_server, NETWORK_INITIATIVE)
    items = [support() for _ in range(500)]
    answer = requests.post(f"{live_server.url}/api/v1/supports", json={"items": items}, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == [item["id"] for item in items[:CAP]]
    assert body["rejected"] == [{"id": item["id"], "reason": "too_many_supports"} for item in items[CAP:]]
    assert count(live_server, ZEPCE_INITIATIVE) == before + CAP

    # Later requests of the same hour add nothing more; another initiative has its own cap, and
    # a replay of what was stored is still answered as accepted.
    more = requests.post(f"{live_server.url}/api/v1/supports", headers=headers, timeout=30, json={
        "items": [support(), support(NETWORK_INITIATIVE), items[0]]}).json()
    assert [r["reason"] for r in more["rejected"]] == ["too_many_supports"]
    assert len(more["accepted"]) == 2 and items[0]["id"] in more["accepted"]
    assert count(live_server, ZEPCE_INITIATIVE) == before + CAP
    assert count(live_server, NETWORK_INITIATIVE) == other_before + 1


def test_the_cap_is_per_bench(live_server: LiveServer, bench) -> None:
    _, headers = bench
    _, other_token = live_server.new_bench()
    before = count(live_server, ZEPCE_INITIATIVE)
    for auth in (headers, {"Authorization": f"Bearer {other_token}"}):
        answer = requests.post(f"{live_server.url}/api/v1/supports", headers=auth, timeout=30,
                               json={"items": [support() for _ in range(CAP + 1)]})
        assert len(answer.json()["accepted"]) == CAP
    assert count(live_server, ZEPCE_INITIATIVE) == before + 2 * CAP
