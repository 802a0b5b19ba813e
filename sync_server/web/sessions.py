"""Login sessions in cookies, the current user, role checks and CSRF tokens for the web pages.

- `sb_session`: the random session token (HttpOnly, SameSite=Lax, Secure over https); the server
  keeps its hash (services.logins), so logout ends it everywhere.
- `sb_csrf`: a random nonce every visitor with a form gets. The form's hidden `csrf_token` is
  HMAC(server secret, the session token) for a logged-in person, HMAC(server secret, nonce) for
  anyone else: a cross-site page can neither read the cookies nor compute the token, a token is
  worth nothing in another session (a planted nonce cookie does not help), and logging in makes
  new ones (and a new nonce).
- `sb_browser`: set by the first support from a phone; random, it only tells "this browser has
  supported these initiatives" (the server keeps a keyed hash of it).
A bench's bearer token means nothing here: web pages only look at these cookies."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from urllib.parse import quote

from fastapi import Request
from starlette.responses import Response

from ..i18n import N_
from ..services.logins import User, secret, session_user
from .context import database

SESSION_COOKIE = "sb_session"
PASSWORD_PAGE = "/account/password"
CSRF_COOKIE = "sb_csrf"
BROWSER_COOKIE = "sb_browser"  # a random id that makes a phone's support count once (web/support.py)

__all__ = ["User", "current_user", "require_role", "verify_csrf", "csrf_token", "set_cookie",
           "LoginRequired", "PasswordChangeRequired", "WebError", "SESSION_COOKIE", "BROWSER_COOKIE"]


class WebError(Exception):
    """Answer with the error page: `message` is a catalogue msgid (translated when shown)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class LoginRequired(Exception):
    """An anonymous browser asked for a page that needs a login: send it to /login?next=..."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PasswordChangeRequired(LoginRequired):
    """Logged in with a one-time password: nothing but /account/password until a new one is chosen."""


def current_user(request: Request) -> User | None:
    """The logged-in user of this request (looked up once per request)."""
    if not hasattr(request.state, "user"):
        token = request.cookies.get(SESSION_COOKIE)
        request.state.user = session_user(database(request), token) if token and len(token) < 100 else None
    return request.state.user


def require_role(*roles: str) -> Callable[[Request], User]:
    """A FastAPI dependency: the current user if their role is one of `roles`; anonymous browsers
    go to the login page, a wrong role gets 403."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        if user.must_change_password:
            raise PasswordChangeRequired(request.url.path)
        if user.role not in roles:
            raise WebError(403, N_("You may not open this page."))
        return user

    return dependency


def _csrf_nonce(request: Request) -> str:
    """This visitor's nonce; a new one is made (and set as a cookie by `render`) when missing."""
    if not hasattr(request.state, "csrf_nonce"):
        nonce = request.cookies.get(CSRF_COOKIE, "")
        request.state.csrf_new = not (16 <= len(nonce) <= 64)
        request.state.csrf_nonce = secrets.token_urlsafe(24) if request.state.csrf_new else nonce
    return request.state.csrf_nonce


def _csrf_binding(request: Request) -> str | None:
    """What this request's form tokens are bound to: the login session, else the visitor's nonce
    (None: a visitor who sent no nonce cookie, whose forms cannot be valid)."""
    if current_user(request) is not None:
        return "session:" + request.cookies[SESSION_COOKIE]
    if request.method == "POST" and not request.cookies.get(CSRF_COOKIE):
        return None
    return "visitor:" + _csrf_nonce(request)


def csrf_token(request: Request) -> str:
    key = secret(database(request), "csrf")
    return hmac.new(key, (_csrf_binding(request) or "").encode(), hashlib.sha256).hexdigest()


async def verify_csrf(request: Request) -> None:
    """A FastAPI dependency for every POST form: the hidden `csrf_token` must be this session's
    (or, logged out, this visitor's)."""
    form = await request.form()
    sent = form.get("csrf_token")
    if _csrf_binding(request) is None or not isinstance(sent, str) or not hmac.compare_digest(
            sent, csrf_token(request)):
        raise WebError(400, N_("The form has expired. Please open the page again and send it again."))


def renew_csrf_nonce(request: Request, response: Response) -> None:
    """At login: the visitor's nonce, and with it every token of the login page, is replaced."""
    set_cookie(request, response, CSRF_COOKIE, secrets.token_urlsafe(24))


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https")


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="/")


def safe_next(value: str | None) -> str:
    """Only local paths: `//evil.example` and `https://...` would make an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/moderation"
    return value


def issue_csrf_cookie(request: Request, response: Response) -> None:
    if getattr(request.state, "csrf_new", False):
        set_cookie(request, response, CSRF_COOKIE, request.state.csrf_nonce)
