"""Photos of initiatives on the web: the upload on the initiative editor (refusals in words), and
the photo files themselves, public for visible initiatives and cached for good (a changed photo
is a new id), for moderators only while the initiative is a draft."""
from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from ..i18n import N_
from ..images import PhotoRefused, process_photo
from ..services.initiatives import VISIBLE
from ..services.photos import MAX_PER_INITIATIVE, add_photo, photo_bytes, photo_count, remove_photo
from .context import database, settings
from .guards import NOT_FOUND, run
from .sessions import WebError, current_user

router = APIRouter(prefix="/photos")
_NAME = re.compile(r"^([0-9a-f-]{36})(-thumb)?\.jpg$")
REFUSALS = {
    "too_large": N_("The photo is larger than %(mb)s MB. Please choose a smaller one."),
    "not_an_image": N_("This file is not a photo: choose a JPEG, PNG or WebP image."),
    "unsupported_format": N_("This file is not a photo: choose a JPEG, PNG or WebP image."),
    "broken": N_("This image is damaged or incomplete."),
    "bomb": N_("This image claims far more pixels than any photo (a decompression bomb), so it was refused."),
}
TOO_MANY = N_("An initiative has at most 6 photos. Remove one first.")


async def upload(request: Request, username: str, initiative_id: str, form: FormData) -> str | None:
    """Store the photo of the form; None, or the message for the moderator when it is refused."""
    file = form.get("photo")
    if not isinstance(file, UploadFile):
        return REFUSALS["not_an_image"]
    limits = settings(request)
    data = await file.read(limits.max_photo_bytes + 1)
    try:
        photo = process_photo(data, limits.max_photo_bytes, limits.max_photo_pixels)
    except PhotoRefused as refusal:
        return REFUSALS[refusal.reason]
    db = database(request)
    if photo_count(db, initiative_id) >= MAX_PER_INITIATIVE:
        return TOO_MANY
    run(lambda: add_photo(db, username, initiative_id, photo, str(form.get("alt", ""))))
    return None


def remove(request: Request, username: str, form: FormData) -> None:
    run(lambda: remove_photo(database(request), username, str(form.get("photo_id", ""))[:64]))


@router.get("/{name}")
async def photo_file(request: Request, name: str) -> Response:
    match = _NAME.match(name)
    found: Any = photo_bytes(database(request), match[1], "thumb" if match[2] else "large") if match else None
    if found is None:
        raise WebError(404, NOT_FOUND)
    data, municipality, status = found
    if status in VISIBLE:
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=31536000, immutable"})
    user = current_user(request)
    if user is None or not user.may_moderate(municipality):
        raise WebError(404, NOT_FOUND)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})
