"""The application in-process: its schema, framework errors, the retention job at start."""
from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.clock import iso, utcnow
from sync_server.limits import RateLimiter
from sync_server.services.benches import add_bench
from sync_server.settings import Settings

from .helpers import assert_problem, suggestion


def test_the_schema_describes_every_bench_endpoint(db, tmp_path):
    paths = TestClient(create_app(tmp_path / "server.db")).get("/openapi.json").json()["paths"]
    assert set(paths) >= {"/api/v1/suggestions", "/api/v1/supports", "/api/v1/telemetry", "/api/v1/initiatives",
                          "/api/v1/status/{code}"}
    suggestions = paths["/api/v1/suggestions"]["post"]
    assert suggestions["requestBody"]["content"]["application/json"]["schema"]["properties"]["items"]["maxItems"] == 500
    assert {"401", "413", "415", "422", "429"} <= set(suggestions["responses"])


def test_framework_errors_are_problems_too(db, tmp_path):
    client = TestClient(create_app(tmp_path / "server.db"))
    response = client.put("/api/v1/suggestions", json={})
    assert_problem(response, 405, "method-not-allowed")
    assert "POST" in response.headers["Allow"]
    assert_problem(client.get("/api/v1/initiatives", params={"since": "x" * 65},
                              headers={"Authorization": "Bearer x"}), 422, "invalid-request")


def test_expired_contacts_are_erased_when_the_server_starts(db, tmp_path):
    add_bench(db, "b1", "zepce")
    closed = iso(utcnow() - timedelta(days=100))
    db.execute("INSERT INTO suggestions (id, bench_id, municipality, created_at, received_at, language, text, "
               "contact, state, closed_at) VALUES ('s1', 'b1', 'zepce', ?, ?, 'bs', 'x', 'a@example.org', "
               "'declined', ?)", [closed, closed, closed])
    with TestClient(create_app(tmp_path / "server.db")) as client:
        assert client.get("/healthz").status_code == 200
        contact = db.execute("SELECT contact FROM suggestions WHERE id = 's1'").fetchone()[0]
    assert contact is None


def test_the_public_status_is_rate_limited_per_client(db, tmp_path):
    settings = Settings(public_rate_per_minute=6, public_rate_burst=3)
    client = TestClient(create_app(tmp_path / "server.db", settings))
    statuses = [client.get("/api/v1/status/ZZZZ-ZZZZ").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    limited = client.get("/api/v1/status/ZZZZ-ZZZZ")
    assert_problem(limited, 429, "rate-limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 10
    # A bench sending its token is limited as that bench, not by the exhausted address.
    token = add_bench(db, "b-status", "zepce")
    with_token = client.get("/api/v1/status/ZZZZ-ZZZZ", headers={"Authorization": f"Bearer {token}"})
    assert_problem(with_token, 404, "unknown-receipt")
    assert_problem(client.get("/api/v1/status/ZZZZ-ZZZZ", headers={"Authorization": "Bearer forged"}), 429)


def test_rate_limiter_forgets_refilled_buckets_to_bound_memory():
    limiter = RateLimiter(rate_per_minute=6e6, burst=1, max_keys=100)
    for n in range(1000):
        assert limiter.acquire(f"10.0.{n // 256}.{n % 256}") == 0
    assert len(limiter) <= 100


def test_a_bench_s_last_contact_is_recorded_only_after_a_request_that_succeeded(db, tmp_path):
    token = add_bench(db, "b-contact", "zepce")
    client = TestClient(create_app(tmp_path / "server.db"))
    headers = {"Authorization": f"Bearer {token}"}

    def last_contact() -> str | None:
        return db.execute("SELECT last_contact_at FROM benches WHERE id = 'b-contact'").fetchone()[0]

    assert_problem(client.post("/api/v1/suggestions", content=b"{not json", headers=headers), 400, "malformed-json")
    assert last_contact() is None  # a refused request changes nothing
    accepted = client.post("/api/v1/suggestions", json={"items": [suggestion()]}, headers=headers)
    assert accepted.status_code == 200 and len(accepted.json()["accepted"]) == 1
    assert last_contact() is not None  # already when the answer arrives


def test_the_documented_limits_are_the_settings_of_the_app(db, tmp_path):
    settings = Settings(max_batch_items=7, max_text_chars=300, max_short_chars=50)
    client = TestClient(create_app(tmp_path / "server.db", settings))
    schema = client.get("/openapi.json").json()["paths"]["/api/v1/suggestions"]["post"]["requestBody"]
    items = schema["content"]["application/json"]["schema"]["properties"]["items"]
    assert items["maxItems"] == 7
    assert items["items"]["properties"]["text"]["maxLength"] == 300
    assert items["items"]["properties"]["contact"]["maxLength"] == 50
    token = add_bench(db, "b-limits", "zepce")
    too_many = client.post("/api/v1/suggestions", json={"items": [suggestion() for _ in range(8)]},
                           headers={"Authorization": f"Bearer {token}"})
    assert assert_problem(too_many, 413, "batch-too-long")["limit"] == 7
    long_text = suggestion(text="a" * 301)
    answer = client.post("/api/v1/suggestions", json={"items": [long_text]}, headers={"Authorization": f"Bearer {token}"})
    assert answer.json()["rejected"] == [{"id": long_text["id"], "reason": "text_too_long"}]
