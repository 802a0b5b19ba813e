"""The bench's updater without a server: what it refuses before installing anything (too big,
altered, wrongly signed, no release key), and what it reports for the fleet pages. The release
source is a small object in place of the HTTP API: the live path is tests/updates."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "updates"))
from wheels import build_wheel  # noqa: E402

from kiosk.core.updates import SupervisorState, UpdatePaths, Updater  # noqa: E402
from sync_server.signing import load_private_key, new_key_pair, sign  # noqa: E402


class Source:
    """Offers one release and serves its bytes, as the bench API would."""

    def __init__(self, content: bytes, signature: str, version: str = "2.0.0", **changes: Any) -> None:
        self.content = content
        self.offer = {"version": version, "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
                      "signature": signature, **changes}
        self.downloads = 0

    def release_offer(self, channel: str) -> dict[str, Any]:
        return self.offer

    def release_file(self, version: str, max_bytes: int) -> bytes:
        self.downloads += 1
        return self.content[:max_bytes]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str, str, Path]:
    folder = tmp_path_factory.mktemp("release")
    public_key = new_key_pair(folder / "key.pem")
    content = build_wheel(folder, "2.0.0").read_bytes()
    return content, sign(load_private_key(folder / "key.pem"), content), public_key, folder


def updater(tmp_path: Path, public_key: str, max_bytes: int = 10 << 20) -> Updater:
    return Updater(tmp_path, public_key, "stable", max_bytes, running_version="1.0.0")


@pytest.mark.parametrize("case, expected", [
    ("too big", "over this bench's update_max_bytes"),
    ("altered", "does not match the announced size and SHA-256"),
    ("other key", "the signature does not verify against the release key"),
    ("relabelled", "the signed file is release 2.0.0, offered as 2.1.0"),
])
def test_a_release_is_refused_before_anything_is_installed(tmp_path: Path, release, case: str, expected: str) -> None:
    content, signature, public_key, folder = release
    source = Source(content, signature, version="2.1.0" if case == "relabelled" else "2.0.0")
    if case == "altered":
        source.content = content[:-1] + bytes([content[-1] ^ 1])
    if case == "other key":
        source.offer["signature"] = sign(load_private_key(folder / "key.pem"), b"another file")
    bench = updater(tmp_path, public_key, max_bytes=len(content) - 1 if case == "too big" else 10 << 20)
    bench.check(source)
    report = bench.report()
    assert report["state"] == "refused" and report["version"] == source.offer["version"] and expected in report["detail"]
    assert source.downloads == (0 if case == "too big" else 1), "too big is refused before downloading"
    assert not bench.paths.releases.exists() and bench.paths.switch_request() is None
    bench.check(source)
    assert source.downloads == (0 if case == "too big" else 1), "a refused release is not fetched again"


def test_a_version_that_is_no_folder_name_is_ignored(tmp_path: Path, release) -> None:
    content, signature, public_key, _ = release
    source = Source(content, signature, version="../../etc")
    updater(tmp_path, public_key).check(source)
    assert source.downloads == 0 and not (tmp_path / "etc").exists()


def test_without_a_release_key_nothing_is_even_asked(tmp_path: Path, release) -> None:
    content, signature, _, _ = release
    source = Source(content, signature)
    bench = updater(tmp_path, public_key="")
    bench.check(source)
    assert source.downloads == 0 and bench.report() == {"state": "current", "version": "1.0.0"}


def test_a_good_release_is_installed_beside_and_announced(tmp_path: Path, release) -> None:
    content, signature, public_key, _ = release
    bench = updater(tmp_path, public_key)
    bench.check(Source(content, signature))
    paths = UpdatePaths(tmp_path)
    assert (paths.release_dir("2.0.0") / "kiosk" / "core" / "updates.py").is_file()
    assert paths.switch_request() == "2.0.0" and bench.report() == {"state": "switching", "version": "2.0.0"}
    source = Source(content, signature)
    bench.check(source)
    assert source.downloads == 0, "installed and waiting for the supervisor: not fetched again"


def test_a_rolled_back_version_is_never_installed_again(tmp_path: Path, release) -> None:
    content, signature, public_key, _ = release
    paths = UpdatePaths(tmp_path)
    paths.save_state(SupervisorState(current="1.0.0", bad=["2.0.0"],
                                     rolled_back={"version": "2.0.0", "reason": "no healthy report within 900 s"}))
    source = Source(content, signature)
    bench = updater(tmp_path, public_key)
    bench.check(source)
    assert source.downloads == 0
    assert bench.report() == {"state": "rolled-back", "version": "2.0.0", "detail": "no healthy report within 900 s"}


def test_healthy_is_written_only_for_the_release_on_trial(tmp_path: Path) -> None:
    paths = UpdatePaths(tmp_path)
    bench = Updater(tmp_path, "key", "stable", 1 << 20, running_version="2.0.0")
    bench.confirm_healthy()
    assert paths.healthy_version() is None, "no trial: nothing to confirm"
    paths.save_state(SupervisorState(current="2.0.0", previous="1.0.0", trial="2.0.0"))
    assert bench.report() == {"state": "trial", "version": "2.0.0"}
    bench.confirm_healthy()
    assert paths.healthy_version() == "2.0.0"


def test_an_installed_release_waits_while_a_visitor_uses_the_bench(tmp_path: Path, release) -> None:
    content, signature, public_key, _ = release
    bench, source = updater(tmp_path, public_key), Source(content, signature)
    bench.may_switch = lambda: False  # someone is typing a suggestion
    bench.check(source)
    assert bench.paths.is_installed("2.0.0") and bench.paths.switch_request() is None
    assert bench.report() == {"state": "switching", "version": "2.0.0", "detail": None}
    bench.may_switch = lambda: True  # back on the start screen
    bench.check(source)
    assert bench.paths.switch_request() == "2.0.0" and source.downloads == 1


def test_the_kiosk_starts_without_the_signature_library():
    """cryptography costs the kiosk ~10 MiB: it is loaded for a release's check, not at start."""
    probe = ("import sys, kiosk.composition; print('cryptography' in sys.modules); "
             "from kiosk.core.updates import verify_signature, UpdateRefused\n"
             "try: verify_signature('AAAA', b'x', 'AAAA')\nexcept UpdateRefused: pass\n"
             "print('cryptography' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[2]).stdout.split()
    assert found == ["False", "True"]
