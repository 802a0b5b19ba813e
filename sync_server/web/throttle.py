"""Failed logins per (client address, username), kept in memory: after a few failures that pair
must wait, which makes guessing passwords hopeless without locking the real person out elsewhere."""
from __future__ import annotations

import time
from collections import deque


class LoginThrottle:
    def __init__(self, max_failures: int = 5, window_s: float = 900.0, max_keys: int = 10_000) -> None:
        self.max_failures, self.window_s, self.max_keys = max_failures, window_s, max_keys
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures

    def wait_s(self, address: str, username: str, now: float | None = None) -> int:
        """Seconds this pair must wait before trying again (0: go ahead)."""
        now = time.monotonic() if now is None else now
        failures = self._recent((address, username), now)
        return int(failures[0] + self.window_s - now) + 1 if len(failures) >= self.max_failures else 0

    def failed(self, address: str, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if len(self._failures) >= self.max_keys:  # memory stays bounded under a flood
            self._failures.clear()
        key = (address, username)
        self._failures[key] = self._recent(key, now)
        self._failures[key].append(now)

    def succeeded(self, address: str, username: str) -> None:
        self._failures.pop((address, username), None)
