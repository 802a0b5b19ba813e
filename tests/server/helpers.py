"""Small builders shared by the server tests."""
from __future__ import annotations

import uuid
from typing import Any

import requests

PROBLEM = "application/problem+json"
ZEPCE_INITIATIVE = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"      # sample, Žepče, published
TREBINJE_INITIATIVE = "8a6d3c22-1b4e-4c1f-a0e3-6f9b2d7c5e41"   # sample, Trebinje, in progress
NETWORK_INITIATIVE = "e7d6c5b4-a3b2-4c1d-9e8f-7a6b5c4d3e2f"    # sample, network-wide


def suggestion(**fields: Any) -> dict[str, Any]:
    item = {"id": str(uuid.uuid4()), "created_at": "2026-11-23T10:15:00+01:00",
            "text": "Više klupa u parku, molim.", "language": "bs", "initiative_id": None}
    item.update(fields)
    return item


def support(initiative_id: str = ZEPCE_INITIATIVE, **fields: Any) -> dict[str, Any]:
    item = {"id": str(uuid.uuid4()), "created_at": "2026-11-23T10:16:00Z", "initiative_id": initiative_id}
    item.update(fields)
    return item


def assert_problem(response: requests.Response | Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://smart-bench.example/problems/")
    assert body["title"] and body["detail"]
    if code is not None:
        assert body["type"].endswith("/" + code), body
    return body
