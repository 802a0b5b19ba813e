"""Signed releases and their staged rollout: which release each bench should run.

A release is a wheel of the whole project, signed offline (sync_server.signing); the database keeps
the file, its signature, version, size and SHA-256. A rollout offers a release to one bench, a
municipality or the network; for a bench the newest rollout that covers it wins, so a later
"network" rollout supersedes an earlier "one bench" trial, and rolling an older release out again
is how a bad release is withdrawn."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from email.parser import HeaderParser
from typing import Any

from ..auth import Bench
from ..clock import now_iso
from ..db import Database, municipality_slugs, transaction
from ..signing import SignatureError, verify
from . import audit
from .errors import InvalidInput, NotFound
from .people import SYSTEM

SCOPES = ("bench", "municipality", "network")
_CHANNEL = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+!-]{0,63}$")
_OFFER_COLUMNS = ("version", "channel", "filename", "size", "sha256", "signature", "published_at")


def wheel_version(filename: str, content: bytes) -> str:
    """The version a wheel's own METADATA declares (the file name could be renamed, the signed
    contents cannot); InvalidInput for anything that is not a wheel."""
    if not filename.endswith(".whl"):
        raise InvalidInput(f"{filename}: a release is a wheel (.whl)")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as wheel:
            names = [name for name in wheel.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", name)]
            if len(names) != 1:
                raise InvalidInput(f"{filename}: no single .dist-info/METADATA in the wheel")
            metadata = HeaderParser().parsestr(wheel.read(names[0]).decode("utf-8"))
    except (zipfile.BadZipFile, UnicodeDecodeError) as error:
        raise InvalidInput(f"{filename}: not a readable wheel ({error})") from None
    version = (metadata.get("Version") or "").strip()
    if not _VERSION.match(version):
        raise InvalidInput(f"{filename}: METADATA has no usable Version")
    return version


def publish(db: Database, filename: str, content: bytes, signature: str, channel: str,
            public_key: str | None, actor: str = SYSTEM) -> dict[str, Any]:
    """Store a release. Refused: a bad channel, a file that is not a wheel, a signature that does
    not verify against ``public_key`` (when the server has one), a version already published with
    other contents. Publishing the same file again changes nothing."""
    if not _CHANNEL.match(channel):
        raise InvalidInput("channel: 1-32 of a-z 0-9 -, e.g. stable")
    version = wheel_version(filename, content)
    if public_key:
        try:
            verify(public_key, content, signature)
        except SignatureError as error:
            raise InvalidInput(f"{filename}: {error}") from None
    sha256 = hashlib.sha256(content).hexdigest()
    with transaction(db):
        known = db.execute("SELECT sha256 FROM releases WHERE version = ?", [version]).fetchone()
        if known and known[0] != sha256:
            raise InvalidInput(f"release {version} is already published with other contents")
        if not known:
            db.execute("INSERT INTO releases (version, channel, filename, size, sha256, signature, content, "
                       "published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [version, channel, filename, len(content), sha256, signature.strip(), content, now_iso()])
            audit.record(db, actor, "release", version, "publish", None, channel, sha256)
    return {"version": version, "channel": channel, "size": len(content), "sha256": sha256}


def roll_out(db: Database, version: str, scope: str, target: str, actor: str) -> None:
    """Offer ``version`` to one bench, a municipality (slug) or the network (target ignored)."""
    if scope not in SCOPES:
        raise InvalidInput(f"scope: one of {', '.join(SCOPES)}")
    target = "" if scope == "network" else target.strip()
    with transaction(db):
        if not db.execute("SELECT 1 FROM releases WHERE version = ?", [version]).fetchone():
            raise NotFound(f"no release {version!r}")
        if scope == "bench" and not db.execute("SELECT 1 FROM benches WHERE id = ?", [target]).fetchone():
            raise NotFound(f"no bench {target!r}")
        if scope == "municipality" and target not in municipality_slugs(db):
            raise NotFound(f"no municipality {target!r}")
        db.execute("INSERT INTO rollouts (version, scope, target, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                   [version, scope, target, now_iso(), actor])
        audit.record(db, actor, "release", version, "roll-out", None, scope, target or None)


def offer(db: Database, bench: Bench, channel: str) -> dict[str, Any] | None:
    """The release of ``channel`` this bench should run: the newest rollout covering it."""
    row = db.execute(
        f"SELECT {', '.join('r.' + c for c in _OFFER_COLUMNS)} FROM rollouts o JOIN releases r ON r.version = o.version "
        "WHERE r.channel = ? AND (o.scope = 'network' OR (o.scope = 'municipality' AND o.target = ?) "
        "OR (o.scope = 'bench' AND o.target = ?)) ORDER BY o.id DESC LIMIT 1",
        [channel, bench.municipality, bench.id]).fetchone()
    return dict(zip(_OFFER_COLUMNS, row)) if row else None


def release_file(db: Database, version: str) -> tuple[str, bytes] | None:
    row = db.execute("SELECT filename, content FROM releases WHERE version = ?", [version]).fetchone()
    return (row[0], row[1]) if row else None


def releases(db: Database) -> list[dict[str, Any]]:
    """Every release, newest first, without its contents."""
    columns = ("version", "channel", "filename", "size", "sha256", "published_at")
    cursor = db.execute(f"SELECT {', '.join(columns)} FROM releases ORDER BY published_at DESC, version DESC")
    return [dict(zip(columns, row)) for row in cursor]


def rollouts(db: Database, limit: int = 50) -> list[dict[str, Any]]:
    """The newest rollouts first: what was offered to whom, when, by whom."""
    columns = ("version", "scope", "target", "created_at", "created_by")
    cursor = db.execute(f"SELECT {', '.join(columns)} FROM rollouts ORDER BY id DESC LIMIT ?", [limit])
    return [dict(zip(columns, row)) for row in cursor]
