"""What the initiative screen shows of the municipality's response and an action's events, without
Kivy: the response's text in the reader's language, event times in Sarajevo local time, and which
events are still ahead."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.core.text import cyrillic_to_latin, localised

LOCAL = ZoneInfo("Europe/Sarajevo")


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def local_start(starts_at: str) -> str:
    """'2026-12-12T09:00:00Z' -> '12.12.2026. 10:00', as people here write a date and time."""
    return _moment(starts_at).astimezone(LOCAL).strftime("%d.%m.%Y. %H:%M")


def local_date(day: str) -> str:
    """'2026-11-30' -> '30.11.2026.'; anything else as it is."""
    try:
        return datetime.strptime(day, "%Y-%m-%d").strftime("%d.%m.%Y.")
    except ValueError:
        return day


def upcoming(events: Iterable[Mapping[str, Any]], now: datetime | None = None) -> list[dict[str, Any]]:
    """The events that have not started yet (the bench's copy of the feed may be hours old)."""
    moment = now or datetime.now(timezone.utc)
    return [dict(e) for e in events if _moment(str(e["starts_at"])) > moment]


def response_text(response: Mapping[str, Any], language: str) -> tuple[str, str]:
    """The response in the reader's language; Serbian in the reader's script; else the first one;
    with the language it is in."""
    texts = {lang: {"text": text} for lang, text in (response.get("texts") or {}).items()}
    found = localised(texts, language, tuple(texts))
    if found is None:
        return "", language
    shown, fields = found
    if shown == "sr" and language != "sr":  # a Latin reader gets Serbian in Latin letters
        return cyrillic_to_latin(fields["text"]), "sr-Latn"
    return fields["text"], shown
