"""Where the QR codes point: the server's public phone pages.

Kept here until ``kiosk.core.handoff`` (signed draft hand-off) takes over URL building."""
from __future__ import annotations

from urllib.parse import quote


def initiative_url(server_url: str, initiative_id: str) -> str:
    return f"{server_url.rstrip('/')}/i/{quote(initiative_id, safe='')}"


def receipt_url(server_url: str, receipt: str) -> str:
    return f"{server_url.rstrip('/')}/r/{quote(receipt, safe='')}"
