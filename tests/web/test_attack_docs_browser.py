"""The API browser's own policy in a real Chromium: Swagger UI's inline script runs (its hash is in
the policy), and a script injected without that hash is refused. The CDN is not reachable from the
test machine, so its files are answered by the test (Playwright routing) with a stub that draws a
heading where Swagger UI would draw the API."""
from __future__ import annotations

from .conftest import Web

STUB = """window.SwaggerUIBundle = function (options) {
  var heading = document.createElement('h1');
  heading.textContent = 'API from ' + options.url;
  document.querySelector(options.dom_id).appendChild(heading);
};
window.SwaggerUIBundle.presets = {apis: null};
window.SwaggerUIBundle.SwaggerUIStandalonePreset = null;"""


def test_swagger_ui_runs_under_its_policy_and_nothing_else_does(web: Web, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.fulfill(
        status=200, body=STUB if route.request.url.endswith(".js") else "",
        content_type="application/javascript" if route.request.url.endswith(".js") else "text/css"))
    try:
        page.goto(f"{web.url}/docs")
        assert page.locator("#swagger-ui h1").inner_text() == "API from /openapi.json"
        assert violations == []
        page.evaluate("""() => { const s = document.createElement('script');
                                  s.textContent = 'window.__pwned = 1'; document.body.appendChild(s); }""")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert any("Content Security Policy" in v for v in violations)
    finally:
        context.close()
