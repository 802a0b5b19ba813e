""""I support this" on an initiative's phone page: one support per browser per initiative (the
`sb_browser` cookie) and a per-address limit; counted with the benches' supports."""
from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..i18n import N_
from ..services.web_supports import support_from_web
from .context import database
from .phone import initiative_response, visible_initiative
from .sessions import BROWSER_COOKIE, set_cookie, verify_csrf
from .views import address_limit

router = APIRouter()
COOKIE_DAYS = 730


@router.post("/i/{initiative_id}/support", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def support(request: Request, initiative_id: str) -> HTMLResponse:
    initiative = visible_initiative(request, initiative_id)
    address_limit(request, "support_limiter")
    cookie = request.cookies.get(BROWSER_COOKIE, "")
    new_cookie = not (16 <= len(cookie) <= 64)
    if new_cookie:
        cookie = secrets.token_urlsafe(24)
    counted = support_from_web(database(request), initiative["id"], cookie)
    request.state.page_path = f"/i/{initiative['id']}"  # the language links lead to the page, not here
    notice = (N_("Thank you! Your support is counted.") if counted
              else N_("You support this initiative already: each phone counts once."))
    response = initiative_response(request, visible_initiative(request, initiative["id"]), notice, cookie)
    if new_cookie:
        set_cookie(request, response, BROWSER_COOKIE, cookie, max_age=COOKIE_DAYS * 86400)
    return response
