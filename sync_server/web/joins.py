""""I'll join" on an action's event, from the initiative's phone page: one join per browser per
event (the same `sb_browser` cookie as supports) and a per-address limit; optionally an e-mail for
a reminder, kept only with the consent box ticked."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..i18n import N_
from ..services.actions import join_from_web
from ..services.errors import InvalidInput, NotFound
from ..services.web_supports import browser_key
from .context import database
from .phone import initiative_response, visible_initiative
from .sessions import WebError, browser_cookie, set_browser_cookie, verify_csrf
from .templating import language
from .views import address_limit

router = APIRouter()
OVER = N_("This event is over or was cancelled.")


@router.post("/i/{initiative_id}/join", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def join(request: Request, initiative_id: str) -> HTMLResponse:
    initiative = visible_initiative(request, initiative_id)
    address_limit(request, "support_limiter")
    form = await request.form()
    event_id = str(form.get("event_id", ""))[:64]
    email = str(form.get("email", "")).strip()[:300] or None
    if email and form.get("consent") != "yes":
        raise WebError(422, N_("To leave an e-mail, tick the box that allows us to keep it."))
    if event_id not in {e["id"] for e in initiative["events"]}:
        raise WebError(404, OVER)
    cookie, new_cookie = browser_cookie(request)
    db = database(request)
    try:
        counted = join_from_web(db, event_id, browser_key(db, cookie), email, language(request))
    except InvalidInput:
        raise WebError(422, N_("The e-mail address is not valid.")) from None
    except NotFound:
        raise WebError(404, OVER) from None
    request.state.page_path = f"/i/{initiative['id']}"  # the language links lead to the page, not here
    notice = N_("Thank you for joining!") if counted else N_("You have already joined this event.")
    response = initiative_response(request, visible_initiative(request, initiative["id"]), notice, cookie)
    if new_cookie:
        set_browser_cookie(request, response, cookie)
    return response
