"""The application factory: settings, storage, limits and routes put together."""
from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import __version__, api_docs, handlers, server_key, web
from .api_bench import Context, bench_api
from .db import SCHEMA_VERSION, ThreadLocalDatabases, open_database
from .limits import BodyLimitMiddleware, RateLimiter
from .mail import MailSender
from .services.notices import MailLinks
from .services.privacy import purge_expired_contacts
from .services.telemetry import thin_old_telemetry
from .settings import Settings

log = logging.getLogger(__name__)
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"  # `serve` puts its own address here


def _thin_telemetry(context: Context) -> int:
    return thin_old_telemetry(context.dbs.get(), context.settings.telemetry_full_resolution_days)


async def _retention_forever(context: Context) -> None:
    """The retention jobs, now and then for as long as we run: erase expired contact details, and
    thin old telemetry (on a worker thread: the first pass over a big table takes a while)."""
    while True:
        try:
            erased = purge_expired_contacts(context.dbs.get(), context.settings.contact_retention_days)
            if erased:
                log.info("retention: erased contact details of %d closed suggestions", erased)
            thinned = await asyncio.to_thread(_thin_telemetry, context)
            if thinned:
                log.info("retention: thinned %d old telemetry samples to one an hour", thinned)
        except Exception:  # the job must outlive a locked or busy database
            log.exception("retention job failed; will retry")
        await asyncio.sleep(context.settings.purge_interval_s)


def create_app(db_path: str | os.PathLike[str], settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    open_database(db_path, settings.busy_timeout_ms).close()  # create or migrate before serving
    context = Context(settings, ThreadLocalDatabases(db_path, settings.busy_timeout_ms),
                      RateLimiter(settings.rate_per_minute, settings.rate_burst),
                      RateLimiter(settings.public_rate_per_minute, settings.public_rate_burst),
                      RateLimiter(settings.web_ideas_per_hour / 60, settings.web_ideas_burst),
                      RateLimiter(settings.web_supports_per_hour / 60, settings.web_supports_burst),
                      MailLinks(settings.public_url or DEFAULT_PUBLIC_URL) if settings.mail_enabled else None,
                      server_key.load_or_create(server_key.key_path(db_path, settings.server_key_file)))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        job = asyncio.create_task(_retention_forever(context))
        sender = MailSender(context.dbs, settings) if settings.mail_enabled else None
        if sender:
            sender.start()
        yield
        job.cancel()
        if sender:
            await asyncio.to_thread(sender.stop)

    app = FastAPI(title="Smart Bench sync server", version="1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="The bench ↔ server API. Errors are RFC 9457 problem+json.")
    if settings.api_docs:
        api_docs.install(app)  # with a Content-Security-Policy of their own
    app.state.context = context
    handlers.install(app)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    app.include_router(bench_api(settings))
    web.install(app, settings)  # phone pages, moderation, portal, membership, open data, photos, fleet

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, object]:
        return {"status": "ok", "schema_version": SCHEMA_VERSION, "version": __version__}

    return app
