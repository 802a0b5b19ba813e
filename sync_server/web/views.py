"""What several pages show alike: an initiative as the templates take it, the choice of
initiatives in a form, and the per-address limit of the public forms."""
from __future__ import annotations

from fastapi import Request

from ..db import municipality_slugs
from ..i18n import N_
from ..problems import Problem
from ..services.initiatives import initiatives_of
from .context import database
from .sessions import WebError
from .texts import localised


def public_limit(request: Request) -> None:
    """The same per-address limit as the status API: receipt codes must not be guessable here."""
    try:
        request.app.state.context.public_limiter.check(request.client.host if request.client else "")
    except Problem:
        raise WebError(429, N_("Too many requests. Please wait a minute and try again.")) from None


def initiative_view(request: Request, initiative: dict, lang: str) -> dict:
    """An initiative as the templates show it."""
    return {"item": initiative, "shown": localised(initiative["texts"], lang, initiative["original_language"]),
            "municipality": municipality_slugs(database(request)).get(initiative["municipality"] or "")}


def initiative_choices(request: Request, municipality: str, lang: str) -> list[dict]:
    """A municipality's initiatives (drafts too) for a moderator to pick from, titled in `lang`."""
    return [{"id": i["id"], "title": localised(i["texts"], lang, i["original_language"]).fields["title"],
             "status": i["status"]} for i in initiatives_of(database(request), [municipality])]
