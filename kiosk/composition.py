"""The kiosk's composition root: the one place that builds a bench's services from its ``Config``
(local store, sync client, power monitor, energy policy, backlight, translator, the audio guide's
speaker) and runs what uses them: the Kivy App (``run_kiosk``), one sync round (``run_sync_once``),
sync rounds without a window (``run_sync_forever``) or the supervisor that runs the kiosk from its
current release (``run_supervisor``). ``kiosk.__main__`` and ``kiosk.demo`` both come here; nothing
here reads the command line.

Kivy is configured here, once, before anything imports its Window: that is why the UI modules are
imported inside ``run_kiosk`` and not at the top.
"""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Callable

from hardware.link import PowerMonitor
from kiosk.core.config import Config
from kiosk.core.energy import EnergyPolicy, detect_backlight
from kiosk.core.energy_state import load_state
from kiosk.core.remote_settings import RemoteSettings
from kiosk.core.speech import Speaker
from kiosk.core.store import BenchStore
from kiosk.core.supervisor import Supervisor
from kiosk.i18n.translator import Translator

if TYPE_CHECKING:
    from kiosk.core.sync import SyncClient
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
        remote = RemoteSettings(config)
        config = remote.current  # the remote settings applied last time, from the first frame
        energy = energy_policy(config)
        speech = Speaker()  # the audio guide's voice on the bench's audio output
        cleanup.callback(speech.close)
        app = KioskApp(Services(config=config, open_store=lambda: cleanup.enter_context(BenchStore(config.store_path)),
                                translator=Translator(config.languages), energy=energy,
                                backlight=detect_backlight(), monitor=monitor, speech=speech))
        if on_start is not None:
            on_start(app)
        if config.token:
            # Made once the first frame is drawn: the HTTP stack's import (70 ms) and the first
            # round (a feed to read and store) would otherwise hold that frame back.
            app.after_start.add(lambda: app.attach_sync(sync_client(config, energy, remote)))
        with stopped_by_signals(app):
            app.run()
    if app.hibernating:
        log.info("hibernating: exit status %d asks the system to power down", HIBERNATE_EXIT_STATUS)
        return HIBERNATE_EXIT_STATUS
    return 0


def sync_client(config: Config, energy: EnergyPolicy, remote: RemoteSettings) -> SyncClient:
    """The kiosk's sync client; the energy plan goes to the server in every health report (the
    fleet dashboard shows it)."""
    from kiosk.core.sync import SyncClient

    return SyncClient(config, health=lambda: {"energy_plan": energy.report()}, remote_settings=remote)


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


@contextmanager
def stopped_by_signals(app: KioskApp) -> Iterator[None]:
    """SIGTERM (the service manager) and SIGINT stop the App as a close would: the main loop
    ends, then the sync thread, the links and the store are closed. The lock-down refuses a close
    from the screen only. The first frame is logged as it is drawn, so a supervisor (and
    benchmarks/kiosk_app.py, timing the start) sees the kiosk is up."""
    from kivy.clock import Clock
    from kivy.core.window import Window

    from kiosk.ui.frames import when_first_frame_drawn

    def stop(reason: str) -> None:
        log.info("stopping: %s", reason)
        app.stop()

    def on_signal(signum: int, frame: object) -> None:  # on the main thread, between two bytecodes
        Clock.schedule_once(lambda _dt: stop(signal.Signals(signum).name))

    previous = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
    when_first_frame_drawn(Window, lambda: log.info("kiosk up: first frame drawn"))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_sync_once(config: Config) -> int:
    """``python -m kiosk sync --once``: 0 when a whole round succeeded, 1 when the server could
    not be reached or refused, with the reason on stderr."""
    from kiosk.core.sync import SyncClient, SyncFailed  # where used: the window's start needs neither

    with BenchStore(config.store_path) as store:
        try:
            report = SyncClient(config).run_once(store)
        except SyncFailed as error:
            log.error("sync failed: %s", error)
            return 1
    log.info("sync done: sent %s, rejected %s, %d initiative changes",
             report.sent, report.rejected, report.initiatives_changed)
    return 0


def run_sync_forever(config: Config, interval_s: float | None = None) -> int:
    """``python -m kiosk sync --forever``: the sync thread without a window, until SIGTERM or Ctrl-C."""
    from kiosk.core.sync import SyncClient

    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    client = SyncClient(config)
    if interval_s is not None:
        client.set_interval(interval_s)
    client.start()
    stop.wait()
    client.stop()
    return 0


def run_supervisor(config: Config, kiosk_args: Sequence[str]) -> int:
    """``python -m kiosk supervise``: the kiosk (``python -m kiosk`` + ``kiosk_args``) run from the
    current release under ``data_dir``, until SIGTERM."""
    return Supervisor(config.data_dir, kiosk_args, config.update_trial_s).run()
