"""SyncClient: the bench's link to the sync server, in a background thread.

One round pushes the outbox (suggestions, then supports) in gzip batches, pushes telemetry with a
health report, pulls the initiatives changed since the stored cursor, and refreshes what became of
recent suggestions. Everything it needs to resume lives in the BenchStore, so a cut, a crash or a
restart just means the next round carries on: an item whose answer was lost stays pending and is
sent again, which the server's idempotent API makes harmless.

Between rounds it waits the interval the energy policy sets; after a failure it backs off
exponentially with jitter, never sooner than a ``Retry-After`` the server asked for. It never
touches the UI: screens read ``state()`` or get ``on_change`` calls (from this thread: hop to the
UI thread with ``Clock.schedule_once``).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import random
import shutil
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote
from typing import Any, Callable

import requests

from kiosk import __version__
from kiosk.core.config import Config
from kiosk.core.remote_settings import RemoteSettings
from kiosk.core.store import OUTBOX_KINDS, BenchStore
from kiosk.core.updates import Updater

log = logging.getLogger(__name__)

API = "/api/v1"
BATCH_SIZE = 200
TELEMETRY_BATCH = 500
STATUS_CHECKS_PER_ROUND = 20
STATUS_REFRESH_S = 15 * 60
FINAL_STATES = ("declined", "merged")
# Photos: a few per round (a round must stay short on a weak link), none larger than this.
PHOTOS_PER_ROUND = 12
MAX_PHOTO_BYTES = 4 << 20
CONNECT_TIMEOUT_S, READ_TIMEOUT_S = 5.0, 30.0
BACKOFF_BASE_S, BACKOFF_CAP_S = 2.0, 300.0
DEFAULT_INTERVAL_S = 60.0


class SyncFailed(Exception):
    """A round could not finish. ``retry_after`` is the server's wish in seconds, if it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TokenRefused(SyncFailed):
    """401: the bench's token is unknown or revoked; a maintainer must provision it again."""


@dataclass(frozen=True)
class SyncState:
    online: bool  # the last round reached the server
    last_success_at: datetime | None
    last_error: str | None  # short English text for logs and the diagnostics screen
    backlog: dict[str, Any]  # BenchStore.backlog()
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class RoundReport:
    sent: dict[str, int]  # items the server accepted, per kind ("suggestions", "supports", "telemetry")
    rejected: dict[str, int]
    initiatives_changed: int
    photos_fetched: int = 0


# Statuses that refuse a request for its content: only these may split a batch and, for a
# single item, reject it for good. Anything else (404 from a wrong URL, 415 from a proxy) is
# retried later: a misconfigured bench must never drop what citizens wrote.
CONTENT_REFUSALS = (413, 422)
_jitter = random.Random()


def backoff_delay(failures: int) -> float:
    """Exponential backoff with "equal jitter": half the step fixed, half random, so a fleet
    that lost the server at the same moment does not come back at the same moment."""
    # The exponent is clamped: days offline are thousands of failures, and 2.0 * 2**1024 overflows.
    step = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** min(max(0, failures - 1), 64))
    return step / 2 + _jitter.uniform(0, step / 2)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds())
    except (TypeError, ValueError):
        return None


class ServerApi:
    """The bench API over one requests session: JSON in, JSON out, failures as SyncFailed."""

    def __init__(self, server_url: str, token: str, session: requests.Session | None = None) -> None:
        self.root = server_url.rstrip("/")
        self.base = self.root + API
        self.session = session or requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        payload = gzip.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), 6)
        return self._call("POST", path, data=payload,
                          headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})

    def get(self, path: str, params: dict[str, str] | None = None) -> requests.Response:
        return self._call("GET", path, params=params)

    def release_offer(self, channel: str) -> dict[str, Any]:
        """The release rolled out to this bench (``{"version": null}``: none; so is a server that
        predates remote updates)."""
        response = self.get("/release", {"channel": channel})
        return self.json(response) if response.status_code == 200 else {"version": None}

    def release_file(self, version: str, max_bytes: int) -> bytes:
        """A release's file, refused past ``max_bytes``: whatever the server announced, the
        bench's data budget holds. The URL is the bench's own (never one the server names)."""
        path = f"/releases/{quote(version, safe='')}"
        response = self._call("GET", path, stream=True)
        with response:
            if response.status_code != 200:
                raise SyncFailed(f"download of release {version} refused: {_problem_type(response)}")
            content = bytearray()
            try:
                for chunk in response.iter_content(64 * 1024):
                    content += chunk
                    if len(content) > max_bytes:
                        raise SyncFailed(f"download of release {version} passed its {max_bytes} bytes")
            except requests.RequestException as error:
                raise SyncFailed(f"download of release {version} cut: {type(error).__name__}") from error
        return bytes(content)

    def fetch(self, path: str) -> requests.Response:
        """A file the feed names by its path on the server (an initiative's photo)."""
        return self._call("GET", path, root=True)

    def _call(self, method: str, path: str, root: bool = False, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(method, (self.root if root else self.base) + path,
                                            timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S), **kwargs)
        except requests.RequestException as error:
            raise SyncFailed(f"server not reachable: {type(error).__name__}") from error
        if response.status_code == 401:
            raise TokenRefused("the server refused this bench's token")
        if response.status_code == 429 or response.status_code >= 500:
            raise SyncFailed(f"server answered {response.status_code}",
                             parse_retry_after(response.headers.get("Retry-After")))
        return response

    @staticmethod
    def json(response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError as error:  # a proxy's error page, a cut body
            raise SyncFailed(f"unreadable answer ({response.status_code})") from error
        if not isinstance(body, dict):
            raise SyncFailed(f"unexpected answer ({response.status_code})")
        return body


class SyncRound:
    """One round against one store. Each step commits what the server confirmed before the
    next request, so a round cut anywhere loses nothing and repeats little."""

    def __init__(self, store: BenchStore, api: ServerApi, health: Callable[[], dict[str, Any]],
                 remote: RemoteSettings, updater: Updater, photo_budget_bytes: int = 0) -> None:
        self.store, self.api, self.health = store, api, health
        self.remote, self.updater = remote, updater
        self.photo_budget_bytes = photo_budget_bytes
        self.sent = {"suggestions": 0, "supports": 0, "telemetry": 0}
        self.rejected = {"suggestions": 0, "supports": 0, "telemetry": 0}

    def run(self, check_statuses: bool) -> RoundReport:
        for kind in OUTBOX_KINDS:
            self.push_outbox(kind)
        self.push_telemetry()
        self.updater.confirm_healthy()  # the health report is on the server
        changed = self.pull_initiatives()
        self.pull_settings()
        photos = self.pull_photos()
        if check_statuses:
            self.refresh_statuses()
        self.check_release()
        return RoundReport(dict(self.sent), dict(self.rejected), changed, photos)

    def push_outbox(self, kind: str) -> None:
        while batch := self.store.pending_batch(kind, BATCH_SIZE):
            self.push_items(kind, batch)

    def push_items(self, kind: str, items: list[dict[str, Any]]) -> None:
        response = self.api.post(f"/{kind}", {"items": items})
        if response.status_code == 200:
            answer = self.api.json(response)
            self.sent[kind] += self.store.mark_sent(kind, answer.get("accepted", []))
            reasons = {entry["id"]: str(entry.get("reason")) for entry in answer.get("rejected", [])
                       if isinstance(entry, dict) and entry.get("id")}
            self.rejected[kind] += self.store.mark_rejected(kind, reasons)
            if not answer.get("accepted") and not reasons:
                raise SyncFailed(f"the server answered {kind} without accepting or rejecting any")
            return
        problem = _problem_type(response)
        if response.status_code not in CONTENT_REFUSALS:
            raise SyncFailed(f"{kind} refused: {problem}")
        # The whole request was refused for its content: halve the batch to find the item at
        # fault, so one bad item can never block the outbox; alone, it is rejected for good.
        if len(items) > 1:
            middle = len(items) // 2
            self.push_items(kind, items[:middle])
            self.push_items(kind, items[middle:])
            return
        log.warning("server refused a %s item for good: %s", kind, problem)
        self.rejected[kind] += self.store.mark_rejected(kind, {items[0]["id"]: problem})

    def push_telemetry(self) -> None:
        samples = self.store.pending_telemetry(TELEMETRY_BATCH)
        while True:
            response = self.api.post("/telemetry", {"samples": samples, "health": self.health()})
            if response.status_code in CONTENT_REFUSALS:
                # Telemetry is not worth wedging every round for: drop a batch the server refuses.
                log.warning("server refused %d telemetry samples: %s", len(samples), _problem_type(response))
                self.rejected["telemetry"] += len(samples)
            elif response.status_code == 200:
                answer = self.api.json(response)
                self.sent["telemetry"] += int(answer.get("accepted") or 0)
                self.rejected["telemetry"] += len(answer.get("rejected") or [])
            else:
                raise SyncFailed(f"telemetry refused: {_problem_type(response)}")
            self.store.mark_telemetry_sent(sample["at"] for sample in samples)
            samples = self.store.pending_telemetry(TELEMETRY_BATCH)
            if not samples:
                return

    def pull_initiatives(self) -> int:
        cursor = self.store.get_cursor("initiatives")
        response = self.api.get("/initiatives", {"since": cursor} if cursor else None)
        if response.status_code == 400 and _problem_type(response) == "invalid-cursor":
            log.warning("server no longer knows our cursor: pulling everything")
            self.store.set_cursor("initiatives", None)
            response = self.api.get("/initiatives")
        if response.status_code != 200:
            raise SyncFailed(f"initiatives refused: {_problem_type(response)}")
        feed = self.api.json(response)
        self.store.apply_initiatives(feed)
        return len(feed.get("items") or []) + len(feed.get("deleted") or [])

    def pull_settings(self) -> None:
        response = self.api.get("/settings")
        if response.status_code == 404:
            return  # a server from before remote settings
        if response.status_code != 200:
            raise SyncFailed(f"settings refused: {_problem_type(response)}")
        self.remote.apply(self.api.json(response))

    def check_release(self) -> None:
        """Last in the round: a download of megabytes must not hold up what citizens wrote, and a
        cut download is retried next round without failing this one."""
        try:
            self.updater.check(self.api)
        except SyncFailed as error:
            log.info("release check stopped for this round: %s", error)

    def pull_photos(self) -> int:
        """Fetch photos the initiatives list and the store lacks, while the cache has room: a
        budget smaller than all photos keeps the most recently shown, without fetching the same
        files again every round. A large file must match the feed's content hash."""
        self.store.evict_unlisted_photos()
        fetched = 0
        for wanted in self.store.wanted_photos()[:PHOTOS_PER_ROUND]:
            if self.store.photo_cache_bytes() >= self.photo_budget_bytes:
                break
            response = self.api.fetch(wanted["url"])
            data = response.content if response.status_code == 200 else b""
            if not data.startswith(b"\xff\xd8") or len(data) > MAX_PHOTO_BYTES or (
                    wanted["size"] == "large" and hashlib.sha256(data).hexdigest() != wanted["sha256"]):
                log.warning("photo %s (%s) not usable: HTTP %s, %d bytes", wanted["sha256"][:12], wanted["size"],
                            response.status_code, len(data))
                continue
            self.store.put_photo(wanted["sha256"], wanted["size"], data, self.photo_budget_bytes)
            fetched += 1
        return fetched

    def refresh_statuses(self) -> None:
        """What became of the newest suggestions of this bench, for the screen that shows it."""
        open_ones = [s for s in self.store.recent_suggestions(100)
                     if s.sync_state == "sent" and s.server_state not in FINAL_STATES]
        for suggestion in open_ones[:STATUS_CHECKS_PER_ROUND]:
            try:
                response = self.api.get(f"/status/{suggestion.receipt}")
            except SyncFailed as error:
                # Best effort: the round's uploads already succeeded, and what became of a
                # suggestion can wait for the next round; it must not count as a failed round.
                log.info("receipt status checks stopped for this round: %s", error)
                return
            if response.status_code == 200:
                answer = self.api.json(response)
                note = answer.get("decline_reason") or _last_note(answer)
                self.store.update_status(suggestion.receipt, str(answer.get("state")), note)


def _problem_type(response: requests.Response) -> str:
    try:
        kind = response.json().get("type", "")
    except (ValueError, AttributeError):
        kind = ""
    return kind.rsplit("/", 1)[-1] or f"http-{response.status_code}"


def _last_note(answer: dict[str, Any]) -> str | None:
    history = answer.get("history") or []
    return history[-1].get("note") if history and isinstance(history[-1], dict) else None


class SyncClient:
    """Runs sync rounds in a background thread; safe to call from the UI thread."""

    def __init__(self, config: Config, *, on_change: Callable[[SyncState], None] | None = None,
                 health: Callable[[], dict[str, Any]] | None = None,
                 session_factory: Callable[[], requests.Session] = requests.Session,
                 remote_settings: RemoteSettings | None = None) -> None:
        self.config = config
        self.remote_settings = remote_settings or RemoteSettings(config)
        self.updater = Updater(config.data_dir, config.release_public_key, config.update_channel,
                               config.update_max_bytes, __version__)
        self.on_change = on_change
        self.health_extra = health or (lambda: {})
        self.session_factory = session_factory
        self.interval_s = DEFAULT_INTERVAL_S
        self.started_at = time.monotonic()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._state = SyncState(False, None, None, {}, None)
        self._failures = 0
        self._last_status_check = float("-inf")

    # --- for the UI thread ------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="sync", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """Sync soon: something was just saved. A backoff after failures still applies."""
        self._wake.set()

    def set_interval(self, seconds: float) -> None:
        self.interval_s = max(1.0, float(seconds))

    def state(self) -> SyncState:
        with self._lock:
            return self._state

    # --- one round, in the calling thread ---------------------------------------------------

    def run_once(self, store: BenchStore, session: requests.Session | None = None) -> RoundReport:
        """One round with ``store`` (opened by the calling thread). Raises SyncFailed."""
        api = ServerApi(self.config.server_url, self.config.token, session or self.session_factory())
        check_statuses = time.monotonic() - self._last_status_check >= STATUS_REFRESH_S
        try:
            report = SyncRound(store, api, lambda: self._health(store), self.remote_settings, self.updater,
                               self.config.photo_cache_bytes).run(check_statuses)
        except SyncFailed as error:
            self._failures += 1
            self._publish(store, online=not isinstance(error.__cause__, requests.RequestException),
                          error=str(error))
            raise
        if check_statuses:
            self._last_status_check = time.monotonic()
        self._failures = 0
        self._publish(store, online=True, error=None, success=True)
        return report

    def _health(self, store: BenchStore) -> dict[str, Any]:
        backlog = store.backlog()
        return {"app_version": __version__, "bench_id": self.config.bench_id,
                "backlog": backlog["suggestions"] + backlog["supports"],
                "uptime_s": round(time.monotonic() - self.started_at),
                "store_bytes": store.size_bytes(),
                # A full SD card stops the outbox; the previous round's failure says why a bench lags.
                "disk_free_bytes": shutil.disk_usage(store.path.parent).free,
                "last_sync_error": self.state().last_error,
                # The server's "silent" alert allows for a bench that syncs less to save energy.
                "sync_interval_s": self.interval_s,
                # What the fleet pages show of remote updates and settings on this bench.
                "update": self.updater.report(), "settings": self.remote_settings.report(),
                **self.health_extra()}

    def _publish(self, store: BenchStore, *, online: bool, error: str | None, success: bool = False) -> None:
        with self._lock:
            now = datetime.now(timezone.utc)
            self._state = replace(self._state, online=online, last_error=error, backlog=store.backlog(),
                                  last_success_at=now if success else self._state.last_success_at)
            state = self._state
        if self.on_change:
            self.on_change(state)

    # --- the background thread --------------------------------------------------------------

    def _loop(self) -> None:
        store: BenchStore | None = None
        session = self.session_factory()
        try:
            while not self._stop.is_set():
                delay = self.interval_s
                try:
                    store = store or BenchStore(self.config.store_path)
                    self.run_once(store, session)
                except TokenRefused as error:
                    log.error("%s", error)
                    delay = BACKOFF_CAP_S
                except SyncFailed as error:
                    log.info("sync round failed (%s), attempt %d", error, self._failures)
                    delay = max(backoff_delay(self._failures), error.retry_after or 0.0)
                except Exception:  # a bug or a store that will not open must not end syncing for good
                    log.exception("sync round crashed")
                    self._failures += 1
                    delay = backoff_delay(self._failures)
                self._sleep(delay)
        finally:
            if store is not None:
                store.close()

    def _sleep(self, delay: float) -> None:
        next_at = datetime.fromtimestamp(time.time() + delay, timezone.utc)
        with self._lock:
            self._state = replace(self._state, next_attempt_at=next_at)
        # A wake-up (new suggestion) cuts a normal wait short, but not a backoff after failures:
        # hammering a server that is down helps nobody. stop() always ends the wait.
        deadline = time.monotonic() + delay
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (self._failures == 0 and self._wake.is_set()):
                break
            if self._failures:
                self._wake.clear()
            self._wake.wait(remaining)
        self._wake.clear()


