"""PowerStatus: merging several links, names for codes, ages, and the monitor's JSON shape."""
from __future__ import annotations

import json

from hardware.status import LinkStats, PowerStatus, PortStatus

MPPT = {"PID": "0xA060", "V": "12800", "I": "3200", "VPV": "35100", "PPV": "48", "CS": "4", "ERR": "0", "LOAD": "ON"}
PORT_BOARD = {"V": "12750", "USB1": "ON", "USB1_I": "450", "USB2": "FAULT", "USB2_I": "0", "QI1": "OFF",
              "LIGHT": "OFF", "TBAT": "183", "SOC": "764", "XTRA": "7"}


def test_two_links_merge_into_one_status_and_the_newest_reading_wins() -> None:
    status = PowerStatus().with_block("/dev/ttyUSB0", MPPT, at=100.0).with_block("/dev/ttyUSB1", PORT_BOARD, at=101.0)
    assert status.battery_v == 12.75, "the port board's battery reading is newer"
    assert status.solar_w == 48.0 and status.solar_v == 35.1
    assert status.charge_state == "absorption" and status.error is None
    assert status.soc_pct == 76.4 and status.load_on is True
    assert status.ports["USB1"] == PortStatus("on", 0.45)
    assert status.ports["USB2"] == PortStatus("fault", 0.0)
    assert status.ports["QI1"] == PortStatus("off", None), "no current reported for QI1"
    assert status.ports["LIGHT"] == PortStatus("off", None)
    assert status.readings["VPV"].source == "/dev/ttyUSB0"


def test_the_age_of_every_value_shows_stale_data() -> None:
    status = PowerStatus().with_block("a", MPPT, at=100.0).with_block("b", {"USB1": "ON"}, at=160.0)
    assert status.age("solar_w", now=190.0) == 90.0
    assert status.age("PPV", now=190.0) == 90.0
    assert status.age("USB1", now=190.0) == 30.0
    assert status.age("soc_pct", now=190.0) is None
    assert status.to_dict(now=190.0)["age_s"]["solar_w"] == 90.0


def test_an_error_code_becomes_its_name() -> None:
    status = PowerStatus().with_block("a", {"ERR": "33", "CS": "2"}, at=1.0)
    assert (status.error, status.charge_state) == ("input_voltage_too_high", "fault")


def test_frame_counters_add_up_over_links() -> None:
    status = (PowerStatus()
              .with_link(LinkStats("a", connected=True, frames_ok=10, frames_bad=1))
              .with_link(LinkStats("b", connected=False, frames_ok=5, frames_bad=2))
              .with_link(LinkStats("a", connected=True, frames_ok=12, frames_bad=1)))
    assert (status.frames_ok, status.frames_bad) == (17, 3)
    assert status.links["b"].connected is False


def test_to_dict_has_the_monitor_contract_keys_in_si_units_and_is_json() -> None:
    status = (PowerStatus().with_block("a", MPPT, at=1.0).with_block("b", PORT_BOARD, at=2.0)
              .with_link(LinkStats("a", True, 1, 0)).with_link(LinkStats("b", True, 1, 0)))
    data = json.loads(json.dumps(status.to_dict(now=3.0)))
    for key in ("battery_v", "battery_a", "solar_v", "solar_w", "soc_pct"):
        assert isinstance(data[key], float), key
    assert data["charge_state"] == "absorption" and data["error"] is None
    assert data["load_on"] is True
    assert data["ports"]["USB1"] == {"state": "on", "current_a": 0.45}
    assert (data["frames_ok"], data["frames_bad"]) == (2, 0)
    assert data["raw"] == {"XTRA": "7"}
    assert data["battery_temp_c"] == 18.3
    assert "USB1_I" not in data, "port currents live under ports"


def test_an_empty_status_has_every_key_as_null() -> None:
    data = PowerStatus().to_dict()
    assert data["battery_v"] is None and data["charge_state"] is None
    assert data["ports"] == {} and data["frames_ok"] == 0
