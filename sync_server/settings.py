"""Tunable limits of the sync server, in one place so the API, the docs and the tests agree."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # Request size: checked on Content-Length, on the bytes read and after gzip decompression.
    max_body_bytes: int = 1 << 20
    # Photos of initiatives: the file a moderator uploads, and the whole upload request around it
    # (a file a little over the limit still reaches the page that says so in words); the pixels a
    # photo may claim before it is decoded (more is a decompression bomb).
    max_photo_bytes: int = 10 << 20
    max_upload_bytes: int = 12 << 20
    max_photo_pixels: int = 40_000_000
    max_batch_items: int = 500
    # A suggestion longer than max_text_chars is rejected as an item; one longer than
    # hard_text_chars is a broken or hostile client, so the whole request is refused.
    max_text_chars: int = 2000
    hard_text_chars: int = 10_000
    # Token bucket per bench: sustained rate and burst.
    rate_per_minute: float = 120.0
    rate_burst: int = 60
    # The public receipt status, per client address (held in memory only, never stored): enough
    # for people checking their receipts, too slow for guessing codes.
    public_rate_per_minute: float = 120.0
    public_rate_burst: int = 60
    # Contact details of closed suggestions are erased this long after closing.
    contact_retention_days: float = 90.0
    purge_interval_s: float = 3600.0
    busy_timeout_ms: int = 5000
    # Last-contact time is written at most this often per bench, to spare the database.
    contact_touch_interval_s: float = 30.0
