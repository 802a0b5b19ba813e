"""The decline reasons a municipality's moderators reuse: listed, added and removed per
municipality of the moderator's scope."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..db import municipality_slugs
from ..services.decline_templates import add_template, delete_template, templates_for
from .context import database
from .guards import Moderator, in_scope, run, scope
from .sessions import verify_csrf
from .templating import render

router = APIRouter(prefix="/decline-reasons")


@router.get("", response_class=HTMLResponse)
async def templates_page(request: Request, user: Moderator) -> HTMLResponse:
    db = database(request)
    return render(request, "moderation/decline_reasons.html", {
        "places": [(m, municipality_slugs(db)[m], templates_for(db, m)) for m in scope(request, user)]})


@router.post("", dependencies=[Depends(verify_csrf)])
async def change(request: Request, user: Moderator) -> Response:
    form = await request.form()
    db = database(request)
    if form.get("delete", "").isdigit():
        run(lambda: delete_template(db, user.username, int(form["delete"])))
    else:
        municipality = str(form.get("municipality", ""))
        in_scope(user, municipality)
        run(lambda: add_template(db, user.username, municipality, str(form.get("text", ""))))
    return RedirectResponse("/moderation/decline-reasons", status_code=303)
