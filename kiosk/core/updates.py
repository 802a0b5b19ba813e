"""Remote updates on the bench: learn of a release in the sync round, download it within the byte
budget, check its SHA-256 and Ed25519 signature against the key in the bench's config, install it
beside the others and ask the supervisor (kiosk.core.supervisor) to switch.

Everything lives under ``<data_dir>/updates``; the supervisor and the running kiosk each own the
files they write, so neither ever rewrites the other's::

    releases/<version>/    one folder per installed release (pip --target of its wheel)
    state.json             supervisor: current and previous release, the trial, rolled-back versions
    switch.json            kiosk: "release V is installed, switch to it" (the supervisor removes it)
    healthy.json           kiosk: "release V reported its health to the server" (ends V's trial)
    status.json            kiosk: how the last offered release fared (refused, failed), for the fleet

The bench store (``bench.sqlite3``) sits outside the release folders: every version works on the
same outbox, so nothing unsent is lost across a switch or a rollback.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

log = logging.getLogger(__name__)

# A version names a folder: no path separators, no leading dot (the server's own rule too).
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+!-]{0,63}$")
PIP_TIMEOUT_S = 600.0  # a Raspberry Pi on a slow SD card compiles a release in a minute or two


class UpdateRefused(Exception):
    """A release the bench will not install: too big, altered, or not signed by the release key."""


class ReleaseSource(Protocol):
    """What the updater needs of the bench API (kiosk.core.sync.ServerApi provides it)."""

    def release_offer(self, channel: str) -> dict[str, Any]: ...

    def release_file(self, version: str, max_bytes: int) -> bytes: ...


@dataclass
class SupervisorState:
    """Written by the supervisor only."""

    current: str | None = None  # None: the release the bench was installed with (no folder)
    previous: str | None = None
    trial: str | None = None  # the current release until it reports healthy
    trial_since: float | None = None  # time.time() of the switch (or of the supervisor's restart)
    trial_starts: int = 0  # supervisor starts during the trial (reboots)
    rolled_back: dict[str, Any] | None = None  # {"version", "reason", "at"} of the last rollback
    bad: list[str] = field(default_factory=list)  # versions rolled back: never installed again


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)


class UpdatePaths:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "updates"
        self.releases = self.root / "releases"
        self.state_file = self.root / "state.json"
        self.switch_file = self.root / "switch.json"
        self.healthy_file = self.root / "healthy.json"
        self.status_file = self.root / "status.json"

    def release_dir(self, version: str) -> Path:
        return self.releases / version

    def is_installed(self, version: str) -> bool:
        return self.release_dir(version).is_dir()

    def load_state(self) -> SupervisorState:
        data = read_json(self.state_file) or {}
        known = {key: data[key] for key in SupervisorState.__dataclass_fields__ if key in data}
        return SupervisorState(**known)

    def save_state(self, state: SupervisorState) -> None:
        write_json(self.state_file, asdict(state))

    def switch_request(self) -> str | None:
        version = (read_json(self.switch_file) or {}).get("version")
        return version if isinstance(version, str) and self.is_installed(version) else None

    def healthy_version(self) -> str | None:
        version = (read_json(self.healthy_file) or {}).get("version")
        return version if isinstance(version, str) else None


def verify_signature(public_key: str, content: bytes, signature: str) -> None:
    """UpdateRefused unless ``signature`` (base64) is the release key's Ed25519 signature of ``content``."""
    # Imported here: a release is checked a few times a year, and cryptography at start costs the
    # kiosk ~10 MiB for all the days between (benchmarks/kiosk_app.py).
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key.strip(), validate=True))
        key.verify(base64.b64decode(signature.strip(), validate=True), content)
    except (InvalidSignature, binascii.Error, ValueError):
        raise UpdateRefused("the signature does not verify against the release key") from None


def wheel_version(content: bytes) -> str | None:
    """The version a wheel's METADATA declares, or None for a file that is no wheel."""
    from email.parser import HeaderParser  # here, as cryptography above: the kiosk's start needs neither

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as wheel:
            names = [name for name in wheel.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", name)]
            metadata = HeaderParser().parsestr(wheel.read(names[0]).decode("utf-8")) if len(names) == 1 else {}
    except (zipfile.BadZipFile, UnicodeDecodeError, KeyError):
        return None
    return (metadata.get("Version") or "").strip() or None


def install_release(paths: UpdatePaths, version: str, wheel: bytes, filename: str) -> Path:
    """Install a wheel into its own folder (the bench's environment supplies the dependencies),
    atomically: a cut mid-install leaves no half folder that looks installed."""
    target = paths.release_dir(version)
    paths.releases.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=paths.releases, prefix=".installing-") as work:
        wheel_path = Path(work) / Path(filename).name
        wheel_path.write_bytes(wheel)
        folder = Path(work) / "site"
        result = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check",
             "--quiet", "--target", str(folder), str(wheel_path)],
            capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
        if result.returncode != 0:
            raise RuntimeError(f"pip could not install {filename}: {result.stderr.strip()[-300:]}")
        if target.exists():  # left by an earlier attempt whose switch never came
            shutil.rmtree(target)
        os.replace(folder, target)
    return target


def prune_releases(paths: UpdatePaths, keep: set[str]) -> None:
    """Remove release folders other than ``keep``: an SD card holds a few, not every one ever."""
    if not paths.releases.is_dir():
        return
    for folder in paths.releases.iterdir():
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


class Updater:
    """The kiosk's side of an update, run once per sync round from the sync thread."""

    def __init__(self, data_dir: Path, public_key: str, channel: str, max_bytes: int, running_version: str) -> None:
        self.paths = UpdatePaths(data_dir)
        self.public_key, self.channel, self.max_bytes = public_key, channel, max_bytes
        self.running_version = running_version
        # Whether the kiosk may be restarted now; the App says no while a visitor is using it, so
        # an installed release waits for the start screen (called from the sync thread).
        self.may_switch: Callable[[], bool] = lambda: True

    @property
    def enabled(self) -> bool:
        return bool(self.public_key)  # a bench without the release key installs nothing

    def confirm_healthy(self) -> None:
        """The round's health report reached the server: a release on trial has proved itself."""
        if self.paths.load_state().trial == self.running_version and \
                self.paths.healthy_version() != self.running_version:
            write_json(self.paths.healthy_file, {"version": self.running_version})

    def check(self, source: ReleaseSource) -> None:
        """Fetch, check and install the release offered to this bench, if it is new to it."""
        if not self.enabled:
            return
        offer = source.release_offer(self.channel)
        version = offer.get("version")
        state = self.paths.load_state()
        if not isinstance(version, str) or version == self.running_version:
            self.paths.status_file.unlink(missing_ok=True)  # nothing (else) on offer: no stale refusal
            return
        if not VERSION.match(version):
            log.warning("the server offers a release named %r: ignored", version[:80])
            return
        if version in state.bad:
            return
        if self.paths.switch_request() == version:
            return  # installed already, waiting for the supervisor
        status = read_json(self.paths.status_file) or {}
        refused = (status.get("version"), status.get("sha256")) if status.get("state") == "refused" else None
        if refused == (version, offer.get("sha256")):
            return  # refused already: not downloaded again every round on the bench's data budget
        try:
            if not self.paths.is_installed(version):
                self._install(source, offer, version, state)
            if self.may_switch():
                write_json(self.paths.switch_file, {"version": version})
        except UpdateRefused as error:
            log.warning("release %s refused: %s", version, error)
            write_json(self.paths.status_file, {"state": "refused", "version": version, "detail": str(error),
                                                "sha256": offer.get("sha256")})
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            log.warning("release %s not installed, will retry: %s", version, error)
            write_json(self.paths.status_file, {"state": "failed", "version": version, "detail": str(error)[:300]})

    def _install(self, source: ReleaseSource, offer: dict[str, Any], version: str, state: SupervisorState) -> None:
        size = offer.get("size")
        if not isinstance(size, int) or size > self.max_bytes:
            raise UpdateRefused(f"{size} bytes is over this bench's update_max_bytes ({self.max_bytes})")
        content = source.release_file(version, size)
        if len(content) != size or hashlib.sha256(content).hexdigest() != offer.get("sha256"):
            raise UpdateRefused("the download does not match the announced size and SHA-256")
        verify_signature(self.public_key, content, str(offer.get("signature") or ""))
        if (declared := wheel_version(content)) != version:  # a signed file under another release's name
            raise UpdateRefused(f"the signed file is release {declared}, offered as {version}")
        log.info("release %s verified (%d bytes): installing", version, size)
        install_release(self.paths, version, content, f"smart_bench-{version}-py3-none-any.whl")
        prune_releases(self.paths, {version, *(v for v in (state.current, state.previous) if v)})
        write_json(self.paths.status_file, {"state": "switching", "version": version})

    def report(self) -> dict[str, Any]:
        """The ``update`` part of the health report: what the fleet page shows for this bench."""
        state = self.paths.load_state()
        if state.trial == self.running_version:
            return {"state": "trial", "version": self.running_version}
        if (pending := self.paths.switch_request()) is not None:
            return {"state": "switching", "version": pending}
        status = read_json(self.paths.status_file)
        if status and status.get("version") not in (self.running_version, *state.bad):
            return {key: status.get(key) for key in ("state", "version", "detail")}
        if state.rolled_back and state.rolled_back.get("version") != self.running_version:
            return {"state": "rolled-back", "version": state.rolled_back.get("version"),
                    "detail": state.rolled_back.get("reason")}
        return {"state": "current", "version": self.running_version}
