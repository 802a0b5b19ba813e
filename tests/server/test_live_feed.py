"""The initiatives feed and the public receipt status, against the real server."""
from __future__ import annotations

import requests

from sync_server.services.initiatives import (create_initiative, delete_initiative, publish_initiative,
                                              unpublish_initiative)
from sync_server.services.people import SYSTEM
from sync_server.services.suggestions import decline_suggestion, merge_suggestion

from .helpers import NETWORK_INITIATIVE, TREBINJE_INITIATIVE, ZEPCE_INITIATIVE, assert_problem, suggestion


def _pull(live_server, headers, cursor=None):
    params = {} if cursor is None else {"since": cursor}
    response = requests.get(f"{live_server.url}/api/v1/initiatives", params=params, headers=headers)
    assert response.status_code == 200
    return response.json()


def test_feed_shows_the_benchs_municipality_and_network_wide_initiatives(live_server, bench):
    _, headers = bench
    first = _pull(live_server, headers)
    ids = {item["id"] for item in first["items"]}
    assert {ZEPCE_INITIATIVE, NETWORK_INITIATIVE} <= ids
    assert TREBINJE_INITIATIVE not in ids
    zepce = next(item for item in first["items"] if item["id"] == ZEPCE_INITIATIVE)
    assert zepce["municipality"] == "zepce" and zepce["status"] == "published"
    assert set(zepce["texts"]) == {"bs", "en"} and zepce["texts"]["bs"]["title"].startswith("[PRIMJER]")
    assert first["full"] is True and first["deleted"] == []


def test_feed_cursor_returns_only_changes_and_deletions(live_server, bench):
    _, headers = bench
    cursor = _pull(live_server, headers)["cursor"]
    assert _pull(live_server, headers, cursor)["items"] == []
    new_id = create_initiative(live_server.db, SYSTEM, municipality="Žepče", original_language="bs",
                               texts={"bs": {"title": "Nova česma", "summary": "Voda u parku"},
                                      "sr": {"title": "Нова чесма"}})
    assert _pull(live_server, headers, cursor)["items"] == []  # a draft is not visible
    publish_initiative(live_server.db, SYSTEM, new_id)
    other = create_initiative(live_server.db, SYSTEM, municipality="ravno", original_language="hr",
                              texts={"hr": {"title": "Drugdje"}})
    publish_initiative(live_server.db, SYSTEM, other)
    changed = _pull(live_server, headers, cursor)
    assert [item["id"] for item in changed["items"]] == [new_id]
    assert changed["items"][0]["texts"]["sr"]["title"] == "Нова чесма"
    assert changed["full"] is False
    cursor = changed["cursor"]
    unpublish_initiative(live_server.db, SYSTEM, new_id)
    gone = _pull(live_server, headers, cursor)
    assert gone["items"] == [] and gone["deleted"] == [new_id]
    publish_initiative(live_server.db, SYSTEM, new_id)
    delete_initiative(live_server.db, SYSTEM, new_id)
    assert _pull(live_server, headers, gone["cursor"])["deleted"] == [new_id]
    assert new_id not in {item["id"] for item in _pull(live_server, headers)["items"]}


def test_a_cursor_from_the_future_starts_over_with_everything(live_server, bench):
    _, headers = bench
    from sync_server.api_bench import encode_cursor

    answer = _pull(live_server, headers, encode_cursor(10**9))
    assert answer["full"] is True and ZEPCE_INITIATIVE in {item["id"] for item in answer["items"]}


def test_supports_raise_the_count_benches_pull(live_server, bench):
    _, headers = bench
    cursor = _pull(live_server, headers)["cursor"]
    before = next(i for i in _pull(live_server, headers)["items"] if i["id"] == ZEPCE_INITIATIVE)["support_count"]
    taps = {"items": [{"id": "0193f1c2-0000-7000-8000-%012d" % n, "created_at": "2026-11-23T10:00:00Z",
                       "initiative_id": ZEPCE_INITIATIVE} for n in range(3)]
            + [{"id": "0193f1c2-0000-7000-8000-999999999999", "created_at": "2026-11-23T10:00:00Z",
                "initiative_id": TREBINJE_INITIATIVE}]}
    answer = requests.post(f"{live_server.url}/api/v1/supports", json=taps, headers=headers).json()
    assert len(answer["accepted"]) == 3
    assert answer["rejected"] == [{"id": "0193f1c2-0000-7000-8000-999999999999", "reason": "unknown_initiative"}]
    changed = _pull(live_server, headers, cursor)["items"]
    assert [(i["id"], i["support_count"]) for i in changed] == [(ZEPCE_INITIATIVE, before + 3)]


def test_status_by_receipt_is_public_and_tells_what_became_of_it(live_server, bench):
    _, headers = bench
    declined = suggestion(receipt="k7m2q9xd", contact="ana@example.org", contact_consent=True)
    merged = suggestion(receipt="AB12-CD34")
    requests.post(f"{live_server.url}/api/v1/suggestions", json={"items": [declined, merged]}, headers=headers)
    status = requests.get(f"{live_server.url}/api/v1/status/K7M2-Q9XD")
    assert status.status_code == 200
    assert status.json()["state"] == "received" and status.json()["receipt"] == "K7M2-Q9XD"
    decline_suggestion(live_server.db, SYSTEM, declined["id"], "Already planned by the municipality")
    merge_suggestion(live_server.db, SYSTEM, merged["id"], ZEPCE_INITIATIVE, note="Joined to the bins initiative")
    body = requests.get(f"{live_server.url}/api/v1/status/k7m2q9xd").json()
    assert body["state"] == "declined" and body["decline_reason"] == "Already planned by the municipality"
    assert [h["state"] for h in body["history"]] == ["received", "declined"]
    assert "ana@example.org" not in requests.get(f"{live_server.url}/api/v1/status/k7m2q9xd").text
    merged_status = requests.get(f"{live_server.url}/api/v1/status/ab12cd34").json()
    assert merged_status["state"] == "merged" and merged_status["initiative"]["id"] == ZEPCE_INITIATIVE
    assert merged_status["history"][-1]["note"] == "Joined to the bins initiative"


def test_unknown_receipt_codes_are_404_problems(live_server):
    for code in ("ZZZZ-ZZZZ", "not-a-code", "Ü" * 5):
        assert_problem(requests.get(f"{live_server.url}/api/v1/status/{code}"), 404, "unknown-receipt")
