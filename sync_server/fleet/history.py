"""A bench's alert history, derived from its stored samples rather than kept in a table of its own:
the same rules as the live alerts, applied to every sample, and silences read from the gaps
between samples. Pure, like the alerts."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ..i18n import N_
from ..services.fleet import BenchState, Sample
from .alerts import CRITICAL, Alert, alerts_for
from ..settings import Settings


_NO_DATA = Alert("silent", CRITICAL, N_("No data from the bench"))


@dataclass(frozen=True)
class Episode:
    alert: Alert
    start: datetime
    end: datetime | None  # None: still active in the latest sample


def history(bench: BenchState, samples: Sequence[Sample], settings: Settings, now: datetime) -> list[Episode]:
    """The alert episodes in ``samples`` (oldest first) up to ``now``, newest first."""
    episodes: list[Episode] = []
    # An alert continues while a sample shows it again with the same values (the same ports at fault).
    open_: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[Alert, datetime]] = {}
    previous: Sample | None = None
    for sample in samples:
        if previous is not None and (sample.at - previous.at).total_seconds() > settings.silent_after_s:
            episodes.append(Episode(_NO_DATA, previous.at, sample.at))
        # Judged at the sample's own time, so the live "silent" rule never fires here.
        current = {_key(a): a for a in alerts_for(replace(bench, last_contact_at=sample.at, sample=sample),
                                                   sample.at, settings)}
        for key in [key for key in open_ if key not in current]:
            alert, start = open_.pop(key)
            episodes.append(Episode(alert, start, sample.at))
        for key, alert in current.items():
            open_.setdefault(key, (alert, sample.at))
        previous = sample
    episodes += [Episode(alert, start, None) for alert, start in open_.values()]
    if previous is not None and (now - previous.at).total_seconds() > settings.silent_after_s:
        episodes.append(Episode(_NO_DATA, previous.at, None))  # silent to this day
    return sorted(episodes, key=lambda e: e.start, reverse=True)


# Placeholders that are readings rather than what is wrong: a battery going from 20 % to 19 % is
# the same low-battery episode, while another port at fault or another error is a new one.
_READINGS = frozenset({"level"})


def _key(alert: Alert) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    return alert.kind, alert.message, tuple(sorted(i for i in alert.values.items() if i[0] not in _READINGS))
