"""Release signatures: Ed25519 key pairs made and used offline, checked by the server and benches.

The private key stays on the maintainer's offline machine (a PEM file, mode 0600); benches and the
server hold only the public key, as 44 characters of base64 that fit a config line. A signature is
Ed25519 over the release file's bytes, written next to it as ``FILE.sig`` in base64."""
from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class SignatureError(ValueError):
    """A key or signature that cannot be read, or a signature that does not verify."""


def new_key_pair(private_path: Path) -> str:
    """Write a new private key to ``private_path`` (refusing to overwrite one) and return the
    public key in base64."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    # O_EXCL: an existing key is someone's signing identity; 0600 from the first byte.
    with os.fdopen(os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(pem)
    return public_key_text(key.public_key())


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise SignatureError(f"cannot read the private key {path}: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except (binascii.Error, ValueError) as error:
        raise SignatureError(f"not an Ed25519 public key in base64: {error}") from None


def sign(key: Ed25519PrivateKey, content: bytes) -> str:
    return base64.b64encode(key.sign(content)).decode("ascii")


def verify(public_key: str, content: bytes, signature: str) -> None:
    """Nothing when ``signature`` is the key's over ``content``; SignatureError otherwise."""
    key = load_public_key(public_key)
    try:
        key.verify(base64.b64decode(signature.strip(), validate=True), content)
    except (InvalidSignature, binascii.Error, ValueError):
        raise SignatureError("the signature does not verify against the release public key") from None
