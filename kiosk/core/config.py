"""The bench's configuration: one optional TOML file, environment overrides, and demo defaults.

Every key has a default good for the demo, so the file is optional. A provisioned bench's file
looks like this (all keys optional)::

    bench_id = "mostar-01"
    municipality = "mostar"             # slug of the bench's municipality
    server_url = "https://klupe.example.ba"
    token = "…"                         # printed once by `python -m sync_server add-bench`
    serial_ports = ["/dev/bench-mppt", "/dev/bench-ports"]   # paths or pyserial URLs
    command_ports = ["/dev/bench-ports"]  # the ports that accept SET commands
    languages = ["bs", "hr", "sr", "en"]  # subset of bs, hr, sr, sr-Latn, en; first is default
    idle_timeout_s = 90                 # back to the start screen after this long untouched
    diagnostics_pin_hash = "scrypt$…"   # make one with `python -m kiosk hash-pin`
    data_dir = "/var/lib/smart-bench"
    release_public_key = "NhTC…="       # from `python -m sync_server release-key`; empty: no updates
    update_channel = "stable"           # the channel of releases this bench follows
    update_max_bytes = 67108864         # a release larger than this is refused (a mobile data budget)
    update_trial_s = 900                # a new release must report healthy this soon, or is rolled back
    photo_cache_mb = 64                 # initiatives' photos kept in the store; oldest unused go first

    hardware_profile = "/etc/smart-bench/profile.toml"  # panel, battery, loads (default: the default bench)

    [energy]                            # see kiosk.core.energy.EnergyThresholds and docs/energy.md
    hibernate_pct = 35                  # the hibernation floor (default: AGM 35, LiFePO4 20)
    reserve_pct = 10
    relax_margin_pct = 5
    resume_margin_pct = 5
    min_dwell_s = 3600
    stale_after_s = 300
    wake_hour = 12
    wake_sync_s = 900
    hibernate_grace_s = 60
    latitude = 44.0

Environment variables override the file, one per key, named ``SMART_BENCH_`` + the key in upper
case, with the table as a prefix for ``[energy]`` keys:
``SMART_BENCH_BENCH_ID``, ``SMART_BENCH_MUNICIPALITY``, ``SMART_BENCH_SERVER_URL``,
``SMART_BENCH_TOKEN``, ``SMART_BENCH_SERIAL_PORTS`` and ``SMART_BENCH_COMMAND_PORTS`` and
``SMART_BENCH_LANGUAGES`` (comma-separated lists), ``SMART_BENCH_IDLE_TIMEOUT_S``,
``SMART_BENCH_DIAGNOSTICS_PIN_HASH``, ``SMART_BENCH_DATA_DIR``, ``SMART_BENCH_PHOTO_CACHE_MB``,
``SMART_BENCH_RELEASE_PUBLIC_KEY``, ``SMART_BENCH_UPDATE_CHANNEL``, ``SMART_BENCH_UPDATE_MAX_BYTES``,
``SMART_BENCH_UPDATE_TRIAL_S``, and ``SMART_BENCH_ENERGY_<KEY>`` (e.g. ``SMART_BENCH_ENERGY_MIN_DWELL_S=900``).

Bad values raise ``ConfigError`` whose message names the key, where it came from (file and line,
or the environment variable) and why; the kiosk prints that message, never a traceback.

The server may override ``idle_timeout_s``, ``languages``, ``diagnostics_pin_hash`` and the
``[energy]`` keys (remote settings, kiosk.core.remote_settings): ``with_overrides`` checks them
with the same rules as the file.

The demo's diagnostics PIN is 0000: a provisioned bench must set its own hash.
"""
from __future__ import annotations

import base64
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from hardware.profiles import DEFAULT_PROFILE, HardwareProfile, load_profile
from kiosk.core.energy import EnergyThresholds
from kiosk.core.pin import parse_pin_hash

LANGUAGES = ("bs", "hr", "sr", "sr-Latn", "en")
ENV_PREFIX = "SMART_BENCH_"

IDLE_TIMEOUT_RANGE_S = (30.0, 3600.0)
# The demo's PIN, 0000 (see the note above: a provisioned bench sets its own).
DEMO_PIN_HASH = ("scrypt$16384$8$1$c21hcnQtYmVuY2gtZGVtbw$Eu4_ovXIkTEOIJaW2_A188w4Lkq5OteKdyO1_"
                 "yJ09EikrzCDcoNjr3sizd4Sb8xfXfcFM7uxlDwqw8nMlUpLHg")


class ConfigError(ValueError):
    """A configuration problem, worded for the person installing the bench."""


@dataclass(frozen=True)
class SerialPort:
    path: str  # a device path or a pyserial URL
    accepts_commands: bool


@dataclass(frozen=True)
class Config:
    bench_id: str = "demo-bench"
    municipality: str = "mostar"
    server_url: str = "http://127.0.0.1:8000"
    token: str = field(default="", repr=False)  # kept out of logs
    serial_ports: tuple[SerialPort, ...] = ()
    languages: tuple[str, ...] = LANGUAGES
    idle_timeout_s: float = 90.0
    diagnostics_pin_hash: str = DEMO_PIN_HASH
    energy: EnergyThresholds = EnergyThresholds()
    hardware_profile: HardwareProfile = DEFAULT_PROFILE
    data_dir: Path = Path.home() / ".local" / "share" / "smart-bench"
    photo_cache_mb: float = 64.0
    release_public_key: str = ""
    update_channel: str = "stable"
    update_max_bytes: int = 64 * 1024 * 1024
    update_trial_s: float = 900.0
    # Where the values came from, for the diagnostics screen (which words it in the reader's language).
    config_file: Path | None = None
    env_overrides: tuple[str, ...] = ()

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def photo_cache_bytes(self) -> int:
        return int(self.photo_cache_mb * 1024 * 1024)

    @property
    def store_path(self) -> Path:
        return self.data_dir / "bench.sqlite3"


# --- loading ----------------------------------------------------------------------------------

class _Where:
    """Names the origin of a value in error messages: file and line, or environment variable."""

    def __init__(self, path: Path | None, text: str) -> None:
        self.path = path
        self._lines = text.splitlines()

    def file_key(self, table: str | None, key: str) -> str:
        full = f"{table}.{key}" if table else key
        line = self._line_of(table, key)
        return f"{full!r} in {self.path}" + (f", line {line}" if line else "")

    def _line_of(self, table: str | None, key: str) -> int | None:
        current = None
        key_line = re.compile(rf"\s*(\"?){re.escape(key)}\1\s*=")
        for number, line in enumerate(self._lines, 1):
            header = re.match(r"\s*\[([^\]]+)\]", line)
            if header:
                current = header.group(1).strip()
            elif current == table and key_line.match(line):
                return number
        return None


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value.strip()


def _token(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value.strip()


def _url(value: Any) -> str:
    url = _text(value)
    if not re.match(r"https?://[^/\s]+", url):
        raise ValueError(f"must be an http:// or https:// URL, got {url!r}")
    return url.rstrip("/")


def _string_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):  # from the environment: comma-separated
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError("must be a list of non-empty strings")
    return tuple(item.strip() for item in value)


def _languages(value: Any) -> tuple[str, ...]:
    languages = _string_list(value)
    unknown = [language for language in languages if language not in LANGUAGES]
    if not languages or unknown:
        raise ValueError(f"must be a non-empty subset of {', '.join(LANGUAGES)}"
                         + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
    if len(set(languages)) != len(languages):
        raise ValueError("lists a language twice")
    return languages


def _positive_number(value: Any) -> float:
    if isinstance(value, str):  # from the environment
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"must be a number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"must be a positive number, got {value!r}")
    return float(value)


def _idle_timeout(value: Any) -> float:
    seconds = _positive_number(value)
    # Shorter than the idle warning plus a little reading, and the visitor is thrown out mid-word.
    if not IDLE_TIMEOUT_RANGE_S[0] <= seconds <= IDLE_TIMEOUT_RANGE_S[1]:
        raise ValueError(f"must be between {IDLE_TIMEOUT_RANGE_S[0]:g} and {IDLE_TIMEOUT_RANGE_S[1]:g} s, "
                         f"got {seconds:g}")
    return seconds


def _byte_count(value: Any) -> int:
    number = _positive_number(value)
    if number != int(number):
        raise ValueError(f"must be a whole number of bytes, got {number:g}")
    return int(number)


def _public_key(value: Any) -> str:
    key = _token(value)
    try:
        if key and len(base64.b64decode(key, validate=True)) != 32:
            raise ValueError(key)
    except ValueError:
        raise ValueError("is not an Ed25519 public key (44 characters of base64 from "
                         "`python -m sync_server release-key`)") from None
    return key


def _pin_hash(value: Any) -> str:
    stored = _text(value)
    try:
        parse_pin_hash(stored)
    except (ValueError, TypeError):
        raise ValueError("is not a PIN hash; make one with `python -m kiosk hash-pin`") from None
    return stored


_TOP_LEVEL: dict[str, Callable[[Any], Any]] = {
    "bench_id": _text,
    "municipality": _text,
    "server_url": _url,
    "token": _token,
    "serial_ports": _string_list,
    "command_ports": _string_list,
    "languages": _languages,
    "idle_timeout_s": _idle_timeout,
    "diagnostics_pin_hash": _pin_hash,
    "data_dir": lambda value: Path(_text(value)).expanduser(),
    "photo_cache_mb": _positive_number,
    "hardware_profile": lambda value: load_profile(Path(_text(value)).expanduser()),
    "release_public_key": _public_key,
    "update_channel": _text,
    "update_max_bytes": _byte_count,
    "update_trial_s": _positive_number,
}
# The keys the server may set remotely (kiosk.core.remote_settings), besides every [energy] key.
REMOTE_KEYS = ("idle_timeout_s", "languages", "diagnostics_pin_hash")
_ENERGY_KEYS = tuple(spec.name for spec in fields(EnergyThresholds))


def _read_file(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the config file {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"the config file {path} is not UTF-8 text") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:  # its message carries the line and column
        raise ConfigError(f"the config file {path} is not valid TOML: {error}") from None


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """The configuration from ``path`` (optional) with ``environ`` (default ``os.environ``)
    overriding it; ``ConfigError`` for anything wrong."""
    environ = os.environ if environ is None else environ
    data, text = _read_file(Path(path)) if path is not None else ({}, "")
    where = _Where(Path(path) if path is not None else None, text)

    unknown = sorted(set(data) - set(_TOP_LEVEL) - {"energy"})
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r} in {path}; known keys: "
                          f"{', '.join(sorted(_TOP_LEVEL))}, [energy]")
    energy_table = data.get("energy", {})
    if not isinstance(energy_table, dict):
        raise ConfigError(f"'energy' in {path} must be a table: [energy]")
    unknown = sorted(set(energy_table) - set(_ENERGY_KEYS))
    if unknown:
        raise ConfigError(f"unknown key 'energy.{unknown[0]}' in {path}; known keys: {', '.join(_ENERGY_KEYS)}")

    origins: dict[str, str] = {}

    def value(table: str | None, key: str, parse: Callable[[Any], Any]) -> Any:
        env_name = ENV_PREFIX + (f"{table}_{key}" if table else key).upper()
        source = (energy_table if table else data)
        if env_name in environ:
            raw, origin = environ[env_name], f"environment variable {env_name}"
        elif key in source:
            raw, origin = source[key], where.file_key(table, key)
        else:
            return None
        origins[key] = origin
        try:
            return parse(raw)
        except ValueError as error:
            raise ConfigError(f"{origin}: {error}") from None

    settings = {key: value(None, key, parse) for key, parse in _TOP_LEVEL.items()}
    settings = {key: parsed for key, parsed in settings.items() if parsed is not None}
    serial_ports = settings.pop("serial_ports", ())
    command_ports = settings.pop("command_ports", ())
    strays = [port for port in command_ports if port not in serial_ports]
    if strays:
        raise ConfigError(f"{origins['command_ports']}: lists {strays[0]!r}, which is not in serial_ports "
                          f"{list(serial_ports)}")
    settings["serial_ports"] = tuple(SerialPort(port, port in command_ports) for port in serial_ports)

    energy_values = {key: value("energy", key, _positive_number) for key in _ENERGY_KEYS}
    try:
        settings["energy"] = EnergyThresholds(**{k: v for k, v in energy_values.items() if v is not None})
    except ValueError as error:
        raise ConfigError(f"[energy] in {path or 'the environment'}: {error}") from None
    settings["config_file"] = Path(path) if path else None
    settings["env_overrides"] = tuple(sorted(name for name in environ if name.startswith(ENV_PREFIX)))
    return Config(**settings)


def with_overrides(config: Config, values: Mapping[str, Any]) -> Config:
    """``config`` with remote values (``idle_timeout_s``, ``languages``, ``diagnostics_pin_hash``,
    ``energy.<key>``) checked by the file's own rules; ConfigError naming the first bad one, and
    then nothing of them applies."""
    changes: dict[str, Any] = {}
    energy = {}
    for key, raw in values.items():
        table, _, name = key.rpartition(".")
        try:
            if table == "energy" and name in _ENERGY_KEYS:
                energy[name] = _positive_number(raw)
            elif not table and key in REMOTE_KEYS:
                changes[key] = _TOP_LEVEL[key](raw)
            else:
                raise ValueError("is not a setting the server may change")
        except ValueError as error:
            raise ConfigError(f"{key}: {error}") from None
    if energy:
        try:
            changes["energy"] = replace(config.energy, **energy)
        except ValueError as error:
            raise ConfigError(f"energy: {error}") from None
    return replace(config, **changes)

