"""The wire format of bench uploads: whole-request checks (which refuse the request) and
per-item checks (which reject one item with a reason code while the rest is stored)."""
from __future__ import annotations

import json
import math
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .clock import iso, parse_rfc3339
from .problems import Problem
from .receipts import normalise_receipt
from .settings import Settings

LANGUAGES = frozenset({"bs", "hr", "sr", "sr-Latn", "en"})
# Control characters other than tab and newline, and lone surrogates (not encodable as UTF-8).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class Rejection:
    id: Any
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "reason": self.reason}


@dataclass(frozen=True)
class SuggestionIn:
    sent_id: str  # as the bench wrote it: answers echo it so the bench can match its outbox
    id: str       # canonical UUID: the storage key
    created_at: str
    text: str
    language: str
    initiative_id: str | None
    receipt: str | None
    category: str | None
    contact: str | None


@dataclass(frozen=True)
class SupportIn:
    sent_id: str
    id: str
    created_at: str
    initiative_id: str


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_json(body: bytes, content_type: str | None) -> Any:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    # A missing Content-Type is read as JSON (lenient to simple clients); another type is refused.
    if media_type and media_type != "application/json" and not media_type.endswith("+json"):
        raise Problem(415, "unsupported-media-type", "the body must be application/json")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(400, "invalid-utf8", f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise Problem(400, "malformed-json", f"the body is not valid JSON ({str(exc)[:120]})") from None


def batch_items(payload: Any, key: str, settings: Settings, required: bool = True) -> list[dict[str, Any]]:
    """The list of objects under `key` (absent means empty unless `required`), or a problem for the
    request as a whole."""
    items = payload.get(key, None if required else []) if isinstance(payload, dict) else None
    if not isinstance(items, list):
        raise Problem(422, "invalid-request", f'the body must be an object with a "{key}" array')
    if len(items) > settings.max_batch_items:
        raise Problem(413, "batch-too-long", f"at most {settings.max_batch_items} {key} per request",
                      limit=settings.max_batch_items)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise Problem(422, "invalid-request", f"{key}[{index}] is not an object")
    return items


def canonical_uuid(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 45:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def clean_text(value: Any, limit: int) -> str | Rejection:
    """NFC, stripped, non-empty, within `limit`, no control characters but newline and tab."""
    if not isinstance(value, str):
        return Rejection(None, "invalid_text")
    if _FORBIDDEN.search(value.replace("\r\n", "\n")):
        return Rejection(None, "invalid_text")
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    if not text:
        return Rejection(None, "empty_text")
    if len(text) > limit:
        return Rejection(None, "text_too_long")
    return text


def _optional_short(item: dict[str, Any], key: str, limit: int) -> str | None | Rejection:
    """An optional short string: absent, null or blank all mean none."""
    value = item.get(key)
    if value is None:
        return None
    cleaned = clean_text(value, limit)
    if isinstance(cleaned, Rejection):
        return None if cleaned.reason == "empty_text" else Rejection(None, f"invalid_{key}")
    return cleaned


def _common(item: dict[str, Any]) -> tuple[str, str, str] | Rejection:
    """Id and creation time, shared by suggestions and supports."""
    sent_id = item.get("id")
    echo = sent_id if isinstance(sent_id, (str, int)) and not isinstance(sent_id, bool) else None
    if isinstance(echo, str) and (len(echo) > 100 or _FORBIDDEN.search(echo)):
        echo = None  # echo back nothing huge and nothing that cannot be encoded as UTF-8
    canonical = canonical_uuid(sent_id)
    if canonical is None:
        return Rejection(echo, "invalid_id")
    created = parse_rfc3339(item.get("created_at"))
    if created is None:
        return Rejection(sent_id, "invalid_created_at")
    return sent_id, canonical, iso(created)


def check_hard_text_limit(items: Sequence[dict[str, Any]], settings: Settings) -> None:
    for index, item in enumerate(items):
        text = item.get("text")
        if isinstance(text, str) and len(text) > settings.hard_text_chars:
            raise Problem(422, "text-too-large",
                          f"items[{index}].text exceeds {settings.hard_text_chars} characters",
                          limit=settings.hard_text_chars)


def check_suggestion(item: dict[str, Any], settings: Settings) -> SuggestionIn | Rejection:
    common = _common(item)
    if isinstance(common, Rejection):
        return common
    sent_id, canonical, created_at = common
    text = clean_text(item.get("text"), settings.max_text_chars)
    if isinstance(text, Rejection):
        return Rejection(sent_id, text.reason)
    language = item.get("language")
    if not isinstance(language, str) or language not in LANGUAGES:
        return Rejection(sent_id, "invalid_language")
    initiative_id = item.get("initiative_id")
    if initiative_id is not None:
        initiative_id = canonical_uuid(initiative_id)
        if initiative_id is None:
            return Rejection(sent_id, "unknown_initiative")
    receipt = item.get("receipt")
    if receipt is not None:
        receipt = normalise_receipt(receipt)
        if receipt is None:
            return Rejection(sent_id, "invalid_receipt")
    category = _optional_short(item, "category", settings.max_short_chars)
    # Contact details are kept only with the citizen's explicit consent (JSON true).
    consented = item.get("contact_consent") is True
    contact = _optional_short(item, "contact", settings.max_short_chars) if consented else None
    for value in (category, contact):
        if isinstance(value, Rejection):
            return Rejection(sent_id, value.reason)
    return SuggestionIn(sent_id, canonical, created_at, text, language, initiative_id, receipt,
                        category, contact)  # type: ignore[arg-type]


def check_support(item: dict[str, Any]) -> SupportIn | Rejection:
    common = _common(item)
    if isinstance(common, Rejection):
        return common
    sent_id, canonical, created_at = common
    initiative_id = canonical_uuid(item.get("initiative_id"))
    if initiative_id is None:
        return Rejection(sent_id, "unknown_initiative")
    return SupportIn(sent_id, canonical, created_at, initiative_id)


def dump_json(value: Any) -> str | None:
    """JSON text to store (ASCII, so odd input cannot break storage), or None if it is too deeply
    nested to encode within the interpreter's recursion limit."""
    try:
        return json.dumps(value)
    except (RecursionError, ValueError):
        return None


def finite_number(value: Any) -> float | None | Rejection:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return Rejection(None, "not_a_number")
    try:
        number = float(value)
    except OverflowError:
        return Rejection(None, "not_a_number")
    return number if math.isfinite(number) else Rejection(None, "not_a_number")


@dataclass(frozen=True)
class JoinIn:
    sent_id: str
    id: str
    created_at: str
    event_id: str


def check_join(item: dict[str, Any]) -> JoinIn | Rejection:
    """An "I'll join" tap on a bench: id, creation time and the event."""
    common = _common(item)
    if isinstance(common, Rejection):
        return common
    sent_id, canonical, created_at = common
    event_id = canonical_uuid(item.get("event_id"))
    if event_id is None:
        return Rejection(sent_id, "unknown_event")
    return JoinIn(sent_id, canonical, created_at, event_id)
