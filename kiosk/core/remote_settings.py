"""Remote settings on the bench: the values the server holds for it (network, municipality and
bench layers merged, ``GET /api/v1/settings``), checked here and applied while the kiosk runs.

A version is applied whole or not at all: a bad value (out of range, thresholds that do not fit
together, an unknown key) refuses the version, the bench keeps what it runs and reports the refusal
in its health report until the server sends a version it can apply. The applied version and its
values are kept in ``<data_dir>/remote-settings.json``, so a restart starts with them.

The sync thread calls ``apply``; listeners get the new Config in that thread (the App hops to the
UI thread itself).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kiosk.core.config import Config, ConfigError, with_overrides
from kiosk.core.updates import read_json, write_json

log = logging.getLogger(__name__)

FILE_NAME = "remote-settings.json"


class RemoteSettings:
    def __init__(self, base: Config) -> None:
        self.base = base
        self.path = Path(base.data_dir) / FILE_NAME
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Config], None]] = []
        self.version, self.values, self.refused = 0, {}, None
        self.current = base
        saved = read_json(self.path) or {}
        try:
            self.current = with_overrides(base, saved.get("values") or {})
            self.version, self.values = int(saved.get("version") or 0), dict(saved.get("values") or {})
        except (ConfigError, TypeError, ValueError) as error:  # a file of an older release's rules
            log.warning("saved remote settings no longer apply (%s): starting without them", error)

    def subscribe(self, listener: Callable[[Config], None]) -> None:
        self._listeners.append(listener)

    def apply(self, answer: Mapping[str, Any]) -> bool:
        """Apply one answer of the settings endpoint if its version is new; whether it changed anything."""
        version, values = answer.get("version"), answer.get("values")
        if not isinstance(version, int) or not isinstance(values, dict) or version == self.version:
            return False
        if self.refused and self.refused["version"] == version:
            return False  # refused already: no log line every round
        try:
            config = with_overrides(self.base, values)
        except ConfigError as error:
            log.warning("remote settings version %d refused: %s", version, error)
            with self._lock:
                self.refused = {"version": version, "error": str(error)}
            return False
        write_json(self.path, {"version": version, "values": values})
        with self._lock:
            self.version, self.values, self.refused, self.current = version, dict(values), None, config
        log.info("remote settings version %d applied", version)
        for listener in self._listeners:
            listener(config)
        return True

    def report(self) -> dict[str, Any]:
        """The ``settings`` part of the health report: the version applied, and a refusal if any."""
        with self._lock:
            report: dict[str, Any] = {"version": self.version}
            if self.refused:
                report.update(refused_version=self.refused["version"], refused=self.refused["error"])
            return report
