"""People over HTTP against the live server: a disabled person's open session gets the login page
on its very next request; the administrators' page disables, resets to a one-time password and
removes; a one-time password opens only the password page, once; a person changes their own
password. Pages are read in Bosnian, the site's default language, as a person would."""
from __future__ import annotations

import html
import re
import subprocess
import sys
import uuid
from pathlib import Path

import requests

from sync_server.db import open_database
from sync_server.services.people import add_user
from tests.web.conftest import PASSWORD, Web, csrf

ROOT = Path(__file__).resolve().parents[2]
LOGIN_HEADING = "<h1>Prijava</h1>"
WRONG_PASSWORD = "Pogrešno korisničko ime ili lozinka."
PASSWORD_HEADING = "<h1>Promijenite lozinku</h1>"


def new_person(web: Web, role: str = "moderator") -> str:
    """A person of our own, so that disabling or removing them leaves the shared accounts alone."""
    username = f"p-{uuid.uuid4().hex[:8]}"
    db = open_database(web.server.db_path)
    try:
        add_user(db, username, role, PASSWORD, ["zepce"] if role == "moderator" else [])
    finally:
        db.close()
    return username


def log_in(web: Web, username: str, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    page = session.get(f"{web.url}/login")
    answer = session.post(f"{web.url}/login", data={"username": username, "password": password,
                                                     "csrf_token": csrf(page.text)})
    return session, answer


def post_form(session: requests.Session, web: Web, page_path: str, action: str, **fields: str) -> requests.Response:
    token = csrf(session.get(web.url + page_path).text)
    return session.post(web.url + action, data={"csrf_token": token, **fields})


def heading(response: requests.Response) -> str:
    match = re.search(r"<h1>(.*?)</h1>", response.text)
    return html.unescape(match.group(1)) if match else ""


def test_a_disabled_persons_session_gets_the_login_page_on_its_next_request(web: Web) -> None:
    username = new_person(web)
    session, answer = log_in(web, username)
    assert heading(answer) == "Prijedlozi"  # the moderation queue: logged in
    assert heading(session.get(f"{web.url}/moderation")) == "Prijedlozi"

    result = subprocess.run([sys.executable, "-m", "sync_server", "disable-user", username,
                             "--db", str(web.server.db_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr

    page = session.get(f"{web.url}/moderation")
    assert page.url.startswith(f"{web.url}/login?next=/moderation") and LOGIN_HEADING in page.text
    _, again = log_in(web, username)
    assert again.status_code == 401 and WRONG_PASSWORD in again.text

    subprocess.run([sys.executable, "-m", "sync_server", "enable-user", username, "--db", str(web.server.db_path)],
                   cwd=ROOT, check=True, capture_output=True, timeout=60)
    _, back = log_in(web, username)
    assert heading(back) == "Prijedlozi"


def test_the_people_page_disables_resets_and_removes(web: Web) -> None:
    username = new_person(web)
    theirs, _ = log_in(web, username)
    admin = web.session("admin")
    listing = admin.get(f"{web.url}/admin/users")
    assert heading(listing) == "Osobe" and f"<h2>{username}</h2>" in listing.text

    post_form(admin, web, "/admin/users", f"/admin/users/{username}/disable")
    card = admin.get(f"{web.url}/admin/users").text.split(f"<h2>{username}</h2>")[1].split("</article>")[0]
    assert "Onemogućen" in card and f"/admin/users/{username}/enable" in card
    assert LOGIN_HEADING in theirs.get(f"{web.url}/moderation").text
    post_form(admin, web, "/admin/users", f"/admin/users/{username}/enable")

    reset = post_form(admin, web, "/admin/users", f"/admin/users/{username}/reset")
    assert reset.headers["cache-control"] == "no-store"
    one_time = html.unescape(re.search(r'Jednokratna lozinka: <strong class="receipt">([^<]+)</strong>',
                                       reset.text).group(1))
    _, old = log_in(web, username)
    assert old.status_code == 401, "the old password still works after a reset"

    # The one-time password opens the password page, and nothing else until a password is chosen.
    holder, landed = log_in(web, username, one_time)
    assert landed.url == f"{web.url}/account/password" and PASSWORD_HEADING in landed.text
    assert "Prijavili ste se jednokratnom lozinkom" in landed.text and 'name="current"' not in landed.text
    assert holder.get(f"{web.url}/moderation").url == f"{web.url}/account/password"
    _, twice = log_in(web, username, one_time)
    assert twice.status_code == 401, "a one-time password worked twice"
    done = post_form(holder, web, "/account/password", "/account/password", new="my very own password",
                     repeat="my very own password")
    assert "Vaša lozinka je promijenjena." in done.text
    assert heading(holder.get(f"{web.url}/moderation")) == "Prijedlozi"

    refused = post_form(admin, web, "/admin/users", f"/admin/users/{username}/remove")
    assert refused.status_code == 422 and "Označite polje da potvrdite uklanjanje." in refused.text
    post_form(admin, web, "/admin/users", f"/admin/users/{username}/remove", confirm="yes")
    assert f"<h2>{username}</h2>" not in admin.get(f"{web.url}/admin/users").text
    assert LOGIN_HEADING in holder.get(f"{web.url}/moderation").text
    assert web.server.rows("SELECT count(*) FROM users WHERE username = ?", [username]) == [(0,)]


def test_an_administrator_cannot_disable_or_remove_themselves_on_the_page(web: Web) -> None:
    username = new_person(web, "admin")
    session, _ = log_in(web, username)
    page = session.get(f"{web.url}/admin/users").text
    mine = page.split(f"<h2>{username}</h2>")[1].split("</article>")[0]
    assert "/disable" not in mine and "/remove" not in mine
    for action, fields in (("disable", {}), ("remove", {"confirm": "yes"})):
        answer = post_form(session, web, "/admin/users", f"/admin/users/{username}/{action}", **fields)
        assert answer.status_code == 403 and "Nemate pravo na ovu promjenu." in answer.text
    assert web.server.rows("SELECT disabled_at FROM users WHERE username = ?", [username]) == [(None,)]


def test_a_person_changes_their_own_password(web: Web) -> None:
    username = new_person(web, "maintainer")
    session, _ = log_in(web, username)
    elsewhere, _ = log_in(web, username)
    page = session.get(f"{web.url}/account/password")
    assert PASSWORD_HEADING in page.text and 'name="current"' in page.text

    cases = [({"current": "not my password", "new": "a brand new one", "repeat": "a brand new one"}, 403,
              "Trenutna lozinka nije tačna."),
             ({"current": PASSWORD, "new": "a brand new one", "repeat": "a brand new two"}, 422,
              "Dvije nove lozinke nisu iste."),
             ({"current": PASSWORD, "new": "short", "repeat": "short"}, 422,
              "Nova lozinka mora imati najmanje 10 znakova."),
             ({"current": PASSWORD, "new": PASSWORD, "repeat": PASSWORD}, 422,
              "Nova lozinka mora biti drugačija od trenutne.")]
    for fields, status, message in cases:
        answer = post_form(session, web, "/account/password", "/account/password", **fields)
        assert (answer.status_code, message in answer.text) == (status, True), answer.text[-1500:]
    _, still = log_in(web, username)
    assert still.status_code == 200, "a refused change changed the password"

    done = post_form(session, web, "/account/password", "/account/password", current=PASSWORD,
                     new="a brand new one", repeat="a brand new one")
    assert "Vaša lozinka je promijenjena. Vaše ostale sesije su završene." in done.text
    assert heading(session.get(f"{web.url}/fleet")) != "Prijava"  # this session goes on
    assert LOGIN_HEADING in elsewhere.get(f"{web.url}/fleet").text  # the other one has ended
    _, old = log_in(web, username)
    assert old.status_code == 401
    _, new = log_in(web, username, "a brand new one")
    assert new.url == f"{web.url}/fleet"
