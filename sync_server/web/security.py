"""Security headers on every page, and the answers for login redirects and web errors."""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .sessions import PASSWORD_PAGE, LoginRequired, PasswordChangeRequired, WebError, login_url
from .templating import render

# No inline script anywhere (there is no script at all); styles only from our one CSS file.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_CSP_HEADER = b"content-security-policy"
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # receipt codes and signed drafts live in our URLs
    (b"x-frame-options", b"DENY"),
]


class SecurityHeadersMiddleware:
    """The headers above on every answer, and the site's CSP on every answer that brings no policy
    of its own (only the API browsers do: see api_docs.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == _CSP_HEADER for name, _ in headers):
                    headers.append((_CSP_HEADER, CSP.encode()))
                message["headers"] = [*headers, *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def on_login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    if isinstance(exc, PasswordChangeRequired):
        return RedirectResponse(PASSWORD_PAGE, status_code=303)
    return RedirectResponse(login_url(exc.next_url), status_code=303)


async def on_web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return render(request, "error.html", {"message": exc.message}, status_code=exc.status)
