"""The moderation queue's filter as the query string carries it, so that pages, triage and
exports all see the same selection."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from fastapi import Request

from ..i18n import N_
from ..services.logins import User
from ..services.moderation import SORTS, VIEWS, QueueFilter
from .guards import scope
from .sessions import WebError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FILTER_KEYS = ("state", "municipality", "from", "to", "q", "sort", "order")


def queue_filter(request: Request, user: User) -> QueueFilter:
    """The queue's filter from the query string, limited to the user's municipalities."""
    q = request.query_params
    allowed = scope(request, user)
    municipality = q.get("municipality") or ""
    if municipality and municipality not in allowed:
        raise WebError(403, N_("You may not open this page."))

    def date(name: str) -> str | None:
        value = q.get(name, "")
        return value if _DATE.match(value) else None

    view = q.get("state", "received")
    return QueueFilter([municipality] if municipality else allowed, view if view in VIEWS else "all",
                       date("from"), date("to"), (q.get("q") or "")[:100] or None,
                       sort=q.get("sort") if q.get("sort") in SORTS else "written",
                       oldest_first=q.get("order") == "oldest")


def filter_query(request: Request, **changes: str | int) -> str:
    """The query string of the current filter (without the page), with some values changed: the
    links between pages, to triage and to the exports keep what the moderator chose."""
    values = {k: request.query_params[k] for k in _FILTER_KEYS if request.query_params.get(k)}
    values.update({k: str(v) for k, v in changes.items()})
    return urlencode(values)


def safe_filter_query(raw: str) -> str:
    """A filter sent back by a form (triage's "save and next"): only the filter's own keys."""
    values = {k: v[:100] for k, v in parse_qsl(raw[:2000]) if k in _FILTER_KEYS or k == "skip"}
    return urlencode(values)
