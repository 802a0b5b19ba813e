"""The fleet's energy figures, pure: a plan read from whatever a bench reports, and per-port usage."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sync_server.fleet.energy import PortUsage, plan, port_usage
from sync_server.services.fleet import Port, Sample

T0 = datetime(2026, 12, 10, 12, tzinfo=timezone.utc)


def test_a_plan_is_read_and_odd_values_are_dropped() -> None:
    reported = plan({"energy_plan": {"rung": 4, "rung_name": "screen_dark", "reason": 7, "days_of_autonomy": "many",
                                     "soc_pct": 51.5}})
    assert (reported.rung, reported.name, reported.reason, reported.days_of_autonomy, reported.soc_pct) == \
        (4, "screen_dark", None, None, 51.5)
    assert plan({}) is None and plan({"energy_plan": {}}) is None and plan({"energy_plan": "full"}) is None
    assert plan({"energy_plan": {"rung": True}}).rung is None
    assert plan({"energy_plan": {"capacity_ah": 79.0, "rated_ah": 100}}).capacity_faded
    assert not plan({"energy_plan": {"capacity_ah": 81.0, "rated_ah": 100}}).capacity_faded
    assert not plan({"energy_plan": {"capacity_ah": 50.0}}).capacity_faded  # no rating: no verdict


def test_sessions_and_energy_per_port_and_a_gap_counts_no_energy() -> None:
    def at(minute: int, amps: float) -> Sample:
        return Sample(T0 + timedelta(minutes=minute), ports={"USB10": Port("on", 0.0), "USB2": Port("on", amps)})
    samples = [at(0, 0.0), at(1, 2.0), at(2, 2.0), at(3, 0.05), at(4, 1.0), at(60, 1.0)]  # 56 minutes unheard
    usage = port_usage(samples)
    assert [u.port for u in usage] == ["USB2", "USB10"]
    assert usage[0] == PortUsage("USB2", 2, round((2.0 + 2.0 + 0.05 + 1.0) * 5 / 60, 1))
    assert usage[1] == PortUsage("USB10", 0, 0.0) and port_usage([]) == []
