"""Keeping scripts off the public forms without a third-party captcha: a signed time stamp in the
form (a person needs a few seconds to write; a form older than a day is stale), and a honeypot
field people never see (hidden by the stylesheet, skipped by the keyboard) that scripts fill in.
Per-address limits and the duplicate-text rule are the other half (web/ideas.py)."""
from __future__ import annotations

import hashlib
import hmac
import time

from fastapi import Request

from ..services.logins import secret
from .context import database

HONEYPOT = "website"
STAMP = "started"
MAX_AGE_S = 24 * 3600


def _sign(request: Request, stamp: str) -> str:
    return hmac.new(secret(database(request), "form"), stamp.encode(), hashlib.sha256).hexdigest()[:32]


def form_stamp(request: Request, now: float | None = None) -> str:
    """The hidden value a form carries: when it was shown, signed by the server."""
    stamp = str(int((time.time() if now is None else now) * 1000))
    return f"{stamp}.{_sign(request, stamp)}"


def seconds_to_fill(request: Request, value: object, now: float | None = None) -> float | None:
    """How long ago the form was shown; None for a missing, forged or stale stamp."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    stamp, _, tag = value.partition(".")
    if not stamp.isdigit() or not hmac.compare_digest(_sign(request, stamp), tag):
        return None
    elapsed = (time.time() if now is None else now) - int(stamp) / 1000
    return elapsed if -60 <= elapsed <= MAX_AGE_S else None
