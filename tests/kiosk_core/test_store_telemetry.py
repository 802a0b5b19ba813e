"""Power telemetry is kept in a ring that never outgrows the bench's SD card."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from hardware.simulator import BenchModel
from hardware.status import PowerStatus
from kiosk.core import store as store_module
from kiosk.core.store import FULL_RESOLUTION_S, THINNED_INTERVAL_S, BenchStore, rfc3339, telemetry_sample

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def samples(count: int, every_s: float, start: datetime = START) -> list[dict]:
    return [{"at": rfc3339(start + timedelta(seconds=n * every_s)), "soc_pct": 50.0 + n % 7} for n in range(count)]


def feed(store: BenchStore, all_samples: list[dict], batch: int) -> None:
    for first in range(0, len(all_samples), batch):
        store.add_telemetry(all_samples[first:first + batch])


def test_a_month_of_minute_samples_keeps_a_full_day_and_thins_the_rest(store: BenchStore) -> None:
    month = samples(30 * 24 * 60, 60)
    feed(store, month, batch=60)  # the kiosk writes once a minute; an hour per write keeps the test fast
    times = [datetime.fromisoformat(s["at"].replace("Z", "+00:00")).timestamp()
             for s in store.pending_telemetry(limit=100_000)]
    newest = times[-1]
    recent = [t for t in times if t >= newest - FULL_RESOLUTION_S]
    older = [t for t in times if t < newest - FULL_RESOLUTION_S]
    assert len(recent) == 24 * 60 + 1  # nothing of the last day is lost
    assert all(b - a >= THINNED_INTERVAL_S for a, b in zip(older, older[1:]))
    assert len(older) <= 29 * 24 * 6 + 1
    assert store.telemetry_rows() == len(times) < 6000


def test_the_hard_cap_holds_even_for_a_flood_of_samples(store: BenchStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "MAX_TELEMETRY_ROWS", 500)
    feed(store, samples(3600, 1), batch=600)  # an hour at one sample a second, all within a day
    assert store.telemetry_rows() == 500
    kept = store.pending_telemetry(limit=1000)
    assert kept[-1]["at"] == rfc3339(START + timedelta(seconds=3599))  # the newest are kept


def test_sent_samples_are_not_sent_again(store: BenchStore) -> None:
    store.add_telemetry(samples(10, 60))
    batch = store.pending_telemetry(limit=4)
    assert [s["at"] for s in batch] == [s["at"] for s in samples(4, 60)]
    store.mark_telemetry_sent(s["at"] for s in batch)
    assert len(store.pending_telemetry(limit=100)) == 6 and store.backlog()["telemetry"] == 6
    store.add_telemetry(samples(1, 60))  # the same moment again replaces, and is pending again
    assert store.telemetry_rows() == 10


def test_a_sample_holds_the_power_values_without_the_noise() -> None:
    model = BenchModel(start_hour=12.0, seed=3)
    status = PowerStatus()
    for block in model.step(60):
        status = status.with_block("mppt", block, at=1.0)
    sample = telemetry_sample(status, START)
    assert sample["at"] == "2026-01-01T00:00:00.000Z"
    assert sample["battery_v"] > 11 and sample["soc_pct"] is not None and "USB1" in sample["ports"]
    assert not {"links", "raw", "age_s", "serial_number", "firmware", "product_id"} & set(sample)
