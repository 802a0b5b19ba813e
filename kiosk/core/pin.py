"""The maintainer's diagnostics PIN: kept only as a salted scrypt hash (``diagnostics_pin_hash``
in the config, made by ``python -m kiosk hash-pin``), checked in constant time."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt: memory-hard, in the standard library; n=2**14 costs ~50 ms on a Raspberry Pi 4.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2 ** 14, 8, 1


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_pin_hash(pin: str) -> str:
    """A salted scrypt hash of ``pin`` for ``diagnostics_pin_hash``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def parse_pin_hash(stored: str) -> tuple[int, int, int, bytes, bytes]:
    """The scrypt parameters, salt and digest of a stored hash; ValueError or TypeError if it is none."""
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        raise ValueError(scheme)
    return int(n), int(r), int(p), _unb64(salt), _unb64(digest)


def check_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches a hash made by ``make_pin_hash`` (constant-time compare)."""
    try:
        n, r, p, salt, digest = parse_pin_hash(stored)
    except (ValueError, TypeError):
        return False
    attempt = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(digest))
    return hmac.compare_digest(attempt, digest)
