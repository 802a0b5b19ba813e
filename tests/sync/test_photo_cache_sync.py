"""Initiatives' photos on the bench (issue #12): a real server with a photo uploaded as a moderator
would (GPS in its EXIF), a real sync round into a real BenchStore file, and the cache's byte
budget (what no initiative lists goes first, then the least recently shown)."""
from __future__ import annotations

import hashlib
import io
import time
from dataclasses import replace
from pathlib import Path

from live_server import LiveServer
from PIL import Image

from kiosk.core.config import Config
from kiosk.core.store import BenchStore
from kiosk.core.sync import SyncClient
from sync_server.db import open_database
from sync_server.images import process_photo
from sync_server.services.people import SYSTEM
from sync_server.services.photos import add_photo
from tests.web.photo_files import photo_with_gps

BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"  # sample initiative of Žepče


def upload(server: LiveServer, initiative_id: str = BINS) -> str:
    db = open_database(server.db_path)
    try:
        photo = process_photo(photo_with_gps(), 10 << 20, 40_000_000)
        add_photo(db, SYSTEM, initiative_id, photo, "Kante uz rijeku")
        return photo.sha256
    finally:
        db.close()


def test_a_round_brings_the_photo_without_its_gps(server: LiveServer, config: Config) -> None:
    sha256 = upload(server)
    with BenchStore(config.store_path) as store:
        report = SyncClient(config).run_once(store)
        assert report.photos_fetched == 2
        (entry,) = store.initiative(BINS)["photos"]
        assert (entry["sha256"], entry["width"], entry["height"], entry["alt"]) == (sha256, 1280, 853, "Kante uz rijeku")
        large, thumb = store.photo(sha256, "large"), store.photo(sha256, "thumb")
        assert hashlib.sha256(large).hexdigest() == sha256
        assert Image.open(io.BytesIO(thumb)).size == (320, 213)
        assert not Image.open(io.BytesIO(large)).getexif() and b"PhoneMaker" not in large
        assert SyncClient(config).run_once(store).photos_fetched == 0  # kept, not fetched again


def _feed(*shas: str) -> dict:
    return {"items": [{"id": f"00000000-0000-4000-8000-00000000000{n}", "status": "published", "texts": {},
                       "updated_at": f"2026-07-0{n + 1}T00:00:00Z", "photos": [{
                           "sha256": sha, "url": f"/photos/{n}.jpg", "thumb_url": f"/photos/{n}-thumb.jpg",
                           "width": 1280, "height": 853, "thumb_width": 320, "thumb_height": 213}]}
                      for n, sha in enumerate(shas)], "deleted": [], "cursor": "c", "full": True}


def test_budget_evicts_unlisted_then_least_recently_shown(tmp_path: Path) -> None:
    a, b, c = (hashlib.sha256(x).hexdigest() for x in (b"a", b"b", b"c"))
    with BenchStore(tmp_path / "bench.sqlite3") as store:
        store.apply_initiatives(_feed(a, b, c))
        assert [(w["sha256"], w["size"]) for w in store.wanted_photos()][:3] == [(c, "thumb"), (b, "thumb"),
                                                                              (a, "thumb")]
        for sha in (a, b):
            store.put_photo(sha, "large", b"\xff\xd8" + b"x" * 998, budget_bytes=2500)
        store.conn.execute("UPDATE photo_cache SET last_used = ? WHERE sha256 = ?", [time.time() - 3600, a])
        store.conn.commit()
        store.put_photo(c, "large", b"\xff\xd8" + b"x" * 998, budget_bytes=2500)  # over: a, least recently shown
        assert store.photo(a, "large") is None and store.photo(b, "large") and store.photo(c, "large")
        store.apply_initiatives(_feed(c))  # b is no longer listed
        store.evict_unlisted_photos()
        assert store.photo(b, "large") is None and store.photo_cache_bytes() == 1000
        assert {w["sha256"] for w in store.wanted_photos()} == {c}  # only its thumbnail is missing


def test_feed_entries_that_point_elsewhere_are_ignored(tmp_path: Path) -> None:
    feed = _feed(hashlib.sha256(b"a").hexdigest())
    feed["items"][0]["photos"][0]["url"] = "//evil.example/x.jpg"
    with BenchStore(tmp_path / "bench.sqlite3") as store:
        store.apply_initiatives(feed)
        assert store.initiative(feed["items"][0]["id"])["photos"] == []


def test_a_small_budget_stops_fetching(server: LiveServer, config: Config) -> None:
    upload(server)
    small = replace(config, photo_cache_mb=0.01)  # 10 KB: the thumbnail fits, then the cache is full
    with BenchStore(small.store_path) as store:
        assert SyncClient(small).run_once(store).photos_fetched == 1
        assert SyncClient(small).run_once(store).photos_fetched == 0
