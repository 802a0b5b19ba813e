"""The bench API (v1): uploads, the initiatives feed and the public receipt status.

Handlers run on the event loop thread with that thread's own SQLite connection: every query is an
indexed lookup of well under a millisecond, cheaper than the hop to a worker thread (measured: the
thread pool cost a third of the throughput), and SQLite serialises writers anyway."""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .auth import Bench, bench_for_token
from .db import Database, ThreadLocalDatabases
from .limits import RateLimiter
from .problems import MEDIA_TYPE, Problem, unauthorized
from .schemas import (SUGGESTIONS_BODY, SUPPORTS_BODY, TELEMETRY_BODY, BatchResult, BenchSettings, Feed,
                      ProblemDetails, ReceiptStatus, ReleaseOffer, TelemetryResult)
from .services import releases, remote_settings
from .services.benches import touch
from .services.initiatives import feed, ingest_supports
from .services.suggestions import ingest_suggestions, status_by_receipt
from .services.telemetry import ingest_telemetry
from .settings import Settings
from .wire import batch_items, check_hard_text_limit, check_suggestion, check_support, load_json


@dataclass
class Context:
    settings: Settings
    dbs: ThreadLocalDatabases
    limiter: RateLimiter         # per bench
    public_limiter: RateLimiter  # per client address, for the public status


T = TypeVar("T")
router = APIRouter(prefix="/api/v1")
_bearer = HTTPBearer(auto_error=False, description="the bench token printed by add-bench")


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ProblemDetails, "content": {MEDIA_TYPE: {}}} for s in statuses}


_UPLOAD_ERRORS = _problems(400, 401, 413, 415, 422, 429)


def _context(request: Request) -> Context:
    return request.app.state.context


def _as_bench(request: Request, credentials: HTTPAuthorizationCredentials | None,
              work: Callable[[Bench, Database], T]) -> T:
    """Run `work` for the bench of the token (never of the body), rate-limited. Its last contact
    is recorded only after success: a refused request changes nothing."""
    context = _context(request)
    if credentials is None:
        raise unauthorized("a bench token is required: Authorization: Bearer <token>")
    db = context.dbs.get()
    bench = bench_for_token(db, credentials.credentials)
    if bench is None:
        raise unauthorized("the token is unknown or revoked")
    context.limiter.check(bench.id)
    result = work(bench, db)
    touch(db, bench, context.settings.contact_touch_interval_s)
    return result


def _items(request: Request, body: bytes, key: str, required: bool = True) -> tuple[Any, list[dict[str, Any]]]:
    payload = load_json(body, request.headers.get("content-type"))
    return payload, batch_items(payload, key, _context(request).settings, required)


@router.post("/suggestions", response_model=BatchResult, responses=_UPLOAD_ERRORS, openapi_extra=SUGGESTIONS_BODY)
async def post_suggestions(request: Request,
                           credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> dict[str, Any]:
    """Upload suggestions; idempotent by item id. Invalid items are rejected one by one."""
    body = await request.body()
    settings = _context(request).settings

    def work(bench: Bench, db: Database) -> dict[str, Any]:
        _, items = _items(request, body, "items")
        check_hard_text_limit(items, settings)
        return ingest_suggestions(db, bench, [check_suggestion(item, settings) for item in items])

    return _as_bench(request, credentials, work)


@router.post("/supports", response_model=BatchResult, responses=_UPLOAD_ERRORS, openapi_extra=SUPPORTS_BODY)
async def post_supports(request: Request,
                        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> dict[str, Any]:
    """Upload "I support this initiative" taps; idempotent by item id."""
    body = await request.body()

    def work(bench: Bench, db: Database) -> dict[str, Any]:
        _, items = _items(request, body, "items")
        return ingest_supports(db, bench, [check_support(item) for item in items])

    return _as_bench(request, credentials, work)


@router.post("/telemetry", response_model=TelemetryResult, responses=_UPLOAD_ERRORS, openapi_extra=TELEMETRY_BODY)
async def post_telemetry(request: Request,
                         credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> dict[str, Any]:
    """Upload power samples (deduplicated by bench and time) and the kiosk's health report."""
    body = await request.body()

    def work(bench: Bench, db: Database) -> dict[str, Any]:
        payload, samples = _items(request, body, "samples", required=False)  # a health report alone is fine
        health = payload.get("health")
        if health is not None and not isinstance(health, dict):
            raise Problem(422, "invalid-request", '"health" must be an object')
        return ingest_telemetry(db, bench, samples, health)

    return _as_bench(request, credentials, work)


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        prefix, number = text.split(":")
        if prefix != "seq" or not number.isdigit():
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Problem(400, "invalid-cursor", "the cursor was not made by this server") from None


@router.get("/initiatives", response_model=Feed, responses=_problems(400, 401, 422, 429))
async def get_initiatives(request: Request,
                          since: str | None = Query(None, max_length=64, description="the cursor of the last pull"),
                          credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> dict[str, Any]:
    """Initiatives of the bench's municipality and network-wide ones changed since the cursor.
    `full: true` means the answer is everything visible: replace the local copy."""

    def work(bench: Bench, db: Database) -> dict[str, Any]:
        return feed(db, bench.municipality, None if since is None else decode_cursor(since))

    result = _as_bench(request, credentials, work)
    return {"items": result["items"], "deleted": result["deleted"], "cursor": encode_cursor(result["head"]),
            "full": result["full"]}


@router.get("/status/{code}", response_model=ReceiptStatus, responses=_problems(404, 422, 429))
async def get_status(request: Request, code: str,
                     credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> dict[str, Any]:
    """Public: what became of a suggestion, by its receipt code (any case, dash optional).
    No token needed; a bench that sends its token is rate-limited as that bench, not by address."""
    context = _context(request)
    db = context.dbs.get()
    bench = bench_for_token(db, credentials.credentials) if credentials else None
    if bench is not None:
        context.limiter.check(bench.id)
    else:
        context.public_limiter.check(request.client.host if request.client else "")
    status = status_by_receipt(db, code)
    if status is None:
        raise Problem(404, "unknown-receipt", "no suggestion has this receipt code")
    return status


@router.get("/release", response_model=ReleaseOffer, responses=_problems(401, 422, 429))
async def get_release(request: Request,
                      channel: str = Query("stable", max_length=32, description="the bench's update channel"),
                      credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> dict[str, Any]:
    """The release of the channel rolled out to this bench (to it, its municipality or the network,
    the newest rollout winning), with the SHA-256 and signature the bench checks before installing."""

    def work(bench: Bench, db: Database) -> dict[str, Any]:
        offer = releases.offer(db, bench, channel)
        if offer is None:
            return {"version": None}
        return {**{key: offer[key] for key in ("version", "channel", "size", "sha256", "signature")},
                "url": f"{router.prefix}/releases/{offer['version']}"}

    return _as_bench(request, credentials, work)


@router.get("/releases/{version}", response_class=Response, responses={
    200: {"content": {"application/octet-stream": {}}, "description": "the release file (a wheel)"},
    **_problems(401, 404, 429)})
def get_release_file(request: Request, version: str,
                     credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> Response:
    """A published release file. A plain function: FastAPI runs it on a worker thread, so sending
    megabytes never stalls the event loop that serves the other benches."""

    def work(bench: Bench, db: Database) -> tuple[str, bytes] | None:
        return releases.release_file(db, version)

    found = _as_bench(request, credentials, work)
    if found is None:
        raise Problem(404, "unknown-release", "no release has this version")
    filename, content = found
    return Response(content, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/settings", response_model=BenchSettings, responses=_problems(401, 429))
async def get_settings(request: Request,
                       credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> dict[str, Any]:
    """The remote settings for this bench, merged from the network's, its municipality's and its
    own layer, with their version: the bench applies a version it has not applied yet."""

    def work(bench: Bench, db: Database) -> dict[str, Any]:
        return remote_settings.for_bench(db, bench.id, bench.municipality)

    return _as_bench(request, credentials, work)
