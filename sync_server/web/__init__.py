"""The web pages: phone pages opened from the benches' QR codes (and support, ideas from the web,
unsubscribing from e-mails), NGO moderation, the Network's portal and membership, open data,
photos of initiatives, and the fleet dashboard. `install(app)` mounts all of it."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from ..settings import Settings
from . import (account, fleet, fleet_releases, fleet_remote_settings, ideas, initiatives_admin, login, membership,
               moderation, open_data, people, phone, photos, portal, support, unsubscribe)
from .security import SecurityHeadersMiddleware, on_login_required, on_web_error
from .sessions import LoginRequired, WebError

STATIC = Path(__file__).parent / "static"
# /fleet/releases and /fleet/settings before fleet's /fleet/<bench> (those two names are no bench ids).
PAGES = (phone, support, ideas, unsubscribe, login, account, moderation, initiatives_admin, portal, membership,
         people, open_data, photos, fleet_releases, fleet_remote_settings, fleet)


def build_router() -> APIRouter:
    """Every page module's routes, in this order (the first route that matches a path wins)."""
    router = APIRouter(include_in_schema=False)
    for page in PAGES:
        router.include_router(page.router)
    return router


def install(app: FastAPI, settings: Settings) -> None:
    login.install(app, settings)
    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(WebError, on_web_error)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(build_router())
