"""`/docs` and `/redoc`: FastAPI's browsers of `/openapi.json`, each with a Content-Security-Policy
of its own. They load their script and styles from a CDN (jsDelivr), which the site's policy
('self' only) forbids; theirs allows exactly that CDN and, by its hash, the one inline script
Swagger UI needs, and nothing else. `api_docs = false` (SMART_BENCH_API_DOCS) leaves them out."""
from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

CDN = "https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Both browsers set styles from their script (and ReDoc runs its search in a blob: worker).
_COMMON = (f"default-src 'none'; style-src {CDN} 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
           "worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def policy(html: str) -> str:
    """The page's policy: scripts from the CDN and the page's own inline scripts, by hash."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
                      for script in _INLINE_SCRIPT.findall(html))
    return f"script-src {CDN} {hashes}".rstrip() + "; " + _COMMON


def install(app: FastAPI) -> None:
    """Mount the two pages; make the FastAPI app with docs_url=None and redoc_url=None."""
    title = app.title
    # No favicon from fastapi.tiangolo.com, no fonts from Google: nothing but the CDN is loaded.
    pages = {
        "/docs": get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{title} - Swagger UI",
                                     swagger_favicon_url="data:,").body.decode(),
        "/redoc": get_redoc_html(openapi_url=app.openapi_url, title=f"{title} - ReDoc", redoc_favicon_url="data:,",
                                 with_google_fonts=False).body.decode(),
    }
    for path, html in pages.items():
        headers = {"Content-Security-Policy": policy(html)}

        async def page(html: str = html, headers: dict[str, str] = headers) -> HTMLResponse:
            return HTMLResponse(html, headers=headers)

        app.add_api_route(path, page, methods=["GET"], include_in_schema=False)
