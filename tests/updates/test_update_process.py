"""Remote updates with real processes: a real server (uvicorn on loopback), the bench's supervisor
(`python -m kiosk supervise`) running the kiosk's sync loop from release folders, releases
published with the contract command line and rolled out with `roll-out`.

The bench runs release 1.0.0, takes 1.1.0 through the server and reports it; a broken 1.2.0 (its
sync rounds fail, so it never reports healthy) is rolled back by the bench itself; a release signed
with another key is refused by the server and, published on a server without the key, by the bench;
every suggestion of the outbox reaches the server exactly once across the switches, including those
written while the broken release held them back."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import ROOT, LiveServer
from wheels import build_wheel

from kiosk.core.store import BenchStore
from kiosk.core.updates import SupervisorState, UpdatePaths, install_release
from sync_server.signing import load_private_key, new_key_pair, sign

TRIAL_S = 8.0
BROKEN = '''

def _broken_round(self, check_statuses):  # release 1.2.0 of the update test: broken on purpose
    raise RuntimeError("this release is broken")


SyncRound.run = _broken_round
'''


def server_cli(server: LiveServer, *args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SMART_BENCH_RELEASE_PUBLIC_KEY"}
    if key:
        env["SMART_BENCH_RELEASE_PUBLIC_KEY"] = key
    return subprocess.run([sys.executable, "-m", "sync_server", *args, "--db", str(server.db_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def wait_for(what: str, check: Callable[[], Any], timeout_s: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    folder = tmp_path / "server"
    folder.mkdir()
    with LiveServer.start_new(folder, sample=False) as live:
        yield live


def test_update_rollback_and_refusal_with_real_processes(server: LiveServer, tmp_path: Path) -> None:
    started = time.monotonic()
    keys = tmp_path / "keys"
    keys.mkdir()
    public_key = new_key_pair(keys / "release.pem")
    other_key = new_key_pair(keys / "other.pem")
    releases = tmp_path / "releases"
    releases.mkdir()

    def release(version: str, signer: str = "release.pem", broken: bool = False) -> Path:
        """A wheel and its FILE.sig, as `sign-release` makes them."""
        wheel = build_wheel(releases, version, append={"kiosk/core/sync.py": BROKEN} if broken else None)
        Path(f"{wheel}.sig").write_text(sign(load_private_key(keys / signer), wheel.read_bytes()) + "\n")
        return wheel

    bench_id, token = server.add_bench("zepce")
    data_dir = tmp_path / "bench"
    # The install script's part: the bench starts on release 1.0.0, installed beside later ones.
    paths = UpdatePaths(data_dir)
    install_release(paths, "1.0.0", release("1.0.0").read_bytes(), "smart_bench-1.0.0-py3-none-any.whl")
    paths.save_state(SupervisorState(current="1.0.0"))
    config = tmp_path / "bench.toml"
    config.write_text(f'bench_id = "{bench_id}"\nmunicipality = "zepce"\nserver_url = "{server.url}"\n'
                      f'token = "{token}"\ndata_dir = "{data_dir}"\nrelease_public_key = "{public_key}"\n'
                      f'update_trial_s = {TRIAL_S}\n', encoding="utf-8")
    written: list[str] = []

    def write_suggestions(count: int, label: str) -> None:
        with BenchStore(data_dir / "bench.sqlite3") as store:
            written.extend(store.add_suggestion(f"{label} prijedlog {n}", "bs").id for n in range(count))

    def health() -> tuple[str | None, dict[str, Any]]:
        version, text = server.rows("SELECT app_version, health FROM benches WHERE id = ?", [bench_id])[0]
        return version, json.loads(text) if text else {}

    def on_server() -> set[str]:
        return {row[0] for row in server.rows("SELECT id FROM suggestions WHERE bench_id = ?", [bench_id])}

    log = (tmp_path / "supervisor.log").open("wb")
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), "supervise", "--", "sync", "--forever",
         "--interval", "1"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT)
    try:
        write_suggestions(3, "release 1.0.0")
        wait_for("release 1.0.0 reporting", lambda: health()[0] == "1.0.0")

        # N -> N+1: published with the contract command, rolled out to this one bench.
        published = server_cli(server, "publish-release", str(release("1.1.0")), "--channel", "stable", key=public_key)
        assert published.returncode == 0, published.stderr
        assert json.loads(published.stdout)["version"] == "1.1.0"
        assert server_cli(server, "roll-out", "1.1.0", "--bench", bench_id).returncode == 0
        rolled_out = time.monotonic()
        wait_for("release 1.1.0 healthy", lambda: health()[0] == "1.1.0" and health()[1]["update"]["state"] == "current")
        update_s = time.monotonic() - rolled_out
        state = paths.load_state()
        assert (state.current, state.previous, state.trial) == ("1.1.0", "1.0.0", None)
        write_suggestions(2, "release 1.1.0")

        # N+2 is broken: no round of it succeeds, so it never reports healthy.
        assert server_cli(server, "publish-release", str(release("1.2.0", broken=True)), "--channel", "stable",
                          key=public_key).returncode == 0
        assert server_cli(server, "roll-out", "1.2.0", "--municipality", "zepce").returncode == 0
        wait_for("release 1.2.0 on trial", lambda: paths.load_state().trial == "1.2.0")
        trial_started = time.monotonic()
        write_suggestions(4, "written under the broken release")  # held back: 1.2.0 sends nothing
        time.sleep(2)
        assert not set(written[-4:]) & on_server()
        wait_for("the rollback reported", lambda: health()[0] == "1.1.0" and health()[1]["update"]["state"] == "rolled-back",
                 timeout_s=TRIAL_S + 20)
        rollback_s = time.monotonic() - trial_started
        update = health()[1]["update"]
        assert update["version"] == "1.2.0" and f"no healthy report within {TRIAL_S:g} s" in update["detail"]
        state = paths.load_state()
        assert (state.current, state.bad) == ("1.1.0", ["1.2.0"])

        # Signed with another key: the server that knows the release key refuses to store it...
        refused = server_cli(server, "publish-release", str(release("1.3.0", signer="other.pem")),
                             "--channel", "stable", key=public_key)
        assert refused.returncode == 1 and "signature does not verify" in refused.stderr
        assert server.rows("SELECT count(*) FROM releases WHERE version = '1.3.0'") == [(0,)]
        # ...and one without the key stores it, but the bench refuses to install it.
        assert server_cli(server, "publish-release", str(releases / "smart_bench-1.3.0-py3-none-any.whl"),
                          "--channel", "stable").returncode == 0
        assert server_cli(server, "roll-out", "1.3.0", "--network").returncode == 0
        wait_for("the refusal reported", lambda: health()[1]["update"]["state"] == "refused")
        assert health()[1]["update"] == {"state": "refused", "version": "1.3.0",
                                         "detail": "the signature does not verify against the release key"}
        assert health()[0] == "1.1.0" and not paths.is_installed("1.3.0")

        # Nothing of the outbox was lost or doubled across the switches and the rollback.
        wait_for("every suggestion on the server", lambda: on_server() == set(written))
        assert server.rows("SELECT count(*) FROM suggestions WHERE bench_id = ?", [bench_id]) == [(len(written),)]
        with BenchStore(data_dir / "bench.sqlite3") as store:
            assert store.backlog()["suggestions"] == 0
    finally:
        supervisor.terminate()
        supervisor.wait(15)
        log.close()
    assert supervisor.returncode == 0, (tmp_path / "supervisor.log").read_text()[-3000:]
    print(f"\nupdate test: rollout to healthy 1.1.0 reported {update_s:.1f} s, broken 1.2.0 back on 1.1.0 and "
          f"reported {rollback_s:.1f} s after its switch (trial {TRIAL_S:g} s), {len(written)} suggestions intact, "
          f"whole test {time.monotonic() - started:.1f} s")
