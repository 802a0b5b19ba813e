"""A person's own account: /account/password, where anyone logged in changes their password, and
where a one-time password's holder must choose their own before any other page opens."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from ..i18n import N_
from ..services.errors import Forbidden, InvalidInput
from ..services.logins import User, session_hash
from ..services.people import MIN_PASSWORD, change_password
from .context import database
from .sessions import PASSWORD_PAGE, SESSION_COOKIE, LoginRequired, current_user, verify_csrf
from .templating import render

router = APIRouter()


def signed_in(request: Request) -> User:
    """Anyone logged in, one-time password holders included (unlike `require_role`)."""
    user = current_user(request)
    if user is None:
        raise LoginRequired(request.url.path)
    return user


def _page(request: Request, user: User, error: str | None = None, done: bool = False,
          status: int = 200) -> HTMLResponse:
    response = render(request, "account/password.html", {
        "must_change": user.must_change_password and not done, "error": error, "done": done,
        "min_length": MIN_PASSWORD}, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(PASSWORD_PAGE, response_class=HTMLResponse)
async def password_page(request: Request, user: User = Depends(signed_in)) -> HTMLResponse:
    return _page(request, user)


@router.post(PASSWORD_PAGE, response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def change(request: Request, user: User = Depends(signed_in)) -> HTMLResponse:
    form = await request.form()
    current = None if user.must_change_password else str(form.get("current", ""))[:1024]
    new, repeated = str(form.get("new", ""))[:1024], str(form.get("repeat", ""))[:1024]
    if new != repeated:
        return _page(request, user, N_("The two new passwords are not the same."), status=422)
    if len(new) < MIN_PASSWORD:
        return _page(request, user, N_("The new password needs at least %(min_length)d characters."), status=422)
    keep = session_hash(request.cookies.get(SESSION_COOKIE, ""))
    try:  # argon2 twice (check, then hash): off the event loop
        await run_in_threadpool(lambda: change_password(database(request), user.username, current, new, keep))
    except Forbidden:
        return _page(request, user, N_("The current password is wrong."), status=403)
    except InvalidInput:
        return _page(request, user, N_("The new password must differ from the current one."), status=422)
    return _page(request, user, done=True)
