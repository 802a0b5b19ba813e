"""Staged rollout on the real server: releases published, offered from the fleet page's form (one
bench, a municipality, all) by an administrator only, answered to each bench by the bench API as
its newest covering rollout, and each bench's reported update state shown on the fleet pages."""
from __future__ import annotations

import io
import zipfile

import requests

from sync_server.db import open_database
from sync_server.services import releases

from .conftest import Web, csrf


def tiny_wheel(version: str) -> bytes:
    """A wheel as far as the server looks into one: its METADATA (benches check the rest)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr(f"smart_bench-{version}.dist-info/METADATA",
                       f"Metadata-Version: 2.1\nName: smart-bench\nVersion: {version}\n")
    return buffer.getvalue()


def publish(web: Web, version: str) -> bytes:
    content = tiny_wheel(version)
    db = open_database(web.server.db_path)
    try:
        releases.publish(db, f"smart_bench-{version}-py3-none-any.whl", content, "c2lnbmF0dXJl", "stable", None)
    finally:
        db.close()
    return content


def offered(web: Web, token: str) -> str | None:
    answer = requests.get(f"{web.url}/api/v1/release", params={"channel": "stable"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["version"]


def roll_out(session: requests.Session, web: Web, **fields: str) -> requests.Response:
    page = session.get(f"{web.url}/fleet/releases", timeout=10)
    return session.post(f"{web.url}/fleet/releases", data={"csrf_token": csrf(page.text), **fields},
                        allow_redirects=False, timeout=10)


def test_rollout_by_stages_from_the_fleet_page(web: Web) -> None:
    zepce_id, zepce = web.server.add_bench("zepce")
    other_id, other = web.server.add_bench("zepce")
    trebinje_id, trebinje = web.server.add_bench("trebinje")
    first = publish(web, "7.1.0")
    publish(web, "7.2.0")
    admin, maintainer = web.session("admin"), web.session("maint")
    admin.get(f"{web.url}/fleet?lang=en", timeout=10)
    maintainer.get(f"{web.url}/fleet?lang=en", timeout=10)

    seen = maintainer.get(f"{web.url}/fleet/releases", timeout=10).text
    assert "7.1.0" in seen and "Benches per version" in seen
    assert 'action="/fleet/releases"' not in seen, "a maintainer sees releases but gets no rollout form"
    assert roll_out(maintainer, web, version="7.1.0", scope="network").status_code == 403
    assert offered(web, zepce) is None

    # Stage 1: one bench. Stage 2: its municipality. Stage 3: everyone, with a newer release.
    assert roll_out(admin, web, version="7.1.0", scope="bench", bench=zepce_id).status_code == 303
    assert (offered(web, zepce), offered(web, other), offered(web, trebinje)) == ("7.1.0", None, None)
    assert roll_out(admin, web, version="7.1.0", scope="municipality", municipality="zepce").status_code == 303
    assert (offered(web, zepce), offered(web, other), offered(web, trebinje)) == ("7.1.0", "7.1.0", None)
    assert roll_out(admin, web, version="7.2.0", scope="network").status_code == 303
    assert (offered(web, zepce), offered(web, other), offered(web, trebinje)) == ("7.2.0", "7.2.0", "7.2.0")
    rollouts = admin.get(f"{web.url}/fleet/releases", timeout=10).text.split("<h2>Rollouts</h2>")[1]
    assert rollouts.index("All benches") < rollouts.index("Žepče") < rollouts.index(zepce_id), "newest first"
    assert roll_out(admin, web, version="9.9.9", scope="network").status_code == 404  # no such release

    # The bench downloads with its token only; the bytes are the published ones.
    url = f"{web.url}/api/v1/releases/7.1.0"
    assert requests.get(url, timeout=10).status_code == 401
    download = requests.get(url, headers={"Authorization": f"Bearer {zepce}"}, timeout=10)
    assert download.status_code == 200 and download.content == first
    assert requests.get(f"{web.url}/api/v1/releases/0.0.0", headers={"Authorization": f"Bearer {zepce}"},
                        timeout=10).json()["type"].endswith("unknown-release")

    # What benches report of their update is on the fleet pages.
    health = {"app_version": "7.1.0", "update": {"state": "rolled-back", "version": "7.2.0",
                                                 "detail": "no healthy report within 900 s"}}
    answer = requests.post(f"{web.url}/api/v1/telemetry", json={"samples": [], "health": health},
                           headers={"Authorization": f"Bearer {zepce}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    fleet = admin.get(f"{web.url}/fleet", timeout=10).text
    assert "rolled back 7.2.0" in fleet
    bench = admin.get(f"{web.url}/fleet/{zepce_id}", timeout=10).text
    assert "Updates and settings" in bench and "no healthy report within 900 s" in bench
    page = admin.get(f"{web.url}/fleet/releases", timeout=10).text
    assert "Benches updating or in trouble" in page and zepce_id in page and "1 bench" in page
