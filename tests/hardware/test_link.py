"""The serial link through real pseudo-terminals: blocks in, commands out, unplug and replug."""
from __future__ import annotations

import os
import select
import threading
import time
import tty
from typing import Callable, Iterator, Mapping

import pytest

from hardware.link import Backoff, CommandsNotAccepted, Link, LinkError, PowerMonitor
from hardware.protocol import FIELD_SPECS, encode_block
from hardware.simulator import BenchModel, PtySimulator

pytestmark = pytest.mark.timeout(30)

FAST = Backoff(initial_s=0.05, factor=1.5, max_s=0.5)


class Collector:
    """A block callback that remembers what came, and lets a test wait for something."""

    def __init__(self) -> None:
        self.blocks: list[dict[str, str]] = []
        self._changed = threading.Condition()

    def __call__(self, name: str, fields: Mapping[str, str], at: float) -> None:
        with self._changed:
            self.blocks.append(dict(fields))
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[list[dict[str, str]]], bool], timeout: float = 5.0) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: condition(self.blocks), timeout), \
                f"not seen in {timeout} s; got {len(self.blocks)} blocks"


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


@pytest.fixture
def simulator(tmp_path) -> Iterator[PtySimulator]:
    with PtySimulator(BenchModel(seed=11, start_hour=11, soc_source="shunt"), speed=10,  # a BMV sends CE, TTG
                      link_path=str(tmp_path / "bench-power")) as simulator:
        yield simulator


@pytest.fixture
def raw_pty() -> Iterator[tuple[int, str]]:
    """A bare pty: the test plays the controller on the master end."""
    master, slave = os.openpty()
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def test_every_design_label_the_simulator_sends_comes_through_the_link(simulator) -> None:
    collector = Collector()
    with Link(simulator.path, collector, backoff=FAST) as link:
        collector.wait_for(lambda blocks: len(blocks) >= 6)
        stats = link.stats()
    labels = set().union(*collector.blocks)
    assert set(FIELD_SPECS) <= labels  # every label the design names
    assert stats.connected and stats.frames_ok >= 6 and stats.frames_bad == 0
    assert stats.last_block_at is not None and time.monotonic() - stats.last_block_at < 1


def test_a_block_with_a_bad_checksum_is_counted_and_not_delivered(raw_pty) -> None:
    master, path = raw_pty
    collector = Collector()
    with Link(path, collector, backoff=FAST) as link:
        assert link.wait_connected(5)
        good, bad = encode_block({"V": "12800"}), bytearray(encode_block({"V": "99999"}))
        bad[-1] ^= 0xFF
        os.write(master, good + bytes(bad) + encode_block({"V": "12700"}))
        collector.wait_for(lambda blocks: len(blocks) == 2)
        wait_until(lambda: link.stats().frames_bad == 1)
    assert [block["V"] for block in collector.blocks] == ["12800", "12700"]


def test_unplug_and_replug_resumes_on_the_same_thread(simulator) -> None:
    collector = Collector()
    with Link(simulator.path, collector, backoff=FAST) as link:
        collector.wait_for(lambda blocks: len(blocks) >= 2)
        threads = threading.active_count()
        simulator.unplug(0.5)
        wait_until(lambda: not link.stats().connected)
        assert link.stats().last_error  # "connection lost", then "open failed" while it is away
        before = len(collector.blocks)
        assert simulator.plugged.wait(5)
        collector.wait_for(lambda blocks: len(blocks) >= before + 4)
        stats = link.stats()
        assert stats.connected and stats.reconnects == 1
        assert threading.active_count() == threads  # no extra thread per reconnection
    assert threading.active_count() == threads - 1


def test_a_port_that_is_not_there_yet_is_retried_until_it_appears(tmp_path, raw_pty) -> None:
    master, pty_path = raw_pty
    path = tmp_path / "later"
    collector = Collector()
    with Link(str(path), collector, backoff=FAST) as link:
        time.sleep(0.3)
        stats = link.stats()
        assert not stats.connected and "open failed" in stats.last_error
        path.symlink_to(pty_path)
        assert link.wait_connected(3)
        os.write(master, encode_block({"V": "12000"}))
        collector.wait_for(lambda blocks: blocks == [{"V": "12000"}])
        assert link.stats().reconnects == 0  # the first connection is not a reconnection


def test_a_replugged_adapter_is_picked_up_at_once_however_long_it_was_away(tmp_path, raw_pty) -> None:
    _, pty_path = raw_pty
    path = tmp_path / "ttyUSB0"
    with Link(str(path), backoff=Backoff(initial_s=10, max_s=10)) as link:
        time.sleep(0.5)  # long enough to fail a few times
        path.symlink_to(pty_path)
        assert link.wait_connected(1.0)


def test_a_port_that_is_there_but_will_not_open_is_retried_with_backoff(simulator, monkeypatch) -> None:
    attempts = []

    def refuse(port: str) -> None:
        attempts.append(time.monotonic())
        raise OSError("device or resource busy")

    monkeypatch.setattr("hardware.link.open_port", refuse)
    with Link(simulator.path, backoff=Backoff(initial_s=0.1, factor=2, max_s=1, jitter=0)):
        time.sleep(1.0)
    gaps = [later - earlier for earlier, later in zip(attempts, attempts[1:])]
    assert len(attempts) == 4  # at 0, 0.1, 0.3, 0.7 s
    assert gaps == sorted(gaps) and 0.35 < gaps[-1] < 0.5


def test_close_stops_the_thread_promptly_whether_connected_or_retrying(simulator, tmp_path) -> None:
    baseline = threading.active_count()
    links = [Link(simulator.path, backoff=Backoff()).start(),
             Link(str(tmp_path / "missing"), backoff=Backoff(initial_s=5)).start()]
    assert links[0].wait_connected(5)
    assert threading.active_count() == baseline + 2
    started = time.monotonic()
    for link in links:
        link.close()
    assert time.monotonic() - started < 1.0
    assert threading.active_count() == baseline


def test_a_second_link_cannot_steal_an_open_port(simulator) -> None:
    with Link(simulator.path, backoff=FAST) as first:
        assert first.wait_connected(5)
        with Link(simulator.path, backoff=FAST) as second:
            time.sleep(0.3)
            assert not second.stats().connected
            assert "open failed" in second.stats().last_error
        assert first.stats().connected


def test_a_failing_callback_does_not_stop_the_link(raw_pty) -> None:
    master, path = raw_pty
    calls = []

    def explode(name: str, fields: Mapping[str, str], at: float) -> None:
        calls.append(fields["V"])
        raise RuntimeError("listener bug")

    with Link(path, explode, backoff=FAST) as link:
        assert link.wait_connected(5)
        os.write(master, encode_block({"V": "1"}) + encode_block({"V": "2"}))
        wait_until(lambda: calls == ["1", "2"])
        assert link.stats().connected


def read_available(fd: int, wait_s: float) -> bytes:
    data = b""
    while select.select([fd], [], [], wait_s)[0]:
        data += os.read(fd, 1024)
        wait_s = 0.05
    return data


def test_commands_reach_only_the_link_that_accepts_them(tmp_path) -> None:
    masters, paths = [], []
    for _ in range(2):
        master, slave = os.openpty()
        tty.setraw(slave)
        masters.append(master)
        paths.append(os.ttyname(slave))
    board, mppt = paths
    try:
        with PowerMonitor([mppt, board], command_port=board, backoff=FAST) as monitor:
            wait_until(lambda: all(link.stats().connected for link in monitor.links.values()))
            monitor.set_port("USB3", False)
            monitor.links[board].send_command("LIGHT", True)
            with pytest.raises(CommandsNotAccepted):
                monitor.links[mppt].send_command("USB3", False)
            with pytest.raises(ValueError):
                monitor.set_port("USB9", True)
            assert read_available(masters[0], 1.0) == b"SET USB3 OFF\nSET LIGHT ON\n"
            assert read_available(masters[1], 0.3) == b""
            assert monitor.status().links[board].accepts_commands
            assert not monitor.status().links[mppt].accepts_commands
    finally:
        for master in masters:
            os.close(master)


def test_a_monitor_without_a_command_port_refuses_commands(raw_pty) -> None:
    _, path = raw_pty
    with PowerMonitor([path], backoff=FAST) as monitor:
        with pytest.raises(CommandsNotAccepted):
            monitor.set_port("USB1", False)


def test_a_command_while_unplugged_fails_clearly(tmp_path) -> None:
    with Link(str(tmp_path / "missing"), accepts_commands=True, backoff=FAST) as link:
        with pytest.raises(LinkError, match="not connected"):
            link.send_command("USB1", True)


def test_the_monitor_merges_the_mppt_and_the_port_board_and_tells_its_listener(simulator,
                                                                             tmp_path) -> None:
    seen, missing = [], str(tmp_path / "ttyUSB1")
    with PowerMonitor([simulator.path, missing], command_port=simulator.path,
                      listener=seen.append, backoff=FAST) as monitor:
        wait_until(lambda: len(seen) >= 4)
        monitor.set_port("USB5", False)
        wait_until(lambda: seen[-1].ports["USB5"].state == "off")
        status = monitor.status()
    # Every status the listener gets tells the health of every link, not only the sender's.
    assert seen[-1].links[missing].connected is False
    assert status.battery_v is not None and 11 < status.battery_v < 15
    assert status.soc_pct is not None and len(status.ports) == 11
    assert status.ports["USB5"].current_a == 0.0
    assert status.frames_ok >= 4 and status.links[simulator.path].connected


def test_backoff_grows_to_its_cap_with_a_little_jitter() -> None:
    backoff = Backoff(initial_s=0.2, factor=2, max_s=5, jitter=0.1)
    for attempt, expected in [(0, 0.2), (1, 0.4), (3, 1.6), (10, 5.0)]:
        delays = [backoff.delay(attempt) for _ in range(50)]
        assert all(expected * 0.9 <= delay <= expected * 1.1 for delay in delays)
        assert len(set(delays)) > 1


# --- the reader sleeps until a block arrives ------------------------------------------------

LINE_BYTES_PER_S = 1920  # 19200 baud, 8N1
USB_PACKET_S = 0.016  # a USB serial adapter hands bytes over in bursts (FTDI's latency timer)


def reader_wakeups(link: Link) -> int:
    """How often the link's reader thread has gone to sleep and been woken (the kernel's count)."""
    thread = next(thread for thread in threading.enumerate() if thread.name == f"link {link.name}")
    status = open(f"/proc/self/task/{thread.native_id}/status").read()
    return int(status.split("voluntary_ctxt_switches:")[1].split()[0])


def send_at_line_rate(master: int, data: bytes) -> None:
    packet = int(LINE_BYTES_PER_S * USB_PACKET_S)
    for start in range(0, len(data), packet):
        os.write(master, data[start:start + packet])
        time.sleep(USB_PACKET_S)


def one_seconds_blocks() -> bytes:
    """What the MPPT and the port board send in one second, on one line as the simulator does."""
    return b"".join(encode_block(fields) for fields in BenchModel(seed=3, start_hour=12).step(1.0))


def test_the_reader_sleeps_while_the_line_is_quiet_and_wakes_about_twice_per_blocks(raw_pty) -> None:
    master, path = raw_pty
    collector = Collector()
    with Link(path, collector, backoff=FAST) as link:
        assert link.wait_connected(5)
        time.sleep(0.3)
        quiet_from = reader_wakeups(link)
        time.sleep(1.0)
        # A read with a timeout of 0.2 s (the old polling reader) woke five times here.
        assert reader_wakeups(link) - quiet_from == 0
        data = one_seconds_blocks()
        busy_from, sent_at = reader_wakeups(link), time.monotonic()
        send_at_line_rate(master, data)  # 437 bytes: 0.23 s on the wire
        collector.wait_for(lambda blocks: len(blocks) == 2, timeout=1.0)
        assert time.monotonic() - sent_at < len(data) / LINE_BYTES_PER_S + 0.4  # promptly
        assert reader_wakeups(link) - busy_from <= 4  # not one per USB packet (28 of them)
        started = time.monotonic()
    assert time.monotonic() - started < 0.5  # close() woke the sleeping read at once
    assert collector.blocks[1]["USB1"] in ("ON", "OFF", "FAULT")


def test_a_sleeping_reader_notices_an_unplug_at_once_and_reads_the_adapter_again(tmp_path) -> None:
    path = tmp_path / "ttyUSB0"
    master, slave = os.openpty()
    tty.setraw(slave)
    path.symlink_to(os.ttyname(slave))
    collector = Collector()
    with Link(str(path), collector, backoff=FAST) as link:
        assert link.wait_connected(5)
        time.sleep(0.3)  # the reader is asleep in its read: the line is quiet
        os.close(master)  # the adapter is pulled out
        os.close(slave)
        path.unlink()
        unplugged_at = time.monotonic()
        wait_until(lambda: not link.stats().connected, timeout=1.0)
        assert time.monotonic() - unplugged_at < 0.5
        assert "connection lost" in link.stats().last_error or "open failed" in link.stats().last_error
        master, slave = os.openpty()  # ... and plugged back in
        tty.setraw(slave)
        path.symlink_to(os.ttyname(slave))
        try:
            assert link.wait_connected(2)
            time.sleep(0.1)
            send_at_line_rate(master, one_seconds_blocks())
            collector.wait_for(lambda blocks: len(blocks) == 2, timeout=1.0)
            assert link.stats().reconnects == 1
        finally:
            os.close(master)
            os.close(slave)
