"""The bench API (v1): uploads, the initiatives feed and the public receipt status.

Handlers and their dependencies are coroutines, so they run on the event loop thread with that
thread's own SQLite connection: every query is an indexed lookup of well under a millisecond,
cheaper than the hop to a worker thread (measured: the thread pool cost a third of the
throughput), and SQLite serialises writers anyway."""
from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .auth import Bench
from .db import Database, ThreadLocalDatabases
from .limits import RateLimiter
from .problems import MEDIA_TYPE, Problem, unauthorized
from .schemas import (BatchResult, BenchSettings, Feed, ProblemDetails, ReceiptStatus, ReleaseOffer, TelemetryResult,
                      suggestions_body, supports_body, telemetry_body)
from .services import releases, remote_settings
from .services.benches import bench_for_token, touch
from .services.notices import MailLinks
from .services.initiatives import feed, receive_supports
from .services.suggestions import receive_suggestions, status_by_receipt
from .services.telemetry import ingest_telemetry
from .settings import Settings
from .wire import batch_items, load_json


@dataclass
class Context:
    settings: Settings
    dbs: ThreadLocalDatabases
    limiter: RateLimiter         # per bench
    public_limiter: RateLimiter  # per client address, for the public status
    # Per client address: ideas and supports from the web (in memory only).
    idea_limiter: RateLimiter
    support_limiter: RateLimiter
    mail: MailLinks | None  # None: no SMTP server configured, so no mail is queued
    server_key: bytes       # from the key file: unseals the benches' hand-off keys


_bearer = HTTPBearer(auto_error=False, description="the bench token printed by add-bench")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def app_context(request: Request) -> Context:
    return request.app.state.context


AppContext = Annotated[Context, Depends(app_context)]


async def database(context: AppContext) -> Database:
    """This thread's connection."""
    return context.dbs.get()


BenchDatabase = Annotated[Database, Depends(database)]


async def authenticated_bench(context: AppContext, db: BenchDatabase, credentials: Credentials) -> AsyncIterator[Bench]:
    """The bench of the token (never of the body), within its rate limit. Its last contact is
    recorded once the handler has succeeded: a refused request changes nothing."""
    if credentials is None:
        raise unauthorized("a bench token is required: Authorization: Bearer <token>")
    bench = bench_for_token(db, credentials.credentials)
    if bench is None:
        raise unauthorized("the token is unknown or revoked")
    context.limiter.check(bench.id)
    yield bench  # a handler's exception is raised here, so the touch below is skipped
    touch(db, bench, context.settings.contact_touch_interval_s)


# scope="function": the touch happens before the answer is sent, not after.
AuthenticatedBench = Annotated[Bench, Depends(authenticated_bench, scope="function")]


async def public_rate_limit(request: Request, context: AppContext, db: BenchDatabase,
                            credentials: Credentials) -> None:
    """A bench that sends its token is rate-limited as that bench; anyone else by address."""
    bench = bench_for_token(db, credentials.credentials) if credentials else None
    if bench is not None:
        context.limiter.check(bench.id)
    else:
        context.public_limiter.check(request.client.host if request.client else "")


async def _batch(request: Request, key: str, settings: Settings, required: bool = True) -> tuple[Any, list[dict[str, Any]]]:
    payload = load_json(await request.body(), request.headers.get("content-type"))
    return payload, batch_items(payload, key, settings, required)


async def post_suggestions(request: Request, bench: AuthenticatedBench, context: AppContext,
                           db: BenchDatabase) -> dict[str, Any]:
    """Upload suggestions; idempotent by item id. Invalid items are rejected one by one."""
    _, items = await _batch(request, "items", context.settings)
    return receive_suggestions(db, bench, items, context.settings)


async def post_supports(request: Request, bench: AuthenticatedBench, context: AppContext,
                        db: BenchDatabase) -> dict[str, Any]:
    """Upload "I support this initiative" taps; idempotent by item id."""
    _, items = await _batch(request, "items", context.settings)
    return receive_supports(db, bench, items, context.settings.max_supports_per_hour)


async def post_telemetry(request: Request, bench: AuthenticatedBench, context: AppContext,
                         db: BenchDatabase) -> dict[str, Any]:
    """Upload power samples (deduplicated by bench and time) and the kiosk's health report."""
    payload, samples = await _batch(request, "samples", context.settings, required=False)  # health alone is fine
    return ingest_telemetry(db, bench, samples, payload.get("health"), context.settings.telemetry_max_ahead_s)


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



_CURSOR_CHARS = 64


async def since_param(since: Annotated[str | None, Query(description="the cursor of the last pull",
                                                         json_schema_extra={"maxLength": _CURSOR_CHARS})] = None
                      ) -> str | None:
    """The cursor's length is checked here, before the token, as a request that does not match
    the API (FastAPI would check a `max_length` only after every dependency, the token's too)."""
    if since is not None and len(since) > _CURSOR_CHARS:
        raise RequestValidationError([{"loc": ("query", "since"), "type": "string_too_long", "input": since,
                                       "msg": f"String should have at most {_CURSOR_CHARS} characters"}])
    return since


async def get_initiatives(since: Annotated[str | None, Depends(since_param)], bench: AuthenticatedBench,
                          db: BenchDatabase) -> dict[str, Any]:
    """Initiatives of the bench's municipality and network-wide ones changed since the cursor.
    `full: true` means the answer is everything visible: replace the local copy."""
    result = feed(db, bench.municipality, None if since is None else decode_cursor(since))
    return {"items": result["items"], "deleted": result["deleted"], "cursor": encode_cursor(result["head"]),
            "full": result["full"]}


async def get_status(code: str, db: BenchDatabase) -> dict[str, Any]:
    """Public: what became of a suggestion, by its receipt code (any case, dash optional).
    No token needed; a bench that sends its token is rate-limited as that bench, not by address."""
    status = status_by_receipt(db, code)
    if status is None:
        raise Problem(404, "unknown-receipt", "no suggestion has this receipt code")
    return status


async def get_release(bench: AuthenticatedBench, db: BenchDatabase,
                      channel: Annotated[str, Query(max_length=32, description="the bench's update channel")] = "stable"
                      ) -> dict[str, Any]:
    """The release of the channel rolled out to this bench (to it, its municipality or the network,
    the newest rollout winning), with the SHA-256 and signature the bench checks before installing."""
    offer = releases.offer(db, bench, channel)
    if offer is None:
        return {"version": None}
    return {key: offer[key] for key in ("version", "channel", "size", "sha256", "signature")}


async def get_release_file(version: str, bench: AuthenticatedBench, db: BenchDatabase) -> Response:
    """A published release file (a wheel of a few hundred kB: one indexed read)."""
    found = releases.release_file(db, version)
    if found is None:
        raise Problem(404, "unknown-release", "no release has this version")
    filename, content = found
    return Response(content, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def get_settings(bench: AuthenticatedBench, db: BenchDatabase) -> dict[str, Any]:
    """The remote settings for this bench, merged from the network's, its municipality's and its
    own layer, with their version: the bench applies a version it has not applied yet."""
    return remote_settings.for_bench(db, bench.id, bench.municipality)


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ProblemDetails, "content": {MEDIA_TYPE: {}}} for s in statuses}


def bench_api(settings: Settings) -> APIRouter:
    """The routes, with request schemas made from `settings`: the documented limits are the enforced ones."""
    router = APIRouter(prefix="/api/v1")
    uploads = _problems(400, 401, 413, 415, 422, 429)
    router.add_api_route("/suggestions", post_suggestions, methods=["POST"], response_model=BatchResult,
                         responses=uploads, openapi_extra=suggestions_body(settings))
    router.add_api_route("/supports", post_supports, methods=["POST"], response_model=BatchResult,
                         responses=uploads, openapi_extra=supports_body(settings))
    router.add_api_route("/telemetry", post_telemetry, methods=["POST"], response_model=TelemetryResult,
                         responses=uploads, openapi_extra=telemetry_body(settings))
    router.add_api_route("/initiatives", get_initiatives, methods=["GET"], response_model=Feed,
                         responses=_problems(400, 401, 422, 429))
    router.add_api_route("/status/{code}", get_status, methods=["GET"], response_model=ReceiptStatus,
                         responses=_problems(404, 422, 429), dependencies=[Depends(public_rate_limit)])
    router.add_api_route("/release", get_release, methods=["GET"], response_model=ReleaseOffer,
                         responses=_problems(401, 422, 429))
    router.add_api_route("/releases/{version}", get_release_file, methods=["GET"], response_class=Response,
                         responses={200: {"content": {"application/octet-stream": {}},
                                          "description": "the release file (a wheel)"}, **_problems(401, 404, 429)})
    router.add_api_route("/settings", get_settings, methods=["GET"], response_model=BenchSettings,
                         responses=_problems(401, 429))
    return router
