"""Failed logins, kept in memory and counted three ways over a sliding window:

- per account, whatever the address: guessing one person's password from many addresses is
  stopped (the account waits; so does its owner, which is the price of the lock);
- per client network, an IPv4 address or an IPv6 /64 (one subscriber's block): one password sprayed
  over many usernames is stopped, and so is hopping between addresses of one /64;
- over the whole server: a distributed attack cannot use more than a fixed budget of guesses.

Memory is bounded: each map keeps at most `max_keys` keys and, when full, forgets the least recently
used key that is not locked (a locked one only when every key is locked), one at a time, so a flood
of new names never clears the lockouts that matter."""
from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict, deque
from dataclasses import dataclass


def network_of(address: str) -> str:
    """The client network an address counts against: IPv4 as is, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class _Failures:
    """Failure times per key within a window, least recently used first."""

    def __init__(self, limit: int, window_s: float, max_keys: int) -> None:
        self.limit, self.window_s, self.max_keys = limit, window_s, max_keys
        self._times: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._times)

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._times.get(key)
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def wait_s(self, key: str, now: float) -> float:
        times = self._recent(key, now)
        return times[-self.limit] + self.window_s - now if times and len(times) >= self.limit else 0.0

    def add(self, key: str, now: float) -> None:
        times = self._recent(key, now)
        if times is None:
            if len(self._times) >= self.max_keys:
                self._evict_one(now)
            times = self._times[key] = deque(maxlen=self.limit)
        times.append(now)
        self._times.move_to_end(key)

    def _evict_one(self, now: float) -> None:
        for key in self._times:  # least recently used first
            if not self.wait_s(key, now):
                del self._times[key]
                return
        self._times.popitem(last=False)  # all locked: the oldest lock goes, and only it

    def clear(self, key: str) -> None:
        self._times.pop(key, None)


@dataclass(frozen=True)
class LoginLimits:
    account_failures: int = 10
    network_failures: int = 20
    global_failures: int = 1000
    window_s: float = 900.0
    max_keys: int = 10_000


class LoginThrottle:
    def __init__(self, limits: LoginLimits = LoginLimits()) -> None:
        self._accounts = _Failures(limits.account_failures, limits.window_s, limits.max_keys)
        self._networks = _Failures(limits.network_failures, limits.window_s, limits.max_keys)
        self._server = _Failures(limits.global_failures, limits.window_s, 1)

    def tracked(self) -> int:
        """Keys held in memory (accounts and networks)."""
        return len(self._accounts) + len(self._networks)

    def wait_s(self, address: str, username: str, now: float | None = None) -> int:
        """Whole seconds before this login may be tried (0: go ahead), the longest of the three."""
        now = time.monotonic() if now is None else now
        wait = max(self._accounts.wait_s(username, now), self._networks.wait_s(network_of(address), now),
                   self._server.wait_s("", now))
        return int(wait) + 1 if wait > 0 else 0

    def failed(self, address: str, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._accounts.add(username, now)
        self._networks.add(network_of(address), now)
        self._server.add("", now)

    def succeeded(self, address: str, username: str) -> None:
        """The person knew the password: their account's count starts again (the network's does
        not: a sprayer that owns one account must not wipe its count by logging in to it)."""
        self._accounts.clear(username)
