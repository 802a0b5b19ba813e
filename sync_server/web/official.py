"""The municipality's own pages: an official reads the confirmed ideas and the initiatives of
their municipality and posts its response on an initiative (a decision, its date, a text per
language). What they post is shown everywhere as the municipality's word."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..db import municipality_slugs
from ..i18n import N_
from ..i18n.script import has_cyrillic, to_latin
from ..services.answers import DECISIONS, MAX_RESPONSE, post_response
from ..services.logins import User
from ..services.moderation import QueueFilter, queue_page
from ..services.public import public_initiative, public_initiatives
from .context import database, mail
from .guards import NOT_FOUND, run, scope
from .sessions import WebError, require_role, verify_csrf
from .templating import language, render
from .views import initiative_view

router = APIRouter(prefix="/official")
Official = Annotated[User, Depends(require_role("official"))]
WRITTEN_LANGUAGES = ("bs", "hr", "sr", "en")  # sr-Latn is derived from Cyrillic, as for initiatives


@router.get("", response_class=HTMLResponse)
async def overview(request: Request, user: Official) -> HTMLResponse:
    db, lang, mine = database(request), language(request), scope(request, user)
    initiatives = [i for m in mine for i in public_initiatives(db, m) if i["municipality"] == m]
    confirmed = queue_page(db, QueueFilter(mine, view="confirmed"), 1)
    return render(request, "official/index.html", {
        "names": municipality_slugs(db), "ideas": confirmed,
        "views": [initiative_view(request, i, lang) for i in initiatives]})


def _initiative(request: Request, user: User, initiative_id: str) -> dict[str, Any]:
    initiative = public_initiative(database(request), initiative_id[:64])
    if initiative is None or not user.may_answer_for(initiative["municipality"]):
        raise WebError(404, NOT_FOUND)  # the same answer as another municipality's
    return initiative


@router.get("/initiatives/{initiative_id}", response_class=HTMLResponse)
async def answer_page(request: Request, initiative_id: str, user: Official) -> HTMLResponse:
    initiative = _initiative(request, user, initiative_id)
    return _form(request, initiative, None)


def _form(request: Request, initiative: dict[str, Any], error: str | None, status: int = 200) -> HTMLResponse:
    response = initiative["official_response"] or {}
    texts = dict(response.get("texts") or {})
    texts.setdefault("sr", texts.get("sr-Latn", ""))
    return render(request, "official/answer.html", {
        **initiative_view(request, initiative, language(request)), "response": response, "texts": texts,
        "decisions": DECISIONS, "written": WRITTEN_LANGUAGES, "max_text": MAX_RESPONSE, "error": error}, status)


@router.post("/initiatives/{initiative_id}", dependencies=[Depends(verify_csrf)])
async def answer(request: Request, initiative_id: str, user: Official) -> Response:
    initiative = _initiative(request, user, initiative_id)
    form = await request.form()
    texts: dict[str, str] = {}
    for lang in WRITTEN_LANGUAGES:
        text = str(form.get(f"text_{lang}", "")).strip()[:MAX_RESPONSE]
        if text and lang == "sr" and has_cyrillic(text):
            texts["sr"], texts["sr-Latn"] = text, to_latin(text)
        elif text:
            texts["sr-Latn" if lang == "sr" else lang] = text
    decision, decided_on = str(form.get("decision", "")), str(form.get("decided_on", ""))
    if not texts or decision not in DECISIONS or not decided_on:
        return _form(request, initiative, N_("Choose a decision, its date, and write the response in at least one language."), 422)
    run(lambda: post_response(database(request), user.username, initiative["id"], decision=decision,
                              decided_on=decided_on, texts=texts, mail=mail(request)))
    return RedirectResponse(f"/i/{initiative['id']}", status_code=303)
