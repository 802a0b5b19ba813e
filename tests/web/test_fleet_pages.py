"""The fleet pages and /metrics on the real server: who may open them, and what a maintainer sees
in headless Chromium when a bench posting through the real API reports a port fault and then goes
silent. The server runs with a silent threshold of 6 s (SMART_BENCH_SILENT_MINUTES) so the test
does not wait half an hour."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from live_server import LiveServer

from .conftest import DESKTOP, PASSWORD, PHONE, Web, add_people

SILENT_S = 6.0
METRICS_TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture(scope="module")
def fleet_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    folder = tmp_path_factory.mktemp("fleet")
    add_people(folder / "server.db")
    env = {"SMART_BENCH_SILENT_MINUTES": str(SILENT_S / 60), "SMART_BENCH_METRICS_TOKEN": METRICS_TOKEN}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)  # the server subprocess inherits them
    try:
        server = LiveServer.start_new(folder)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key)
            else:
                os.environ[key] = value
    with server:
        yield Web(server)


def post_telemetry(web: Web, token: str, samples: list[dict], health: dict | None = None) -> None:
    response = requests.post(f"{web.url}/api/v1/telemetry", json={"samples": samples, "health": health},
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200 and response.json()["accepted"] == len(samples), response.text


def sample(at: datetime, soc: float = 78.0, fault: str | None = None, solar_w: float = 42.0) -> dict:
    ports = {f"USB{n}": {"state": "on" if n <= 2 else "off", "current_a": 0.45 if n <= 2 else 0.0}
             for n in range(1, 9)}
    if fault:
        ports[fault] = {"state": "fault", "current_a": None}
    return {"at": at.isoformat(), "battery_v": 12.1 + soc / 100, "battery_a": 1.2, "solar_v": 18.4,
            "solar_w": solar_w, "soc_pct": soc, "charge_state": "bulk", "error": None, "load_on": True,
            "ports": ports}


# --- who may look ---------------------------------------------------------------------------------

WHO = ("anonymous", "bench token", "moderator", "maintainer", "admin")
# (who, path kind) -> expected status; 303 is the way to the login page.
EXPECTED = {
    "anonymous": {"page": 303, "metrics": 401},
    "bench token": {"page": 303, "metrics": 401},
    "moderator": {"page": 403, "metrics": 401},
    "maintainer": {"page": 200, "metrics": 200},
    "admin": {"page": 200, "metrics": 200},
}
ACCOUNTS = {"moderator": "mod-zepce", "maintainer": "maint", "admin": "admin"}


@pytest.mark.parametrize("who", WHO)
def test_only_maintainers_and_admins_open_the_fleet_and_metrics(fleet_web: Web, who: str) -> None:
    bench_id, token = fleet_web.bench("mostar")
    session = fleet_web.session(ACCOUNTS.get(who))
    if who == "bench token":
        session.headers["Authorization"] = f"Bearer {token}"
    for path, kind in (("/fleet", "page"), (f"/fleet/{bench_id}", "page"), ("/metrics", "metrics")):
        response = session.get(fleet_web.url + path, allow_redirects=False, timeout=30)
        assert response.status_code == EXPECTED[who][kind], (who, path)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login?next=/fleet")
        if response.status_code == 401:
            assert response.headers["www-authenticate"] == 'Bearer realm="metrics"'
            assert "smartbench_" not in response.text


def test_prometheus_reads_metrics_with_the_metrics_token_only(fleet_web: Web) -> None:
    def get(token: str) -> requests.Response:
        return requests.get(f"{fleet_web.url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30)

    response = get(METRICS_TOKEN)  # requests asks for gzip, as Prometheus does
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE smartbench_benches gauge" in response.text
    assert get(METRICS_TOKEN[:-1] + "x").status_code == 401
    # The metrics token opens nothing else.
    fleet = requests.get(f"{fleet_web.url}/fleet", headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
                         allow_redirects=False, timeout=30)
    assert fleet.status_code == 303


def test_an_unknown_bench_is_404(fleet_web: Web) -> None:
    response = fleet_web.session("maint").get(f"{fleet_web.url}/fleet/no-such-bench", timeout=30)
    assert response.status_code == 404


def test_what_a_bench_sends_is_shown_as_text_never_as_markup(fleet_web: Web) -> None:
    bench_id, token = fleet_web.server.add_bench("ravno")
    evil = '<script>alert("x")</script>'
    post_telemetry(fleet_web, token, [{**sample(datetime.now(timezone.utc)), "error": evil,
                                       "ports": {evil: {"state": "fault"}}}], {"last_error": evil})
    session = fleet_web.session("maint")
    for path in ("/fleet?municipality=ravno", f"/fleet/{bench_id}"):
        html = session.get(fleet_web.url + path, timeout=30).text
        assert evil not in html and "&lt;script&gt;" in html, path


# --- what a maintainer sees -------------------------------------------------------------------------

def test_a_bench_with_a_port_fault_then_silent_shows_both_alerts(fleet_web: Web, browser, artifacts: Path) -> None:
    bench_id, token = fleet_web.server.add_bench("zepce")
    now = datetime.now(timezone.utc)
    # A day and a half of history every 10 minutes, with the bench off the network for 5 hours.
    history = [sample(now - timedelta(minutes=m), soc=40 + 35 * ((m // 60) % 12) / 12, solar_w=(m // 30) % 50)
               for m in range(2160, 0, -10) if not 600 <= m <= 900]
    for chunk in range(0, len(history), 500):
        post_telemetry(fleet_web, token, history[chunk:chunk + 500])
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{fleet_web.url}/login?next=/fleet")
    page.fill("#username", "maint")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/fleet")

    post_telemetry(fleet_web, token, [sample(datetime.now(timezone.utc), fault="USB3")],
                   {"app_version": "0.1.0", "backlog": 7, "uptime_s": 93_600, "store_bytes": 3_500_000})
    posted = time.monotonic()
    page.goto(f"{fleet_web.url}/fleet")
    row = page.locator("tr", has=page.locator(f"a[href='/fleet/{bench_id}']"))
    assert row.locator(".alert.port_fault").inner_text() == "Port fault: USB3"
    assert row.locator(".alert.silent").count() == 0, "silent before the threshold"
    assert time.monotonic() - posted < SILENT_S, "too slow to see the bench before the threshold"
    page.screenshot(path=str(artifacts / "fleet-port-fault.png"), full_page=True)

    time.sleep(max(0.0, posted + SILENT_S + 1.5 - time.monotonic()))
    page.reload()
    row = page.locator("tr", has=page.locator(f"a[href='/fleet/{bench_id}']"))
    assert "No contact since" in row.locator(".alert.silent").inner_text()
    assert row.locator(".alert.port_fault").count() == 1
    assert row.get_attribute("class") == "critical"
    page.screenshot(path=str(artifacts / "fleet-silent-desktop.png"), full_page=True)

    page.click(f"a[href='/fleet/{bench_id}']")
    page.wait_for_url(f"**/fleet/{bench_id}")
    assert page.locator("svg.fleet-chart").count() == 8
    assert page.locator("svg.fleet-chart rect.gap").count() >= 2  # the five-hour outage, in both periods
    assert page.locator(".fleet-ports tr.port-fault td").first.inner_text() == "USB3"
    assert "7" in page.locator(".fleet-facts dd").nth(7).inner_text()  # backlog in the health card
    fault_episode = page.locator(".fleet-history tr", has_text="Port fault: USB3")
    assert fault_episode.count() == 1 and "still active" in fault_episode.inner_text()
    page.screenshot(path=str(artifacts / "fleet-bench-desktop.png"), full_page=True)

    phone = browser.new_context(viewport=PHONE, storage_state=context.storage_state())
    phone_page = phone.new_page()
    phone_page.goto(f"{fleet_web.url}/fleet")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone_page.screenshot(path=str(artifacts / "fleet-silent-phone.png"), full_page=True)
    phone_page.goto(f"{fleet_web.url}/fleet/{bench_id}")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone_page.screenshot(path=str(artifacts / "fleet-bench-phone.png"), full_page=True)

    # The bench comes back with its port repaired: both alerts clear.
    post_telemetry(fleet_web, token, [sample(datetime.now(timezone.utc))])
    page.goto(f"{fleet_web.url}/fleet")
    row = page.locator("tr", has=page.locator(f"a[href='/fleet/{bench_id}']"))
    assert row.locator(".alert").count() == 0

    # In Serbian the charts speak Serbian too (they are drawn on the server in the page's language).
    page.goto(f"{fleet_web.url}/fleet/{bench_id}?lang=sr")
    assert page.locator("svg.fleet-chart title").first.text_content() == "Напуњеност батерије"
    page.screenshot(path=str(artifacts / "fleet-bench-sr.png"), full_page=True)
    phone.close()
    context.close()


def test_a_benchs_page_shows_its_plan_for_tonight_and_the_devices_it_charged(fleet_web: Web) -> None:
    bench_id, token = fleet_web.server.add_bench("nevesinje")
    start = datetime.now(timezone.utc) - timedelta(hours=2)
    samples = []
    for minute in range(0, 120, 5):  # USB1: two phones of 50 minutes at 1 A; USB2 idle all along
        busy = 10 <= minute < 60 or 70 <= minute < 120
        ports = {"USB1": {"state": "on", "current_a": 1.0 if busy else 0.0}, "USB2": {"state": "on", "current_a": 0.0}}
        samples.append({**sample(start + timedelta(minutes=minute)), "ports": ports})
    plan = {"rung": 6, "rung_name": "night_hibernation", "reason": "short_forecast", "soc_pct": 47.5,
            "days_of_autonomy": 2.3, "harvest_tomorrow_wh": 61, "need_tonight_wh": 40, "capacity_ah": 71.5,
            "rated_ah": 100.0}
    post_telemetry(fleet_web, token, samples, {"energy_plan": plan})
    html = fleet_web.session("maint").get(f"{fleet_web.url}/fleet/{bench_id}?lang=en", timeout=30).text
    assert "Tonight&#39;s plan" in html or "Tonight's plan" in html
    assert "6 · night_hibernation (short_forecast)" in html and "2.3" in html and "61 Wh" in html
    assert "72 / 100 Ah" in html and "The battery has lost capacity: plan its replacement" in html
    # 2 sessions; 20 samples at 1 A, each standing for the 5 minutes before it, at 5 V: 8.3 Wh.
    assert "2 devices charged in the last 7 days · 8 Wh" in html
    assert "<td>USB1</td><td>2</td><td>8.3 Wh</td>" in html and "<td>USB2</td><td>0</td><td>0.0 Wh</td>" in html
    overview = fleet_web.session("maint").get(f"{fleet_web.url}/fleet?municipality=nevesinje&lang=en", timeout=30).text
    assert "night_hibernation" in overview and "Days of autonomy: 2.3" in overview
    serbian = fleet_web.session("maint").get(f"{fleet_web.url}/fleet/{bench_id}?lang=sr", timeout=30).text
    assert "2 уређаја напуњена у посљедњих 7 дана" in serbian and "План за ноћас" in serbian
