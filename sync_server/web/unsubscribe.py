"""The one-click unsubscribe of the citizens' e-mails: the signed link in every message.

Opening the link shows one button; mail programs that offer "unsubscribe" themselves post to the
same link (RFC 8058, `List-Unsubscribe=One-Click`). The post needs no CSRF token: the signed
token in the path is the proof, and a forged page cannot know it. Opening the link alone changes
nothing, so a mail scanner that follows links does not unsubscribe anybody."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..i18n import N_
from ..services.notices import is_unsubscribe_token, unsubscribe
from .context import database
from .sessions import WebError
from .templating import render
from .views import public_limit

router = APIRouter()
_BAD_LINK = N_("This link is damaged. Please copy the whole link from the e-mail.")


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
async def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
    public_limit(request)
    if not is_unsubscribe_token(database(request), token[:100]):
        raise WebError(400, _BAD_LINK)
    return render(request, "phone/unsubscribe.html", {"done": False})


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
async def unsubscribe_now(request: Request, token: str) -> HTMLResponse:
    public_limit(request)
    if not unsubscribe(database(request), token[:100]):
        raise WebError(400, _BAD_LINK)
    return render(request, "phone/unsubscribe.html", {"done": True})
