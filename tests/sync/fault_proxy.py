"""A fault-injecting HTTP/1.1 proxy on loopback, in front of the real sync server.

The bench's link is the thing we cannot test for real, so this stands in for it: it parses each
request (keep-alive kept; bodies framed by Content-Length, which is all `requests` sends here),
asks ``decide(method, path)`` what to do with it, and then

- ``None``            forwards it and relays the answer;
- ``"reset_request"`` forwards half the request, then resets both connections (server sees a cut body);
- ``"reset_response"`` forwards the request, relays half the answer, then resets (server did the work);
- ``"stall"``         forwards the request and never answers, until the client gives up;
- ``"unavailable"``   answers 503 with ``Retry-After: retry_after_s`` itself (an overloaded front end).

Optionally it throttles the link with a token bucket per direction (``rate_bytes_per_s``), and it
counts the bytes of HTTP (headers and bodies; not TCP/IP framing) in each direction.
Every request is logged with its arrival time and the fault applied.
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Decide = Callable[[str, str], "str | None"]
FAULTS = ("reset_request", "reset_response", "stall", "unavailable")
_CHUNK = 1460  # send in MSS-sized pieces, so a throttled stream flows smoothly


@dataclass(frozen=True)
class Exchange:
    path: str  # without the query
    up: int  # bytes of the request, head and body
    down: int  # bytes of the answer
    seconds: float  # from the request's arrival to the end of the answer


@dataclass(frozen=True)
class Seen:
    at: float  # time.monotonic() when the whole request had arrived
    method: str
    path: str
    fault: str | None


class TokenBucket:
    """``rate`` bytes per second, with a burst of a tenth of a second."""

    def __init__(self, rate: float) -> None:
        self.rate, self.burst = rate, max(_CHUNK, rate / 10)
        self.tokens, self.last = self.burst, time.monotonic()
        self.lock = threading.Lock()

    def take(self, n: int) -> None:
        with self.lock:  # one link: connections queue for it, as on a real modem
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
            self.last = now
            self.tokens -= n
            if self.tokens < 0:
                time.sleep(-self.tokens / self.rate)


class FaultProxy:
    def __init__(self, upstream_port: int, decide: Decide | None = None, *, retry_after_s: float = 1.0,
                 rate_bytes_per_s: float | None = None) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.decide: Decide = decide or (lambda method, path: None)
        self.retry_after_s = retry_after_s
        self.buckets = {d: TokenBucket(rate_bytes_per_s) if rate_bytes_per_s else None for d in ("up", "down")}
        self.bytes = {"up": 0, "down": 0}
        self.seen: list[Seen] = []
        self.exchanges: list[Exchange] = []  # the requests relayed whole, both ways
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        with self._lock:
            for sock in list(self._sockets):
                _close(sock)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def faults(self) -> dict[str, int]:
        with self._lock:
            return {fault: sum(1 for s in self.seen if s.fault == fault) for fault in FAULTS}

    # --- plumbing -----------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), name="proxy-conn", daemon=True).start()

    def _track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.add(sock)
        return sock

    def _serve(self, client: socket.socket) -> None:
        self._track(client)
        upstream: socket.socket | None = None
        pending = b""
        try:
            while True:
                request, pending = _read_message(client, pending)
                if request is None:
                    return
                method, path = request.split(b" ", 2)[:2]
                fault = self.decide(method.decode(), path.decode())
                arrived = time.monotonic()
                with self._lock:
                    self.seen.append(Seen(arrived, method.decode(), path.decode(), fault))
                if fault == "unavailable":
                    self._send(client, b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: %d\r\n"
                               b"Content-Length: 0\r\n\r\n" % round(self.retry_after_s), "down")
                    continue
                if upstream is None:
                    upstream = self._track(socket.create_connection(self.upstream, timeout=30))
                if fault == "reset_request":
                    self._send(upstream, request[: len(request) // 2], "up")
                    return
                self._send(upstream, request, "up")
                if fault == "stall":
                    while client.recv(65536):  # silent until the client's read timeout closes it
                        pass
                    return
                response, _ = _read_message(upstream, b"", is_response=True)
                if response is None:
                    return  # the server went away (restart): the client sees a cut connection
                if fault == "reset_response":
                    self._send(client, response[: len(response) // 2], "down")
                    return
                self._send(client, response, "down")
                with self._lock:
                    self.exchanges.append(Exchange(path.decode().split("?")[0], len(request), len(response),
                                                   time.monotonic() - arrived))
        except OSError:
            return
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    _reset(sock)
                    with self._lock:
                        self._sockets.discard(sock)

    def _send(self, sock: socket.socket, data: bytes, direction: str) -> None:
        bucket = self.buckets[direction]
        for start in range(0, len(data), _CHUNK):
            piece = data[start:start + _CHUNK]
            if bucket:
                bucket.take(len(piece))
            sock.sendall(piece)
            with self._lock:
                self.bytes[direction] += len(piece)


def _read_message(sock: socket.socket, buffered: bytes, is_response: bool = False) -> tuple[bytes | None, bytes]:
    """One HTTP message (head and Content-Length body) and what was read beyond it; None at EOF."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head_end = data.index(b"\r\n\r\n") + 4
    length = 0
    for line in data[:head_end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        elif name.strip().lower() == b"transfer-encoding":
            raise OSError("chunked messages are not supported by this proxy")
    if is_response and data.startswith((b"HTTP/1.1 1", b"HTTP/1.1 204", b"HTTP/1.1 304")):
        length = 0
    while len(data) < head_end + length:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    return data[:head_end + length], data[head_end + length:]


def _reset(sock: socket.socket) -> None:
    """Close with RST, not FIN: what a dropped mobile link or a crashed middlebox looks like."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    _close(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass
