"""Shared steps of the web tests: suggestions sent the way a bench sends them."""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timezone

import requests

from tests.web.conftest import Web

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
