"""The server's settings, in one place so the API, the pages, the docs and the tests agree.

Each field can be set in the environment as ``SMART_BENCH_<FIELD>`` (e.g. SMART_BENCH_SILENT_MINUTES);
an empty variable keeps the default. ``serve``'s flags override the environment. A value that does
not parse stops the server at start (see ``cli.py``) rather than failing a request later."""
from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "SMART_BENCH_"


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
    # Contact details of closed suggestions are erased this long after closing.
    contact_retention_days: float = Field(90.0, ge=0)
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
