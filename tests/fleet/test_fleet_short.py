"""The fleet simulation's short form (the CI form of ``benchmarks/fleet.py --short``): its checks
pass, and they fail when the server or a bench loses something behind the simulation's back."""
from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_fleet() -> ModuleType:
    # From its file: benchmarks/ is a folder of scripts, not a package.
    spec = importlib.util.spec_from_file_location("fleet_simulation", ROOT / "benchmarks" / "fleet.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


fleet_sim = _load_fleet()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory):
    return fleet_sim.simulate(fleet_sim.Options(days=1, seed=3, suggestions_per_peak_hour=1.0),
                              tmp_path_factory.mktemp("fleet"))


def _failed(fleet) -> list[str]:
    return [check.name for check in fleet_sim.checks(fleet) if not check.ok]


def _write(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        assert conn.execute(sql).rowcount == 1
    conn.close()


def test_short_run_passes_every_check(fleet) -> None:
    results = fleet_sim.checks(fleet)
    assert [c for c in results if not c.ok] == [], fleet_sim.report(fleet, results, 0.0)
    assert fleet.cut["ids"] and fleet.published


def test_a_suggestion_lost_on_the_server_fails_the_run(fleet) -> None:
    # The first tamper test (tests run in file order): only its damage is there to find.
    _write(fleet.server.db_path, "DELETE FROM suggestions WHERE id = (SELECT max(id) FROM suggestions)")
    assert _failed(fleet) == ["suggestions: created = stored"]


def test_an_initiative_missing_on_its_bench_fails_the_run(fleet) -> None:
    trebinje_only = next(i for i, town in fleet.published if town == "Trebinje")
    store = fleet.by_town["Trebinje"].config.store_path
    _write(store, f"DELETE FROM initiatives WHERE id = '{trebinje_only}'")
    assert "initiatives: on exactly the benches of their municipality" in _failed(fleet)


def test_a_missed_alert_fails_the_run(fleet) -> None:
    fleet.tally.missed["Žepče", "port_fault"] += 1
    assert "alerts: none missed, none false" in _failed(fleet)
