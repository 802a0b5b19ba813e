"""The Network's public page: every visible initiative, filtered by municipality and status."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..services.initiatives import VISIBLE
from ..services.public import public_initiatives
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
    return render(request, "portal.html", {
        "views": [initiative_view(request, item, lang) for item in items], "names": names,
        "municipality": municipality, "status": status, "statuses": VISIBLE})
