"""CSRF tokens are bound to the login session and renewed at login (issue 15, "holding under
attack"): a token is worth nothing in another session, and the one of the login page dies with the
login. The probe is the logout form, on every page of a logged-in person."""
from __future__ import annotations

import requests

from .conftest import PASSWORD, Web, csrf

EXPIRED = "The form has expired"


def log_in(web: Web, username: str) -> tuple[requests.Session, str]:
    """A logged-in session and the CSRF token its login page carried."""
    session = requests.Session()
    before = csrf(session.get(f"{web.url}/login", timeout=30).text)
    answer = session.post(f"{web.url}/login", allow_redirects=False, timeout=60,
                          data={"username": username, "password": PASSWORD, "csrf_token": before})
    assert answer.status_code == 303, answer.text[:300]
    return session, before


def logout(web: Web, session: requests.Session, token: str) -> requests.Response:
    return session.post(f"{web.url}/logout?lang=en", data={"csrf_token": token}, allow_redirects=False, timeout=30)


def logged_in(web: Web, session: requests.Session) -> bool:
    return session.get(f"{web.url}/moderation", allow_redirects=False, timeout=30).status_code == 200


def test_the_login_pages_token_dies_at_login(web: Web) -> None:
    session, before = log_in(web, "admin")
    after = csrf(session.get(f"{web.url}/moderation", timeout=30).text)
    assert after != before
    refused = logout(web, session, before)
    assert refused.status_code == 400 and EXPIRED in refused.text
    assert logged_in(web, session)
    assert logout(web, session, after).status_code == 303
    assert not logged_in(web, session)


def test_a_token_of_one_session_is_refused_in_another(web: Web) -> None:
    """As if an attacker planted their own CSRF cookie in the victim's browser (cookie tossing from
    a sibling domain) and sent the victim a form with the matching token."""
    attacker, _ = log_in(web, "mod-trebinje")
    attacker_token = csrf(attacker.get(f"{web.url}/moderation", timeout=30).text)
    victim, _ = log_in(web, "admin")
    victim.cookies.set("sb_csrf", attacker.cookies["sb_csrf"])
    refused = logout(web, victim, attacker_token)
    assert refused.status_code == 400 and EXPIRED in refused.text
    assert logged_in(web, victim)
