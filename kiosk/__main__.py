"""The kiosk's command line:

    python -m kiosk [--config FILE] [--window]    the kiosk (full screen unless --window)
    python -m kiosk [--config FILE] sync --once   one sync round (--config may also follow ``sync``)
    python -m kiosk [--config FILE] sync --forever   sync rounds without a window, until stopped
    python -m kiosk [--config FILE] supervise [-- ARGS]   the kiosk run from its current release,
                                                  switched and rolled back (kiosk.core.supervisor)
    python -m kiosk demo [...]                    a whole bench on this machine (kiosk.demo)
    python -m kiosk hash-pin                      a diagnostics_pin_hash line for the config
    python -m kiosk say --language LANG TEXT --out FILE.wav
                                                  the kiosk's speech of TEXT in a WAV file (kiosk.say)

This module only reads arguments; ``kiosk.composition`` builds the services and runs them.
"""
from __future__ import annotations

import argparse
import getpass
import sys

import kiosk
from kiosk import demo, say
from kiosk.composition import run_kiosk, run_supervisor, run_sync_forever, run_sync_once
from kiosk.core.config import ConfigError, load_config
from kiosk.core.logs import setup_logging
from kiosk.core.pin import make_pin_hash

MIN_PIN_DIGITS = 4


class _VersionAction(argparse.Action):
    """``--version``: the version is looked up only when asked for (``kiosk.__version__`` imports
    importlib.metadata, 20 ms that a start of the kiosk need not pay)."""

    def __init__(self, option_strings: list[str], dest: str, **_kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        print(kiosk.__version__)  # on stdout, as argparse's own version action does
        parser.exit()


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m kiosk")
    cli.add_argument("--version", action=_VersionAction)
    cli.add_argument("--config", metavar="FILE", help="TOML config file (optional)")
    cli.add_argument("--window", action="store_true", help="a 1280x800 window instead of full screen")
    sub = cli.add_subparsers(dest="command")
    sync = sub.add_parser("sync", help="run one sync round and exit, or rounds without a window")
    how = sync.add_mutually_exclusive_group(required=True)
    how.add_argument("--once", action="store_true")
    how.add_argument("--forever", action="store_true",
                     help="sync rounds until stopped, without a window (a bench whose screen is off)")
    sync.add_argument("--interval", type=float, metavar="S", help="seconds between rounds with --forever")
    # Also after the subcommand; SUPPRESS keeps a --config given before it when none follows.
    sync.add_argument("--config", default=argparse.SUPPRESS, metavar="FILE", help="TOML config file (optional)")
    demo.add_arguments(sub.add_parser("demo", help="the bench with a local server and a simulated controller"))
    sub.add_parser("hash-pin", help="ask for a diagnostics PIN twice and print its config line")
    say.add_arguments(sub.add_parser("say", help="write the kiosk's speech of TEXT to a WAV file"))
    supervise = sub.add_parser("supervise", help="run the kiosk from its current release, switch to new "
                                                 "ones and roll back those that fail their trial")
    supervise.add_argument("kiosk_args", nargs=argparse.REMAINDER,
                           help="after --: the kiosk's arguments (default: the full-screen window)")
    return cli


def hash_pin() -> int:
    pin = getpass.getpass("Diagnostics PIN: ")
    if not pin.isdigit() or len(pin) < MIN_PIN_DIGITS:
        print(f"The PIN must be at least {MIN_PIN_DIGITS} digits.", file=sys.stderr)
        return 1
    if getpass.getpass("Again: ") != pin:
        print("The two PINs differ.", file=sys.stderr)
        return 1
    print(f'diagnostics_pin_hash = "{make_pin_hash(pin)}"')
    return 0


def main(argv: list[str] | None = None) -> int:
    cli = parser()
    args = cli.parse_args(argv)
    if args.command == "supervise" and "--config" in args.kiosk_args:
        cli.error("give --config before supervise: the supervisor reads it, and passes it on to the kiosk")
    if args.command == "hash-pin":
        return hash_pin()
    if args.command == "say":
        return say.main(args)
    setup_logging()  # text, or JSON lines with SMART_BENCH_LOG_FORMAT=json
    if args.command == "demo":
        return demo.main(args)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command == "sync":
        return run_sync_once(config) if args.once else run_sync_forever(config, args.interval)
    if args.command == "supervise":
        kiosk_args = [arg for arg in args.kiosk_args if arg != "--"] or (["--window"] if args.window else [])
        return run_supervisor(config, ["--config", args.config, *kiosk_args] if args.config else kiosk_args)
    return run_kiosk(config, fullscreen=not args.window)


if __name__ == "__main__":
    sys.exit(main())
