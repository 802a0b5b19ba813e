"""Request limits: a bounded body reader (gzip included) and a per-bench token bucket."""
from __future__ import annotations

import math
import threading
import time
import zlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import Problem, problem_response

_BODY_METHODS = {b"POST", b"PUT", b"PATCH"}


class BodyLimitMiddleware:
    """Reads request bodies up to a limit, inflates gzip bodies up to the same limit, and hands the
    app the plain body. Oversized bodies are refused before they are read: on Content-Length, or
    as soon as the counted bytes pass the limit (chunked uploads), so 10 MB never sit in memory.
    Photo uploads (a POST to a path ending in /photos) have a limit of their own.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes or max_body_bytes

    def _limit(self, scope: Scope) -> int:
        return self.max_upload_bytes if scope["path"].endswith("/photos") else self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"].encode() not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            body, headers = await self._read(scope, receive, self._limit(scope))
        except Problem as problem:
            await problem_response(problem)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # only a disconnect can follow a whole body
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": headers}, replay, send)

    @staticmethod
    def _too_large(limit: int) -> Problem:
        return Problem(413, "body-too-large", f"the request body exceeds {limit} bytes", limit=limit)

    async def _read(self, scope: Scope, receive: Receive, limit: int) -> tuple[bytes, list[tuple[bytes, bytes]]]:
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-length", b"content-encoding")]
        encoding = b""
        for key, value in scope["headers"]:
            if key == b"content-length":
                if not value.strip().isdigit():
                    raise Problem(400, "bad-content-length", "Content-Length is not a number")
                if int(value) > limit:
                    raise self._too_large(limit)
            elif key == b"content-encoding":
                encoding = value.strip().lower()
        if encoding not in (b"", b"identity", b"gzip"):
            raise Problem(415, "unsupported-encoding", "only gzip request bodies are accepted")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Problem(400, "incomplete-body", "the client went away before sending the body")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise self._too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if encoding == b"gzip":
            body = self._gunzip(body, limit)
        headers.append((b"content-length", str(len(body)).encode()))
        return body, headers

    def _gunzip(self, data: bytes, limit: int) -> bytes:
        """Inflate all gzip members, never producing more than the limit (zip bombs stop early)."""
        out = bytearray()
        try:
            while data:
                inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                out += inflater.decompress(data, limit + 1 - len(out))
                if len(out) > limit or inflater.unconsumed_tail:
                    raise self._too_large(limit)
                if not inflater.eof:
                    raise Problem(400, "bad-gzip", "the gzip body is truncated")
                data = inflater.unused_data
        except zlib.error as exc:
            raise Problem(400, "bad-gzip", f"the body is not valid gzip ({exc})") from None
        return bytes(out)


class RateLimiter:
    """A token bucket per key: `rate_per_minute` sustained, bursts up to `burst` requests."""

    def __init__(self, rate_per_minute: float, burst: int, max_keys: int = 100_000) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many keys are tracked."""
        return len(self._buckets)

    def _forget_full_buckets(self, now: float) -> None:
        """A bucket that has refilled is the same as no bucket: drop those to bound memory."""
        refill = self.burst / self.rate if self.rate > 0 else math.inf
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}

    def acquire(self, key: str) -> float:
        """Take one token; returns 0 if allowed, else the seconds to wait before retrying."""
        now = time.monotonic()
        with self._lock:
            if len(self._buckets) >= self.max_keys and key not in self._buckets:
                self._forget_full_buckets(now)
            tokens, stamp = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else math.inf

    def check(self, key: str) -> None:
        """Raise a 429 problem with Retry-After when the key has no token left."""
        wait = self.acquire(key)
        if wait:
            seconds = max(1, math.ceil(min(wait, 86400)))
            raise Problem(429, "rate-limited", f"too many requests; retry after {seconds} s",
                          {"Retry-After": str(seconds)}, retry_after=seconds)

