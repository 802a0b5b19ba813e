"""What several pages show alike: an initiative as the templates take it, the choice of
initiatives in a form, and the per-address limits of the public forms."""
from __future__ import annotations

from fastapi import Request

from ..db import municipality_slugs
from ..i18n import N_
from ..i18n.script import to_cyrillic
from ..problems import Problem
from ..services.initiatives import initiatives_of
from .context import database
from .sessions import WebError
from .texts import localised


def address_limit(request: Request, limiter: str) -> None:
    """A per-address limit of the context (`public_limiter`, `idea_limiter`, `support_limiter`)."""
    try:
        getattr(request.app.state.context, limiter).check(request.client.host if request.client else "")
    except Problem:
        raise WebError(429, N_("Too many requests. Please wait a minute and try again.")) from None


def public_limit(request: Request) -> None:
    """The same per-address limit as the status API: receipt codes must not be guessable here."""
    address_limit(request, "public_limiter")


def municipality_names(request: Request, lang: str) -> dict[str, str]:
    """The municipalities' names (slug -> name) in the reader's script: Cyrillic for Serbian
    Cyrillic readers (the names are stored in Latin; the kiosk shows them the same way)."""
    names = municipality_slugs(database(request))
    return {slug: to_cyrillic(name) for slug, name in names.items()} if lang == "sr" else names


def initiative_view(request: Request, initiative: dict, lang: str) -> dict:
    """An initiative as the templates show it."""
    return {"item": initiative, "shown": localised(initiative["texts"], lang, initiative["original_language"]),
            "municipality": municipality_names(request, lang).get(initiative["municipality"] or "")}


def initiative_choices(request: Request, municipality: str, lang: str) -> list[dict]:
    """A municipality's initiatives (drafts too) for a moderator to pick from, titled in `lang`."""
    return [{"id": i["id"], "title": localised(i["texts"], lang, i["original_language"]).fields["title"],
             "status": i["status"]} for i in initiatives_of(database(request), [municipality])]
