"""Alerts fire at their threshold and not before, and clear when the bench recovers."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from sync_server.fleet.alerts import alerts_for, worst_first_key
from sync_server.services.fleet import BenchState, Port, Sample
from sync_server.settings import Settings

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
SETTINGS = Settings()
HEALTHY = Sample(NOW - timedelta(minutes=1), battery_v=12.9, soc_pct=80.0, solar_w=30.0, charge_state="bulk",
                 ports={"USB1": Port("on", 0.5), "USB2": Port("off", 0.0)})


def bench(sample: Sample | None = HEALTHY, contact_ago: timedelta | None = timedelta(minutes=1),
          **changes: object) -> BenchState:
    state = BenchState("b-1", "zepce", NOW - timedelta(days=30),
                       last_contact_at=None if contact_ago is None else NOW - contact_ago, sample=sample)
    return replace(state, **changes)


def kinds(state: BenchState, settings: Settings = SETTINGS) -> list[str]:
    return [alert.kind for alert in alerts_for(state, NOW, settings)]


def test_a_healthy_bench_has_no_alert() -> None:
    assert kinds(bench()) == []


def test_silent_fires_only_after_the_threshold() -> None:
    assert kinds(bench(contact_ago=timedelta(minutes=30))) == []
    silent = alerts_for(bench(contact_ago=timedelta(minutes=30, seconds=1)), NOW, SETTINGS)
    assert [a.kind for a in silent] == ["silent"] and silent[0].severity == "critical"
    assert silent[0].values == {"since": "23.11. 12:29"}  # local time (CET) of the last contact


def test_a_bench_saving_energy_is_silent_only_after_missing_two_of_its_own_rounds() -> None:
    critical = {"sync_interval_s": 3 * 3600}  # a bench in critical mode syncs every 3 hours
    assert kinds(bench(contact_ago=timedelta(hours=2), health=critical)) == []
    assert kinds(bench(contact_ago=timedelta(hours=6, minutes=2), health=critical)) == ["silent"]
    # A short interval never makes the fleet's threshold shorter; nonsense is ignored.
    assert kinds(bench(contact_ago=timedelta(minutes=25), health={"sync_interval_s": 10})) == []
    assert kinds(bench(contact_ago=timedelta(minutes=31), health={"sync_interval_s": "soon"})) == ["silent"]


def test_silent_threshold_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMART_BENCH_SILENT_MINUTES", "5")
    settings = Settings()
    assert settings.silent_after_s == 300
    assert kinds(bench(contact_ago=timedelta(minutes=6)), settings) == ["silent"]


def test_a_bench_that_never_called_is_silent_once_provisioned_long_enough() -> None:
    fresh = bench(sample=None, contact_ago=None, created_at=NOW - timedelta(minutes=10))
    assert kinds(fresh) == []
    assert kinds(replace(fresh, created_at=NOW - timedelta(hours=2))) == ["silent"]
    assert "Never" in alerts_for(replace(fresh, created_at=NOW - timedelta(hours=2)), NOW, SETTINGS)[0].message


@pytest.mark.parametrize("soc, fires", [(25.0, False), (24.9, True), (3.0, True)])
def test_low_battery_by_state_of_charge(soc: float, fires: bool) -> None:
    # A healthy voltage does not hide a low state of charge: SOC wins when the controller sends it.
    assert kinds(bench(replace(HEALTHY, soc_pct=soc, battery_v=12.9))) == (["low_battery"] if fires else [])


@pytest.mark.parametrize("volts, fires", [(11.8, False), (11.79, True)])
def test_low_battery_by_voltage_when_soc_is_missing(volts: float, fires: bool) -> None:
    assert kinds(bench(replace(HEALTHY, soc_pct=None, battery_v=volts))) == (["low_battery"] if fires else [])


def test_port_fault_names_the_ports() -> None:
    ports = {"USB1": Port("fault", None), "USB2": Port("on", 0.4), "QI1": Port("fault", 0.0)}
    [alert] = alerts_for(bench(replace(HEALTHY, ports=ports)), NOW, SETTINGS)
    assert alert.kind == "port_fault" and alert.values == {"ports": "USB1, QI1"}


def test_controller_error_and_charge_fault_are_critical_and_named() -> None:
    sample = replace(HEALTHY, error="battery_voltage_too_high", charge_state="fault")
    found = alerts_for(bench(sample), NOW, SETTINGS)
    assert [a.kind for a in found] == ["controller_error", "charge_fault"]
    assert found[0].values == {"error": "battery_voltage_too_high"}
    assert {a.severity for a in found} == {"critical"}


def test_a_recovered_bench_clears_every_alert() -> None:
    broken = bench(replace(HEALTHY, soc_pct=10.0, error="converter_issue", charge_state="fault",
                           ports={"USB1": Port("fault", None)}), contact_ago=timedelta(hours=3))
    assert len(kinds(broken)) == 5
    recovered = replace(broken, last_contact_at=NOW, sample=replace(HEALTHY, at=NOW))
    assert kinds(recovered) == []


def test_a_revoked_bench_raises_nothing() -> None:
    assert kinds(bench(contact_ago=timedelta(days=9), revoked=True)) == []


def test_worst_first_orders_critical_then_warning_then_emptiest_battery() -> None:
    states = {
        "quiet-full": bench(replace(HEALTHY, soc_pct=90.0)),
        "quiet-low": bench(replace(HEALTHY, soc_pct=40.0)),
        "warning": bench(replace(HEALTHY, soc_pct=20.0)),
        "critical": bench(contact_ago=timedelta(hours=1)),
        "revoked": bench(contact_ago=timedelta(days=9), revoked=True),
    }
    order = sorted(states, key=lambda name: worst_first_key(states[name], alerts_for(states[name], NOW, SETTINGS)))
    assert order == ["critical", "warning", "quiet-low", "quiet-full", "revoked"]
