"""Remote settings end to end: an administrator changes the idle timeout on the real fleet page
(HTTP with its CSRF form, on a real server process), the bench's next sync round brings it to the
running kiosk window, whose idle warning then comes at the new time; a value the bench cannot use
is refused by the bench, never applied, and shown on the fleet pages."""
from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from live_server import LiveServer  # noqa: E402

from kiosk.core.remote_settings import RemoteSettings  # noqa: E402
from kiosk.core.store import BenchStore  # noqa: E402
from kiosk.core.sync import SyncClient  # noqa: E402
from sync_server.db import open_database  # noqa: E402
from sync_server.services.people import add_user  # noqa: E402

PASSWORD = "correct horse battery"


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def admin_session(url: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{url}/login", params={"lang": "en"}, timeout=10)  # the pages in English from here on
    answer = session.post(f"{url}/login", data={"username": "admin", "password": PASSWORD,
                                                "csrf_token": csrf(page.text)}, allow_redirects=False, timeout=10)
    assert answer.status_code == 303, answer.text[:300]
    return session


def save_layer(session: requests.Session, url: str, **fields: str) -> requests.Response:
    """Fill in the Mostar layer's form as an administrator would, and send it."""
    page = session.get(f"{url}/fleet/settings", params={"scope": "municipality", "target": "mostar"}, timeout=10)
    assert page.status_code == 200 and "Settings of Mostar" in page.text
    return session.post(f"{url}/fleet/settings", data={"csrf_token": csrf(page.text), "scope": "municipality",
                                                       "target": "mostar", **fields}, timeout=10)


@pytest.fixture
def server(tmp_path: Path):
    folder = tmp_path / "server"
    folder.mkdir()
    db = open_database(folder / "server.db")
    try:
        add_user(db, "admin", "admin", PASSWORD)
    finally:
        db.close()
    with LiveServer.start_new(folder) as live:
        yield live


def test_idle_timeout_set_on_the_fleet_page_reaches_the_kiosk(kiosk, server: LiveServer, tmp_path: Path) -> None:
    app, original = kiosk.app, kiosk.app.config_
    bench_id, token = server.add_bench("mostar")
    config = replace(original, bench_id=bench_id, server_url=server.url, token=token, data_dir=tmp_path / "bench")
    remote = RemoteSettings(config)
    client = SyncClient(config, remote_settings=remote)
    app.follow(remote)
    admin = admin_session(server.url)
    try:
        with BenchStore(config.store_path) as store:
            assert app.idle.timeout_s == 90
            saved = save_layer(admin, server.url, idle_timeout_s="45")
            assert saved.status_code == 200 and "idle_timeout_s = 45" in saved.text

            client.run_once(store)  # the bench's next sync round
            kiosk.frames(2)  # the new Config reaches the UI thread through the Clock
            assert app.idle.timeout_s == 45 and remote.version > 0
            kiosk.start("bs")
            kiosk.wait(42, step=1.0)
            assert not app.idle.warning, "no warning before the new timeout"
            kiosk.wait(4, step=0.5)
            assert app.idle.warning, "the warning comes at 45 s, no longer at 90 s"
            kiosk.tap_at(10, 10)
            app.reset_session()

            # A number, so the server stores it; too short a timeout for a visitor, so the bench refuses it.
            assert save_layer(admin, server.url, idle_timeout_s="5").status_code == 200
            refused_version = remote.version + 1
            client.run_once(store)  # pulls the bad version and refuses it
            client.run_once(store)  # its health report tells the server
            kiosk.frames(2)
            assert app.idle.timeout_s == 45 and remote.version == refused_version - 1
            reason = "idle_timeout_s: must be between 30 and 3600 s, got 5"
            page = admin.get(f"{server.url}/fleet/settings", params={"lang": "en"}, timeout=10).text
            assert "Refused by benches" in page and bench_id in page
            assert f"version {refused_version} refused" in page and reason in page
            bench_page = admin.get(f"{server.url}/fleet/{bench_id}", timeout=10).text
            assert f"version {refused_version - 1} applied" in bench_page and reason in bench_page
            fleet = admin.get(f"{server.url}/fleet", timeout=10).text
            assert f"version {refused_version} refused" in fleet

            # Not a number at all: the page says which field, and nothing is saved.
            wrong = save_layer(admin, server.url, idle_timeout_s="soon")
            assert wrong.status_code == 422
            assert "Not a value of the right kind: idle_timeout_s. Nothing was saved." in wrong.text
            assert server.rows("SELECT max(version) FROM remote_settings") == [(refused_version,)]
    finally:
        app.apply_config(original)
        kiosk.frames(2)
