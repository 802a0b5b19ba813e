"""KioskApp: the screens, the citizen's session, idle reset, live language, power and sync state.

Services are built in ``kiosk.composition`` and injected; screens call the App and never each other.
Work from other threads (power readings, sync rounds) reaches the UI through the Clock.
"""
from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, DictProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from hardware.commands import Command, SetPort
from hardware.status import PowerStatus
from kiosk.core.config import Config
from kiosk.core.energy import Backlight, EnergyPolicy, NullBacklight
from kiosk.core.energy_state import save_state
from kiosk.core.pin import check_pin
from kiosk.core.remote_settings import RemoteSettings
from kiosk.core.session import Session
from kiosk.core.store import BenchStore, telemetry_sample
from kiosk.i18n.translator import Translator
from kiosk.ui.frames import AfterStart, FrameGovernor, one_frame_in_flight
from kiosk.ui.guide import AudioGuide
from kiosk.ui.idle import IdleWatch
from kiosk.ui.names import LANGUAGE_NAMES
from kiosk.ui.screens import SCREENS, START, build_screen
from kiosk.ui.tr import tr
from kiosk.ui.widgets.choice_popup import ChoicePopup
from kiosk.ui.widgets.idle_warning import IdleWarning
from kiosk.ui.widgets.keyboard import OnScreenKeyboard

log = logging.getLogger(__name__)

UI_DIR = Path(__file__).resolve().parent
LARGE_TEXT_SCALE = 1.5
MAINTAINER_TAPS = 5
MAINTAINER_TAP_WINDOW_S = 3.0
POWER_REFRESH_S = 5.0
SECTION_OF = {"initiative": "initiatives", "thanks": "suggest"}  # a screen's tab in the top bar
TELEMETRY_EVERY_S = 60.0  # one power sample a minute for the fleet dashboard: enough for its charts


@dataclass
class Services:
    config: Config
    open_store: Callable[[], BenchStore]  # called once, at the store's first use (KioskApp.store)
    translator: Translator
    energy: EnergyPolicy
    backlight: Backlight = NullBacklight()
    monitor: Any = None  # hardware.link.PowerMonitor, or None without a controller
    sync: Any = None  # kiosk.core.sync.SyncClient once attached (App.attach_sync), None when not syncing
    speech: Any = None  # kiosk.core.speech.Speaker, or None: the audio guide stays silent


def keep_what_start_up_made() -> None:
    """The last job after the first frame: what start-up made (Kivy, the screens, the catalogues)
    lives as long as the kiosk, so it is taken out of the garbage collector's reach. A full
    collection walked it all and took 100-150 ms, a frame stalled in the middle of scrolling
    (benchmarks/kiosk_app.py, max frame time); it now walks only what came since. Start-up's
    garbage is collected first (a pause at rest, once)."""
    gc.collect()
    gc.freeze()


class KioskApp(App):
    language = StringProperty("bs")
    text_scale = NumericProperty(1.0)
    large_text = BooleanProperty(False)
    power = ObjectProperty(PowerStatus())
    sync_state = ObjectProperty(None, allownone=True)
    energy_mode = StringProperty("normal")
    hibernating = BooleanProperty(False)  # the energy plan stopped the App to hibernate the bench
    store_version = NumericProperty(0)  # bumps when synced data changed: lists reload
    ports = DictProperty()
    section = StringProperty("")  # the top bar's tab marked as current

    def __init__(self, services: Services, *, idle_warning_s: float = 30.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.config_ = services.config
        self._store: BenchStore | None = None
        self._idle_warning: IdleWarning | None = None
        self.session = Session()
        self.idle_warning_s = idle_warning_s
        self._logo_taps: list[float] = []
        self._telemetry_at = float("-inf")
        self.language = services.config.default_language
        self.at_rest = True  # on the start screen, nobody using the bench (a plain bool: threads read it)
        self.after_start = AfterStart()
        self.after_start.add(lambda: self.store)  # the first thing after the first frame
        self.after_start.add(lambda: self.idle_warning)
        tr.switch(services.translator, self.language)

    @property
    def store(self) -> BenchStore:
        """The bench's store, opened at its first use: just after the first frame, which the start
        screen draws without it (opening it imports sqlite-utils, 50 ms), or as soon as anything
        needs it. Only the UI thread uses it; the sync thread opens its own."""
        if self._store is None:
            self._store = self.services.open_store()
        return self._store

    @property
    def idle_warning(self) -> IdleWarning:
        """The "are you still there?" prompt, made at its first use (after the first frame: its
        widgets took 15-30 ms of the start)."""
        if self._idle_warning is None:
            self._idle_warning = IdleWarning()
        return self._idle_warning

    # --- building and lock-down --------------------------------------------------------------

    def build(self) -> ScreenManager:
        self.title = "Smart Bench"
        from kiosk.ui.widgets import clipped, hideable, inputs, keyboard, qr  # noqa: F401 - defines the classes kv uses

        Builder.load_file(str(UI_DIR / "widgets" / "common.kv"))  # before any screen: their rules use its classes

        Window.clearcolor = (0, 0, 0, 1)
        # Bound before the App's own touch handler, so that one runs first (Kivy calls the last
        # bound first) and every touch counts against the idle reset, also those the guide takes.
        speech = self.services.speech
        self.guide = AudioGuide(self, speak=speech.say if speech else lambda *_: None,
                                silence=speech.stop if speech else lambda: None)
        Window.bind(on_request_close=lambda *_: True, on_touch_down=self._on_any_touch,
                    on_key_down=self._on_any_key)
        self.frames = FrameGovernor(self.services.energy.plan.max_fps)
        one_frame_in_flight(Window)
        self.idle = IdleWatch(self.config_.idle_timeout_s, self.idle_warning_s, on_warn=self._idle_warn,
                              on_calm=self._idle_calm, on_expire=self.reset_session)
        manager = ScreenManager(transition=NoTransition())
        manager.add_widget(build_screen(START))
        self.manager = manager
        self._start_services()
        for name in SCREENS:  # built before anyone goes there, unless someone is quicker
            self.after_start.add(lambda name=name: self.screen(name))
        for language in self.services.translator.languages:  # then a switch to it does not wait
            self.after_start.add(lambda language=language: self.services.translator.prepare(language))
        self.after_start.add(keep_what_start_up_made)
        return manager

    def screen(self, name: str) -> Any:
        """The screen called ``name``, built now if it was not yet."""
        if not self.manager.has_screen(name):
            self.manager.add_widget(build_screen(name))
        return self.manager.get_screen(name)

    def _start_services(self) -> None:
        services = self.services
        if services.monitor is not None:
            # Blocks arrive about once a second; the screen only needs a fresh look now and then.
            Clock.schedule_interval(lambda _dt: self.update_power(services.monitor.status()), POWER_REFRESH_S)

    def attach_sync(self, sync: Any) -> None:
        """The sync client (``kiosk.core.sync.SyncClient``), handed over once the first frame is
        drawn (``kiosk.composition``): its state shown, the energy plan's interval, the remote
        settings followed; then it runs."""
        self.services.sync = sync
        sync.on_change = self._on_sync_thread
        sync.set_interval(self.services.energy.plan.sync_interval_s)
        self.sync_state = sync.state()
        self.follow(sync.remote_settings)
        # A new release waits until nobody is using the bench: read from the sync thread.
        sync.updater.may_switch = lambda: self.at_rest
        sync.start()

    def follow(self, remote: RemoteSettings) -> None:
        """Apply each new version of the remote settings while running (from the sync thread)."""
        remote.subscribe(lambda config: Clock.schedule_once(lambda _dt: self.apply_config(config)))

    def apply_config(self, config: Config) -> None:
        """New settings without a restart: the idle timeout from the next touch on, the energy
        thresholds from the next power reading, the PIN at the next try, the languages at once."""
        self.config_ = self.services.config = config
        self.idle.timeout_s = config.idle_timeout_s
        self.services.energy.thresholds = config.energy
        if config.languages != self.services.translator.languages:
            self.services.translator = Translator(config.languages)
            self.manager.get_screen("attract").show_languages()
            self.set_language(self.language if self.language in config.languages else config.default_language)

    def on_stop(self) -> None:
        if self.services.sync is not None:
            self.services.sync.stop()

    # --- touches, idle and the frame rate ----------------------------------------------------

    def _on_any_touch(self, *args: Any) -> bool:
        self.frames.woken()
        was_warning = self.idle.warning
        self.idle.touched()
        return was_warning  # the tap that dismisses the warning does nothing else

    def _on_any_key(self, *args: Any) -> bool:
        self.frames.woken()
        self.idle.touched()
        return False

    def _idle_warn(self, seconds_left: int) -> None:
        first = self.idle_warning.get_parent_window() is None
        self.idle_warning.show(seconds_left, self.idle.warning_s)
        if first and self.guide.on:
            self.guide.say(self.guide.screen_text())  # the warning, read to who cannot see it

    def _idle_calm(self) -> None:
        if self._idle_warning is not None:  # not made yet: nothing to take down
            self._idle_warning.dismiss()

    def reset_session(self) -> None:
        """Back to the start for the next person: the session and all typing are wiped
        (saved suggestions are in the store already)."""
        self.session = Session()
        self.guide.stop(quietly=True)
        for screen in self.manager.screens:
            screen.on_reset()
        self.set_language(self.config_.default_language)
        OnScreenKeyboard.reset_all(self.language)
        self.set_large_text(False)
        self.go("attract")

    # --- navigation and settings -------------------------------------------------------------

    def go(self, name: str, **kwargs: Any) -> None:
        screen = self.screen(name)
        screen.prepare(**kwargs)
        self.manager.current = name
        self.section = SECTION_OF.get(name, name)
        self.at_rest = name == "attract"
        if name == "attract":
            self.idle.disarm()  # nothing to wipe, nobody to warn
        else:
            self.idle.touched()
        self.frames.woken()

    def set_language(self, language: str) -> None:
        if language not in self.services.translator.languages:
            return
        tr.switch(self.services.translator, language)
        self.language = language

    def choose_language(self) -> None:
        options = [(code, LANGUAGE_NAMES[code]) for code in self.services.translator.languages]
        ChoicePopup(tr._("Language"), options, self.set_language, selected=self.language).open(animation=False)

    def set_large_text(self, on: bool) -> None:
        self.large_text = on
        self.text_scale = LARGE_TEXT_SCALE if on else 1.0

    def logo_tapped(self) -> None:
        """Five quick taps on the attract screen's logo open the maintainer's PIN pad. Only there
        (the top bar's logo is a plain label): mid-session it would throw a citizen's typing away."""
        now = time.monotonic()
        self._logo_taps = [t for t in self._logo_taps if now - t < MAINTAINER_TAP_WINDOW_S] + [now]
        if len(self._logo_taps) >= MAINTAINER_TAPS:
            self._logo_taps = []
            self.go("pin")

    def pin_ok(self, pin: str) -> bool:
        return check_pin(pin, self.config_.diagnostics_pin_hash)

    # --- power and sync from their threads ---------------------------------------------------

    def update_power(self, status: PowerStatus) -> None:
        """A new power status: show it and let the energy policy act on it."""
        self.power = status
        self.ports = {name: port for name, port in status.ports.items() if name != "LIGHT"}
        self._record_telemetry(status)
        change = self.services.energy.update(status, time.monotonic())
        if change is None:
            return
        plan = change.plan
        self.energy_mode = plan.mode
        self.services.backlight.set_percent(plan.backlight_pct)
        self.frames.set_active_fps(plan.max_fps)
        if self.services.sync is not None:
            self.services.sync.set_interval(plan.sync_interval_s)
        for command in change.commands:
            self.send_to_board(command)
        if change.hibernate is not None:
            self.hibernate()

    def hibernate(self) -> None:
        """The energy plan hibernates the bench: keep its state for the wake and stop cleanly;
        the composition root then exits with HIBERNATE_EXIT_STATUS so that the system powers
        down before the port board cuts the power (docs/operations.md, docs/energy.md)."""
        save_state(self.config_.data_dir, self.services.energy.state())
        self.hibernating = True
        self.stop()

    def _record_telemetry(self, status: PowerStatus) -> None:
        """Keep a sample for the sync client to upload, once the controller has said anything."""
        now = time.monotonic()
        if status.frames_ok == 0 or now - self._telemetry_at < TELEMETRY_EVERY_S:
            return
        self._telemetry_at = now
        sample = telemetry_sample(status, datetime.now(timezone.utc))
        estimate = self.services.energy.estimate
        if estimate.pct is not None and estimate.source != "voltage":
            sample["soc_pct"] = estimate.pct  # the shunt's, or the kiosk's own count: better than a board's guess
        self.store.add_telemetry([sample])

    def switch_port(self, port: str, on: bool) -> bool:
        return self.send_to_board(SetPort(port, on))

    def send_to_board(self, command: Command) -> bool:
        monitor = self.services.monitor
        if monitor is None:
            return False
        try:
            monitor.send(command)
        except Exception as error:  # the link may be down; the maintainer sees the port state
            log.warning("cannot send %r: %s", command.line(), error)
            return False
        return True

    def _on_sync_thread(self, state: Any) -> None:
        Clock.schedule_once(lambda _dt: self._apply_sync(state))

    def _apply_sync(self, state: Any) -> None:
        previous = self.sync_state
        self.sync_state = state
        if state.online and (previous is None or previous.last_success_at != state.last_success_at):
            self.store_version += 1

    def suggestion_saved(self) -> None:
        if self.services.sync is not None:
            self.services.sync.wake()
