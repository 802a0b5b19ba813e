"""The maintainer's diagnostics: a traffic light per part of the bench (``kiosk.core.diagnostics``),
one toggle per port that says its state, and the raw figures (serial counters, sync, backlog,
version, configuration) behind a second tap."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, StringProperty

from hardware.status import SWITCHABLE_PORTS
from kiosk import __version__
from kiosk.core.diagnostics import FAULT, OK, WARN, Light, local_time, summary
from kiosk.ui.names import CHARGE_STATES, N_, translated
from kiosk.ui.palette import COLORS
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
    N_("reconnects"), N_("suggestions / supports / telemetry"), N_("on"), N_("Settings from the environment"),
)
TOPICS = {"power": N_("Solar power"), "battery": N_("Battery"), "ports": N_("Charging ports"),
          "link": N_("Serial link"), "sync": N_("Sync"), "storage": N_("Storage")}
# The facts kiosk.core.diagnostics may state, marked for the catalogues.
FACTS = (
    N_("Charger fault: {error}"), N_("No reading from the charger"), N_("{watts} W from the solar panel"),
    N_("No reading from the battery"), N_("{percent} % charged, {volts} V"), N_("No port reported"),
    N_("Out of order: {ports}"), N_("{on} of {total} on"), N_("No power controller configured."),
    N_("Not connected: {links}"), N_("{ok} blocks read, {bad} damaged"), N_("Sync: not running."),
    N_("Last contact with the server: {time}"), N_("No server since {time}"), N_("{kib} KiB, {waiting} waiting to be sent"),
)
LAMPS = {OK: ("support", "✓"), WARN: ("caution", "!"), FAULT: ("warn", "✕")}  # else: muted, "?"
PORT_NAMES = {"LIGHT": N_("Light"), "ROUTER": N_("Router")}
SPEAKER_PROBLEMS = {"cannot start": N_("espeak-ng is not installed or has no voice for this language"),
                    "failed": N_("espeak-ng stopped with an error (see the log)")}  # kiosk.core.speech


def _value(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):  # a switch: a word, never "True"
        return _("on") if value else _("off")
    if isinstance(value, float):
        return f"{value:.2f}{unit}"
    return f"{value}{unit}"


class DiagnosticsScreen(KioskScreen):
    details = BooleanProperty(False)  # the raw figures, behind a second tap
    speaker_status = StringProperty("")  # what the speaker test found, "" before one

    def on_kv_post(self, *args: Any) -> None:
        self._tick = None
        self._cards = [Factory.LightCard() for _topic in TOPICS]
        for card in self._cards:
            self.ids.lights.add_widget(card)
        self._port_buttons: dict[str, Any] = {}
        self._build_ports()

    def _build_ports(self) -> None:
        """One toggle per port, made once: the refresh only changes texts (no widget churn each second)."""
        for name in SWITCHABLE_PORTS:
            button = Factory.QuietButton(size_hint=(None, None), width=196)  # six to a row
            button.bind(on_release=lambda _b, name=name: self._toggle(name))
            self._port_buttons[name] = button
            self.ids.ports.add_widget(button)

    def _toggle(self, name: str) -> None:
        port = self.app.power.ports.get(name)
        self.app.switch_port(name, port is None or port.state != "on")
        self._poll()

    def on_enter(self, *args: Any) -> None:
        if self.app.services.monitor is not None:
            self.app.update_power(self.app.services.monitor.status())
        self.refresh()
        self._tick = Clock.schedule_interval(lambda _dt: self._poll(), REFRESH_S)

    def on_leave(self, *args: Any) -> None:
        if self._tick is not None:
            self._tick.cancel()
        self.details = False
        self.speaker_status = ""

    def test_speaker(self) -> None:
        """A sentence through the audio guide's voice; the refresh then says whether it failed."""
        speech = self.app.services.speech
        if speech is None:
            self.speaker_status = _("No speaker on this bench.")
            return
        speech.say(_("This is the bench's speaker. If you can hear this, the audio guide can be heard too."),
                   self.app.language)
        self.speaker_status = _("Playing a test sentence. Can you hear it?")

    def _speaker_checked(self) -> None:
        speech = self.app.services.speech
        if self.speaker_status and speech is not None and speech.problem:
            problem = SPEAKER_PROBLEMS.get(speech.problem, speech.problem)
            self.speaker_status = _("The speaker does not work: {problem}").format(problem=_(problem))

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

    def lights(self) -> list[Light]:
        # Red at the battery's floor (the policy hibernates there), amber within twice the reserve
        # the policy keeps above it: the bench is shedding load to get through.
        app, floor = self.app, self.app.services.energy.floor_pct
        return summary(app.power, app.sync_state, app.store.backlog(), app.store.size_bytes(),
                       datetime.now(timezone.utc), warn_below_pct=floor + 2 * app.config_.energy.reserve_pct,
                       fault_below_pct=floor)

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
            f"{_('App version')}: {__version__}   {_('Bench')}: {config.bench_id} ({config.municipality})",
            f"{_('Configuration')}: {config.config_file or _('built-in defaults')}"
            + (f"; {_('Settings from the environment')}: {len(config.env_overrides)}" if config.env_overrides else ""),
            f"{_('Energy mode')}: {self.mode_name(app.energy_mode)}   {_('Frame rate now')}: {app.frames.fps:g}/s   "
            f"{_('Backlight')}: {_value(getattr(app.services.backlight, 'percent', None), ' %')}",
            self.plan_line(app.services.energy.report()),
            f"{_('Battery')}: {_value(power.battery_v, ' V')}  {_value(power.battery_a, ' A')}  "
            f"{_('Charge')}: {_value(power.soc_pct, ' %')}   {_('Solar')}: {_value(power.solar_w, ' W')}  "
            f"{_value(power.solar_v, ' V')}",
            f"{_('Charge state')}: {translated(CHARGE_STATES, power.charge_state) or '–'}   "
            f"{_('Error')}: {_value(power.error)}   {_('Load')}: {_value(power.load_on)}",
        ]
        for link in power.links.values():
            lines.append(f"{_('Serial link')} {link.name}: {_('connected') if link.connected else _('disconnected')}, "
                         f"{_('blocks')} {link.frames_ok} ok / {link.frames_bad} bad, hex {link.hex_messages}, "
                         f"{_('reconnects')} {link.reconnects}" + (f", {link.last_error}" if link.last_error else ""))
        sync = app.sync_state
        if sync is not None:
            lines.append(f"{_('Sync')}: {_('online') if sync.online else _('offline')}, "
                         f"{_('last success')} {local_time(sync.last_success_at)}, "
                         f"{_('next attempt')} {local_time(sync.next_attempt_at)}")
            if sync.last_error:
                lines.append(f"{_('Last sync error')}: {sync.last_error}")
        backlog = app.store.backlog()
        lines.append(f"{_('Waiting to be sent')}: {backlog['suggestions']} / {backlog['supports']} / "
                     f"{backlog['telemetry']} ({_('suggestions / supports / telemetry')})   "
                     f"{_('Store')}: {app.store.size_bytes() / 1024:.0f} KiB")
        return lines

    def refresh(self) -> None:
        for card, light in zip(self._cards, self.lights()):
            color, sign = LAMPS.get(light.level, ("muted", "?"))
            card.topic, card.lamp, card.sign = _(TOPICS[light.topic]), COLORS[color], sign
            card.fact = _(light.fact).format(**light.values)
        self.ids.info.text = "\n".join(self.lines())
        self._speaker_checked()
        known, controller = self.app.power.ports, self.app.services.monitor is not None
        for name, button in self._port_buttons.items():
            port = known.get(name)
            state = "–" if port is None else (_("out of order") if port.state == "fault" else _(port.state))
            amps = "" if port is None or port.current_a is None else f"  {port.current_a:.2f} A"
            label = _(PORT_NAMES[name]) if name in PORT_NAMES else name
            button.text = f"{label}: {state}{amps}"
            button.tone = "support" if port is not None and port.state == "on" else "quiet"
            button.disabled = not controller
