"""Exception handlers that turn every error, FastAPI's and Starlette's own included, into
problem+json."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .problems import Problem, problem_response

log = logging.getLogger(__name__)

# Codes used for statuses raised by the framework itself (routing, methods).
_STATUS_CODES = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized", 400: "bad-request"}


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(map(str, e.get("loc", ()))), "msg": str(e.get("msg", ""))} for e in exc.errors()]
    return problem_response(Problem(422, "invalid-request", "the request does not match the API", errors=errors))


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, f"http-{exc.status_code}")
    return problem_response(Problem(exc.status_code, code, str(exc.detail), dict(exc.headers or {})))


async def _on_crash(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(Problem(500, "internal-error", "the server failed; the request may be retried"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_crash)
