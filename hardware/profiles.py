"""Hardware profiles: what a bench is built of (panel, battery, computer, screen, router, light).

A profile is a TOML file of flat keys (``hardware/profiles/default.toml`` is the default bench);
a file of one's own needs only the keys that differ from the default. The simulator plays a bench
of this profile, the kiosk's energy plan budgets with it, and ``python -m hardware sizing`` says
what one needs in a given town.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from hardware.battery import Chemistry, chemistry

PROFILES_DIR = Path(__file__).with_name("profiles")
DEFAULT_PROFILE_PATH = PROFILES_DIR / "default.toml"


class ProfileError(ValueError):
    """A profile file that cannot describe a bench: unreadable, unknown key, impossible value."""


@dataclass(frozen=True)
class HardwareProfile:
    name: str
    description: str
    panel_wp: float
    tilt_deg: float
    azimuth_deg: float
    system_derate: float
    battery_ah: float
    chemistry: str
    charger_max_a: float
    computer_idle_w: float
    computer_busy_w: float
    screen_max_w: float
    screen_dark_w: float
    router_w: float
    light_w: float
    board_w: float
    usb_efficiency: float
    qi_efficiency: float

    def __post_init__(self) -> None:
        chemistry(self.chemistry)  # ValueError names the known ones
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.type == "float" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
                raise ProfileError(f"{spec.name} must be a number, not {value!r}")
        if not 0 <= self.tilt_deg <= 90:
            raise ProfileError(f"tilt_deg must be 0-90, not {self.tilt_deg:g}")
        for name in ("panel_wp", "battery_ah", "charger_max_a", "system_derate", "usb_efficiency", "qi_efficiency"):
            if getattr(self, name) <= 0:
                raise ProfileError(f"{name} must be positive, not {getattr(self, name):g}")
        for name in ("system_derate", "usb_efficiency", "qi_efficiency"):
            if getattr(self, name) > 1:
                raise ProfileError(f"{name} is a fraction, at most 1, not {getattr(self, name):g}")
        if self.computer_busy_w < self.computer_idle_w or self.screen_max_w < self.screen_dark_w:
            raise ProfileError("a busy computer or a lit screen cannot draw less than an idle or dark one")

    def draw_w(self, *, computer: float = 1.0, busy: float = 0.0, lit: float = 1.0, backlight_pct: float = 100.0,
               router: float = 1.0, light_pct: float = 0.0, usb_w: float = 0.0) -> float:
        """Watts drawn from the battery in one state of the bench (a share 0..1 for a part that is
        on part of the time): the computer and screen on for ``computer``, busy for ``busy`` of
        it, the screen lit for ``lit`` at ``backlight_pct``, the router on for ``router``, the light
        at ``light_pct``, and ``usb_w`` for the ports; the port board always."""
        computer_w = self.computer_idle_w + busy * (self.computer_busy_w - self.computer_idle_w)
        screen_w = self.screen_dark_w + (self.screen_max_w - self.screen_dark_w) * backlight_pct / 100.0 * lit
        return (self.board_w + computer * (computer_w + screen_w) + router * self.router_w
                + self.light_w * light_pct / 100.0 + usb_w)

    @property
    def battery(self) -> Chemistry:
        return chemistry(self.chemistry)

    @property
    def battery_wh(self) -> float:
        return self.battery_ah * self.battery.nominal_v


_KEYS = {spec.name for spec in fields(HardwareProfile)}


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except OSError as error:
        raise ProfileError(f"cannot read the profile {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path} is not valid TOML: {error}") from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ProfileError(f"unknown key {unknown[0]!r} in {path}; known keys: {', '.join(sorted(_KEYS))}")
    return data


def load_profile(path: str | Path | None = None) -> HardwareProfile:
    """The profile in ``path`` over the default one (its missing keys keep the default's values)."""
    values = _read(DEFAULT_PROFILE_PATH)
    if path is not None:
        own = _read(Path(path))
        values = {**values, "name": Path(path).stem, "description": f"{Path(path).name}", **own}
    try:
        return HardwareProfile(**values)
    except ValueError as error:
        raise ProfileError(f"{path or DEFAULT_PROFILE_PATH}: {error}") from None


DEFAULT_PROFILE = load_profile()
