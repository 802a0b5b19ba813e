"""Logging in and out (people made by `python -m sync_server add-user`, or approved NGOs)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..i18n import N_
from ..services.logins import authenticate, end_session, start_session
from ..settings import Settings
from .context import database
from .passwords import RETRY_AFTER_S, PasswordChecks, ServerBusy
from .sessions import PASSWORD_PAGE, SESSION_COOKIE, current_user, renew_csrf_nonce, safe_next, set_cookie, verify_csrf
from .templating import render
from .throttle import LoginLimits, LoginThrottle

router = APIRouter()


def install(app: FastAPI, settings: Settings) -> None:
    """The login guards of this application: failed-login counts and password-check slots."""
    app.state.login_throttle = LoginThrottle(LoginLimits(
        settings.login_account_failures, settings.login_network_failures, settings.login_global_failures,
        settings.login_window_s, settings.login_tracked_keys))
    app.state.password_checks = PasswordChecks(settings.login_hash_slots, settings.login_hash_queue)


def _home(role: str) -> str:
    return {"maintainer": "/fleet"}.get(role, "/moderation")


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
    throttle: LoginThrottle = request.app.state.login_throttle
    wait = throttle.wait_s(address, username)
    if wait:
        return _refused(render(request, "login.html", {
            **context, "error": N_("Too many failed attempts. Try again in %(minutes)d minutes."),
            "minutes": (wait + 59) // 60}, 429), wait)
    checks: PasswordChecks = request.app.state.password_checks
    try:  # argon2 runs on a worker thread, off the event loop, in a bounded number at a time
        user = await checks.run(lambda: authenticate(database(request), username, password))
    except ServerBusy:
        return _refused(render(request, "login.html", {
            **context, "error": N_("The server is busy checking other logins. Please try again in a few seconds."),
            "minutes": 0}, 503), RETRY_AFTER_S)
    if user is None:
        throttle.failed(address, username)
        return render(request, "login.html", {**context, "error": N_("Wrong username or password."),
                                              "minutes": 0}, 401)
    throttle.succeeded(address, username)
    target = PASSWORD_PAGE if user.must_change_password else safe_next(next_url) if next_url else _home(user.role)
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, start_session(database(request), user.username))
    renew_csrf_nonce(request, response)
    return response


def _refused(response: Response, retry_after_s: int) -> Response:
    response.headers["Retry-After"] = str(retry_after_s)
    return response


@router.post("/logout", dependencies=[Depends(verify_csrf)])
async def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(database(request), token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
