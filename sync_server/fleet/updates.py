"""What a bench's health report says of its remote update and settings, read defensively (a bench
writes what it likes into its health), and the fleet's counts per release: pure, for the pages."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..i18n import N_
from ..services.fleet import BenchState
from .charts import LOCAL_TIME

# The states a bench reports (kiosk.core.updates.Updater.report), with what a maintainer reads.
UPDATE_STATES = {
    "current": N_("up to date"),
    "switching": N_("installed, switching"),
    "trial": N_("on trial"),
    "failed": N_("install failed, will retry"),
    "refused": N_("refused"),
    "rolled-back": N_("rolled back"),
}
TROUBLE = ("failed", "refused", "rolled-back")
_TEXT_LIMIT = 300


def _text(value: Any) -> str | None:
    return value[:_TEXT_LIMIT] if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True)
class UpdateView:
    state: str | None  # a key of UPDATE_STATES, or None: the bench said nothing we know
    version: str | None  # the release the state is about
    detail: str | None

    @property
    def label(self) -> str | None:
        return UPDATE_STATES.get(self.state or "")

    @property
    def trouble(self) -> bool:
        return self.state in TROUBLE


@dataclass(frozen=True)
class SettingsView:
    version: int | None  # the remote settings version applied; None: not reported
    refused_version: int | None
    refused: str | None  # why the bench refused that version


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def update_of(bench: BenchState) -> UpdateView:
    report = bench.health.get("update")
    if not isinstance(report, dict):
        return UpdateView(None, None, None)
    state = report.get("state")
    return UpdateView(state if state in UPDATE_STATES else None, _text(report.get("version")),
                      _text(report.get("detail")))


def settings_of(bench: BenchState) -> SettingsView:
    report = bench.health.get("settings")
    if not isinstance(report, dict):
        return SettingsView(None, None, None)
    return SettingsView(_integer(report.get("version")), _integer(report.get("refused_version")),
                        _text(report.get("refused")))


def benches_per_version(benches: list[BenchState]) -> list[tuple[str, int]]:
    """How many active benches report each app version, most common first."""
    counts = Counter(bench.app_version or "–" for bench in benches if not bench.revoked)
    return counts.most_common()


def local_time(stored: str) -> str:
    """A stored UTC time stamp as people here read it: Sarajevo time, day first."""
    return datetime.fromisoformat(stored).astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M")


def setting_text(value: Any) -> str:
    """A remote setting's value as it is typed into the form (a list as "bs, hr", 45.0 as 45)."""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
