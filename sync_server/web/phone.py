"""The phone pages the benches' QR codes open: an initiative (with its support form, see
support.py), a receipt's status, and finishing a suggestion started on the bench.
Server-rendered, no script, a few kilobytes each."""
from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..auth import Bench
from ..handoff import Draft, HandoffError, read_draft
from ..i18n import N_
from ..i18n.script import to_latin
from ..services.continued import sent_receipt, submit_continued
from ..services.public import public_initiative, updates
from ..services.suggestions import own_text, status_by_receipt
from ..services.web_supports import has_supported
from .context import database, mail, settings
from .sessions import BROWSER_COOKIE, WebError, verify_csrf
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


def visible_initiative(request: Request, initiative_id: str) -> dict:
    initiative = public_initiative(database(request), initiative_id[:64])
    if initiative is None:
        raise WebError(404, N_("There is no such initiative, or it is not public."))
    return initiative


def initiative_response(request: Request, initiative: dict, notice: str | None = None,
                        cookie: str | None = None) -> HTMLResponse:
    """The initiative's page; `notice` is what a support just did, `cookie` this browser's id
    when it was only just made."""
    db = database(request)
    return render(request, "phone/initiative.html", {
        **initiative_view(request, initiative, language(request)), "notice": notice,
        "supported": has_supported(db, initiative["id"], cookie or request.cookies.get(BROWSER_COOKIE)),
        "updates": [readable_update(u, language(request)) for u in updates(db, initiative["id"])]})


@router.get("/i/{initiative_id}", response_class=HTMLResponse)
async def initiative_page(request: Request, initiative_id: str) -> HTMLResponse:
    return initiative_response(request, visible_initiative(request, initiative_id))


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
        "status": status, "own": own_text(database(request), code), "mail": mail(request),
        "initiative": initiative_view(request, initiative, language(request)) if initiative else None})


def _draft(request: Request, link: str) -> Draft:
    try:
        draft = read_draft(database(request), link, request.app.state.context.server_key)
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
