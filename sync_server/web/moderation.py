"""The NGO moderation queue: filter and search suggestions of one's municipalities, confirm,
decline with a reason the citizen reads, merge into an initiative, hide abusive text; the audit
trail per suggestion; CSV export for reports."""
from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..db import municipality_slugs
from ..i18n import N_, gettext_for
from ..services import audit
from ..services.logins import User
from ..services.moderation import STATES, QueueFilter, export_csv, get_suggestion, hide_suggestion, queue
from ..services.suggestions import confirm_suggestion, decline_suggestion, merge_suggestion
from .context import database
from .guards import in_scope, run, scope
from .views import initiative_choices
from .sessions import WebError, require_role, verify_csrf
from .templating import language, render

router = APIRouter(prefix="/moderation")
moderator = require_role("admin", "moderator")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _filter(request: Request, user: User) -> QueueFilter:
    q = request.query_params
    allowed = scope(request, user)
    municipality = q.get("municipality") or ""
    if municipality and municipality not in allowed:
        raise WebError(403, N_("You may not open this page."))
    state = q.get("state", "received")

    def date(name: str) -> str | None:
        value = q.get(name, "")
        return value if _DATE.match(value) else None

    return QueueFilter([municipality] if municipality else allowed, state if state in STATES else None,
                       date("from"), date("to"), (q.get("q") or "")[:100] or None)


@router.get("", response_class=HTMLResponse)
async def queue_page(request: Request, user: User = Depends(moderator)) -> HTMLResponse:
    f = _filter(request, user)
    names = municipality_slugs(database(request))
    return render(request, "moderation/queue.html", {
        "rows": queue(database(request), f), "states": STATES, "names": names,
        "scope": scope(request, user), "q": request.query_params,
        "state": request.query_params.get("state", "received")})


@router.get("/export.csv")
async def export(request: Request, user: User = Depends(moderator)) -> Response:
    rows = queue(database(request), _filter(request, user), limit=100_000)
    body = export_csv(rows, gettext_for(language(request), "[hidden by a moderator]"))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="suggestions.csv"'})


def _suggestion(request: Request, user: User, suggestion_id: str) -> dict:
    suggestion = get_suggestion(database(request), suggestion_id[:64])
    in_scope(user, suggestion["municipality"] if suggestion else None)
    return suggestion


@router.get("/suggestions/{suggestion_id}", response_class=HTMLResponse)
async def suggestion_page(request: Request, suggestion_id: str, user: User = Depends(moderator)) -> HTMLResponse:
    suggestion = _suggestion(request, user, suggestion_id)
    db = database(request)
    return render(request, "moderation/suggestion.html", {
        "s": suggestion, "trail": audit.history(db, "suggestion", suggestion["id"]),
        "names": municipality_slugs(db),
        "initiatives": initiative_choices(request, suggestion["municipality"], language(request))})


@router.post("/suggestions/{suggestion_id}/{action}", dependencies=[Depends(verify_csrf)])
async def suggestion_action(request: Request, suggestion_id: str, action: str,
                            user: User = Depends(moderator)) -> Response:
    suggestion = _suggestion(request, user, suggestion_id)
    form = await request.form()
    db, sid = database(request), suggestion["id"]
    note = str(form.get("reason", ""))[:1000]
    actions = {
        "confirm": lambda: confirm_suggestion(db, user.username, sid),
        "decline": lambda: decline_suggestion(db, user.username, sid, note),
        "merge": lambda: merge_suggestion(db, user.username, sid, str(form.get("initiative_id", ""))[:64],
                                          note.strip() or None),
        "hide": lambda: hide_suggestion(db, user.username, sid, note.strip() or None),
    }
    if action not in actions:
        raise WebError(404, N_("There is nothing here, or it is outside your municipalities."))
    if action == "merge":
        target = str(form.get("initiative_id", ""))
        if target not in {i["id"] for i in initiative_choices(request, suggestion["municipality"], "en")}:
            raise WebError(422, N_("Some fields are missing or invalid. Please go back and check the form."))
    run(actions[action])
    return RedirectResponse(f"/moderation/suggestions/{sid}", status_code=303)
