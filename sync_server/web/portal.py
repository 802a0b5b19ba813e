"""The Network's public page: every visible initiative, filtered by municipality and status, and
the upcoming actions people can join."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..services.initiatives import VISIBLE
from ..services.actions import upcoming_actions
from ..services.public import public_initiative, public_initiatives
from .context import database
from .views import initiative_view, municipality_names
from .templating import language, render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
async def portal(request: Request) -> HTMLResponse:
    lang = language(request)
    names = municipality_names(request, lang)
    municipality = request.query_params.get("municipality", "")
    status = request.query_params.get("status", "")
    items = public_initiatives(database(request), municipality if municipality in names else None,
                               status if status in VISIBLE else None, network_wide=municipality == "network")
    db = database(request)
    events = upcoming_actions(db, municipality if municipality in names else None, limit=10)
    actions = [{"event": e, "view": initiative_view(request, public_initiative(db, e["initiative_id"]), lang)}
               for e in events]
    return render(request, "portal.html", {
        "views": [initiative_view(request, item, lang) for item in items], "names": names, "actions": actions,
        "municipality": municipality, "status": status, "statuses": VISIBLE})
