"""Shared steps of the web tests: suggestions sent the way a bench sends them, ideas sent the way a
person fills in the web form, and what a person reads on a page."""
from __future__ import annotations

import re
import secrets
import time
import uuid
from datetime import datetime, timezone

import requests

from tests.web.conftest import FILL_S, Web

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def bench_suggestion(web: Web, text: str, municipality: str = "zepce", language: str = "bs") -> tuple[str, str]:
    """Upload one suggestion through the bench API; returns (id, receipt)."""
    _, token = web.bench(municipality)
    suggestion_id = str(uuid.uuid4())
    receipt = "".join(secrets.choice(ALPHABET) for _ in range(8))
    response = requests.post(f"{web.url}/api/v1/suggestions", headers={"Authorization": f"Bearer {token}"}, json={
        "items": [{"id": suggestion_id, "created_at": datetime.now(timezone.utc).isoformat(), "text": text,
                   "language": language, "receipt": receipt}]})
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == [suggestion_id], response.json()
    return suggestion_id, f"{receipt[:4]}-{receipt[4:]}"




def form_fields(html: str) -> dict[str, str]:
    """The hidden fields of the /suggest form as shown: CSRF token, signed time stamp, language."""
    return {name: value for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}


def web_idea(session: requests.Session, url: str, text: str, municipality: str = "zepce", *,
             contact: str = "", consent: bool = False, wait_s: float = FILL_S, query: str = "",
             **fields: str) -> requests.Response:
    """Fill in /suggest like a person: open the form, take `wait_s` to write, send it."""
    page = session.get(f"{url}/suggest{query}")
    assert page.status_code == 200, page.text[:300]
    time.sleep(wait_s)
    data = {**form_fields(page.text), "municipality": municipality, "text": text, "contact": contact, **fields}
    if consent:
        data["consent"] = "yes"
    return session.post(f"{url}/suggest", data=data)


def receipt_in(html: str) -> str:
    match = re.search(r'class="receipt">([0-9A-Z]{4}-[0-9A-Z]{4})<', html)
    assert match, html[:2000]
    return match.group(1)


def heading(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, html[:500]
    return match.group(1).strip()
