"""Fixtures for the web pages: one real server process on loopback (with sample initiatives, one
user per role and benches), a headless Chromium, and the screenshot folder.

The fleet tests use the same fixtures; `people` names every account by its role."""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from live_server import LiveServer  # noqa: E402

from sync_server.db import open_database  # noqa: E402
from sync_server.services.people import add_user  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
PASSWORD = "correct horse battery"
# username -> (role, municipalities)
PEOPLE = {
    "admin": ("admin", ()),
    "mod-zepce": ("moderator", ("zepce",)),
    "mod-trebinje": ("moderator", ("trebinje",)),
    # issue #12's browser tests, each in a municipality of its own so the totals they read are theirs
    "mod-prijedor": ("moderator", ("prijedor",)),
    "mod-mostar": ("moderator", ("mostar",)),
    "mod-jablanica": ("moderator", ("jablanica",)),
    "maint": ("maintainer", ()),
    # issue #11: the municipality answers (Trebinje has the sample action, Žepče tries to reach it)
    "official-trebinje": ("official", ("trebinje",)),
    "official-zepce": ("official", ("zepce",)),
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
# The servers of these tests take a form filled in after FILL_S (the default is 3 s), and many
# ideas and supports from one address (the limits have tests of their own).
FILL_S = 1.0
FAST_FORMS = {"SMART_BENCH_SUGGEST_MIN_FILL_S": str(FILL_S), "SMART_BENCH_WEB_IDEAS_BURST": "100000",
              "SMART_BENCH_WEB_SUPPORTS_BURST": "100000", "SMART_BENCH_PUBLIC_RATE_BURST": "100000"}
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class Web:
    server: LiveServer
    benches: dict[str, tuple[str, str]] = field(default_factory=dict)  # municipality -> (id, token)

    @property
    def url(self) -> str:
        return self.server.url

    def bench(self, municipality: str = "zepce") -> tuple[str, str]:
        if municipality not in self.benches:
            self.benches[municipality] = self.server.add_bench(municipality)
        return self.benches[municipality]

    def session(self, username: str | None) -> requests.Session:
        """A logged-in HTTP session (or an anonymous one)."""
        session = requests.Session()
        if username:
            page = session.get(f"{self.url}/login")
            response = session.post(f"{self.url}/login", data={
                "username": username, "password": PASSWORD, "csrf_token": csrf(page.text)}, allow_redirects=False)
            assert response.status_code == 303, response.text[:500]
        return session


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def add_people(db_path: Path) -> None:
    """One account per entry of PEOPLE, all with PASSWORD, in the server database at ``db_path``."""
    db = open_database(db_path)
    try:
        for username, (role, scope) in PEOPLE.items():
            add_user(db, username, role, PASSWORD, scope)
    finally:
        db.close()


@pytest.fixture(scope="session")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    folder = tmp_path_factory.mktemp("web")
    add_people(folder / "server.db")
    with LiveServer.start_new(folder, env=FAST_FORMS) as server:
        yield Web(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
