""""I support this" on an initiative's phone page: one support per browser per initiative (the
`sb_browser` cookie) and a per-address limit; counted with the benches' supports."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..i18n import N_
from ..services.web_supports import support_from_web
from .context import database
from .phone import initiative_response, visible_initiative
from .sessions import browser_cookie, set_browser_cookie, verify_csrf
from .views import address_limit

router = APIRouter()


@router.post("/i/{initiative_id}/support", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def support(request: Request, initiative_id: str) -> HTMLResponse:
    initiative = visible_initiative(request, initiative_id)
    address_limit(request, "support_limiter")
    cookie, new_cookie = browser_cookie(request)
    counted = support_from_web(database(request), initiative["id"], cookie)
    request.state.page_path = f"/i/{initiative['id']}"  # the language links lead to the page, not here
    notice = (N_("Thank you! Your support is counted.") if counted
              else N_("You support this initiative already: each phone counts once."))
    response = initiative_response(request, visible_initiative(request, initiative["id"]), notice, cookie)
    if new_cookie:
        set_browser_cookie(request, response, cookie)
    return response
