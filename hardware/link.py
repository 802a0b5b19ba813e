"""Serial links to the power controller: one reader thread per port, and a monitor merging them.

A ``Link`` owns one thread for its whole life. The thread opens the port (a device path or any
pyserial URL), feeds what it reads to a ``BlockParser`` and hands every good block to a callback.
When the adapter is unplugged the read fails; the thread closes the port and watches for the
device to come back (and backs off exponentially while a port that is there fails to open) until
it is back or the link is closed.

A ``PowerMonitor`` runs several links (say the Victron MPPT on one USB adapter and the bench's
port board on another) and merges their blocks into one ``PowerStatus``; port commands go only to
the link configured to accept them.
"""
from __future__ import annotations

import logging
import os
import random
import threading
import time
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import serial

from hardware.commands import Command, SetPort, encode
from hardware.protocol import BlockParser
from hardware.status import LinkStats, PowerStatus

log = logging.getLogger(__name__)

BAUD_RATE = 19200
# A read sleeps until a block begins (no timeout: close() and an unplug wake it). Only a port
# whose reads cannot be cancelled (some pyserial URLs) polls, so that close() is noticed.
UNCANCELLABLE_READ_TIMEOUT_S = 0.2
WRITE_TIMEOUT_S = 1.0
APPEAR_POLL_S = 0.2  # how often an absent device path is looked for (a stat(), cheap)
# Once a block's first byte is in, the rest is still on the wire: at 19200 baud (1920 bytes/s)
# the MPPT's and the port board's blocks together (440-490 bytes) take 0.23-0.26 s. Waiting a
# little longer before reading takes a second's blocks in one wake-up instead of one per USB
# packet (0.25 s, just short of that, woke twice a second: 0.10 % of a core for the thread).
BLOCK_ON_WIRE_S = 0.35

BlockCallback = Callable[[str, Mapping[str, str], float], None]


class LinkError(Exception):
    """A port command could not be sent."""


class CommandsNotAccepted(LinkError):
    """The link was not configured to accept commands (it may be a stock Victron device)."""


@dataclass(frozen=True)
class Backoff:
    """Delays between reconnection attempts: ``initial_s`` growing by ``factor`` up to ``max_s``,
    each with ±``jitter`` so benches sharing a fault do not retry in lockstep."""

    initial_s: float = 0.2
    factor: float = 1.6
    max_s: float = 5.0
    jitter: float = 0.1

    def delay(self, attempt: int) -> float:
        base = min(self.max_s, self.initial_s * self.factor ** attempt)
        return base * random.uniform(1.0 - self.jitter, 1.0 + self.jitter)


def open_port(port: str) -> serial.SerialBase:
    """Open a device path (exclusively, so two programs cannot share it) or a pyserial URL."""
    options = dict(baudrate=BAUD_RATE, bytesize=8, parity="N", stopbits=1,
                   timeout=None, write_timeout=WRITE_TIMEOUT_S)
    if "://" in port:
        return serial.serial_for_url(port, **options)
    return serial.Serial(port, exclusive=True, **options)


def format_command(port: str, on: bool) -> bytes:
    """The port board's command line, ``SET <PORT> <ON|OFF>\\n``."""
    return encode(SetPort(port, on))


class Link:
    """One serial port and its reader thread. ``on_block(name, fields, monotonic_time)`` is called
    from that thread for every block that passes its checksum; keep it short."""

    def __init__(self, port: str, on_block: BlockCallback | None = None, *,
                 accepts_commands: bool = False, backoff: Backoff = Backoff()) -> None:
        self.name = port
        self.accepts_commands = accepts_commands
        self._on_block = on_block
        self._backoff = backoff
        self._lock = threading.Lock()  # guards the fields below, shared with the reader thread
        self._serial: serial.SerialBase | None = None
        self._parser = BlockParser()
        self._done_ok = self._done_bad = self._done_hex = 0  # counts of earlier connections
        self._connections = 0
        self._last_block_at: float | None = None
        self._last_error: str | None = None
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"link {port}", daemon=True)

    def start(self) -> Link:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop the reader thread and close the port; returns once the thread has ended."""
        self._stop.set()
        with self._lock:
            if self._serial is not None and hasattr(self._serial, "cancel_read"):
                self._serial.cancel_read()  # wake a blocked read now rather than at its timeout
        if self._thread.is_alive():
            self._thread.join()

    def __enter__(self) -> Link:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def wait_connected(self, timeout: float | None = None) -> bool:
        return self._connected.wait(timeout)

    def stats(self) -> LinkStats:
        with self._lock:
            return LinkStats(
                name=self.name,
                connected=self._connected.is_set(),
                frames_ok=self._done_ok + self._parser.blocks_ok,
                frames_bad=self._done_bad + self._parser.blocks_bad,
                hex_messages=self._done_hex + self._parser.hex_messages,
                reconnects=max(0, self._connections - 1),
                last_block_at=self._last_block_at,
                last_error=self._last_error,
                accepts_commands=self.accepts_commands,
            )

    def send_command(self, port: str, on: bool) -> None:
        """Switch a port on the port board: ``SET <PORT> <ON|OFF>``; the next block shows it."""
        self.send(SetPort(port, on))

    def send(self, command: Command) -> None:
        """Send one port-board command (``hardware.commands``); the next block shows its effect."""
        if not self.accepts_commands:
            raise CommandsNotAccepted(f"{self.name} is not configured to accept commands")
        line = encode(command)
        with self._lock:
            if self._serial is None:
                raise LinkError(f"{self.name} is not connected")
            try:
                self._serial.write(line)
            except (serial.SerialException, OSError) as error:
                raise LinkError(f"{self.name}: writing the command failed: {error}") from error
        log.info("%s: sent %s", self.name, line.decode().strip())

    # The reader thread.
    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                port = open_port(self.name)
            except (serial.SerialException, OSError, ValueError) as error:
                self._note_error(f"open failed: {error}")
                if self._is_absent():
                    self._wait_until_present()
                else:
                    self._stop.wait(self._backoff.delay(failures))
                    failures += 1
                continue
            if self._read_until_lost(port):
                failures = 0  # it worked for a while: the next loss starts the backoff afresh

    def _is_absent(self) -> bool:
        return "://" not in self.name and not os.path.exists(self.name)

    def _wait_until_present(self) -> None:
        # An unplugged adapter is watched for rather than backed off from, so it is read again
        # within a block or two of being plugged back in, however long it was away. Backoff is
        # for ports that are there but fail to open (busy, no permission, a broken adapter).
        while self._is_absent() and not self._stop.wait(APPEAR_POLL_S):
            pass

    def _read_until_lost(self, port: serial.SerialBase) -> bool:
        """Read blocks until the port fails or the link closes; True if any bytes came in."""
        with self._lock:
            self._serial = port
            self._connections += 1
            self._parser = BlockParser()  # a block cut by the unplug must not merge with the next
        self._connected.set()
        log.info("%s: connected", self.name)
        if not hasattr(port, "cancel_read"):
            port.timeout = UNCANCELLABLE_READ_TIMEOUT_S
        received = False
        try:
            while not self._stop.is_set():
                first = port.read(1)  # sleeps until a block starts, the port fails or close()
                if not first:
                    continue
                received = True
                # Let the rest of the block pool in the kernel's buffer rather than waking for
                # every USB packet of it; a block cut here is completed by the next read.
                self._stop.wait(BLOCK_ON_WIRE_S)
                self._feed(first + port.read(port.in_waiting))
        except (serial.SerialException, OSError) as error:
            self._note_error(f"connection lost: {error}")
        finally:
            self._connected.clear()
            with self._lock:
                self._serial = None
                self._done_ok += self._parser.blocks_ok
                self._done_bad += self._parser.blocks_bad
                self._done_hex += self._parser.hex_messages
                self._parser = BlockParser()
            port.close()
        return received

    def _feed(self, data: bytes) -> None:
        with self._lock:
            blocks = self._parser.feed(data)
            if blocks:
                self._last_block_at = time.monotonic()
        for block in blocks:
            if self._on_block is None:
                continue
            try:
                self._on_block(self.name, block.fields, self._last_block_at)
            except Exception:  # a bad listener must not kill the link
                log.exception("%s: block callback failed", self.name)

    def _note_error(self, message: str) -> None:
        with self._lock:
            repeated = self._last_error == message
            self._last_error = message
        if not repeated:
            log.warning("%s: %s", self.name, message)


class PowerMonitor:
    """Several links merged into one ``PowerStatus``.

    ``listener(status)`` is called, from a reader thread, after every accepted block with the
    merged status; calls never overlap and come in the order the blocks were merged.
    """

    def __init__(self, ports: Sequence[str], *, command_port: str | None = None,
                 listener: Callable[[PowerStatus], None] | None = None,
                 backoff: Backoff = Backoff()) -> None:
        if command_port is not None and command_port not in ports:
            raise ValueError(f"the command port {command_port} is not one of {list(ports)}")
        self._listener = listener
        self._lock = threading.RLock()
        self._status = PowerStatus()
        self.links = {port: Link(port, self._merge, accepts_commands=port == command_port,
                                 backoff=backoff)
                      for port in dict.fromkeys(ports)}

    def start(self) -> PowerMonitor:
        for link in self.links.values():
            link.start()
        return self

    def close(self) -> None:
        for link in self.links.values():
            link.close()

    def __enter__(self) -> PowerMonitor:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def status(self) -> PowerStatus:
        """The merged status with every link's current health."""
        with self._lock:
            return self._with_link_health(self._status)

    def _with_link_health(self, status: PowerStatus) -> PowerStatus:
        for link in self.links.values():
            status = status.with_link(link.stats())
        return status

    def set_port(self, port: str, on: bool) -> None:
        """Send a port command to the link that accepts commands."""
        self.send(SetPort(port, on))

    def send(self, command: Command) -> None:
        """Send any port-board command (dim, hibernate, charge limit) to the link that accepts them."""
        for link in self.links.values():
            if link.accepts_commands:
                link.send(command)
                return
        raise CommandsNotAccepted("no link is configured to accept commands")

    def _merge(self, source: str, fields: Mapping[str, str], at: float) -> None:
        with self._lock:
            self._status = self._with_link_health(self._status.with_block(source, fields, at))
            if self._listener is not None:
                self._listener(self._status)
