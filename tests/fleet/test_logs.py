"""JSON-lines logs on both sides: every line parses back as JSON with time, level,
logger, message and the ``extra`` fields; fields named like citizens' texts, tokens or contact
details are redacted; ``serve --log-format json`` makes uvicorn's own lines JSON too."""
from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from live_server import GENEROUS_LIMITS, LiveServer

from kiosk.core import logs as kiosk_logs
from sync_server import logs as server_logs


@pytest.fixture
def restore_root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize("setup", [server_logs.setup_logging, kiosk_logs.setup_logging], ids=["server", "kiosk"])
def test_json_lines_carry_extra_fields_and_redact_private_ones(
        setup: Callable[..., None], restore_root_logging: None) -> None:
    stream = io.StringIO()
    setup("json", logging.INFO, stream)
    log = logging.getLogger("smart_bench.test")
    log.info("round done: %d sent", 3, extra={"bench_id": "mostar-01", "sent": 3,
                                               "text": "Moja ideja", "token": "s3cret", "contact": "a@b.ba"})
    log.debug("not at this level")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("round crashed")
    first, second = _lines(stream)
    assert first["level"] == "INFO" and first["logger"] == "smart_bench.test"
    assert first["message"] == "round done: 3 sent" and first["time"].endswith("Z")
    assert first["bench_id"] == "mostar-01" and first["sent"] == 3
    assert first["text"] == first["token"] == first["contact"] == "[redacted]"
    assert "Moja ideja" not in stream.getvalue() and "s3cret" not in stream.getvalue()
    assert second["level"] == "ERROR" and "ValueError: boom" in second["exception"]


def test_kiosk_format_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                 restore_root_logging: None) -> None:
    stream = io.StringIO()
    monkeypatch.setenv(kiosk_logs.ENV_VAR, "json")
    kiosk_logs.setup_logging(stream=stream)
    logging.getLogger("kiosk.test").warning("hello")
    assert _lines(stream)[0]["message"] == "hello"
    monkeypatch.delenv(kiosk_logs.ENV_VAR)
    stream = io.StringIO()
    kiosk_logs.setup_logging(stream=stream)
    logging.getLogger("kiosk.test").warning("hello")
    assert stream.getvalue() == "WARNING kiosk.test: hello\n"


def test_server_writes_json_lines(tmp_path: Path) -> None:
    # The last --log-level wins over LiveServer's "warning", so the start-up lines are logged.
    args = (*GENEROUS_LIMITS, "--log-format", "json", "--log-level", "info")
    with LiveServer.start_new(tmp_path, extra_args=args) as server:
        server.add_bench("mostar")
    lines = [json.loads(line) for line in server.log_path.read_text().splitlines() if line.strip()]
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    loggers = {line["logger"] for line in lines}
    assert "sync_server.cli" in loggers and "uvicorn.error" in loggers
