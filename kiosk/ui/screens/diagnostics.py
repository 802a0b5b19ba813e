"""The maintainer's diagnostics: live power, ports with their currents and switches, serial link
counters, sync state and backlog, store size, app version and energy mode."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory

from hardware.status import SWITCHABLE_PORTS
from kiosk.ui.names import N_
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.tr import _

load_kv(__file__)

REFRESH_S = 1.0
# The words translated inside the f-strings of ``lines``, marked again for Babel: on Python 3.11
# its extractor reads an f-string as one token and does not see the calls in it.
IN_F_STRINGS = (
    N_("App version"), N_("Backlight"), N_("Battery"), N_("Bench"), N_("Charge"), N_("Charge state"),
    N_("Configuration"), N_("Energy mode"), N_("Error"), N_("Frame rate now"), N_("Last sync error"),
    N_("Load"), N_("Serial link"), N_("Solar"), N_("Store"), N_("Sync"), N_("blocks"), N_("built-in defaults"),
    N_("connected"), N_("disconnected"), N_("last success"), N_("next attempt"), N_("offline"), N_("online"),
    N_("overridden by"), N_("reconnects"), N_("suggestions / supports / telemetry"),
)


def app_version() -> str:
    try:
        return version("smart-bench")
    except PackageNotFoundError:
        return "unknown"


def _value(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}{unit}"
    return f"{value}{unit}"


class DiagnosticsScreen(KioskScreen):
    def on_kv_post(self, *args: Any) -> None:
        self._tick = None
        self._port_states: dict[str, Any] = {}
        self._port_buttons: list[tuple[Any, bool]] = []  # (button, switches on)
        self._build_ports()

    def _build_ports(self) -> None:
        """One row per port, made once: the refresh only changes texts (no widget churn each second)."""
        ports = self.ids.ports
        for name in SWITCHABLE_PORTS:
            ports.add_widget(Factory.PortCell(text=name, size_hint_x=None, width=120))
            self._port_states[name] = Factory.PortCell()
            ports.add_widget(self._port_states[name])
            for on in (True, False):
                button = Factory.QuietButton(size_hint_x=None, width=170)
                button.bind(on_release=lambda _b, name=name, on=on: self.app.switch_port(name, on))
                self._port_buttons.append((button, on))
                ports.add_widget(button)

    def on_enter(self, *args: Any) -> None:
        if self.app.services.monitor is not None:
            self.app.update_power(self.app.services.monitor.status())
        self.refresh()
        self._tick = Clock.schedule_interval(lambda _dt: self._poll(), REFRESH_S)

    def on_leave(self, *args: Any) -> None:
        if self._tick is not None:
            self._tick.cancel()

    def _poll(self) -> None:
        if self.app.services.monitor is not None:
            self.app.update_power(self.app.services.monitor.status())
        self.refresh()

    @staticmethod
    def mode_name(mode: str) -> str:
        """The energy policy's mode as a maintainer reads it."""
        names = {"normal": _("normal operation"), "saver": _("saving energy"),
                 "critical": _("critical battery: ports off"), "hibernate": _("hibernating")}
        return names.get(mode, mode)

    @staticmethod
    def plan_line(plan: dict[str, Any]) -> str:
        """The energy plan in one line: its rung of the ladder and why, the charge it counts on."""
        if not plan:
            return f"{_('Energy plan')}: –"
        return (f"{_('Energy plan')}: {plan['rung']} {plan['rung_name']} ({plan['reason']})   "
                f"{_('Charge')}: {_value(plan['soc_pct'], ' %')} ({plan['soc_source']})   "
                f"{_('Days of autonomy')}: {_value(plan['days_of_autonomy'])}")

    def lines(self) -> list[str]:
        app, config = self.app, self.app.config_
        power = app.power
        lines = [
            f"{_('App version')}: {app_version()}   {_('Bench')}: {config.bench_id} ({config.municipality})",
            f"{_('Configuration')}: {config.config_file or _('built-in defaults')}"
            + (f"; {_('overridden by')} {', '.join(config.env_overrides)}" if config.env_overrides else ""),
            f"{_('Energy mode')}: {self.mode_name(app.energy_mode)}   {_('Frame rate now')}: {app.frames.fps:g}/s   "
            f"{_('Backlight')}: {_value(getattr(app.services.backlight, 'percent', None), ' %')}",
            self.plan_line(app.services.energy.report()),
            f"{_('Battery')}: {_value(power.battery_v, ' V')}  {_value(power.battery_a, ' A')}  "
            f"{_('Charge')}: {_value(power.soc_pct, ' %')}   {_('Solar')}: {_value(power.solar_v, ' V')}  "
            f"{_value(power.solar_w, ' W')}",
            f"{_('Charge state')}: {_value(power.charge_state)}   {_('Error')}: {_value(power.error)}   "
            f"{_('Load')}: {_value(power.load_on)}",
        ]
        for link in power.links.values():
            lines.append(f"{_('Serial link')} {link.name}: {_('connected') if link.connected else _('disconnected')}, "
                         f"{_('blocks')} {link.frames_ok} ok / {link.frames_bad} bad, hex {link.hex_messages}, "
                         f"{_('reconnects')} {link.reconnects}" + (f", {link.last_error}" if link.last_error else ""))
        if not power.links:
            lines.append(_("No power controller configured."))
        sync = app.sync_state
        if sync is None:
            lines.append(_("Sync: not running."))
        else:
            lines.append(f"{_('Sync')}: {_('online') if sync.online else _('offline')}, "
                         f"{_('last success')} {_value(sync.last_success_at)}, "
                         f"{_('next attempt')} {_value(sync.next_attempt_at)}")
            if sync.last_error:
                lines.append(f"{_('Last sync error')}: {sync.last_error}")
        backlog = app.store.backlog()
        lines.append(f"{_('Waiting to be sent')}: {backlog['suggestions']} / {backlog['supports']} / "
                     f"{backlog['telemetry']} ({_('suggestions / supports / telemetry')})   "
                     f"{_('Store')}: {app.store.size_bytes() / 1024:.0f} KiB")
        return lines

    def refresh(self) -> None:
        self.ids.info.text = "\n".join(self.lines())
        known = self.app.power.ports
        for name, label in self._port_states.items():
            port = known.get(name)
            label.text = "–" if port is None else f"{port.state}  {_value(port.current_a, ' A')}"
        for button, on in self._port_buttons:
            button.text = _("On") if on else _("Off")
            button.disabled = self.app.services.monitor is None
