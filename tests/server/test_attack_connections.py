"""`serve` facing the internet without a proxy (issue 15, "holding under attack"): connections that
send nothing or trickle their headers are closed, oversized headers are refused with 431 before
they fill memory, and past the connection limit requests get 503 instead of piling up. Raw sockets
against a real server process; `--header-timeout 1` so the test does not wait 10 s."""
from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync_server.db import open_database

from .conftest import start_server, stop_server

MiB = 1 << 20


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    folder = tmp_path_factory.mktemp("connections")
    open_database(folder / "server.db").close()
    process, url = start_server(folder / "server.db", folder / "server.log", "--header-timeout", "1",
                                "--max-header-bytes", "16384", "--max-connections", "20")
    try:
        yield process.pid, url
    finally:
        stop_server(process)


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed the connection (None if it kept it open that long)."""
    start = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_a_connection_that_sends_nothing_is_closed(server: tuple[int, str]) -> None:
    with connect(server[1]) as sock:
        after = closed_within(sock, 5)
    assert after is not None and after < 3, "an idle connection was kept open"


def test_headers_sent_a_byte_at_a_time_are_cut_off(server: tuple[int, str]) -> None:
    with connect(server[1]) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        try:
            for byte in b"X-Slow: " + b"a" * 60:
                sock.sendall(bytes([byte]))
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert closed_within(sock, 5) is not None
        assert time.monotonic() - start < 4, "the trickling headers were waited for"


def test_a_50_mib_header_is_refused_with_431_before_it_fills_memory(server: tuple[int, str]) -> None:
    pid, url = server
    before = rss(pid)
    with connect(url) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sent = 0
        try:
            while sent < 50 * MiB:
                sock.sendall(b"a" * MiB)
                sent += MiB
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(5)
        try:
            answer = sock.recv(4096)
        except ConnectionResetError:
            answer = b""
    assert sent < 50 * MiB, "the server read the whole 50 MiB header"
    assert answer.startswith(b"HTTP/1.1 431") or answer == b""
    assert rss(pid) - before < 20 * MiB
    # Ordinary requests, bodies included, are untouched by the header limit.
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
    big_body = requests.post(f"{url}/api/v1/telemetry", data=b"{" + b" " * 500_000 + b"}", timeout=10,
                             headers={"Content-Type": "application/json"})
    assert big_body.status_code == 401  # read whole, then refused for want of a token


def test_past_the_connection_limit_requests_get_503(server: tuple[int, str]) -> None:
    url = server[1]
    held = [connect(url) for _ in range(20)]
    try:
        time.sleep(0.2)
        answer = requests.get(f"{url}/healthz", timeout=5)
        assert answer.status_code == 503
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.2)
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
