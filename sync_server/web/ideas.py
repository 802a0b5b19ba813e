"""Ideas from any phone or computer: the "give an idea" form at /suggest.

No account. The idea enters the same moderation queue as the benches' (marked as from the web)
through the same way in (`receive_suggestions`) and the same text rules. Scripts are held off
without a captcha: a per-address limit, a honeypot field, a minimum time to fill the form (a
signed time stamp, web/antispam.py), and the duplicate-text rule (the same text for the same
municipality within `duplicate_window_hours`)."""
from __future__ import annotations

import math
import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ..categories import CATEGORIES
from ..clock import now_iso
from ..db import municipality_slugs
from ..i18n import LANGUAGES, N_
from ..services.initiatives import visible_to
from ..services.public import public_initiative, public_initiatives
from ..services.suggestions import WebVisitor, is_duplicate, receive_with_receipt
from .antispam import HONEYPOT, STAMP, form_stamp, seconds_to_fill
from .context import database, settings
from .phone import REFUSALS
from .sessions import WebError, verify_csrf
from .templating import language, render
from .texts import localised
from .views import address_limit, municipality_names, public_limit

router = APIRouter()
MAX_CHOICES = 30  # initiatives offered in the form: the page must stay light on a phone
FIELDS = ("municipality", "initiative_id", "category", "text", "contact")


def _choices(request: Request, municipality: str, chosen: dict | None) -> list[dict]:
    """The initiatives an idea may be about: the chosen one, or the municipality's newest."""
    lang = language(request)
    items = [chosen] if chosen else (public_initiatives(database(request), municipality)[:MAX_CHOICES]
                                     if municipality else [])
    return [{"id": i["id"], "title": localised(i["texts"], lang, i["original_language"]).fields["title"]}
            for i in items]


def _form(request: Request, values: dict[str, str], error: str | None = None, status_code: int = 200,
          consent: bool = False) -> HTMLResponse:
    limits = settings(request)
    db = database(request)
    chosen = public_initiative(db, values["initiative_id"]) if values.get("initiative_id") else None
    error_limit = {REFUSALS["text_too_long"]: limits.max_text_chars,
                   REFUSALS["invalid_contact"]: limits.max_short_chars}.get(error or "")
    return render(request, "phone/suggest.html", {
        "values": values, "error": error, "error_limit": error_limit, "consent": consent,
        "names": municipality_names(request, language(request)), "categories": CATEGORIES,
        "initiatives": _choices(request, values.get("municipality", ""), chosen),
        "stamp": form_stamp(request), "honeypot": HONEYPOT, "stamp_field": STAMP, "action": _action(request),
        "max_text": limits.max_text_chars, "max_contact": limits.max_short_chars,
        "retention_days": math.ceil(limits.contact_retention_days)}, status_code)


def _action(request: Request) -> str:
    """The form posts to /suggest with its `?m=` and `?i=` (see `_preselected`)."""
    kept = {key: request.query_params[key][:64] for key in ("m", "i") if request.query_params.get(key)}
    return "/suggest" + ("?" + urlencode(kept) if kept else "")


@router.get("/suggest", response_class=HTMLResponse)
async def suggest_page(request: Request) -> HTMLResponse:
    """`?m=<municipality slug>` preselects the municipality, `?i=<initiative id>` the initiative."""
    names = municipality_slugs(database(request))
    municipality = request.query_params.get("m", "")
    initiative = public_initiative(database(request), request.query_params.get("i", "")[:64])
    if initiative and initiative["municipality"]:
        municipality = initiative["municipality"]
    return _form(request, {"municipality": municipality if municipality in names else "",
                           "initiative_id": initiative["id"] if initiative else ""})


@router.post("/suggest", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
async def suggest(request: Request) -> HTMLResponse:
    public_limit(request)  # every post, refused or not, like the other public forms
    form = await request.form()
    if form.get("language") in LANGUAGES:
        request.state.page_language = form.get("language")  # the answer in the language of the form
    limits, db = settings(request), database(request)
    values = {name: str(form.get(name, "")).strip() if name != "text" else str(form.get(name, ""))
              for name in FIELDS}
    values.update(_preselected(request, form))
    values["text"] = values["text"][:limits.hard_text_chars]
    consent = form.get("consent") == "yes"
    if form.get(HONEYPOT):
        raise WebError(400, N_("Your suggestion could not be stored."))
    elapsed = seconds_to_fill(request, form.get(STAMP))
    if elapsed is None:
        return _form(request, values, N_("The form has expired. Please check your text and send it again."),
                     400, consent)
    if elapsed < limits.suggest_min_fill_s:
        return _form(request, values, N_("That was very quick. Please read your text once more and send it again."),
                     422, consent)
    error = _check(request, values, consent, len(str(form.get("text", ""))))
    if error:
        return _form(request, values, error, 422, consent)
    address_limit(request, "idea_limiter")  # ideas stored from one address
    item = {"id": str(uuid.uuid4()), "created_at": now_iso(), "text": values["text"], "language": language(request),
            "initiative_id": values["initiative_id"] or None, "category": values["category"] or None,
            "contact": values["contact"] if consent else None, "contact_consent": consent}
    outcome = receive_with_receipt(db, WebVisitor(values["municipality"]), item, limits)
    if outcome.receipt is None:
        return _form(request, values, REFUSALS.get(outcome.reason or "", N_("Your suggestion could not be stored.")),
                     422, consent)
    return render(request, "phone/sent.html", {"receipt": outcome.receipt, "already": False})


def _preselected(request: Request, form: Any) -> dict[str, str]:
    """What `?m=` and `?i=` chose, for a post that does not send those fields at all (the form's
    action keeps the query; a person who changes the choice sends the fields, which win)."""
    chosen: dict[str, str] = {}
    initiative = public_initiative(database(request), request.query_params.get("i", "")[:64])
    if form.get("initiative_id") is None and initiative:
        chosen["initiative_id"] = initiative["id"]
    if form.get("municipality") is None:
        chosen["municipality"] = (initiative or {}).get("municipality") or request.query_params.get("m", "")
    return chosen


def _check(request: Request, values: dict[str, str], consent: bool, sent_length: int) -> str | None:
    """Why the form cannot be stored as it is (a catalogue msgid), or None."""
    limits, db = settings(request), database(request)
    if values["municipality"] not in municipality_slugs(db):
        return N_("Please choose your municipality.")
    if values["initiative_id"] and not visible_to(db, values["initiative_id"], values["municipality"]):
        return N_("This initiative is not open in the municipality you chose.")
    if values["category"] and values["category"] not in CATEGORIES:
        return N_("Some fields are missing or invalid. Please go back and check the form.")
    if values["contact"] and not consent:
        return N_("To leave a contact, tick the box that allows us to keep it.")
    if sent_length > limits.max_text_chars:
        return REFUSALS["text_too_long"]
    if values["text"].strip() and is_duplicate(db, values["municipality"], values["text"], limits.duplicate_window_hours):
        return N_("This idea has already been sent for your municipality. Thank you: you can support it when it "
                  "becomes an initiative.")
    return None
