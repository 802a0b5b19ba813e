"""Ids made on the bench (UUIDv7) and the short receipt codes people take home.

An id is a UUIDv7: a 48-bit Unix millisecond timestamp, then randomness, so ids made here sort by
time and insert into SQLite's B-trees at the end (several times faster than random UUIDv4).
Within one millisecond a 12-bit counter (RFC 9562, method 1) keeps them increasing.

A receipt code is 8 random Crockford base32 characters (40 bits), shown as ``K7M2-Q9XD``. It is
not derived from the id, so the code reveals nothing about when or where it was made.
"""
from __future__ import annotations

import secrets
import threading
import time
import uuid

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
RECEIPT_LENGTH = 8
# Letters people type for digits they misread (Crockford's decoding aliases); the server agrees.
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7() -> uuid.UUID:
    """A new time-ordered UUID (version 7); strictly increasing within this process."""
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            _counter = secrets.randbits(11)  # start low so the counter has room to grow
        else:
            _counter += 1
            if _counter > 0xFFF:  # more than ~2000 ids in one millisecond: borrow the next one
                _last_ms += 1
                _counter = 0
        ms, counter = _last_ms, _counter
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= counter << 64
    value |= 0b10 << 62  # RFC 9562 variant
    value |= secrets.randbits(62)
    return uuid.UUID(int=value)


def uuid7_time_ms(value: uuid.UUID | str) -> int:
    """The Unix time in milliseconds a UUIDv7 was made."""
    return uuid.UUID(str(value)).int >> 80


def new_receipt() -> str:
    """A fresh random receipt code, formatted ``XXXX-XXXX``."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_receipt(text: str) -> str | None:
    """The canonical ``XXXX-XXXX`` form of a code as a person typed it (any case, dash or spaces
    optional, O for 0, I or L for 1), or None if it cannot be a receipt code."""
    if not isinstance(text, str) or len(text) > 20:
        return None
    compact = "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLES)
    if len(compact) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in compact):
        return None
    return f"{compact[:4]}-{compact[4:]}"
