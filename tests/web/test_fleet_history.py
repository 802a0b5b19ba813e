"""Alert history from stored samples: episodes begin and end where the samples say, silences are
the gaps, and a changed fault (another port) is a new episode."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from sync_server.fleet.history import history
from sync_server.services.fleet import BenchState, Port, Sample
from sync_server.settings import Settings

T0 = datetime(2026, 11, 20, 0, 0, tzinfo=timezone.utc)
BENCH = BenchState("b-1", "zepce", T0 - timedelta(days=30))
OK = Sample(T0, soc_pct=80.0, ports={"USB1": Port("on", 0.4), "USB2": Port("off", 0.0)})


def at(minute: int, **changes: object) -> Sample:
    return replace(OK, at=T0 + timedelta(minutes=minute), **changes)


def test_episodes_begin_and_end_with_the_samples_newest_first() -> None:
    samples = [at(0), at(1, soc_pct=20.0), at(2, soc_pct=19.0), at(3), at(4, ports={"USB1": Port("fault", None)}),
               at(5, ports={"USB1": Port("fault", None)})]
    episodes = history(BENCH, samples, Settings(), samples[-1].at)
    assert [(e.alert.kind, e.start, e.end) for e in episodes] == [
        ("port_fault", T0 + timedelta(minutes=4), None),  # still active
        ("low_battery", T0 + timedelta(minutes=1), T0 + timedelta(minutes=3)),
    ]
    # The values of the first sample that raised it: the level when the battery first ran low.
    assert episodes[1].alert.values == {"level": "20 %"}


def test_a_gap_longer_than_the_threshold_is_a_silence() -> None:
    samples = [at(0), at(1), at(40), at(41)]
    [silence] = history(BENCH, samples, Settings(), samples[-1].at)
    assert (silence.alert.kind, silence.start, silence.end) == ("silent", T0 + timedelta(minutes=1),
                                                                T0 + timedelta(minutes=40))
    assert history(BENCH, [at(0), at(30)], Settings(), T0 + timedelta(minutes=30)) == []  # 30 min is not over the threshold


def test_another_port_at_fault_is_another_episode() -> None:
    usb1 = {"USB1": Port("fault", None), "USB2": Port("off", 0.0)}
    both = {"USB1": Port("fault", None), "USB2": Port("fault", None)}
    episodes = history(BENCH, [at(0, ports=usb1), at(1, ports=both)], Settings(), T0 + timedelta(minutes=1))
    assert [(e.alert.values["ports"], e.end) for e in episodes] == [("USB1, USB2", None),
                                                                   ("USB1", T0 + timedelta(minutes=1))]


def test_a_bench_silent_to_this_day_has_an_open_silence() -> None:
    [silence] = history(BENCH, [at(0)], Settings(), T0 + timedelta(minutes=31))
    assert (silence.alert.kind, silence.start, silence.end) == ("silent", T0, None)
    assert history(BENCH, [at(0)], Settings(), T0 + timedelta(minutes=30)) == []
