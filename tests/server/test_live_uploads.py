"""Uploads against the real server process: idempotency, bench identity, tokens."""
from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import urlparse

import requests

from sync_server.services.benches import overview, revoke_bench, rotate_token

from .helpers import ZEPCE_INITIATIVE, assert_problem, suggestion, support


def test_a_batch_sent_twice_is_stored_once_and_answered_the_same(live_server, bench):
    bench_id, headers = bench
    batch = {"items": [suggestion(), suggestion(text="Druga ideja"), suggestion(language="xx")]}
    first = requests.post(f"{live_server.url}/api/v1/suggestions", json=batch, headers=headers)
    second = requests.post(f"{live_server.url}/api/v1/suggestions", json=batch, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["accepted"] == [batch["items"][0]["id"], batch["items"][1]["id"]]
    assert first.json()["rejected"] == [{"id": batch["items"][2]["id"], "reason": "invalid_language"}]
    stored = live_server.db.execute("SELECT id FROM suggestions WHERE bench_id = ?", [bench_id]).fetchall()
    assert sorted(r[0] for r in stored) == sorted(i["id"] for i in batch["items"][:2])


def test_a_resent_id_with_other_content_keeps_the_first_version(live_server, bench):
    bench_id, headers = bench
    item = suggestion(text="Prva verzija")
    requests.post(f"{live_server.url}/api/v1/suggestions", json={"items": [item]}, headers=headers)
    again = requests.post(f"{live_server.url}/api/v1/suggestions",
                          json={"items": [dict(item, text="Druga verzija")]}, headers=headers)
    assert again.json() == {"accepted": [item["id"]], "rejected": []}
    text = live_server.db.execute("SELECT text FROM suggestions WHERE id = ?", [item["id"]]).fetchone()[0]
    assert text == "Prva verzija"


def _send_and_hang_up(url: str, path: str, body: bytes, headers: dict[str, str]) -> None:
    """Send a whole request and close the connection without reading the answer: a lost response."""
    parsed = urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
    connection.request("POST", path, body=body, headers={**headers, "Content-Type": "application/json"})
    connection.sock.close()
    connection.close()


def test_a_batch_whose_response_was_lost_is_retried_without_duplicates(live_server, bench):
    bench_id, headers = bench
    items = [suggestion() for _ in range(20)]
    supports = [support() for _ in range(5)]
    before = live_server.db.execute("SELECT support_count FROM initiatives WHERE id = ?",
                                    [ZEPCE_INITIATIVE]).fetchone()[0]
    _send_and_hang_up(live_server.url, "/api/v1/suggestions", json.dumps({"items": items}).encode(), headers)
    _send_and_hang_up(live_server.url, "/api/v1/supports", json.dumps({"items": supports}).encode(), headers)
    # The server stored the batch and its answer was lost: wait for the rows, then retry.
    deadline = time.monotonic() + 10
    stored = ("SELECT (SELECT count(*) FROM suggestions WHERE bench_id = ?1), "
              "(SELECT count(*) FROM supports WHERE bench_id = ?1)")
    while live_server.db.execute(stored, [bench_id]).fetchone() != (20, 5):
        assert time.monotonic() < deadline, "the abandoned batch was never stored"
        time.sleep(0.05)
    retried = requests.post(f"{live_server.url}/api/v1/suggestions", json={"items": items}, headers=headers)
    retried_supports = requests.post(f"{live_server.url}/api/v1/supports", json={"items": supports},
                                     headers=headers)
    assert retried.json() == {"accepted": [i["id"] for i in items], "rejected": []}
    assert retried_supports.json() == {"accepted": [s["id"] for s in supports], "rejected": []}
    count = live_server.db.execute("SELECT count(*) FROM suggestions WHERE bench_id = ?", [bench_id]).fetchone()[0]
    assert count == 20
    after = live_server.db.execute("SELECT support_count FROM initiatives WHERE id = ?",
                                   [ZEPCE_INITIATIVE]).fetchone()[0]
    assert after - before == 5
    assert live_server.db.execute("SELECT count(*) FROM supports WHERE bench_id = ?", [bench_id]).fetchone()[0] == 5


def test_the_same_batch_sent_concurrently_is_stored_once(live_server, bench):
    bench_id, headers = bench
    batch = {"items": [suggestion() for _ in range(50)]}
    answers = []

    def send() -> None:
        answers.append(requests.post(f"{live_server.url}/api/v1/suggestions", json=batch, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200] * 6
    assert all(len(a.json()["accepted"]) == 50 for a in answers)
    count = live_server.db.execute("SELECT count(*) FROM suggestions WHERE bench_id = ?", [bench_id]).fetchone()[0]
    assert count == 50


def test_bench_a_cannot_write_as_bench_b(live_server):
    bench_a, token_a = live_server.new_bench("zepce")
    bench_b, token_b = live_server.new_bench("trebinje")
    item_b = suggestion(text="Od klupe B")
    requests.post(f"{live_server.url}/api/v1/suggestions", json={"items": [item_b]},
                  headers={"Authorization": f"Bearer {token_b}"})
    # A claims to be B in the body, and re-sends B's item id with other content.
    forged = {"bench_id": bench_b, "items": [dict(suggestion(), bench_id=bench_b, municipality="trebinje"),
                                             dict(item_b, text="Prepisano od A")]}
    answer = requests.post(f"{live_server.url}/api/v1/suggestions", json=forged,
                           headers={"Authorization": f"Bearer {token_a}"})
    assert answer.status_code == 200
    assert answer.json()["rejected"] == [{"id": item_b["id"], "reason": "id_conflict"}]
    rows = dict(live_server.db.execute("SELECT id, bench_id || '/' || municipality FROM suggestions "
                                       "WHERE bench_id IN (?, ?)", [bench_a, bench_b]).fetchall())
    assert rows == {forged["items"][0]["id"]: f"{bench_a}/zepce", item_b["id"]: f"{bench_b}/trebinje"}
    text_b = live_server.db.execute("SELECT text FROM suggestions WHERE id = ?", [item_b["id"]]).fetchone()[0]
    assert text_b == "Od klupe B"


def test_a_revoked_token_gets_401_and_a_rotated_token_replaces_the_old(live_server):
    bench_id, token = live_server.new_bench()
    url = f"{live_server.url}/api/v1/initiatives"
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    revoke_bench(live_server.db, bench_id)
    refused = requests.post(f"{live_server.url}/api/v1/suggestions", json={"items": [suggestion()]},
                            headers={"Authorization": f"Bearer {token}"})
    assert_problem(refused, 401, "unauthorized")
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    new_token = rotate_token(live_server.db, bench_id)
    assert_problem(requests.get(url, headers={"Authorization": f"Bearer {token}"}), 401)
    assert requests.get(url, headers={"Authorization": f"Bearer {new_token}"}).status_code == 200
    count = live_server.db.execute("SELECT count(*) FROM suggestions WHERE bench_id = ?", [bench_id]).fetchone()[0]
    assert count == 0


def test_missing_or_unknown_tokens_get_401(live_server):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic dXNlcjpwYXNz"}):
        response = requests.post(f"{live_server.url}/api/v1/telemetry", json={"samples": []}, headers=headers)
        assert_problem(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_telemetry_samples_are_deduplicated_by_time(live_server, bench):
    bench_id, headers = bench
    samples = [{"at": "2026-11-23T10:00:00Z", "battery_v": 12.8, "soc_pct": 80, "ports": {"USB1": {"state": "on"}},
                "door": "closed"},
               {"at": "2026-11-23T11:00:00+01:00", "battery_v": 12.9},  # the same instant, other offset
               {"at": "2026-11-23T10:01:00Z", "battery_v": "high"}]
    body = {"samples": samples, "health": {"app_version": "0.1.0", "backlog": 7, "uptime_s": 3600}}
    for _ in range(2):
        answer = requests.post(f"{live_server.url}/api/v1/telemetry", json=body, headers=headers)
        assert answer.json() == {"accepted": 2, "rejected": [{"index": 2, "reason": "invalid_battery_v"}]}
    rows = live_server.db.execute("SELECT at, battery_v, extra FROM telemetry WHERE bench_id = ?",
                                  [bench_id]).fetchall()
    assert rows == [("2026-11-23T10:00:00.000000Z", 12.8, '{"door": "closed"}')]
    health_only = requests.post(f"{live_server.url}/api/v1/telemetry", json={"health": {"backlog": 7}},
                                headers=headers)
    assert health_only.json() == {"accepted": 0, "rejected": []}
    view = next(b for b in overview(live_server.db) if b["id"] == bench_id)
    assert view["last_contact_at"] and view["last_telemetry_at"]
    assert (view["backlog"], view["app_version"], view["battery_v"], view["soc_pct"]) == (7, "0.1.0", 12.8, 80)


def test_rate_limit_answers_429_with_retry_after(live_server, bench):
    _, headers = bench
    statuses = [requests.get(f"{live_server.url}/api/v1/initiatives", headers=headers) for _ in range(70)]
    limited = [r for r in statuses if r.status_code == 429]
    assert 1 <= len(limited) <= 15  # burst of 60, refilled at 2 per second
    assert_problem(limited[0], 429, "rate-limited")
    assert int(limited[0].headers["Retry-After"]) >= 1


def test_deeply_nested_telemetry_never_crashes_the_server(live_server, bench):
    _, headers = bench
    for depth in (900, 990, 2000):
        deep = '{"a":' * depth + "1" + "}" * depth
        body = ('{"samples": [{"at": "2026-11-23T10:00:00Z", "ports": %s, "x": %s}], "health": %s}'
                % (deep, deep, deep))
        response = requests.post(f"{live_server.url}/api/v1/telemetry", data=body.encode(),
                                 headers={**headers, "Content-Type": "application/json"})
        assert response.status_code in (200, 400), response.text
    assert requests.get(f"{live_server.url}/healthz").status_code == 200
