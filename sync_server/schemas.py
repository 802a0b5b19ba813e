"""OpenAPI descriptions of the bench API. Request bodies are parsed by hand (to answer per item
and to control every error), so their schemas are written out here for the docs and the fuzzer,
from the app's Settings so the documented limits are the enforced ones."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .settings import Settings
from .wire import LANGUAGES

_ID = {"type": "string", "format": "uuid"}
_TIME = {"type": "string", "format": "date-time"}
_LANGUAGE = {"type": "string", "enum": sorted(LANGUAGES)}


def _batch(key: str, item: dict[str, Any], example: dict[str, Any], settings: Settings,
           required: bool = True) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {
                "schema": {"type": "object", "required": [key] if required else [],
                           "properties": {key: {"type": "array", "maxItems": settings.max_batch_items,
                                                "items": item}}},
                "example": {key: [example]},
            }},
        }
    }


def suggestions_body(settings: Settings) -> dict[str, Any]:
    short = {"type": "string", "maxLength": settings.max_short_chars}
    return _batch("items", {
        "type": "object",
        "required": ["id", "created_at", "text", "language"],
        "properties": {
            "id": _ID, "created_at": _TIME,
            "text": {"type": "string", "minLength": 1, "maxLength": settings.max_text_chars},
            "language": _LANGUAGE, "initiative_id": {"anyOf": [_ID, {"type": "null"}]},
            "receipt": {"type": "string", "pattern": "^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$"},
            "category": short, "contact": short, "contact_consent": {"type": "boolean"},
        },
    }, {"id": "0193f1c2-7d4e-7a00-8b1c-2f3e4d5a6b7c", "created_at": "2026-11-23T10:15:00+01:00",
        "text": "Više kanti za smeće u parku.", "language": "bs", "initiative_id": None, "receipt": "K7M2-Q9XD"},
        settings)


def supports_body(settings: Settings) -> dict[str, Any]:
    return _batch("items", {
        "type": "object",
        "required": ["id", "created_at", "initiative_id"],
        "properties": {"id": _ID, "created_at": _TIME, "initiative_id": _ID},
    }, {"id": "0193f1c2-8000-7a00-8b1c-2f3e4d5a6b7c", "created_at": "2026-11-23T10:16:00Z",
        "initiative_id": "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"}, settings)


_NUMBER = {"type": ["number", "null"]}


def telemetry_body(settings: Settings) -> dict[str, Any]:
    body = _batch("samples", {
        "type": "object",
        "required": ["at"],
        "properties": {
            "at": _TIME, "battery_v": _NUMBER, "battery_a": _NUMBER, "solar_v": _NUMBER, "solar_w": _NUMBER,
            "soc_pct": _NUMBER, "charge_state": {"type": ["string", "null"]}, "error": {"type": ["string", "null"]},
            "load_on": {"type": ["boolean", "null"]}, "ports": {"type": ["object", "null"]},
        },
    }, {"at": "2026-11-23T10:15:00Z", "battery_v": 12.84, "battery_a": -0.42, "solar_v": 18.1, "solar_w": 35.0,
        "soc_pct": 87.5, "charge_state": "bulk", "error": None, "load_on": True,
        "ports": {"USB1": {"state": "on", "current_a": 0.45}}}, settings, required=False)
    body["requestBody"]["content"]["application/json"]["schema"]["properties"]["health"] = {
        "type": "object",
        "properties": {"app_version": {"type": "string"}, "backlog": {"type": "integer", "minimum": 0},
                       "uptime_s": {"type": "number"}, "store_bytes": {"type": "integer"}},
    }
    return body


class RejectedItem(BaseModel):
    id: Any
    reason: str


class BatchResult(BaseModel):
    accepted: list[Any]
    rejected: list[RejectedItem]


class RejectedSample(BaseModel):
    index: int
    reason: str


class TelemetryResult(BaseModel):
    accepted: int
    rejected: list[RejectedSample]


class InitiativeText(BaseModel):
    title: str
    summary: str
    body: str


class Photo(BaseModel):
    """A photo of an initiative: both sizes as JPEG under the server's address, their pixel sizes,
    and the SHA-256 of the large file (a bench whose copy has another hash fetches it again)."""
    id: str
    sha256: str
    url: str
    width: int
    height: int
    thumb_url: str
    thumb_width: int
    thumb_height: int
    alt: str


class Initiative(BaseModel):
    id: str
    municipality: str | None
    status: str
    category: str | None
    texts: dict[str, InitiativeText]
    original_language: str
    support_count: int
    updated_at: str
    photos: list[Photo] = []


class Feed(BaseModel):
    items: list[Initiative]
    deleted: list[str]
    cursor: str
    full: bool


class HistoryEntry(BaseModel):
    state: str
    at: str
    note: str | None


class ReceiptStatus(BaseModel):
    receipt: str
    state: str
    history: list[HistoryEntry]
    initiative: Initiative | None
    decline_reason: str | None


class ProblemDetails(BaseModel):
    type: str
    title: str
    status: int
    detail: str


class ReleaseOffer(BaseModel):
    """The release this bench should run; all fields null when none is rolled out to it."""
    version: str | None
    channel: str | None = None
    size: int | None = None
    sha256: str | None = None
    signature: str | None = None


class BenchSettings(BaseModel):
    version: int
    values: dict[str, Any]
