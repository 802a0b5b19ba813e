#!/usr/bin/env python3
"""Smart Bench's two quick-start commands, needing nothing but Python 3.11+.

    python3 run.py demo    # set up, then run the bench demo
    python3 run.py test    # set up, then run the whole test suite (extra args go to pytest)

Set-up is idempotent: a virtual environment in .venv with the project installed
(re-installed when pyproject.toml changes), and the Debian packages the kiosk
window and the browser tests need (installed with apt-get when running as root).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".smart-bench-installed"
EXTRAS = "kiosk,server,simulation,test"

# Debian packages: Mesa for Kivy's offscreen SDL window; Chromium (and a font with Latin and
# Cyrillic) for the browser tests of the web pages; espeak-ng for the kiosk's audio guide;
# systemd-analyze and shellcheck for the checks of deploy/ (tests/release).
SYSTEM_PACKAGES = ["libgl1", "libgl1-mesa-dri", "libegl1", "libegl-mesa0", "chromium", "fonts-dejavu-core",
                   "espeak-ng", "libmtdev1", "xsel", "systemd", "shellcheck"]


def log(message: str) -> None:
    print(f"[run.py] {message}", file=sys.stderr, flush=True)


def missing_system_packages() -> list[str]:
    if shutil.which("dpkg-query") is None:
        return []
    missing = []
    for package in SYSTEM_PACKAGES:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            capture_output=True, text=True, check=False,
        )
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def ensure_system_packages() -> None:
    missing = missing_system_packages()
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        log(f"please install these system packages: {' '.join(missing)}")
        return
    log(f"installing system packages: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
                   check=True, env=env)


def requirements_fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + EXTRAS.encode()).hexdigest()


def ensure_venv() -> None:
    if not VENV_PYTHON.exists():
        log("creating virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = requirements_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    log("installing Smart Bench and its dependencies (first run takes a few minutes)")
    subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[{EXTRAS}]"],
                   check=True)
    STAMP.write_text(fingerprint)


def run_in_venv(*args: str) -> int:
    return subprocess.run([str(VENV_PYTHON), *args], cwd=ROOT, check=False).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_system_packages()
    ensure_venv()
    command, rest = argv[0], argv[1:]
    if command == "test":
        return run_in_venv("-m", "pytest", *rest)
    # The whole bench on this machine: sync server, simulated power controller and the kiosk window.
    return run_in_venv("-m", "kiosk", "demo", *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
