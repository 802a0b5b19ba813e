"""What every web handler needs from the application: its database connection, settings, and
whether (and how) citizens are mailed."""
from __future__ import annotations

from fastapi import Request

from ..db import Database
from ..services.notices import MailLinks
from ..settings import Settings


def database(request: Request) -> Database:
    """This thread's connection: async handlers run on the event loop thread (like the bench API),
    plain ones (the fleet's) on worker threads, each with a connection of its own."""
    return request.app.state.context.dbs.get()


def settings(request: Request) -> Settings:
    return request.app.state.context.settings


def mail(request: Request) -> MailLinks | None:
    """None when no SMTP server is configured: then no message is queued at all."""
    return request.app.state.context.mail
