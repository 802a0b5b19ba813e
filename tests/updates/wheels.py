"""Small real releases for the update tests: wheels of this tree's bench packages (kiosk and
hardware) under a chosen version, zipped directly (a second, where `pip wheel` of the whole
project takes ten), optionally with a module patched to make the release broken."""
from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_PACKAGES = ("kiosk", "hardware")


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path, version: str, *, append: dict[str, str] | None = None) -> Path:
    """``smart_bench-<version>-py3-none-any.whl`` in ``folder``; ``append`` adds text to the end
    of modules (path relative to the tree, e.g. ``kiosk/core/sync.py``)."""
    append = append or {}
    files: dict[str, bytes] = {}
    for package in BENCH_PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(ROOT).as_posix()
                files[name] = path.read_bytes() + append.get(name, "").encode()
    info = f"smart_bench-{version}.dist-info"
    files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: smart-bench\nVersion: {version}\n".encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: tests/updates\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [_record_line(name, data) for name, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"smart_bench-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel
