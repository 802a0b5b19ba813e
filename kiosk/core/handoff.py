"""The URLs a bench shows as QR codes: an initiative's page, a receipt's status page, and
"continue on your phone", which carries the draft itself (the bench may be offline when the phone,
on its own network, opens the link).

A continue link is `<server>/c/<payload>.<tag>`:
- payload: compact JSON `{"v":1,"b":bench id,"d":draft UUID,"l":language,"i":initiative id|null,
  "t":text (first 300 characters),"x":true if the text was cut,"ts":unix seconds}`,
  zlib-compressed, base64url without padding;
- tag: the first 16 bytes of HMAC-SHA256(key, payload as ASCII), base64url without padding;
- key = HMAC-SHA256(key=SHA-256(bench token), msg=b"smart-bench handoff v1"). The server derives
  the same key when it makes the token and keeps it sealed with a key file outside its database;
  nobody without the token (or the server's database and key file together) can sign.
No Kivy here: the kiosk's screens turn these strings into QR images.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import zlib
from urllib.parse import quote

MAX_TEXT = 300  # characters that travel; the QR code must stay readable on a small screen
HANDOFF_INFO = b"smart-bench handoff v1"
TAG_BYTES = 16


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def handoff_key(token: str) -> bytes:
    token_digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
    return hmac.new(token_digest, HANDOFF_INFO, hashlib.sha256).digest()


def continue_url(server_url: str, bench_id: str, token: str, draft_id: str, text: str, language: str,
                 initiative_id: str | None = None, now: float | None = None) -> str:
    """The signed "continue on your phone" link for a draft typed on this bench."""
    draft = {"v": 1, "b": bench_id, "d": str(draft_id), "l": language, "i": initiative_id,
             "t": text[:MAX_TEXT], "ts": int(time.time() if now is None else now)}
    if len(text) > MAX_TEXT:
        draft["x"] = True
    payload = b64url(zlib.compress(json.dumps(draft, ensure_ascii=False, separators=(",", ":")).encode(), 9))
    tag = b64url(hmac.new(handoff_key(token), payload.encode("ascii"), hashlib.sha256).digest()[:TAG_BYTES])
    return f"{server_url.rstrip('/')}/c/{payload}.{tag}"


def _page_url(server_url: str, kind: str, key: str, language: str | None) -> str:
    url = f"{server_url.rstrip('/')}/{kind}/{quote(key, safe='')}"
    return f"{url}?lang={quote(language)}" if language else url


def initiative_url(server_url: str, initiative_id: str, language: str | None = None) -> str:
    """An initiative's public page; with ``language`` it opens in that language."""
    return _page_url(server_url, "i", initiative_id, language)


def receipt_url(server_url: str, receipt: str, language: str | None = None) -> str:
    """A receipt's public status page; with ``language`` it opens in that language."""
    return _page_url(server_url, "r", receipt, language)
