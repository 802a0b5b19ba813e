"""Ideas that say the same, grouped, so that a moderator confirms, joins, declines or hides a
whole group with one form (one audit entry per idea)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..db import municipality_slugs
from ..services.decline_templates import templates_for
from ..services.duplicates import duplicate_groups
from .context import database
from .guards import Moderator
from .queue_filter import filter_query, queue_filter
from .templating import language, render
from .views import initiative_choices

router = APIRouter(prefix="/duplicates")


@router.get("", response_class=HTMLResponse)
async def duplicates_page(request: Request, user: Moderator) -> HTMLResponse:
    db = database(request)
    groups = duplicate_groups(db, queue_filter(request, user))
    places = {s["municipality"] for g in groups for s in g}
    return render(request, "moderation/duplicates.html", {
        "groups": groups, "names": municipality_slugs(db),
        "choices": {m: initiative_choices(request, m, language(request)) for m in places},
        "templates": {m: templates_for(db, m) for m in places},
        "queue_link": "/moderation?" + filter_query(request),
        "here": request.url.path + ("?" + request.url.query if request.url.query else "")})
