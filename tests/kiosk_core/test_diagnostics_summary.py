"""The technician's traffic lights, decided from real status objects (no window)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hardware.status import LinkStats, PowerStatus
from kiosk.core.diagnostics import FAULT, OK, UNKNOWN, WARN, local_time, summary
from kiosk.core.sync import SyncState

NOW = datetime(2026, 12, 1, 7, 47, 33, 484302, tzinfo=timezone.utc)
BACKLOG = {"suggestions": 2, "supports": 1, "telemetry": 0, "oldest_pending_at": None}


def lights(power: PowerStatus, sync=None, backlog=BACKLOG):
    return {light.topic: light for light in summary(power, sync, backlog, 40960, NOW,
                                                   warn_below_pct=40, fault_below_pct=20)}


def controller(**fields: str) -> PowerStatus:
    status = PowerStatus().with_block("ttyUSB0", {"V": "12600", "PPV": "85", "SOC": "725", "CS": "4", "ERR": "0",
                                                  **fields}, at=1.0)
    return status.with_link(LinkStats(name="ttyUSB0", connected=True, frames_ok=100, frames_bad=1))


def test_nothing_known_is_grey_not_green():
    found = lights(PowerStatus())
    assert {topic: light.level for topic, light in found.items()} == {
        "power": UNKNOWN, "battery": UNKNOWN, "ports": UNKNOWN, "link": UNKNOWN, "sync": UNKNOWN, "storage": OK}


def test_a_healthy_bench_is_green_with_its_figures():
    found = lights(controller(), SyncState(True, NOW - timedelta(minutes=3), None, BACKLOG, None))
    assert found["power"].level == OK and found["power"].values == {"watts": "85"}
    assert found["battery"].level == OK and found["battery"].values == {"percent": "72", "volts": "12.6"}
    assert found["link"].level == OK
    assert found["sync"].values == {"time": "01.12.2026. 08:44"}, "Sarajevo time, to the minute"


def test_low_battery_charger_error_and_an_old_sync_are_flagged():
    found = lights(controller(SOC="150", ERR="2"), SyncState(False, NOW - timedelta(days=2), "timeout", BACKLOG, None))
    assert found["battery"].level == FAULT
    assert found["power"].level == FAULT and found["power"].values == {"error": "battery_voltage_too_high"}
    assert found["sync"].level == FAULT
    recent = lights(controller(SOC="350"), SyncState(False, NOW - timedelta(hours=1), "timeout", BACKLOG, None))
    assert recent["battery"].level == WARN and recent["sync"].level == WARN


def test_local_time_has_no_microseconds_and_no_utc():
    assert local_time(NOW) == "01.12.2026. 08:47" and local_time(None) == "–"
