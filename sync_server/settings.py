"""The server's settings, in one place so the API, the pages, the docs and the tests agree.

Each field can be set in the environment as ``SMART_BENCH_<FIELD>`` (e.g. SMART_BENCH_SILENT_MINUTES);
an empty variable keeps the default. ``serve``'s flags override the environment. A value that does
not parse stops the server at start (see ``cli.py``) rather than failing a request later."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "SMART_BENCH_"
# A sample dated further ahead of the server's clock is refused (contract, docs/api.md).
TELEMETRY_MAX_AHEAD_S = 600.0
MAX_SUPPORTS_PER_HOUR = 120


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True)

    # Request size: checked on Content-Length, on the bytes read and after gzip decompression.
    max_body_bytes: int = Field(1 << 20, gt=0)
    # Photos of initiatives: the file a moderator uploads, and the whole upload request around it
    # (a file a little over the limit still reaches the page that says so in words); the pixels a
    # photo may claim before it is decoded (more is a decompression bomb).
    max_photo_bytes: int = Field(10 << 20, gt=0)
    max_upload_bytes: int = Field(12 << 20, gt=0)
    max_photo_pixels: int = Field(40_000_000, gt=0)
    max_batch_items: int = Field(500, gt=0)
    # A suggestion longer than max_text_chars is rejected as an item; one longer than
    # hard_text_chars is a broken or hostile client, so the whole request is refused.
    max_text_chars: int = Field(2000, gt=0)
    hard_text_chars: int = Field(10_000, gt=0)
    # A suggestion's category and contact.
    max_short_chars: int = Field(200, gt=0)
    # Token bucket per bench: sustained rate and burst.
    rate_per_minute: float = Field(120.0, gt=0)
    rate_burst: int = Field(60, gt=0)
    # The public receipt status, per client address (held in memory only, never stored): enough
    # for people checking their receipts, too slow for guessing codes.
    public_rate_per_minute: float = Field(120.0, gt=0)
    public_rate_burst: int = Field(60, gt=0)
    # Supports one bench may add to one initiative in any hour (by the server's clock): a stolen
    # or broken bench cannot pump a count; the excess is rejected item by item.
    max_supports_per_hour: int = Field(MAX_SUPPORTS_PER_HOUR, gt=0)
    # Telemetry samples dated more than this ahead of the server's clock are rejected one by one
    # (`invalid_at`), and never shown as a bench's latest sample.
    telemetry_max_ahead_s: float = Field(TELEMETRY_MAX_AHEAD_S, ge=0)
    # Failed logins within login_window_s: per account (whatever the address), per client network
    # (an IPv4 address or an IPv6 /64) and over the whole server; past any of them, logins wait.
    login_account_failures: int = Field(10, gt=0)
    login_network_failures: int = Field(20, gt=0)
    login_global_failures: int = Field(1000, gt=0)
    login_window_s: float = Field(900.0, gt=0)
    # Accounts and networks remembered (each): when full, the least recently used unlocked one goes.
    login_tracked_keys: int = Field(10_000, gt=0)
    # Password checks (argon2, 64 MiB each) at a time, and logins waiting for one; beyond, 503.
    login_hash_slots: int = Field(1, gt=0)
    login_hash_queue: int = Field(4, ge=0)
    # `serve` facing the internet: connections and requests at once (beyond: 503), seconds an idle
    # keep-alive connection stays open, seconds to send a request's line and headers, their size.
    max_connections: int = Field(1000, gt=0)
    keep_alive_timeout_s: int = Field(5, gt=0)
    header_timeout_s: float = Field(10.0, gt=0)
    max_header_bytes: int = Field(32 * 1024, ge=1024)
    # Contact details of closed suggestions are erased this long after closing.
    contact_retention_days: float = Field(90.0, ge=0)
    # Telemetry is kept at full resolution this long, then one sample an hour per bench.
    telemetry_full_resolution_days: float = Field(30.0, gt=0)
    # How often the retention jobs (contacts, telemetry) run.
    purge_interval_s: float = Field(3600.0, gt=0)
    busy_timeout_ms: int = Field(5000, ge=0)
    # Last-contact time is written at most this often per bench, to spare the database.
    contact_touch_interval_s: float = Field(30.0, ge=0)
    # The fleet dashboard. Benches sync once a minute: half an hour without contact is no hiccup.
    silent_minutes: float = Field(30.0, gt=0)
    # Below a quarter the bench will not last a cloudy night; the voltage is the fallback for
    # controllers that send no state of charge (11.8 V is about 20-30 % on a 12 V lead-acid battery).
    low_soc_pct: float = Field(25.0, ge=0, le=100)
    low_battery_v: float = Field(11.8, ge=0)
    # The server's key file (made 0600 at first start): it seals the benches' hand-off keys, so a
    # copy of the database alone cannot sign continue links. None: beside the database, server.key
    # for server.db. Back it up apart from the database.
    server_key_file: Path | None = None
    # /docs and /redoc, the browsable API description (/openapi.json is always served).
    api_docs: bool = True
    # A bearer token for Prometheus; None: only logged-in maintainers and admins may read /metrics.
    metrics_token: str | None = None
    # Ideas stored and supports from phones and computers, per client address (in memory only):
    # a school or an NGO's office behind one address may well send a dozen ideas in an afternoon.
    web_ideas_per_hour: float = Field(30.0, gt=0)
    web_ideas_burst: int = Field(20, gt=0)
    web_supports_per_hour: float = Field(60.0, gt=0)
    web_supports_burst: int = Field(30, gt=0)
    # A form sent sooner than this after it was shown was filled by a script (contract: at most 5 s).
    suggest_min_fill_s: float = Field(3.0, ge=0, le=5)
    # The same text for the same municipality within this window is the same idea again.
    duplicate_window_hours: float = Field(24.0, ge=0)
    # Mail to citizens: smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps:// (TLS).
    # Without both smtp_url and mail_from no mail is queued at all.
    smtp_url: str | None = None
    mail_from: str | None = None
    # The address people reach the server at, for links in e-mails; serve defaults it to its own.
    public_url: str | None = None
    mail_poll_s: float = Field(2.0, gt=0)
    mail_retry_s: float = Field(30.0, gt=0)       # the first retry; each next one waits twice as long
    mail_retry_max_s: float = Field(3600.0, gt=0)
    # The public half of the offline release key (base64, from `release-key`): publish-release
    # refuses a file whose signature does not verify against it. None: not checked on the server
    # (benches always check against their own copy of the key).
    release_public_key: str | None = None

    @field_validator("metrics_token", "smtp_url", "mail_from", "public_url", "release_public_key")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
                raise ValueError("must be smtp://[user:pass@]host[:port] or smtps://...")
            parts.port  # raises ValueError for a port that is not a number
        return value

    @model_validator(mode="after")
    def _mail_needs_a_sender(self) -> Settings:
        if self.smtp_url and not self.mail_from:
            raise ValueError("smtp_url needs mail_from (the sender address of the e-mails)")
        return self

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_url and self.mail_from)

    @property
    def silent_after_s(self) -> float:
        return self.silent_minutes * 60


def describe_error(error: ValidationError) -> str:
    """One line naming the environment variables at fault, e.g. for a refusal to start."""
    parts = []
    for problem in error.errors():
        if not problem["loc"]:  # a rule about several settings names them itself
            parts.append(problem["msg"])
            continue
        name = ENV_PREFIX + "_".join(str(part) for part in problem["loc"]).upper()
        parts.append(f"{name}={problem.get('input')!r}: {problem['msg']}")
    return "invalid setting " + "; ".join(parts)
