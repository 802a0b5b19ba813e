"""Logging in and out (people made by `python -m sync_server add-user`, or approved NGOs)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..i18n import N_
from ..services.logins import authenticate, end_session, start_session
from .context import database
from .sessions import SESSION_COOKIE, current_user, safe_next, set_cookie, verify_csrf
from .templating import render
from .throttle import LoginThrottle

router = APIRouter()
_throttle = LoginThrottle()


def _home(role: str) -> str:
    return {"maintainer": "/fleet", "official": "/official"}.get(role, "/moderation")


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str | None = None) -> Response:
    user = current_user(request)
    if user is not None:
        return RedirectResponse(safe_next(next) if next else _home(user.role), status_code=303)
    return render(request, "login.html", {"next": safe_next(next) if next else "", "error": None, "username": ""})


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username", ""))[:64].strip().lower()
    password = str(form.get("password", ""))[:1024]
    next_url = str(form.get("next", ""))
    address = request.client.host if request.client else ""
    context = {"next": safe_next(next_url) if next_url else "", "username": username}
    wait = _throttle.wait_s(address, username)
    if wait:
        return render(request, "login.html", {**context, "error": N_("Too many failed attempts. Try again in %(minutes)d minutes."),
                                              "minutes": (wait + 59) // 60}, 429)
    # argon2 takes tens of milliseconds on purpose: keep it off the event loop
    user = await run_in_threadpool(lambda: authenticate(database(request), username, password))
    if user is None:
        _throttle.failed(address, username)
        return render(request, "login.html", {**context, "error": N_("Wrong username or password."),
                                              "minutes": 0}, 401)
    _throttle.succeeded(address, username)
    response = RedirectResponse(safe_next(next_url) if next_url else _home(user.role), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, start_session(database(request), user.username))
    return response


@router.post("/logout", dependencies=[Depends(verify_csrf)])
async def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(database(request), token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
