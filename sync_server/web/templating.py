"""Rendering pages: Jinja2 with autoescape, the visitor's language and its translator, the CSRF
token and the current user in every template."""
from __future__ import annotations

import gettext as gettext_module
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from .. import i18n
from ..services.logins import User
from ..services.moderation import new_count
from .context import database
from .guards import scope
from .local_time import local_time
from .sessions import csrf_token, current_user, issue_csrf_cookie, set_cookie

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "lang"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template, whatever its name: citizen text is everywhere
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def language(request: Request) -> str:
    """`?lang=`, then the page's own language (a draft's, chosen on the bench), then the `lang`
    cookie, then the first language of Accept-Language we have."""
    for candidate in (request.query_params.get("lang"), getattr(request.state, "page_language", None),
                      request.cookies.get(LANG_COOKIE)):
        if candidate in i18n.LANGUAGES:
            return candidate
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip()
        if tag.lower() in ("sr-latn", "sr-latn-rs", "sr-latn-ba", "sr-latn-me"):
            return "sr-Latn"
        primary = tag.split("-")[0].lower()
        if primary in i18n.LANGUAGES:
            return primary
    return i18n.DEFAULT


# The translations of the page being rendered: templates and imported macros all read this, and
# rendering is synchronous, so one context variable set around it is enough.
_catalogue: ContextVar[gettext_module.GNUTranslations] = ContextVar("catalogue")


def _gettext(message: str, **values: Any) -> str:
    """Placeholders are filled by name and the result is a plain string, so autoescaping also
    covers citizen text put into a translated sentence."""
    text = _catalogue.get().gettext(message)
    return text % values if values else text


def _ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    return _catalogue.get().ngettext(singular, plural, n) % {"num": n, **values}


_env.install_gettext_callables(_gettext, _ngettext, newstyle=False)


def render(request: Request, template_name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    lang = language(request)
    user = current_user(request)
    values = {
        "request": request, "lang": lang, "user": user,
        "csrf_token": lambda: csrf_token(request),
        "waiting": lambda: waiting_count(request, user),
        **context,
    }
    reset = _catalogue.set(i18n.translations(lang))
    try:
        body = _env.get_template(template_name).render(values)
    finally:
        _catalogue.reset(reset)
    response = HTMLResponse(body, status_code=status_code, headers={"Content-Language": lang})
    # A language chosen (`?lang=`, or on the bench for a continue link) is remembered, so the
    # pages linked from this one, such as /r/<code>, speak it too.
    chosen = request.query_params.get("lang") in i18n.LANGUAGES or hasattr(request.state, "page_language")
    if chosen and request.cookies.get(LANG_COOKIE) != lang:
        set_cookie(request, response, LANG_COOKIE, lang, max_age=365 * 86400)
    issue_csrf_cookie(request, response)
    return response


def waiting_count(request: Request, user: User | None) -> int:
    """Suggestions waiting for a decision in the user's municipalities (the "12 new" of the menu)."""
    return new_count(database(request), scope(request, user)) if user else 0


def url_with_lang(request: Request, lang: str) -> str:
    """The current page in another language (the switcher's links). A form's answer names the
    page to show instead (`request.state.page_path`) when its own path answers posts only."""
    path = getattr(request.state, "page_path", request.url.path)
    return path + "?" + urlencode({**request.query_params, "lang": lang})


_env.globals.update(url_with_lang=url_with_lang, languages=i18n.NAMES)
_env.filters["local_time"] = local_time
