"""Who may open what: every page and action tried as anonymous, as a bench (its bearer token means
nothing to web pages), as a moderator of another municipality, a maintainer, an administrator and
the municipality's own moderator. Table-driven: a new page adds its rows to ROWS."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests

from sync_server.settings import Settings
from tests.web.conftest import Web, csrf
from tests.web.helpers import bench_suggestion

ZEPCE_INITIATIVE = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"
ACTORS = ("anonymous", "bench", "mod-trebinje", "maint", "admin", "mod-zepce")
OK, LOGIN, DENY = "ok", "login", "deny"


@dataclass(frozen=True)
class Row:
    method: str
    path: str            # {sid}: a fresh Žepče suggestion; {iid}: a Žepče initiative
    expect: dict[str, str]
    data: tuple[tuple[str, str], ...] = ()


def staff(anonymous: str = LOGIN, **roles: str) -> dict[str, str]:
    """Anonymous browsers and benches go to the login page; the rest as given."""
    return {"anonymous": anonymous, "bench": anonymous, **roles}


MODERATORS = staff(**{"mod-trebinje": DENY, "maint": DENY, "admin": OK, "mod-zepce": OK})
PUBLIC = {actor: OK for actor in ACTORS}
ROWS: list[Row] = [
    Row("GET", "/", PUBLIC),
    Row("GET", "/join", PUBLIC),
    Row("GET", f"/i/{ZEPCE_INITIATIVE}", PUBLIC),
    Row("GET", "/moderation", staff(**{"mod-trebinje": OK, "maint": DENY, "admin": OK, "mod-zepce": OK})),
    Row("GET", "/moderation?municipality=zepce", MODERATORS),
    Row("GET", "/moderation/export.csv?municipality=zepce", MODERATORS),
    Row("GET", "/moderation/suggestions/{sid}", MODERATORS),
    Row("POST", "/moderation/suggestions/{sid}/confirm", MODERATORS),
    Row("POST", "/moderation/suggestions/{sid}/decline", MODERATORS, (("reason", "Not in our remit"),)),
    Row("POST", "/moderation/suggestions/{sid}/hide", MODERATORS),
    Row("POST", "/moderation/suggestions/{sid}/merge", MODERATORS, (("initiative_id", ZEPCE_INITIATIVE),)),
    Row("GET", "/moderation/initiatives", staff(**{"mod-trebinje": OK, "maint": DENY, "admin": OK, "mod-zepce": OK})),
    Row("GET", "/moderation/initiatives/{iid}", MODERATORS),
    Row("POST", "/moderation/initiatives/{iid}/update", MODERATORS, (("language", "bs"), ("text", "Radovi počinju"))),
    Row("POST", "/moderation/initiatives/new", MODERATORS,
        (("municipality", "zepce"), ("original_language", "bs"), ("bs_title", "Nova klupa"))),
    Row("POST", "/moderation/initiatives/new",
        staff(**{"mod-trebinje": DENY, "maint": DENY, "admin": OK, "mod-zepce": DENY}),
        (("municipality", "network"), ("original_language", "bs"), ("bs_title", "Cijela mreža"))),
    Row("GET", "/admin/applications", staff(**{"mod-trebinje": DENY, "maint": DENY, "admin": OK, "mod-zepce": DENY})),
    Row("GET", "/admin/users", staff(**{"mod-trebinje": DENY, "maint": DENY, "admin": OK, "mod-zepce": DENY})),
    Row("GET", "/account/password", staff(**{"mod-trebinje": OK, "maint": OK, "admin": OK, "mod-zepce": OK})),
]


def _session(web: Web, actor: str) -> requests.Session:
    if actor == "anonymous":
        return requests.Session()
    if actor == "bench":
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {web.bench()[1]}"
        return session
    return web.session(actor)


@pytest.fixture(scope="module")
def sessions(web: Web) -> dict[str, requests.Session]:
    return {actor: _session(web, actor) for actor in ACTORS}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path}")
def test_matrix(web: Web, sessions: dict[str, requests.Session], row: Row) -> None:
    failures = []
    for actor in ACTORS:
        session = sessions[actor]
        sid, receipt = bench_suggestion(web, f"Matrix {row.path} {actor}")
        path = row.path.format(sid=sid, iid=ZEPCE_INITIATIVE)
        if row.method == "GET":
            response = session.get(web.url + path, allow_redirects=False)
        else:
            token = csrf(session.get(f"{web.url}/join").text)
            response = session.post(web.url + path, data={"csrf_token": token, **dict(row.data)},
                                    allow_redirects=False)
        expected = row.expect[actor]
        location = response.headers.get("location", "")
        got = (LOGIN if response.status_code == 303 and location.startswith("/login") else
               OK if response.status_code in (200, 303) else
               DENY if response.status_code in (403, 404) else f"status {response.status_code}")
        if got != expected:
            failures.append(f"{actor}: expected {expected}, got {got}")
        if expected != OK and row.method == "POST":
            state = web.server.rows("SELECT state, hidden_at FROM suggestions WHERE id = ?", [sid])
            if state != [("received", None)]:
                failures.append(f"{actor}: a refused action changed the suggestion: {state}")
        if actor == "mod-trebinje" and receipt in response.text:
            failures.append("a Trebinje moderator saw a Žepče suggestion")
    assert not failures, failures


def test_post_without_csrf_is_refused(web: Web) -> None:
    session = web.session("mod-zepce")
    sid, _ = bench_suggestion(web, "No CSRF token")
    response = session.post(f"{web.url}/moderation/suggestions/{sid}/confirm", allow_redirects=False)
    assert response.status_code == 400
    assert web.server.rows("SELECT state FROM suggestions WHERE id = ?", [sid]) == [("received",)]


def test_login_is_throttled(web: Web) -> None:
    """Per account (more in test_attack_logins.py). From an address of its own (X-Forwarded-For, as
    from the proxy), so these failures do not count against the other tests' logins."""
    session = requests.Session()
    statuses = []
    limit = Settings().login_account_failures
    for _ in range(limit + 2):
        page = session.get(f"{web.url}/login")
        statuses.append(session.post(f"{web.url}/login", headers={"X-Forwarded-For": "198.18.0.1"}, data={
            "username": "someone-guessing", "password": "wrong password", "csrf_token": csrf(page.text)}).status_code)
    assert statuses[:limit] == [401] * limit and statuses[limit:] == [429, 429]


def test_open_redirect_refused(web: Web) -> None:
    session = requests.Session()
    page = session.get(f"{web.url}/login")
    response = session.post(f"{web.url}/login", allow_redirects=False, data={
        "username": "admin", "password": "correct horse battery", "csrf_token": csrf(page.text),
        "next": "//evil.example/"})
    assert response.headers["location"] == "/moderation"
