"""The phone pages the benches' QR codes open: an initiative, a receipt's status, and finishing a
suggestion started on the bench. Server-rendered, no script, a few kilobytes each."""
from __future__ import annotations

import hashlib
import hmac
import math

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..auth import Bench
from ..handoff import Draft, HandoffError, read_draft
from ..i18n import N_
from ..i18n.script import to_latin
from ..services.actions import join_from_web
from ..services.continued import sent_receipt, submit_continued
from ..services.errors import InvalidInput, NotFound
from ..services.logins import secret
from ..services.public import public_initiative, updates
from ..services.suggestions import status_by_receipt
from .context import database, settings
from .sessions import CSRF_COOKIE, WebError, verify_csrf
from .templating import language, render
from .views import initiative_view, public_limit

router = APIRouter()
# Why the intake refused a phone's text, in the citizen's words; %(limit)s is the setting's value.
REFUSALS = {
    "empty_text": N_("Please write your suggestion."),
    "text_too_long": N_("The text is too long: at most %(limit)s characters."),
    "invalid_text": N_("The text contains characters that cannot be stored."),
    "invalid_contact": N_("The contact is too long: at most %(limit)s characters."),
}


def _initiative_page(request: Request, initiative_id: str, joined: str | None = None,
                     status_code: int = 200) -> HTMLResponse:
    initiative = public_initiative(database(request), initiative_id[:64])
    if initiative is None:
        raise WebError(404, N_("There is no such initiative, or it is not public."))
    return render(request, "phone/initiative.html", {
        **initiative_view(request, initiative, language(request)), "joined": joined,
        "updates": [readable_update(u, language(request)) for u in updates(database(request), initiative["id"])]},
        status_code)


@router.get("/i/{initiative_id}", response_class=HTMLResponse)
async def initiative_page(request: Request, initiative_id: str) -> HTMLResponse:
    return _initiative_page(request, initiative_id)


def browser_key(request: Request) -> str:
    """Who this browser is, for "one join per browser": a keyed hash of its CSRF nonce (a random
    cookie every form posting browser already has, checked by verify_csrf), never the cookie itself."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    return hmac.new(secret(database(request), "browser"), nonce.encode(), hashlib.sha256).hexdigest()


@router.post("/i/{initiative_id}/join", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def join(request: Request, initiative_id: str) -> HTMLResponse:
    """"I'll join" from a phone: counted once per browser; an e-mail is kept only with consent."""
    public_limit(request)
    form = await request.form()
    event_id = str(form.get("event_id", ""))[:64]
    email = str(form.get("email", "")).strip()[:300] or None
    if email and form.get("consent") != "yes":
        raise WebError(422, N_("To leave an e-mail, tick the box that allows us to keep it."))
    initiative = public_initiative(database(request), initiative_id[:64])
    if initiative is None or event_id not in {e["id"] for e in initiative["events"]}:
        raise WebError(404, N_("This event is over or was cancelled."))
    try:
        counted = join_from_web(database(request), event_id, browser_key(request), email)
    except InvalidInput:
        raise WebError(422, N_("The e-mail address is not valid.")) from None
    except NotFound:
        raise WebError(404, N_("This event is over or was cancelled.")) from None
    return _initiative_page(request, initiative["id"], "new" if counted else "again")


def readable_update(update: dict, lang: str) -> dict:
    """Updates written in Serbian Cyrillic read in Latin for Serbian Latin readers, like the texts."""
    if lang == "sr-Latn" and update["language"] == "sr":
        return {**update, "language": "sr-Latn", "text": to_latin(update["text"])}
    return update


@router.get("/r/{code}", response_class=HTMLResponse)
async def receipt_page(request: Request, code: str) -> HTMLResponse:
    public_limit(request)
    status = status_by_receipt(database(request), code)
    if status is None:
        raise WebError(404, N_("No suggestion has this receipt code. Please check the code on your receipt."))
    initiative = status["initiative"]
    return render(request, "phone/receipt.html", {
        "status": status,
        "initiative": initiative_view(request, initiative, language(request)) if initiative else None})


def _draft(request: Request, link: str) -> Draft:
    try:
        draft = read_draft(database(request), link)
    except HandoffError as error:
        raise WebError(400, error.message) from None
    request.state.page_language = draft.language  # the language chosen on the bench
    return draft


def _continue_form(request: Request, draft: Draft, text: str, contact: str, error: str | None,
                   status_code: int = 200) -> HTMLResponse:
    initiative = public_initiative(database(request), draft.initiative_id) if draft.initiative_id else None
    limits = settings(request)
    error_limit = {REFUSALS["text_too_long"]: limits.max_text_chars,
                   REFUSALS["invalid_contact"]: limits.max_short_chars}.get(error or "")
    return render(request, "phone/continue.html", {
        "draft": draft, "text": text, "contact": contact, "error": error, "error_limit": error_limit,
        "max_text": limits.max_text_chars, "max_contact": limits.max_short_chars,
        "retention_days": math.ceil(limits.contact_retention_days),
        "initiative": initiative_view(request, initiative, language(request)) if initiative else None,
    }, status_code)


@router.get("/c/{link}", response_class=HTMLResponse)
async def continue_page(request: Request, link: str) -> HTMLResponse:
    draft = _draft(request, link)
    receipt = sent_receipt(database(request), draft.draft_id)
    if receipt is not False:
        return render(request, "phone/sent.html", {"receipt": receipt, "already": True})
    return _continue_form(request, draft, draft.text, "", None)


@router.post("/c/{link}", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def continue_submit(request: Request, link: str) -> HTMLResponse:
    draft = _draft(request, link)
    form = await request.form()
    text, contact = str(form.get("text", "")), str(form.get("contact", "")).strip()
    consent = form.get("consent") == "yes"
    if contact and not consent:
        return _continue_form(request, draft, text, contact,
                              N_("To leave a contact, tick the box that allows us to keep it."), 422)
    if len(text) > settings(request).hard_text_chars:
        return _continue_form(request, draft, text[:settings(request).max_text_chars], contact,
                              REFUSALS["text_too_long"], 422)
    bench = Bench(draft.bench_id, draft.municipality, None)
    outcome = submit_continued(database(request), bench, settings(request), draft_id=draft.draft_id, text=text,
                               language=draft.language, initiative_id=draft.initiative_id,
                               contact=contact if consent else None)
    if outcome.receipt is None and outcome.reason != "id_conflict":
        message = REFUSALS.get(outcome.reason or "", N_("Your suggestion could not be stored."))
        return _continue_form(request, draft, text, contact, message, 422)
    if outcome.receipt is None:
        raise WebError(409, N_("Your suggestion could not be stored."))
    return render(request, "phone/sent.html", {"receipt": outcome.receipt, "already": outcome.already_sent})
