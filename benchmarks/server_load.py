#!/usr/bin/env python3
"""Load test of the sync server: simulated benches on loopback against a real server process.

    python benchmarks/server_load.py [--benches 10000] [--saturate-s 20] [--steady-s 30]

The server runs as a subprocess (`python -m sync_server serve`), the benches in this process as
asyncio tasks speaking plain HTTP/1.1 over keep-alive connections (a cheap client, so the client
takes as little CPU from the server as possible on a small machine). One sync round of a bench is
ROUND_REQUESTS requests: a telemetry batch (6 samples and the health report), an initiatives pull
with its cursor, and a suggestion upload. Real benches upload suggestions only when a citizen
wrote one, so this is a pessimistic round.

Two phases:
1. saturation: `--connections` benches loop rounds as fast as the server answers; the sustained
   throughput gives the capacity: benches syncing once a minute = req/s * 60 / ROUND_REQUESTS.
2. steady: `--benches` benches each syncing once a minute, i.e. rounds started at a fixed rate of
   benches/60 per second at random benches; gives the latency a fleet of that size would see.

The rate limiter is set out of reach (it is still consulted on every request) so that the
saturation phase measures the server rather than the limiter.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sync_server.db import open_database  # noqa: E402
from sync_server.municipalities import DEFAULT as MUNICIPALITIES  # noqa: E402
from sync_server.sample import load_sample  # noqa: E402
from sync_server.services.benches import add_benches  # noqa: E402

ROUND_REQUESTS = 3
HOST = "127.0.0.1"


class Connection:
    """A minimal HTTP/1.1 keep-alive client: enough for JSON requests and Content-Length answers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, token: str, body: bytes = b"") -> tuple[int, bytes]:
        for attempt in (1, 2):  # the server may have closed an idle connection: reconnect once
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
                head = (f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
                        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
                self.writer.write(head.encode() + body)
                status = int((await self.reader.readline()).split()[1])
                length = 0
                while (line := await self.reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                return status, await self.reader.readexactly(length)
            except (ConnectionError, IndexError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Fleet:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.cursors: dict[str, str] = {}
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}

    async def timed(self, conn: Connection, method: str, path: str, token: str, body: bytes = b"") -> bytes:
        start = time.perf_counter()
        status, answer = await conn.request(method, path, token, body)
        self.latencies.append(time.perf_counter() - start)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        return answer

    async def sync_round(self, conn: Connection, token: str) -> None:
        now = time.time()
        samples = [{"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 10 * i)), "battery_v": 12.8,
                    "battery_a": -0.4, "solar_v": 18.2, "solar_w": 35.0, "soc_pct": 87.5, "charge_state": "bulk",
                    "error": None, "load_on": True, "ports": {"USB1": {"state": "on", "current_a": 0.45}}}
                   for i in range(6)]
        telemetry = {"samples": samples, "health": {"app_version": "0.1.0", "backlog": 1, "uptime_s": 3600}}
        await self.timed(conn, "POST", "/api/v1/telemetry", token, json.dumps(telemetry).encode())
        cursor = self.cursors.get(token)
        feed = await self.timed(conn, "GET", "/api/v1/initiatives" + (f"?since={cursor}" if cursor else ""), token)
        self.cursors[token] = json.loads(feed)["cursor"]
        item = {"id": str(uuid.uuid4()), "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ"), "language": "bs",
                "text": "Trebalo bi postaviti više klupa i kanti za smeće uz šetnicu kod rijeke. " * 3}
        await self.timed(conn, "POST", "/api/v1/suggestions", token, json.dumps({"items": [item]}).encode())

    def report(self, title: str, elapsed: float) -> float:
        requests = len(self.latencies)
        rps = requests / elapsed
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        print(f"{title}: {requests} requests in {elapsed:.1f} s = {rps:.0f} req/s, "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ordered[-1] * 1000:.1f} ms, statuses {self.statuses}")
        return rps


async def saturate(port: int, tokens: list[str], connections: int, seconds: float) -> float:
    fleet = Fleet(tokens)
    deadline = time.perf_counter() + seconds

    async def bench_loop(index: int) -> None:
        conn = Connection(port)
        token = tokens[index % len(tokens)]
        while time.perf_counter() < deadline:
            await fleet.sync_round(conn, token)
        conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(bench_loop(i) for i in range(connections)))
    return fleet.report(f"saturation ({connections} benches syncing back to back)", time.perf_counter() - start)


async def steady(port: int, tokens: list[str], seconds: float, pool_size: int) -> tuple[float, float]:
    """Rounds started at benches/60 per second (each bench once a minute), over a connection pool."""
    fleet = Fleet(tokens)
    rate = len(tokens) / 60.0
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(pool_size):
        pool.put_nowait(Connection(port))
    order = random.sample(tokens, len(tokens))
    tasks = []

    async def one_round(token: str) -> None:
        conn = await pool.get()
        try:
            await fleet.sync_round(conn, token)
        finally:
            pool.put_nowait(conn)

    start = time.perf_counter()
    rounds = int(rate * seconds)
    for n in range(rounds):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one_round(order[n % len(order)])))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    fleet.report(f"steady ({len(tokens)} benches, each syncing once a minute: {rate * ROUND_REQUESTS:.0f} req/s "
                 f"offered)", elapsed)
    ordered = sorted(fleet.latencies)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99)] * 1000


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux), to express cost per request."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(db_path: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sync_server", "serve", "--db", str(db_path), "--host", HOST, "--port", str(port),
         "--rate-per-minute", "1e9", "--rate-burst", "1000000000", "--log-level", "warning"],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--benches", type=int, default=10_000, help="fleet size for the steady phase")
    parser.add_argument("--connections", type=int, default=64, help="concurrent benches when saturating")
    parser.add_argument("--pool", type=int, default=100, help="connections the steady phase shares")
    parser.add_argument("--saturate-s", type=float, default=20.0)
    parser.add_argument("--steady-s", type=float, default=30.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sync-server-load-") as folder:
        db_path = Path(folder) / "load.db"
        db = open_database(db_path)
        load_sample(db)
        slugs = sorted(MUNICIPALITIES)
        made = time.perf_counter()
        tokens = list(add_benches(db, [(f"load-{n:05d}", slugs[n % len(slugs)]) for n in range(args.benches)]).values())
        db.close()
        print(f"{len(tokens)} benches provisioned in {time.perf_counter() - made:.1f} s; "
              f"{os.cpu_count()} CPUs; one sync round = {ROUND_REQUESTS} requests")
        port = free_port()
        server = start_server(db_path, port)
        try:
            cpu_before, wall_before = cpu_seconds(server.pid), time.perf_counter()
            rps = asyncio.run(saturate(port, tokens, args.connections, args.saturate_s))
            cpu_used, wall = cpu_seconds(server.pid) - cpu_before, time.perf_counter() - wall_before
            ms_per_request = cpu_used / (rps * wall) * 1000
            busy = cpu_used / wall
            note = (" (the server got under 90% of a core: something else took CPU, so this line is the "
                    "better capacity figure)" if busy < 0.9 else "")
            print(f"server CPU while saturated: {busy * 100:.0f}% of a core, {ms_per_request:.2f} ms per request "
                  f"-> {1000 / ms_per_request:.0f} req/s on one free core = "
                  f"{int(1000 / ms_per_request * 60 / ROUND_REQUESTS)} benches{note}")
            p50, p99 = asyncio.run(steady(port, tokens, args.steady_s, args.pool))
        finally:
            server.terminate()
            server.wait(timeout=10)
        capacity = int(rps * 60 / ROUND_REQUESTS)
        verdict = "meets" if capacity >= 10_000 and p99 < 250 else "MISSES"
        print(f"capacity: {rps:.0f} req/s sustained -> {capacity} benches syncing once a minute "
              f"({ROUND_REQUESTS} requests per round), server and load generator sharing this machine")
        print(f"at {args.benches} benches: p50 {p50:.1f} ms, p99 {p99:.1f} ms -> {verdict} the goal "
              f"(>= 10000 benches, p99 < 250 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
