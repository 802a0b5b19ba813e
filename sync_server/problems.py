"""RFC 9457 problem details for every error the server answers, FastAPI's own included."""
from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_BASE = "https://smart-bench.example/problems/"
MEDIA_TYPE = "application/problem+json"
log = logging.getLogger(__name__)

# Codes used for statuses raised by the framework itself (routing, methods).
_STATUS_CODES = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized", 400: "bad-request"}


class Problem(Exception):
    """Raise to answer with a problem+json response."""

    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem_body(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": PROBLEM_BASE + code, "title": HTTPStatus(status).phrase, "status": status,
            "detail": detail, **extra}


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(problem_body(problem.status, problem.code, problem.detail, **problem.extra),
                        status_code=problem.status, headers=problem.headers, media_type=MEDIA_TYPE)


def unauthorized(detail: str) -> Problem:
    return Problem(401, "unauthorized", detail, {"WWW-Authenticate": 'Bearer realm="bench"'})


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
