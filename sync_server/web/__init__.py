"""The web pages: phone pages opened from the benches' QR codes, NGO moderation, the Network's
portal and membership, and (engineer B's) fleet dashboard. `install(app)` mounts all of it."""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from .security import SecurityHeadersMiddleware, on_login_required, on_web_error
from .sessions import LoginRequired, WebError

STATIC = Path(__file__).parent / "static"
_PAGE_MODULES = ("phone", "login", "account", "moderation", "initiatives_admin", "portal", "membership", "people",
                 "fleet")


def build_router() -> APIRouter:
    """Every web page module's `router`, those present (the fleet pages come from engineer B)."""
    router = APIRouter(include_in_schema=False)
    for name in _PAGE_MODULES:
        if importlib.util.find_spec(f"{__name__}.{name}") is not None:
            router.include_router(importlib.import_module(f"{__name__}.{name}").router)
    return router


def install(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(WebError, on_web_error)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(build_router())
