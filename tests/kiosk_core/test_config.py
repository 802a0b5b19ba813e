"""The config file is optional, the environment overrides it, and mistakes are explained."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.config import DEMO_PIN_HASH, ConfigError, SerialPort, load_config
from kiosk.core.pin import check_pin, make_pin_hash


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bench.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_file_the_demo_defaults_apply() -> None:
    config = load_config(None, environ={})
    assert config.languages[0] == config.default_language == "bs"
    assert config.server_url.startswith("http")
    assert check_pin("0000", config.diagnostics_pin_hash)
    assert config.energy.hibernate_pct is None and config.energy.reserve_pct == 10  # the chemistry's floor


def test_a_full_file_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, """
bench_id = "zepce-02"
municipality = "zepce"
server_url = "https://klupe.example.ba/"
token = "s3cret"
serial_ports = ["/dev/bench-mppt", "/dev/bench-ports"]
command_ports = ["/dev/bench-ports"]
languages = ["sr", "sr-Latn", "en"]
idle_timeout_s = 120
data_dir = "/var/lib/smart-bench"

[energy]
reserve_pct = 15
min_dwell_s = 900
""")
    config = load_config(path, environ={})
    assert config.bench_id == "zepce-02" and config.server_url == "https://klupe.example.ba"
    assert config.serial_ports == (SerialPort("/dev/bench-mppt", False), SerialPort("/dev/bench-ports", True))
    assert config.default_language == "sr" and config.idle_timeout_s == 120
    assert config.energy.reserve_pct == 15 and config.energy.min_dwell_s == 900
    assert config.energy.relax_margin_pct == 5  # untouched keys keep their defaults
    assert str(config.store_path) == "/var/lib/smart-bench/bench.sqlite3"
    assert "s3cret" not in repr(config)


def test_environment_variables_override_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'token = "from-file"\nlanguages = ["bs"]\n')
    config = load_config(path, environ={"SMART_BENCH_TOKEN": "from-env", "SMART_BENCH_LANGUAGES": "hr, en",
                                        "SMART_BENCH_ENERGY_MIN_DWELL_S": "1200"})
    assert config.token == "from-env" and config.languages == ("hr", "en")
    assert config.energy.min_dwell_s == 1200
    assert "SMART_BENCH_TOKEN" in config.env_overrides and config.config_file == path


@pytest.mark.parametrize("text, expected", [
    ('bench_id = "a"\n\nlanguages = ["bs", "de"]\n', ["'languages'", "line 3", "de"]),
    ('idle_timeout_s = -5\n', ["'idle_timeout_s'", "line 1", "positive"]),
    ('idle_timeout_s = 5\n', ["'idle_timeout_s'", "between 30 and 3600 s, got 5"]),
    ('release_public_key = "not-a-key"\n', ["'release_public_key'", "Ed25519", "release-key"]),
    ('update_max_bytes = 1.5\n', ["'update_max_bytes'", "whole number of bytes"]),
    ('server_url = "klupe.example.ba"\n', ["'server_url'", "http"]),
    ('[energy]\nreserve_pct = "lots"\n', ["'energy.reserve_pct'", "line 2"]),
    ('[energy]\nreserve_pct = 48\n', ["[energy]", "reserve_pct"]),
    ('serial_ports = ["/dev/a"]\ncommand_ports = ["/dev/b"]\n', ["command_ports", "/dev/b"]),
    ('diagnostics_pin_hash = "1234"\n', ["diagnostics_pin_hash", "hash-pin"]),
    ('bench-id = "x"\n', ["unknown key 'bench-id'"]),
    ('bench_id = "unterminated\n', ["not valid TOML", "line 1"]),
])
def test_bad_values_are_explained_with_key_file_and_line(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    message = str(caught.value)
    assert str(path) in message or "[energy]" in message
    for part in expected:
        assert part in message


def test_a_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="SMART_BENCH_IDLE_TIMEOUT_S.*number"):
        load_config(None, environ={"SMART_BENCH_IDLE_TIMEOUT_S": "soon"})


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.toml", environ={})


def test_pin_hashes_are_salted_and_check_only_the_right_pin() -> None:
    first, second = make_pin_hash("4711"), make_pin_hash("4711")
    assert first != second
    assert check_pin("4711", first) and check_pin("4711", second)
    assert not check_pin("4712", first) and not check_pin("0000", first)
    assert not check_pin("0000", "garbage") and check_pin("0000", DEMO_PIN_HASH)


def test_a_hardware_profile_is_read_and_a_bad_one_named(tmp_path: Path) -> None:
    profile = tmp_path / "lithium.toml"
    profile.write_text('chemistry = "lifepo4"\nbattery_ah = 150.0\n')
    config = load_config(write(tmp_path, f'hardware_profile = "{profile}"\n'), environ={})
    assert config.hardware_profile.chemistry == "lifepo4" and config.hardware_profile.battery_ah == 150.0
    assert load_config(None, environ={}).hardware_profile.chemistry == "agm"
    profile.write_text('battery_ah = "big"\n')
    with pytest.raises(ConfigError, match="hardware_profile.*battery_ah must be a number"):
        load_config(write(tmp_path, f'hardware_profile = "{profile}"\n'), environ={})
