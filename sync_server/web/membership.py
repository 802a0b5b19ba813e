"""Joining the Network: an NGO applies at /join; an administrator decides at /admin/applications.
Approval creates a moderator account for the NGO's municipality and shows its one-time password
to the administrator once (it is stored only as an argon2 hash), who hands it to the NGO."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..db import municipality_slugs
from ..i18n import N_
from ..services.errors import InvalidInput
from ..services.logins import User
from ..services.membership import applications, approve, apply, decline
from .context import database
from .guards import run
from .views import public_limit
from .sessions import WebError, require_role, verify_csrf
from .templating import render

router = APIRouter()
admin = require_role("admin")
FORM_FIELDS = ("organisation", "registration_number", "municipality", "email", "focus")


def _join_form(request: Request, values: dict[str, str], error: str | None, status: int = 200) -> HTMLResponse:
    return render(request, "join.html", {"values": values, "error": error, "sent": False,
                                         "names": municipality_slugs(database(request))}, status)


@router.get("/join", response_class=HTMLResponse)
async def join_page(request: Request) -> HTMLResponse:
    return _join_form(request, {}, None)


@router.post("/join", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def join(request: Request) -> HTMLResponse:
    public_limit(request)
    form = await request.form()
    values = {name: str(form.get(name, ""))[:2000] for name in FORM_FIELDS}
    try:
        apply(database(request), **values)
    except InvalidInput:
        return _join_form(request, values, N_("Please fill in every field; the e-mail address must be valid."), 422)
    return render(request, "join.html", {"values": {}, "error": None, "sent": True, "names": {}})


@router.get("/admin/applications", response_class=HTMLResponse)
async def applications_page(request: Request, user: User = Depends(admin)) -> HTMLResponse:
    return render(request, "admin/applications.html", {
        "items": applications(database(request)), "names": municipality_slugs(database(request)), "approval": None})


@router.post("/admin/applications/{application_id}/{decision}", dependencies=[Depends(verify_csrf)])
async def decide(request: Request, application_id: str, decision: str, user: User = Depends(admin)) -> Response:
    db = database(request)
    if decision == "approve":
        approval = run(lambda: approve(db, user.username, application_id[:64]))
        # Shown once, in this answer only; no-store keeps it out of the browser's cache.
        response = render(request, "admin/applications.html", {
            "items": applications(db), "names": municipality_slugs(db), "approval": approval})
        response.headers["Cache-Control"] = "no-store"
        return response
    if decision == "decline":
        run(lambda: decline(db, user.username, application_id[:64]))
        return RedirectResponse("/admin/applications", status_code=303)
    raise WebError(404, N_("There is nothing here, or it is outside your municipalities."))
