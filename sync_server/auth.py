"""Credentials: bench tokens (random, stored as a hash), the hand-off key a bench derives from its
token, people's passwords (argon2) and session tokens (stored as SHA-256)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Bench:
    id: str
    municipality: str
    last_contact_at: str | None


def new_token() -> str:
    """32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens carry 256 bits of entropy, so a fast hash cannot be brute-forced; passwords can.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# A bench token is stored under a hash of its own, never as its plain SHA-256: the bench's hand-off
# key is derived from that SHA-256 (docs/api.md, "The continue link"), so storing it would let a
# copy of the database sign continue links. Benches provisioned before keep the plain SHA-256 until
# their next token rotation (benches.handoff_key is NULL for them).
_BENCH_TOKEN_DOMAIN = b"smart-bench bench token v2\0"
HANDOFF_INFO = b"smart-bench handoff v1"


def hash_bench_token(token: str) -> str:
    return hashlib.sha256(_BENCH_TOKEN_DOMAIN + token.encode("utf-8", "surrogatepass")).hexdigest()


def handoff_key_from_digest(token_digest: bytes) -> bytes:
    """The key a bench signs its continue links with, from the SHA-256 of its token (as the kiosk does)."""
    return hmac.new(token_digest, HANDOFF_INFO, hashlib.sha256).digest()


def handoff_key(token: str) -> bytes:
    return handoff_key_from_digest(hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    return secrets.token_urlsafe(15)
