"""Creating and editing initiatives: texts in several languages (Serbian typed in Cyrillic is also
stored in Latin, derived), publishing to a municipality's benches or the whole network
(administrators only), progress updates, and the audit trail."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ..db import municipality_slugs
from ..i18n import N_
from ..i18n.script import has_cyrillic, to_latin
from ..services import audit
from ..services.initiatives import (TEXT_FIELDS, TRANSITIONS, complete_initiative, create_initiative, get_initiative,
                                    initiatives_of, publish_initiative, set_texts, start_initiative,
                                    unpublish_initiative)
from ..services.logins import User
from ..services.public import add_update, updates
from . import photos
from .context import database, settings
from .guards import NOT_FOUND, in_scope, run, scope
from .sessions import WebError, require_role, verify_csrf
from .templating import language, render
from .texts import localised

router = APIRouter(prefix="/moderation/initiatives")
moderator = require_role("admin", "moderator")
EDITED_LANGUAGES = ("bs", "hr", "sr", "en")  # sr-Latn is derived from sr
NETWORK = "network"
MOVES = {"published": publish_initiative, "in_progress": start_initiative, "done": complete_initiative,
         "draft": unpublish_initiative}
_MAX_FIELD = {"title": 200, "summary": 500, "body": 5000}


def texts_from_form(form: FormData) -> dict[str, dict[str, str]]:
    """Texts of the languages whose title was filled in. Serbian in Cyrillic brings its Latin
    twin; Serbian typed in Latin is stored as sr-Latn only (Latin cannot be turned into Cyrillic)."""
    texts: dict[str, dict[str, str]] = {}
    for lang in EDITED_LANGUAGES:
        fields = {f: str(form.get(f"{lang}_{f}", "")).replace("\r\n", "\n").strip()[:_MAX_FIELD[f]]
                  for f in TEXT_FIELDS}
        if not fields["title"]:
            continue
        if lang == "sr":
            if has_cyrillic(" ".join(fields.values())):
                texts["sr"] = fields
                texts["sr-Latn"] = {f: to_latin(v) for f, v in fields.items()}
            else:
                texts["sr-Latn"] = fields
        else:
            texts[lang] = fields
    return texts


def _view(request: Request, initiative: dict[str, Any]) -> dict[str, Any]:
    return {"item": initiative, "shown": localised(initiative["texts"], language(request), initiative["original_language"])}


@router.get("", response_class=HTMLResponse)
async def list_page(request: Request, user: User = Depends(moderator)) -> HTMLResponse:
    items = initiatives_of(database(request), None if user.role == "admin" else scope(request, user))
    return render(request, "moderation/initiatives.html", {
        "items": [_view(request, i) for i in items], "names": municipality_slugs(database(request))})


def _form_context(request: Request, user: User, initiative: dict[str, Any] | None, error: str | None) -> dict[str, Any]:
    names = municipality_slugs(database(request))
    texts = dict(initiative["texts"]) if initiative else {}
    if "sr" not in texts and "sr-Latn" in texts:
        texts["sr"] = texts["sr-Latn"]  # edit Latin-only Serbian where it is
    return {"initiative": initiative, "texts": texts, "languages_edited": EDITED_LANGUAGES, "error": error,
            "choices": [(slug, names[slug]) for slug in scope(request, user)], "network_allowed": user.role == "admin"}


@router.get("/new", response_class=HTMLResponse)
async def new_page(request: Request, user: User = Depends(moderator)) -> HTMLResponse:
    return render(request, "moderation/initiative_form.html", _form_context(request, user, None, None))


@router.post("/new", dependencies=[Depends(verify_csrf)])
async def create(request: Request, user: User = Depends(moderator)) -> Response:
    form = await request.form()
    municipality = str(form.get("municipality", ""))
    if municipality == NETWORK and user.role != "admin":
        raise WebError(403, N_("Only administrators publish to the whole network."))
    if municipality != NETWORK:
        in_scope(user, municipality)
    texts = texts_from_form(form)
    original = str(form.get("original_language", ""))
    if original == "sr" and "sr" not in texts:
        original = "sr-Latn"  # Serbian typed in Latin
    if not texts or original not in texts:
        return render(request, "moderation/initiative_form.html", _form_context(
            request, user, None, N_("Write at least a title in the original language.")), 422)
    new_id = run(lambda: create_initiative(
        database(request), user.username, municipality=None if municipality == NETWORK else municipality,
        texts=texts, original_language=original, category=str(form.get("category", ""))[:64].strip() or None))
    return RedirectResponse(f"/moderation/initiatives/{new_id}", status_code=303)


def _initiative(request: Request, user: User, initiative_id: str) -> dict[str, Any]:
    initiative = get_initiative(database(request), initiative_id[:64])
    if initiative is None or initiative["status"] == "deleted":
        raise WebError(404, NOT_FOUND)  # the same answer as out of scope
    in_scope(user, initiative["municipality"])
    return initiative


def _edit_context(request: Request, user: User, initiative: dict[str, Any], error: str | None = None) -> dict[str, Any]:
    db = database(request)
    return {
        **_form_context(request, user, initiative, error), **_view(request, initiative),
        "moves": [m for m in MOVES if m in TRANSITIONS.get(initiative["status"], ())], "updates": updates(db, initiative["id"]),
        "trail": audit.history(db, "initiative", initiative["id"]), "photos": initiative["photos"],
        "photo_mb": f"{settings(request).max_photo_bytes / (1 << 20):g}",
        "municipality_name": municipality_slugs(db).get(initiative["municipality"] or "")}


@router.get("/{initiative_id}", response_class=HTMLResponse)
async def edit_page(request: Request, initiative_id: str, user: User = Depends(moderator)) -> HTMLResponse:
    initiative = _initiative(request, user, initiative_id)
    return render(request, "moderation/initiative_edit.html", _edit_context(request, user, initiative))


@router.post("/{initiative_id}/{action}", dependencies=[Depends(verify_csrf)])
async def act(request: Request, initiative_id: str, action: str, user: User = Depends(moderator)) -> Response:
    initiative = _initiative(request, user, initiative_id)
    form = await request.form()
    db, iid = database(request), initiative["id"]
    to = str(form.get("to"))
    if action == "texts":
        texts = texts_from_form(form)
        if not texts:
            raise WebError(422, N_("Write at least a title in the original language."))
        run(lambda: set_texts(db, user.username, iid, texts))
    elif action == "status" and to == "draft" and form.get("confirmed") != "yes":
        # Unpublishing takes the initiative off every bench: say so and ask once more.
        return render(request, "moderation/unpublish.html", _edit_context(request, user, initiative))
    elif action == "status" and to in MOVES:
        run(lambda: MOVES[to](db, user.username, iid))
    elif action == "update":
        lang = str(form.get("language", ""))
        run(lambda: add_update(db, user.username, iid, lang, str(form.get("text", ""))))
    elif action == "photos":
        refused = await photos.upload(request, user.username, iid, form)
        if refused:
            return render(request, "moderation/initiative_edit.html",
                          _edit_context(request, user, initiative, refused), status_code=422)
    elif action == "remove-photo":
        photos.remove(request, user.username, form)
    else:
        raise WebError(404, N_("There is nothing here, or it is outside your municipalities."))
    return RedirectResponse(f"/moderation/initiatives/{iid}", status_code=303)
