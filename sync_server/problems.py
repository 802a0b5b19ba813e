"""RFC 9457 problem details: the one shape of every error the server answers.
(Free of FastAPI imports: the wire checks raise these, and the command line imports those
through the service layer, so it starts fast.)"""
from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse

PROBLEM_BASE = "https://smart-bench.example/problems/"
MEDIA_TYPE = "application/problem+json"


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
