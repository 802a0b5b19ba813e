"""The NGO moderation queue: a page at a time with the totals per state and municipality, filters
kept across pages; one suggestion with its audit trail; the decisions (confirm, decline with a
reason the citizen reads, merge into an initiative, hide and unhide abusive text), the undo of
one's last decision and decisions on many suggestions at once. Triage, duplicates, decline
templates and reports are sub-routers mounted here."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ..db import municipality_slugs
from ..i18n import N_
from ..services import audit
from ..services.decisions import decide_many, hide_suggestion, undo_last, unhide_suggestion
from ..services.decline_templates import template_text, templates_for
from ..services.moderation import VIEWS, queue_page, totals
from ..services.suggestions import confirm_suggestion, decline_suggestion, merge_suggestion
from . import decline_templates, duplicates, reports, triage
from .context import database, mail
from .guards import Moderator, NOT_FOUND, run, scope, suggestion_in_scope
from .queue_filter import filter_query, queue_filter, safe_filter_query
from .sessions import WebError, verify_csrf
from .templating import language, render
from .views import initiative_choices

router = APIRouter(prefix="/moderation")
INVALID = N_("Some fields are missing or invalid. Please go back and check the form.")


@router.get("", response_class=HTMLResponse)
async def queue_view(request: Request, user: Moderator) -> HTMLResponse:
    f = queue_filter(request, user)
    db = database(request)
    number = request.query_params.get("page", "1")
    page = queue_page(db, f, int(number[:9]) if number.isdigit() else 1)
    allowed = scope(request, user)
    per_place = totals(db, allowed)
    shown = {m: t for m, t in per_place.items() if m in f.municipalities}
    return render(request, "moderation/queue.html", {
        "page": page, "views": VIEWS, "names": municipality_slugs(db), "scope": allowed, "q": request.query_params,
        "view": f.view, "f": f, "per_place": per_place,
        "per_view": {v: sum(t[v] for t in shown.values()) for v in VIEWS if v != "all"},
        "link": lambda **changes: "/moderation?" + filter_query(request, **changes),
        "query": filter_query(request), "here": request.url.path + "?" + request.url.query})


@router.get("/suggestions/{suggestion_id}", response_class=HTMLResponse)
async def suggestion_page(request: Request, suggestion_id: str, user: Moderator) -> HTMLResponse:
    suggestion = suggestion_in_scope(request, user, suggestion_id)
    db = database(request)
    return render(request, "moderation/suggestion.html", {
        "s": suggestion, "trail": audit.history(db, "suggestion", suggestion["id"]),
        "names": municipality_slugs(db), "templates": templates_for(db, suggestion["municipality"]),
        "initiatives": initiative_choices(request, suggestion["municipality"], language(request))})


def decline_reason(request: Request, municipality: str, form: FormData) -> str:
    """The reason typed, or else the chosen template of the municipality."""
    typed = str(form.get("reason", ""))[:1000].strip()
    chosen = str(form.get("template", ""))
    if typed or not chosen.isdigit():
        return typed
    return template_text(database(request), municipality, int(chosen)) or ""


def merge_target(request: Request, municipality: str, form: FormData) -> str:
    target = str(form.get("initiative_id", ""))[:64]
    if target not in {i["id"] for i in initiative_choices(request, municipality, "en")}:
        raise WebError(422, INVALID)
    return target


def after_decision(form: FormData, suggestion_id: str) -> RedirectResponse:
    """Back to the suggestion, or with "save and next" to the next idea of the same triage."""
    if form.get("next") == "triage":
        return RedirectResponse(f"/moderation/triage?{safe_filter_query(str(form.get('filter', '')))}", status_code=303)
    return RedirectResponse(f"/moderation/suggestions/{suggestion_id}", status_code=303)


@router.post("/suggestions/{suggestion_id}/{action}", dependencies=[Depends(verify_csrf)])
async def suggestion_action(request: Request, suggestion_id: str, action: str, user: Moderator) -> Response:
    suggestion = suggestion_in_scope(request, user, suggestion_id)
    form = await request.form()
    db, sid, municipality = database(request), suggestion["id"], suggestion["municipality"]
    note = str(form.get("reason", ""))[:1000].strip() or None
    links = mail(request)  # the citizen is told of a confirmation, a decline or a merge
    if action == "confirm":
        run(lambda: confirm_suggestion(db, user.username, sid, mail=links))
    elif action == "decline":
        reason = decline_reason(request, municipality, form)
        run(lambda: decline_suggestion(db, user.username, sid, reason, mail=links))
    elif action == "merge":
        target = merge_target(request, municipality, form)
        run(lambda: merge_suggestion(db, user.username, sid, target, note, mail=links))
    elif action == "hide":
        run(lambda: hide_suggestion(db, user.username, sid, note))
    elif action == "unhide":
        run(lambda: unhide_suggestion(db, user.username, sid))
    else:
        raise WebError(404, NOT_FOUND)
    return after_decision(form, sid)


@router.post("/undo", dependencies=[Depends(verify_csrf)])
async def undo(request: Request, user: Moderator) -> Response:
    """Take back one's last decision and show that idea again (in triage when undone from there)."""
    form = await request.form()
    sid = run(lambda: undo_last(database(request), user.username))
    if form.get("next") == "triage":
        query = safe_filter_query(str(form.get("filter", "")))
        return RedirectResponse(f"/moderation/triage?{query}&id={sid}", status_code=303)
    return RedirectResponse(f"/moderation/suggestions/{sid}", status_code=303)


@router.post("/bulk", dependencies=[Depends(verify_csrf)])
async def bulk(request: Request, user: Moderator) -> Response:
    """The same decision on the chosen suggestions: a duplicate group, or junk from the queue."""
    form = await request.form()
    ids = [str(i)[:64] for i in form.getlist("ids")][:500]
    suggestions = [suggestion_in_scope(request, user, i) for i in ids]
    action = str(form.get("action", ""))
    if not suggestions or action not in ("confirm", "merge", "hide", "decline"):
        raise WebError(422, INVALID)
    places = {s["municipality"] for s in suggestions}
    target = merge_target(request, places.pop(), form) if action == "merge" and len(places) == 1 else None
    if action == "merge" and target is None:
        raise WebError(422, INVALID)  # one initiative is a merge target for one municipality's ideas
    reason = decline_reason(request, suggestions[0]["municipality"], form) if action == "decline" else None
    db = database(request)
    links = mail(request)
    run(lambda: decide_many(db, user.username, [s["id"] for s in suggestions], action,
                            initiative_id=target, reason=reason, mail=links))
    back = str(form.get("back", ""))
    return RedirectResponse(back if back.startswith("/moderation") and "//" not in back else "/moderation",
                            status_code=303)


for _part in (triage, duplicates, decline_templates, reports):
    router.include_router(_part.router)
