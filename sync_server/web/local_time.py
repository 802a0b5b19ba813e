"""Times as people here read them: the server stores UTC, pages show Europe/Sarajevo."""
from __future__ import annotations

from datetime import datetime

from ..clock import LOCAL_TIME as ZONE  # one zone for every time people read


def local_time(value: str | None) -> str:
    """'2026-07-01T10:05:00.000000Z' -> '2026-07-01 12:05' (summer time); '' for nothing."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value[:16].replace("T", " ")
    return moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def local_month(value: str) -> str:
    """The local calendar month of a stored UTC time, 'YYYY-MM'."""
    return local_time(value)[:7]
