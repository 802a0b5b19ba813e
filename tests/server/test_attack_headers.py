"""Every answer carries a Content-Security-Policy, the API browsers `/docs` and `/redoc` too (issue
15, "holding under attack"): theirs allows their CDN and their own inline script by its hash, never
inline script in general; `SMART_BENCH_API_DOCS=false` takes them away."""
from __future__ import annotations

import base64
import hashlib
import os
import re

import requests

from .conftest import LiveServer, start_server, stop_server


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_the_api_browsers_have_a_strict_policy_of_their_own(live_server: LiveServer) -> None:
    for path, title in (("/docs", "Swagger UI"), ("/redoc", "ReDoc")):
        answer = requests.get(live_server.url + path, timeout=10)
        assert answer.status_code == 200 and title in answer.text
        policy = directives(answer.headers["content-security-policy"])
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
        assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        for script in re.findall(r"<script>(.*?)</script>", answer.text, re.DOTALL):
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy["script-src"], "the page's own script would be blocked"
        for source in re.findall(r'(?:src|href)="(https?://[^"]+)"', answer.text):
            assert source.startswith("https://cdn.jsdelivr.net/"), source  # nothing else is loaded
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"


def test_every_other_answer_has_the_sites_policy(live_server: LiveServer) -> None:
    for path in ("/", "/openapi.json", "/healthz", "/api/v1/initiatives", "/no-such-page"):
        policy = requests.get(live_server.url + path, timeout=10).headers.get("content-security-policy", "")
        assert directives(policy).get("script-src") == ["'self'"], path


def test_the_api_browsers_can_be_switched_off(tmp_path) -> None:
    os.environ["SMART_BENCH_API_DOCS"] = "false"
    try:
        process, url = start_server(tmp_path / "server.db", tmp_path / "server.log")
    finally:
        del os.environ["SMART_BENCH_API_DOCS"]
    try:
        assert requests.get(f"{url}/docs", timeout=10).status_code == 404
        assert requests.get(f"{url}/redoc", timeout=10).status_code == 404
        assert requests.get(f"{url}/openapi.json", timeout=10).status_code == 200
    finally:
        stop_server(process)
