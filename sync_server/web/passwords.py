"""Checking passwords without letting a flood of logins exhaust the server.

argon2 takes 64 MiB and a good part of a second of a core for each check, on purpose. Left to the
thread pool, 60 logins at once took the server past 2 GiB and slowed the benches' requests to
seconds. So at most `slots` checks run at a time and at most `queue` wait for one; a login beyond
that is refused at once (503 with Retry-After) rather than queued without end."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from fastapi.concurrency import run_in_threadpool

T = TypeVar("T")
RETRY_AFTER_S = 2


class ServerBusy(Exception):
    """Every slot is taken and the queue is full."""


class PasswordChecks:
    def __init__(self, slots: int, queue: int) -> None:
        self.slots, self.queue = slots, queue
        self._semaphore: asyncio.Semaphore | None = None
        self._admitted = 0  # running and waiting; only touched on the event loop's thread

    async def run(self, check: Callable[[], T]) -> T:
        """Run ``check`` (which hashes a password) on a worker thread when a slot is free."""
        if self._admitted >= self.slots + self.queue:
            raise ServerBusy
        if self._semaphore is None:  # made on the event loop that uses it
            self._semaphore = asyncio.Semaphore(self.slots)
        self._admitted += 1
        try:
            async with self._semaphore:
                return await run_in_threadpool(check)
        finally:
            self._admitted -= 1
