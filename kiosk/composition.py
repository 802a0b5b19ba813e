"""The kiosk's composition root: the one place that builds a bench's services from its ``Config``
(local store, sync client, power monitor, energy policy, backlight, translator, the audio guide's
speaker) and runs what uses them: the Kivy App (``run_kiosk``) or one sync round
(``run_sync_once``). ``kiosk.__main__`` and ``kiosk.demo`` both come here; nothing here reads the
command line.

Kivy is configured here, once, before anything imports its Window: that is why the UI modules are
imported inside ``run_kiosk`` and not at the top.
"""
from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import TYPE_CHECKING, Callable

from hardware.link import PowerMonitor
from kiosk.core.config import Config
from kiosk.core.energy import EnergyPolicy, detect_backlight
from kiosk.core.energy_state import load_state
from kiosk.core.speech import Speaker
from kiosk.core.store import BenchStore
from kiosk.core.sync import SyncClient, SyncFailed
from kiosk.i18n.translator import Translator

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

HIBERNATE_EXIT_STATUS = 75  # the kiosk stopped for a controlled hibernation: power the computer down


def open_power_monitor(config: Config) -> PowerMonitor | None:
    """The monitor reading the controller's serial ports, started; None for a bench without any."""
    if not config.serial_ports:
        return None
    command = next((port.path for port in config.serial_ports if port.accepts_commands), None)
    return PowerMonitor([port.path for port in config.serial_ports], command_port=command).start()


def run_kiosk(config: Config, *, fullscreen: bool,
              on_start: Callable[[KioskApp], None] | None = None) -> int:
    """Run the kiosk window until it closes. ``on_start`` gets the App just before it runs (the
    demo and the benchmark schedule their own Clock events there)."""
    from kiosk.ui.kivy_setup import configure_kivy

    configure_kivy(fullscreen=fullscreen)
    from kiosk.ui.app import KioskApp, Services

    with ExitStack() as cleanup:
        monitor = open_power_monitor(config)
        if monitor is not None:
            cleanup.callback(monitor.close)
        store = cleanup.enter_context(BenchStore(config.store_path))
        energy = energy_policy(config)
        # The plan goes to the server in every health report (the fleet dashboard shows it).
        sync = SyncClient(config, health=lambda: {"energy_plan": energy.report()}) if config.token else None
        speech = Speaker()  # the audio guide's voice on the bench's audio output
        cleanup.callback(speech.close)
        app = KioskApp(Services(config=config, store=store, translator=Translator(config.languages),
                                energy=energy, backlight=detect_backlight(), monitor=monitor, sync=sync,
                                speech=speech))
        if on_start is not None:
            on_start(app)
        if sync is not None:
            sync.start()
        app.run()
    if app.hibernating:
        log.info("hibernating: exit status %d asks the system to power down", HIBERNATE_EXIT_STATUS)
        return HIBERNATE_EXIT_STATUS
    return 0


def energy_policy(config: Config) -> EnergyPolicy:
    """The energy policy for this bench's hardware, picking up the state a hibernation saved."""
    energy = EnergyPolicy(config.energy, profile=config.hardware_profile)
    state = load_state(config.data_dir, energy.clock())
    if state is not None:
        try:
            energy.restore(state)
        except (KeyError, TypeError, ValueError) as error:  # a state from another version
            log.warning("ignoring the saved energy state: %s", error)
            energy = EnergyPolicy(config.energy, profile=config.hardware_profile)
    return energy


def run_sync_once(config: Config) -> int:
    """``python -m kiosk sync --once``: 0 when a whole round succeeded, 1 when the server could
    not be reached or refused, with the reason on stderr."""
    with BenchStore(config.store_path) as store:
        try:
            report = SyncClient(config).run_once(store)
        except SyncFailed as error:
            log.error("sync failed: %s", error)
            return 1
    log.info("sync done: sent %s, rejected %s, %d initiative changes",
             report.sent, report.rejected, report.initiatives_changed)
    return 0
