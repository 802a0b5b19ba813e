"""The server's key file: a secret kept beside the database but outside it, so that a copy of the
database (a leaked backup) cannot sign "continue on your phone" links for the benches.

A bench's hand-off key is derived from its token (docs/api.md, "The continue link"); the server
sees the token only when it makes one (add-bench, rotate-token), derives the key then and keeps it
sealed with this secret (AES-256-GCM, the bench id as associated data, so a sealed key cannot be
moved to another bench). The file is made 0600 on first use; back it up apart from the database."""
from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
_SEALED_PREFIX = "v1:"
_NONCE_BYTES = 12


def key_path(db_path: str | os.PathLike[str], configured: Path | None = None) -> Path:
    """The key file: the configured one, else the database's name with `.key` (server.db -> server.key)."""
    if configured:
        return Path(configured)
    db = Path(db_path)
    return db.with_name(db.name + ".key") if db.suffix == ".key" else db.with_suffix(".key")


def load_or_create(path: Path) -> bytes:
    """The secret in ``path``, made (0600, atomically: two processes starting at once agree) if missing."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(KEY_BYTES) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(draft, path)  # fails if another process made it first: then theirs is the key
        except FileExistsError:
            pass
    finally:
        draft.unlink()
    return _read(path)


def _read(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(f"{path} is not a server key file ({KEY_BYTES * 2} hex digits)")
    return key


def _associated(bench_id: str) -> bytes:
    return b"smart-bench handoff key v1\0" + bench_id.encode()


def seal(server_key: bytes, bench_id: str, secret: bytes) -> str:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(server_key).encrypt(nonce, secret, _associated(bench_id))
    return _SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(server_key: bytes, bench_id: str, sealed: str) -> bytes | None:
    """The sealed secret, or None if this key file did not seal it (or it was changed)."""
    if not sealed.startswith(_SEALED_PREFIX):
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed[len(_SEALED_PREFIX):])
        return AESGCM(server_key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated(bench_id))
    except (ValueError, InvalidTag):
        return None
