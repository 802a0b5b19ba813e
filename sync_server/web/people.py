"""The administrators' page of people, /admin/users: disable and enable, reset a password to a
one-time password (shown once, in that answer only), remove. An administrator cannot disable or
remove themselves here, and nobody can disable or remove the last active administrator."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..db import municipality_slugs
from ..i18n import N_
from ..services import people
from ..services.logins import User
from .context import database
from .guards import run, service_errors
from .sessions import WebError, require_role, verify_csrf
from .templating import render

router = APIRouter()
admin = require_role("admin")
_ACTIONS = {"disable": people.disable_user, "enable": people.enable_user, "remove": people.remove_user}


def _page(request: Request, reset: dict[str, str] | None = None) -> HTMLResponse:
    db = database(request)
    response = render(request, "admin/users.html", {
        "people": people.list_users(db), "names": municipality_slugs(db), "reset": reset})
    response.headers["Cache-Control"] = "no-store"  # a one-time password stays out of caches
    return response


@router.get("/admin/users", response_class=HTMLResponse)
async def users_page(request: Request, user: User = Depends(admin)) -> HTMLResponse:
    return _page(request)


@router.post("/admin/users/{username}/{action}", dependencies=[Depends(verify_csrf)])
async def act(request: Request, username: str, action: str, user: User = Depends(admin)) -> Response:
    username = username[:64]
    if action == "reset":
        with service_errors():  # argon2 off the event loop, on that thread's own connection
            password = await run_in_threadpool(
                lambda: people.reset_password(database(request), username, user.username))
        return _page(request, {"username": username, "password": password})
    if action not in _ACTIONS:
        raise WebError(404, N_("There is nothing here, or it is outside your municipalities."))
    if username == user.username and action != "enable":
        raise WebError(403, N_("You may not make this change."))
    if action == "remove" and (await request.form()).get("confirm") != "yes":
        raise WebError(422, N_("Tick the box to confirm the removal."))
    run(lambda: _ACTIONS[action](database(request), username, user.username))
    return RedirectResponse("/admin/users", status_code=303)
