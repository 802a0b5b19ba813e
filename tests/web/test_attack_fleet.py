"""Attacks on the fleet pages through what benches send (issue 15, "holding under attack"): a sample
dated far in the future, refused by the API and harmless when already stored, and a health report
with a long key that must not make a bench's page wider than a phone."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

from .browser import assert_clean, login, open_page
from .conftest import Web


def _sample(at: datetime | str, soc: float) -> dict:
    return {"at": at if isinstance(at, str) else at.isoformat(), "battery_v": 11.6, "soc_pct": soc,
            "charge_state": "bulk", "error": None, "load_on": True,
            "ports": {"USB1": {"state": "fault", "current_a": None}}}


def _post(web: Web, token: str, body: dict) -> requests.Response:
    return requests.post(f"{web.url}/api/v1/telemetry", json=body, headers={"Authorization": f"Bearer {token}"},
                         timeout=10)


def test_a_sample_dated_ahead_of_the_server_clock_is_rejected_alone(web: Web) -> None:
    bench_id, token = web.server.add_bench("nevesinje")
    now = datetime.now(timezone.utc)
    batch = [_sample(now - timedelta(minutes=1), 60), _sample("9999-12-31T23:59:59Z", 90),
             _sample(now + timedelta(minutes=11), 90), _sample(now + timedelta(minutes=9), 61)]
    response = _post(web, token, {"samples": batch})
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 2, "rejected": [{"index": 1, "reason": "invalid_at"},
                                                           {"index": 2, "reason": "invalid_at"}]}
    stored = web.server.rows("SELECT soc_pct FROM telemetry WHERE bench_id = ? ORDER BY at", [bench_id])
    assert stored == [(60.0,), (61.0,)]


def test_a_future_sample_already_stored_breaks_no_page_and_hides_no_alert(web: Web) -> None:
    """Stored before the API refused such samples: the bench's page answers, and the real latest
    sample (low battery, port fault) is what the fleet, the bench page and /metrics show."""
    bench_id, token = web.server.add_bench("nevesinje")
    assert _post(web, token, {"samples": [_sample(datetime.now(timezone.utc) - timedelta(minutes=2), 12)]}
                 ).status_code == 200
    with sqlite3.connect(web.server.db_path, timeout=10) as conn:  # as an older server stored it
        conn.execute("INSERT INTO telemetry (bench_id, at, received_at, soc_pct, battery_v, ports) "
                     "VALUES (?, '9999-12-31T23:59:59.000000Z', '2026-01-01T00:00:00.000000Z', 95, 13.1, '{}')",
                     [bench_id])
    session = web.session("maint")
    page = session.get(f"{web.url}/fleet/{bench_id}?lang=en", timeout=30)
    assert page.status_code == 200, page.text[-2000:]
    assert "Battery low: 12 %" in page.text and "Port fault: USB1" in page.text
    fleet = session.get(f"{web.url}/fleet?municipality=nevesinje&lang=en", timeout=30).text
    row = fleet[fleet.index(f'href="/fleet/{bench_id}"'):][:3000]
    assert "Battery low: 12 %" in row
    metrics = session.get(f"{web.url}/metrics", timeout=30).text
    assert f'smartbench_alert{{bench="{bench_id}",municipality="nevesinje",kind="low_battery"}} 1' in metrics
    assert f'smartbench_battery_soc_percent{{bench="{bench_id}",municipality="nevesinje"}} 12' in metrics


def test_a_bench_page_with_a_long_health_key_fits_a_phone(web: Web, browser, artifacts: Path) -> None:
    bench_id, token = web.server.add_bench("nevesinje")
    health = {"app_version": "0.1.0", "x" * 400: "y" * 400, "long-value": "z" * 2000}
    assert _post(web, token, {"samples": [_sample(datetime.now(timezone.utc), 70)], "health": health}
                 ).status_code == 200
    with open_page(browser, phone=True, locale="en") as (page, watch):
        login(page, web.url, "maint")
        page.wait_for_url("**/fleet")
        page.goto(f"{web.url}/fleet/{bench_id}")
        assert page.locator("h1").inner_text() == f"Bench {bench_id}"
        page.screenshot(path=str(artifacts / "fleet-bench-long-health-key-phone.png"), full_page=True)
        assert_clean(page, watch, "bench page with a long health key")
        page.goto(f"{web.url}/fleet")
        assert_clean(page, watch, "fleet with a long health key")
