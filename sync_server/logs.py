"""Log lines for the server: plain text for a person at a terminal, or JSON lines for a log
collector (``python -m sync_server serve --log-format json``).

A JSON line holds ``time`` (UTC, RFC 3339), ``level``, ``logger``, ``message``, any fields a
caller passed with ``extra={...}``, and ``exception`` when there is one. Citizens' texts, tokens
and contact details must never reach a log: callers do not pass them, and ``extra`` fields with
such names are written as "[redacted]" in case one slips through.

The kiosk has a module like this one (``kiosk.core.logs``): the two packages share no code.
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

FORMATS = ("text", "json")
TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
REDACTED = frozenset({"text", "token", "authorization", "contact", "password", "email", "phone"})
# Attributes every LogRecord has: what is left over came from ``extra``.
_RECORD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and key not in line:
                line[key] = "[redacted]" if key.lower() in REDACTED else value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def setup_logging(log_format: str = "text", level: int | str = logging.INFO, stream: TextIO | None = None) -> None:
    """One handler on the root logger, replacing any earlier set-up."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
