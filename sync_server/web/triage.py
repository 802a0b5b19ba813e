"""Triage: one waiting idea at a time with its context (the initiative it was written for, its
category, similar ideas), the decisions with "save and next", keyboard shortcuts
(static/triage.js) and the undo of one's last decision."""
from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..db import municipality_slugs
from ..services.decisions import last_decision
from ..services.decline_templates import templates_for
from ..services.duplicates import similar_to
from ..services.initiatives import get_initiative
from ..services.moderation import count, queue
from .context import database
from .guards import Moderator, suggestion_in_scope
from .queue_filter import filter_query, queue_filter
from .templating import language, render
from .texts import localised
from .views import initiative_choices

router = APIRouter(prefix="/triage")


@router.get("", response_class=HTMLResponse)
async def triage_page(request: Request, user: Moderator) -> HTMLResponse:
    db = database(request)
    f = replace(queue_filter(request, user), view="received")  # deciding takes an idea out of this view
    raw_skip = request.query_params.get("skip", "")
    skip = int(raw_skip[:9]) if raw_skip.isdigit() else 0
    chosen = request.query_params.get("id")
    if chosen:
        suggestion = suggestion_in_scope(request, user, chosen)
    else:
        rows = queue(db, f, limit=1, offset=skip)
        suggestion = rows[0] if rows else None
    context = {"s": suggestion, "in_queue": count(db, f), "skip": skip, "names": municipality_slugs(db),
               "last": last_decision(db, user.username), "filter": filter_query(request, skip=skip),
               "queue_link": "/moderation?" + filter_query(request),
               "skip_link": "/moderation/triage?" + filter_query(request, skip=skip + 1)}
    if suggestion is not None:
        initiative = get_initiative(db, suggestion["initiative_id"]) if suggestion["initiative_id"] else None
        context.update({
            "initiative": initiative and localised(initiative["texts"], language(request),
                                                  initiative["original_language"]),
            "similar": similar_to(db, suggestion) if not suggestion["hidden_at"] else [],
            "templates": templates_for(db, suggestion["municipality"]),
            "initiatives": initiative_choices(request, suggestion["municipality"], language(request))})
    return render(request, "moderation/triage.html", context)
