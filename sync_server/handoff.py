"""Checking a "continue on your phone" link made by a bench (the scheme: kiosk/core/handoff.py and
docs/api.md, "Phone pages and the QR hand-off"). The server imports nothing from the kiosk, so the
few lines of the format are written here again; tests make links with the kiosk's function."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import uuid
import zlib
from dataclasses import dataclass

from .auth import handoff_key_from_digest
from .db import Database
from .i18n import N_
from .server_key import unseal
from .services.benches import HandoffKey, handoff_key
from .wire import LANGUAGES

TAG_BYTES = 16
MAX_AGE_S = 24 * 3600
MAX_CLOCK_AHEAD_S = 3600  # a bench's clock may run a little fast
_MAX_PAYLOAD = 2048       # characters of the link; the bench sends about 300 characters of text
_MAX_JSON = 4096          # bytes after inflating: a zip bomb in a forged link costs nothing


@dataclass(frozen=True)
class Draft:
    bench_id: str
    municipality: str
    draft_id: str
    language: str
    initiative_id: str | None
    text: str
    cut: bool       # the bench's text was longer than what travels
    created: float  # unix seconds on the bench's clock


class HandoffError(Exception):
    """The link cannot be used; `message` is a catalogue msgid for the citizen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_for(bench: HandoffKey, server_key: bytes) -> bytes | None:
    """The bench's hand-off key: unsealed with the server's key file, or, for a bench that has not
    had its token rotated since sealed keys came, derived from its token hash as before."""
    if bench.sealed is not None:
        return unseal(server_key, bench.bench_id, bench.sealed)
    return handoff_key_from_digest(bytes.fromhex(bench.legacy_token_hash or ""))


_BROKEN = N_("This link is damaged or was changed. Please scan the code on the bench again.")


def read_draft(db: Database, link: str, server_key: bytes, now: float | None = None) -> Draft:
    """The draft a link carries, once its signature (checked with the bench's key, unsealed with
    ``server_key``), bench and age are checked."""
    payload, _, tag = link.partition(".")
    if not payload or not tag or len(link) > _MAX_PAYLOAD:
        raise HandoffError(_BROKEN)
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(_unb64(payload), _MAX_JSON)
        draft = json.loads(raw.decode("utf-8")) if not inflater.unconsumed_tail else None
        sent_tag = _unb64(tag)
    except (ValueError, binascii.Error, zlib.error, UnicodeDecodeError):
        raise HandoffError(_BROKEN) from None
    if not isinstance(draft, dict) or not isinstance(draft.get("b"), str):
        raise HandoffError(_BROKEN)
    bench = handoff_key(db, draft["b"])
    key = None if bench is None else key_for(bench, server_key)
    if bench is None or key is None:
        raise HandoffError(_BROKEN)  # unknown bench (or a key file that did not seal its key)
    expected = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()[:TAG_BYTES]
    if not hmac.compare_digest(expected, sent_tag):
        raise HandoffError(_BROKEN)
    if bench.revoked:
        raise HandoffError(N_("This bench has been taken out of service, so its links no longer work."))
    return _checked(draft, bench.municipality, time.time() if now is None else now)


def _checked(draft: dict, municipality: str, now: float) -> Draft:
    """Fields of a correctly signed draft: a bench bug still must not reach the database."""
    created, text, language = draft.get("ts"), draft.get("t"), draft.get("l")
    initiative_id = draft.get("i")
    try:
        draft_id = str(uuid.UUID(str(draft.get("d"))))
    except ValueError:
        raise HandoffError(_BROKEN) from None
    if (not isinstance(created, int) or not isinstance(text, str) or language not in LANGUAGES
            or not (initiative_id is None or isinstance(initiative_id, str))):
        raise HandoffError(_BROKEN)
    if now - created > MAX_AGE_S:
        raise HandoffError(N_("This link is more than a day old. Please start again on the bench."))
    if created - now > MAX_CLOCK_AHEAD_S:
        raise HandoffError(_BROKEN)
    return Draft(draft["b"], municipality, draft_id, language, initiative_id, text, bool(draft.get("x")), created)
