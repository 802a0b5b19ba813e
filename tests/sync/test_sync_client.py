"""The small pieces of kiosk.core.sync: backoff, Retry-After, the client thread's waits and state,
and the one-shot round behind `python -m kiosk sync --once`."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from live_server import ROOT, LiveServer, free_port

from kiosk.composition import run_sync_once
from kiosk.core import sync
from kiosk.core.config import Config
from kiosk.core.store import BenchStore
from kiosk.core.sync import SyncClient, SyncState, backoff_delay, parse_retry_after


def unreachable(config: Config) -> Config:
    return dataclasses.replace(config, server_url=f"http://127.0.0.1:{free_port()}")  # nobody listens


class Rounds:
    """Counts the client's rounds through ``on_change`` (called once per round)."""

    def __init__(self) -> None:
        self.states: list[SyncState] = []
        self.changed = threading.Condition()

    def __call__(self, state: SyncState) -> None:
        with self.changed:
            self.states.append(state)
            self.changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.states) >= count, timeout)


# --- backoff and Retry-After ------------------------------------------------------------------

def test_backoff_doubles_from_the_base_up_to_the_cap_with_half_of_it_random() -> None:
    for failures in range(1, 30):
        step = min(sync.BACKOFF_CAP_S, sync.BACKOFF_BASE_S * 2 ** (failures - 1))
        delays = [backoff_delay(failures) for _ in range(200)]
        assert all(step / 2 <= delay <= step for delay in delays)
        assert max(delays) - min(delays) > step / 4, "jitter spreads a fleet out"
    assert backoff_delay(0) <= sync.BACKOFF_BASE_S


def test_backoff_stays_at_the_cap_after_a_week_offline() -> None:
    # At the cap a round fails every 150-300 s: a week offline is about 4 000 failures in a row.
    # (2.0 * 2**1024 overflowed from the 1 025th on, which killed the sync thread for good.)
    week_of_failures = round(7 * 24 * 3600 / (sync.BACKOFF_CAP_S * 0.75))
    for failures in (1024, 1025, 1100, week_of_failures, 10**6):
        assert sync.BACKOFF_CAP_S / 2 <= backoff_delay(failures) <= sync.BACKOFF_CAP_S


@pytest.mark.parametrize(("header", "expected"), [
    ("120", 120.0), ("0", 0.0), ("1.5", 1.5), ("-3", 0.0),
    (None, None), ("", None), ("soon", None), ("Tuesday-ish", None),
])
def test_retry_after_in_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_as_an_http_date() -> None:
    in_a_minute = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)
    assert 57 <= parse_retry_after(in_a_minute) <= 60
    an_hour_ago = format_datetime(datetime.now(timezone.utc) - timedelta(hours=1), usegmt=True)
    assert parse_retry_after(an_hour_ago) == 0.0


# --- the client thread ------------------------------------------------------------------------

def test_wake_cuts_a_normal_wait_short(config: Config) -> None:
    rounds = Rounds()
    client = SyncClient(config, on_change=rounds)
    client.set_interval(60)
    client.start()
    try:
        assert rounds.wait_for(1, 10)
        with BenchStore(config.store_path) as store:
            store.add_suggestion("Klupa u hladu.", "bs")
        client.wake()
        assert rounds.wait_for(2, 5), "wake() did not start a round during a 60 s wait"
        assert rounds.states[-1].backlog["suggestions"] == 0
    finally:
        client.stop()


def test_wake_does_not_cut_a_backoff_but_stop_does(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync, "BACKOFF_BASE_S", 8.0)  # first backoff: 4-8 s
    rounds = Rounds()
    client = SyncClient(unreachable(config), on_change=rounds)
    client.start()
    assert rounds.wait_for(1, 10)
    assert client.state().next_attempt_at is not None
    for _ in range(3):
        client.wake()
    assert not rounds.wait_for(2, 1.5), "wake() cut a backoff short: a fleet would hammer a down server"
    asked = time.monotonic()
    client.stop()
    assert time.monotonic() - asked < 1.0
    assert not any(thread.name == "sync" for thread in threading.enumerate())


def test_state_after_success_and_after_failure(config: Config) -> None:
    with BenchStore(config.store_path) as store:
        store.add_suggestion("Treba nam česma.", "bs")
        failing = SyncClient(unreachable(config))
        with pytest.raises(sync.SyncFailed):
            failing.run_once(store)
        state = failing.state()
        assert not state.online and state.last_success_at is None
        assert state.last_error == "server not reachable: ConnectionError"
        assert state.backlog["suggestions"] == 1

        before = datetime.now(timezone.utc)
        working = SyncClient(config)
        report = working.run_once(store)
        state = working.state()
    assert report.sent["suggestions"] == 1
    assert state.online and state.last_error is None
    assert state.last_success_at is not None and state.last_success_at >= before
    assert state.backlog["suggestions"] == 0 and state.backlog["oldest_pending_at"] is None


# --- one round from the command line ----------------------------------------------------------

def test_run_sync_once_exit_codes(server: LiveServer, config: Config) -> None:
    with BenchStore(config.store_path) as store:
        suggestion = store.add_suggestion("Više svjetla.", "hr")
    assert run_sync_once(unreachable(config)) == 1
    assert run_sync_once(config) == 0
    assert server.rows("SELECT id FROM suggestions WHERE bench_id = ?", [config.bench_id]) == [(suggestion.id,)]


def test_kiosk_sync_once_command(server: LiveServer, config: Config, tmp_path: Path) -> None:
    with BenchStore(config.store_path) as store:
        store.add_suggestion("Sjenica kod škole.", "bs")

    def run(url: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "SMART_BENCH_SERVER_URL": url, "SMART_BENCH_TOKEN": config.token,
               "SMART_BENCH_BENCH_ID": config.bench_id, "SMART_BENCH_DATA_DIR": str(config.data_dir)}
        return subprocess.run([sys.executable, "-m", "kiosk", "sync", "--once"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)

    down = run(unreachable(config).server_url)
    assert down.returncode != 0 and "not reachable" in down.stderr
    assert run(server.url).returncode == 0
    assert len(server.rows("SELECT id FROM suggestions WHERE bench_id = ?", [config.bench_id])) == 1


def test_config_file_before_or_after_sync(server: LiveServer, config: Config, tmp_path: Path) -> None:
    """``--config FILE`` works on either side of ``sync`` (docs/operations.md writes it after)."""
    def config_file(name: str, url: str) -> Path:
        path = tmp_path / name
        path.write_text(f'bench_id = "{config.bench_id}"\nserver_url = "{url}"\ntoken = "{config.token}"\n'
                        f'data_dir = "{config.data_dir}"\n', encoding="utf-8")
        return path

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith("SMART_BENCH_")}
        return subprocess.run([sys.executable, "-m", "kiosk", *map(str, args)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)

    good, down = config_file("good.toml", server.url), config_file("down.toml", unreachable(config).server_url)
    with BenchStore(config.store_path) as store:
        first = store.add_suggestion("Klupa u hladu.", "bs")
    before = run("--config", good, "sync", "--once")
    assert before.returncode == 0, before.stderr
    with BenchStore(config.store_path) as store:
        second = store.add_suggestion("Česma kod igrališta.", "bs")
    after = run("sync", "--once", "--config", good)
    assert after.returncode == 0, after.stderr
    sent = server.rows("SELECT id FROM suggestions WHERE bench_id = ?", [config.bench_id])
    assert sorted(sent) == sorted([(first.id,), (second.id,)])
    for args in (("--config", down, "sync", "--once"), ("sync", "--once", "--config", down)):
        failed = run(*args)
        assert failed.returncode == 1 and "not reachable" in failed.stderr, args  # the file was read
    missing = run("sync", "--once", "--config", tmp_path / "nope.toml")
    assert missing.returncode == 2 and "cannot read the config file" in missing.stderr


# --- failures that must not spoil a round or end syncing -------------------------------------

def test_a_failing_receipt_status_check_does_not_fail_the_round(server: LiveServer, config: Config) -> None:
    from fault_proxy import FaultProxy

    with BenchStore(config.store_path) as store:
        store.add_suggestion("Popravite ljuljašku.", "bs")
        SyncClient(config).run_once(store)  # sent; its status is worth checking from now on
        store.add_suggestion("I klupu do nje.", "bs")
        refusing_status = lambda method, path: "unavailable" if "/status/" in path else None
        with FaultProxy(server.port, refusing_status) as proxy:
            client = SyncClient(dataclasses.replace(config, server_url=proxy.url))
            report = client.run_once(store)
        assert report.sent["suggestions"] == 1
        assert client.state().online and client.state().last_error is None
        assert any("/status/" in seen.path for seen in proxy.seen), "the status check was tried"


def test_a_store_that_cannot_open_is_retried_not_the_end_of_syncing(config: Config, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync, "BACKOFF_BASE_S", 0.2)
    blocked = tmp_path / "not-yet"
    blocked.write_text("a file where the data folder should be")  # BenchStore cannot create it
    rounds = Rounds()
    client = SyncClient(dataclasses.replace(config, data_dir=blocked / "data"), on_change=rounds)
    client.start()
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and client._failures < 2:
            time.sleep(0.05)
        assert client._failures >= 2, "the sync thread stopped trying after the store failed to open"
        blocked.unlink()  # the maintainer fixes the disk
        assert rounds.wait_for(1, 10), "syncing did not resume once the store could open"
        assert rounds.states[-1].online
    finally:
        client.stop()
