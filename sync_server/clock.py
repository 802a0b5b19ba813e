"""Time stamps: RFC 3339 parsing, one canonical UTC text form that sorts and compares, and the
local time people read (the benches are all in Bosnia and Herzegovina)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Sarajevo")
_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$"
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """Canonical form: UTC, microseconds, 'Z' — equal instants give equal strings."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_iso() -> str:
    return iso(utcnow())


def ago_iso(seconds: float) -> str:
    return iso(utcnow() - timedelta(seconds=seconds))


def ahead_iso(seconds: float) -> str:
    return iso(utcnow() + timedelta(seconds=seconds))


def parse_rfc3339(value: object) -> datetime | None:
    """An RFC 3339 date-time with an explicit offset, as UTC, or None if it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    match = _RFC3339.match(value)
    if match is None:
        return None
    date, time, fraction, offset = match.groups()
    fraction = (fraction or "0")[:6].ljust(6, "0")
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        # In UTC at once: an offset that pushes the instant past year 1 or 9999 is refused here.
        return datetime.fromisoformat(f"{date}T{time}.{fraction}{offset}").astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None

