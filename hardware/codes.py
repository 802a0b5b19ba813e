"""Victron's code tables for the VE.Direct text protocol, as names a person and a JSON reader can use."""
from __future__ import annotations

# CS: state of operation.
CHARGE_STATES: dict[int, str] = {
    0: "off",
    1: "low_power",
    2: "fault",
    3: "bulk",
    4: "absorption",
    5: "float",
    6: "storage",
    7: "equalize",
    9: "inverting",
    11: "power_supply",
    245: "starting",
    246: "repeated_absorption",
    247: "auto_equalize",
    248: "battery_safe",
    252: "external_control",
}

# ERR: charger error codes. 0 is "no error" and is reported as None.
ERRORS: dict[int, str] = {
    2: "battery_voltage_too_high",
    17: "charger_temperature_too_high",
    18: "charger_over_current",
    19: "charger_current_reversed",
    20: "bulk_time_limit_exceeded",
    21: "current_sensor_issue",
    26: "terminals_overheated",
    28: "converter_issue",
    33: "input_voltage_too_high",
    34: "input_current_too_high",
    38: "input_shutdown_battery_voltage",
    39: "input_shutdown_current_flow",
    65: "lost_communication",
    66: "synchronised_charging_config_issue",
    67: "bms_connection_lost",
    68: "network_misconfigured",
    116: "factory_calibration_data_lost",
    117: "invalid_firmware",
    119: "user_settings_invalid",
}

# MPPT: tracker operation mode.
MPPT_MODES: dict[int, str] = {0: "off", 1: "limited", 2: "active"}

# OR: off reason, a bit mask sent as hex ("0x00000001").
OFF_REASONS: dict[int, str] = {
    0x001: "no_input_power",
    0x002: "switched_off_power_switch",
    0x004: "switched_off_device_mode",
    0x008: "remote_input",
    0x010: "protection_active",
    0x020: "paygo",
    0x040: "bms",
    0x080: "engine_shutdown",
    0x100: "analysing_input_voltage",
}
