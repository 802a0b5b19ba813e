"""``python -m kiosk [--config FILE] [--window]`` runs the kiosk; ``python -m kiosk sync --once``
runs one sync round; ``python -m kiosk demo`` runs a whole bench on this machine (kiosk.demo).
Services are built here once and injected into the App."""
from __future__ import annotations

import argparse
import sys

from kiosk import __version__, demo
from kiosk.core.config import ConfigError, load_config
from kiosk.core.logs import setup_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--config", help="TOML config file (optional)")
    parser.add_argument("--window", action="store_true", help="a 1280x800 window instead of full screen")
    sub = parser.add_subparsers(dest="command")
    sync = sub.add_parser("sync", help="run one sync round and exit")
    sync.add_argument("--once", action="store_true", required=True)
    demo.add_arguments(sub.add_parser("demo", help="the bench with a local server and a simulated controller"))
    args = parser.parse_args(argv)
    setup_logging()  # text, or JSON lines with SMART_BENCH_LOG_FORMAT=json
    if args.command == "demo":
        return demo.main(args)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command == "sync":
        from kiosk.core.sync import run_sync_once

        return run_sync_once(config)
    return run_kiosk(config, fullscreen=not args.window)


def run_kiosk(config, *, fullscreen: bool) -> int:
    from kiosk.ui.kivy_setup import configure_kivy

    configure_kivy(fullscreen=fullscreen)
    from kiosk.core.energy import EnergyPolicy, detect_backlight
    from kiosk.core.store import BenchStore
    from kiosk.core.sync import SyncClient
    from kiosk.i18n.translator import Translator
    from kiosk.ui.app import KioskApp, Services

    monitor = None
    if config.serial_ports:
        from hardware.link import PowerMonitor

        command = next((port.path for port in config.serial_ports if port.accepts_commands), None)
        monitor = PowerMonitor([port.path for port in config.serial_ports], command_port=command).start()
    sync = SyncClient(config) if config.token else None
    with BenchStore(config.store_path) as store:
        services = Services(config=config, store=store, translator=Translator(config.languages),
                            energy=EnergyPolicy(config.energy), backlight=detect_backlight(),
                            monitor=monitor, sync=sync)
        app = KioskApp(services)
        if sync is not None:
            sync.start()
        try:
            app.run()
        finally:
            if monitor is not None:
                monitor.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
