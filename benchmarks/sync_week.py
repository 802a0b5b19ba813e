"""A week offline, then one sync over a slow link: bytes on the wire and wall time.

    .venv/bin/python benchmarks/sync_week.py [--suggestions 10000] [--kbit 256] [--naive-sample 1000]

A real BenchStore file is filled with a week of use (suggestions, one telemetry sample a minute),
then the real SyncClient runs one round against the real server (a subprocess on loopback)
through a proxy that throttles both directions to ``--kbit`` kbit/s (a token bucket on the bytes of
HTTP, like a 2G/EDGE modem; TCP/IP framing is not counted). Beside it, in the same run, the naive
way: one uncompressed POST per item over a keep-alive connection, same throttle, to a second
fresh server. The naive way takes minutes at 256 kbit/s, so it runs on a sample of the same items
and is extrapolated linearly (per-item cost is flat: every request is alike); the output says so.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "sync")]

from fault_proxy import FaultProxy  # noqa: E402
from live_server import LiveServer  # noqa: E402

from hardware.status import PowerStatus  # noqa: E402
from kiosk.core.config import Config  # noqa: E402
from kiosk.core.store import BenchStore, telemetry_sample  # noqa: E402
from kiosk.core.sync import SyncClient  # noqa: E402

WORDS = ("klupa", "park", "rasvjeta", "djeca", "igralište", "škola", "česma", "drveće", "kanti", "smeće",
         "autobus", "stanica", "pješački", "prelaz", "rijeka", "most", "hlad", "biciklisti", "staza",
         "treba", "više", "molim", "popraviti", "nova", "stara", "uz", "kod", "na", "i", "za", "u",
         "парк", "расвјета", "клупе", "дјеца", "школа", "треба", "нова", "улица", "more", "bins", "please")
LANGUAGES = ("bs", "bs", "hr", "sr", "sr-Latn", "en")
SAMPLES_PER_WEEK = 7 * 24 * 60


def fill_store(store: BenchStore, suggestions: int, rng: random.Random) -> int:
    """A week of use; returns how many telemetry samples the ring keeps to upload."""
    for _ in range(suggestions):
        words = rng.choices(WORDS, k=max(3, int(rng.lognormvariate(3.0, 0.7))))  # ~20 words, long tail
        text = " ".join(words).capitalize()[:2000] + "."
        contact = f"ime{rng.randrange(10**4)}@example.org" if rng.random() < 0.2 else None
        store.add_suggestion(text, rng.choice(LANGUAGES), contact=contact, contact_consent=contact is not None)
    start = datetime.now(timezone.utc) - timedelta(days=7)
    status, day = PowerStatus(), []
    for minute in range(SAMPLES_PER_WEEK):
        at = start + timedelta(minutes=minute)
        sun = max(0.0, 1 - abs((minute % 1440) - 780) / 420)
        fields = {"V": str(12400 + rng.randrange(600)), "I": str(int(sun * 3000) - 400 - rng.randrange(300)),
                  "VPV": str(int(sun * 19000)), "PPV": str(int(sun * 60)), "CS": "3" if sun else "0",
                  "MPPT": "2" if sun else "0", "ERR": "0", "LOAD": "ON", "IL": str(300 + rng.randrange(900)),
                  "SOC": str(600 + rng.randrange(300)), "TBAT": str(150 + rng.randrange(80)),
                  "TENC": str(180 + rng.randrange(100)), "LIGHT": "OFF" if sun else "ON", "DOOR": "CLOSED",
                  "H20": str(minute // 10), "H21": str(int(sun * 60))}
        for port in range(1, 9):
            busy = rng.random() < 0.15
            fields[f"USB{port}"] = "ON" if busy else "OFF"
            fields[f"USB{port}_I"] = str(rng.randrange(200, 2000) if busy else 0)
        status = status.with_block("ports", fields, at.timestamp())
        day.append(telemetry_sample(status, at))
        if len(day) == 1440:
            store.add_telemetry(day)
            day = []
    store.add_telemetry(day)
    return store.backlog()["telemetry"]


def batched_round(config: Config, server: LiveServer, kbit: float) -> tuple[FaultProxy, float]:
    with FaultProxy(server.port, rate_bytes_per_s=kbit * 1000 / 8) as proxy:
        started = time.monotonic()
        with BenchStore(config.store_path) as store:
            report = SyncClient(replace(config, server_url=proxy.url)).run_once(store)
        elapsed = time.monotonic() - started
    assert report.rejected == {"suggestions": 0, "supports": 0, "telemetry": 0}, report
    return proxy, elapsed


def naive_upload(items: list[dict], samples: list[dict], server: LiveServer, kbit: float) -> FaultProxy:
    _, token = server.add_bench("zepce")
    with FaultProxy(server.port, rate_bytes_per_s=kbit * 1000 / 8) as proxy:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        for path, key, batch in (("suggestions", "items", items), ("telemetry", "samples", samples)):
            for item in batch:
                answer = session.post(f"{proxy.url}/api/v1/{path}", json={key: [item]}, timeout=60)
                answer.raise_for_status()
    return proxy


def traffic(proxy: FaultProxy, paths: tuple[str, ...]) -> tuple[int, int, int, float]:
    chosen = [e for e in proxy.exchanges if e.path.split("/")[3:4] and e.path.split("/")[3] in paths]
    return (len(chosen), sum(e.up for e in chosen), sum(e.down for e in chosen), sum(e.seconds for e in chosen))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=10_000)
    parser.add_argument("--kbit", type=float, default=256.0, help="link speed each way, kbit/s")
    parser.add_argument("--naive-sample", type=int, default=1000,
                        help="suggestions sent the naive way (telemetry in proportion); the rest extrapolated")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "a").mkdir(), (work / "b").mkdir()
        with LiveServer.start_new(work / "a") as server, LiveServer.start_new(work / "b") as naive_server:
            bench_id, token = server.add_bench("zepce")
            config = Config(bench_id=bench_id, municipality="zepce", server_url=server.url, token=token,
                            data_dir=work / "bench")
            filled = time.monotonic()
            with BenchStore(config.store_path) as store:
                kept = fill_store(store, args.suggestions, rng)
                items = store.pending_batch("suggestions", args.suggestions)
                samples = store.pending_telemetry(kept)
            print(f"store filled in {time.monotonic() - filled:.0f} s: {args.suggestions} suggestions, "
                  f"{SAMPLES_PER_WEEK} telemetry samples recorded (one a minute for 7 days); the ring "
                  f"thins samples older than 24 h to one per 10 minutes, so {kept} are left to upload.")

            proxy, round_s = batched_round(config, server, args.kbit)
            stored = server.rows("SELECT count(*) FROM suggestions")[0][0]
            assert stored == args.suggestions, stored

            share = min(1.0, args.naive_sample / max(1, args.suggestions))
            sample_items = items[:max(1, round(len(items) * share))]
            sample_telemetry = samples[:max(1, round(len(samples) * share))]
            started = time.monotonic()
            naive = naive_upload(sample_items, sample_telemetry, naive_server, args.kbit)
            naive_s = time.monotonic() - started

    up_s, up_b, down_b, up_t = traffic(proxy, ("suggestions", "telemetry"))
    all_n, all_up, all_down, _ = traffic(proxy, ("suggestions", "supports", "telemetry", "initiatives", "status"))
    nn, nup, ndown, _ = traffic(naive, ("suggestions", "telemetry"))
    scale = (len(items) + len(samples)) / (len(sample_items) + len(sample_telemetry))
    kib = 1024
    print(f"\nlink: {args.kbit:g} kbit/s each way (token bucket in the proxy); bytes are HTTP heads + bodies\n")
    print(f"{'upload of ' + str(len(items)) + ' suggestions + ' + str(len(samples)) + ' samples':<44}"
          f"{'requests':>9} {'up KiB':>9} {'down KiB':>9} {'total KiB':>10} {'wall s':>8}")
    print(f"{'SyncClient: gzip batches of 200 / 500':<44}{up_s:>9} {up_b / kib:>9.0f} {down_b / kib:>9.0f} "
          f"{(up_b + down_b) / kib:>10.0f} {up_t:>8.1f}")
    print(f"{'naive: one plain JSON POST per item (*)':<44}{round(nn * scale):>9} {nup * scale / kib:>9.0f} "
          f"{ndown * scale / kib:>9.0f} {(nup + ndown) * scale / kib:>10.0f} {naive_s * scale:>8.1f}")
    print(f"{'  ratio naive / SyncClient':<44}{nn * scale / up_s:>9.0f}x {nup * scale / up_b:>8.1f}x "
          f"{ndown * scale / down_b:>8.1f}x {(nup + ndown) * scale / (up_b + down_b):>9.1f}x "
          f"{naive_s * scale / up_t:>7.1f}x")
    print(f"\n(*) measured on {len(sample_items)} suggestions + {len(sample_telemetry)} samples "
          f"({nn} requests, {(nup + ndown) / kib:.0f} KiB, {naive_s:.1f} s) and extrapolated ×{scale:.1f}.")
    print(f"The SyncClient's whole round, pull of initiatives and receipt-status checks included: "
          f"{all_n} requests, {all_up / kib:.0f} KiB up, {all_down / kib:.0f} KiB down, {round_s:.1f} s.")
    raw = len(json.dumps({"items": items}, ensure_ascii=False).encode()) + len(json.dumps({"samples": samples}).encode())
    print(f"Uncompressed JSON of the upload alone: {raw / kib:.0f} KiB.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
