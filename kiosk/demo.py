"""``python -m kiosk demo``: the whole bench on one machine, in one step.

In a fresh folder it makes a sync server database with the sample initiatives, a demo bench and
an admin account; starts the server on a free loopback port and a simulated power controller (a
sunny day at 60x speed) on a pseudo-terminal; then runs the kiosk window pointed at both, through
the same ``SMART_BENCH_*`` overrides a real bench can use. The server and the simulator are child
processes: they are stopped when the kiosk ends, on Ctrl-C, and if the kiosk crashes; the kernel
ends them too if this process dies outright (``PR_SET_PDEATHSIG``).

With no display (or ``--headless``) the window renders offscreen, so the demo also runs on a server
or in a test; ``--exit-after S`` ends it after S seconds.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from kiosk.composition import run_kiosk
from kiosk.core.config import load_config

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

BENCH_ID = "demo-bench"
MUNICIPALITY = "mostar"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "smart-bench-demo"  # a demo account on a loopback server, made fresh each run
SIMULATOR_SPEED = 60
# A real bench syncs every 5 minutes; the demo nudges its sync client more often so the web pages
# follow the bench while someone watches (a suggestion made on screen is sent at once anyway).
DEMO_SYNC_S = 10.0
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the demo process dies, however it dies."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _python(*args: str) -> list[str]:
    return [sys.executable, "-m", *args]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(ready: Callable[[], bool], process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"{what} ended at start (exit status {process.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {START_TIMEOUT_S:g} s")
        time.sleep(0.2)


def _healthy(url: str) -> bool:
    # Imported here: ``python -m kiosk`` imports this module for its arguments, and the kiosk's
    # start need not pay for the HTTP stack.
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class Children:
    """The demo's child processes, stopped in reverse order of start (SIGTERM, then SIGKILL)."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []

    def start(self, command: list[str], **kwargs: Any) -> subprocess.Popen:
        process = subprocess.Popen(command, preexec_fn=_die_with_parent, **kwargs)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


def prepare_server(db: Path) -> str:
    """The server database with the sample initiatives, the demo bench and the admin; returns
    the bench's token."""
    def run(*args: str, stdin: str | None = None) -> str:
        return subprocess.run(_python("sync_server", *args, "--db", str(db)), input=stdin, text=True,
                              capture_output=True, check=True).stdout

    run("load-sample")
    token = run("add-bench", BENCH_ID, "--municipality", MUNICIPALITY).strip()
    run("add-user", ADMIN_USER, "--role", "admin", stdin=ADMIN_PASSWORD + "\n")
    return token


def start_server(children: Children, db: Path) -> str:
    url = f"http://127.0.0.1:{_free_port()}"
    port = url.rsplit(":", 1)[1]
    server = children.start(_python("sync_server", "serve", "--db", str(db), "--host", "127.0.0.1",
                                    "--port", port, "--log-level", "warning"))
    _wait_until(lambda: _healthy(url), server, "the sync server")
    return url


def start_simulator(children: Children, link: Path) -> str:
    simulator = children.start(_python("hardware", "simulate", "--speed", str(SIMULATOR_SPEED),
                                       "--link", str(link)),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first_line = simulator.stdout.readline().strip()  # the link path, once the pty is open
    if not first_line:
        raise RuntimeError(f"the simulated controller ended at start (exit status {simulator.wait()})")
    return first_line


def bench_environment(folder: Path, server_url: str, token: str, serial_port: str) -> dict[str, str]:
    """The kiosk's configuration, as a real bench's environment overrides would give it."""
    return {"SMART_BENCH_BENCH_ID": BENCH_ID, "SMART_BENCH_MUNICIPALITY": MUNICIPALITY,
            "SMART_BENCH_SERVER_URL": server_url, "SMART_BENCH_TOKEN": token,
            "SMART_BENCH_SERIAL_PORTS": serial_port, "SMART_BENCH_COMMAND_PORTS": serial_port,
            "SMART_BENCH_DATA_DIR": str(folder / "bench")}


def _use_offscreen_window(folder: Path) -> None:
    os.environ.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1")
    os.environ.setdefault("KIVY_HOME", str(folder / "kivy"))


def _stop_on_signals() -> None:
    # SIGTERM ends the demo the way Ctrl-C does. SIGINT is set too, because a shell starting us in
    # the background (``&``) hands it over ignored.
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run_kiosk_window(overrides: dict[str, str], *, fullscreen: bool, exit_after: float | None) -> int:
    def demo_clock(app: KioskApp) -> None:
        from kivy.clock import Clock  # Kivy is configured by now

        def nudge(_dt: float) -> None:  # the sync client comes after the first frame
            if app.services.sync is not None:
                app.services.sync.wake()

        Clock.schedule_interval(nudge, DEMO_SYNC_S)
        if exit_after is not None:
            Clock.schedule_once(lambda _dt: app.stop(), exit_after)

    return run_kiosk(load_config(None, {**os.environ, **overrides}), fullscreen=fullscreen, on_start=demo_clock)


def print_guide(folder: Path, server_url: str, link: str) -> None:
    print(f"""Smart Bench demo (files in {folder})
  sync server    {server_url}/          public portal
                 {server_url}/login     moderation; log in as {ADMIN_USER} / {ADMIN_PASSWORD}
                 {server_url}/fleet     the maintainers' fleet dashboard
  controller     simulated on {link} (a sunny day at {SIMULATOR_SPEED}x speed)
  kiosk          bench {BENCH_ID!r} in {MUNICIPALITY}; diagnostics: tap the logo on the start screen 5 times, PIN 0000
Close the window or press Ctrl-C to stop everything.""", flush=True)


def main(args: argparse.Namespace) -> int:
    with ExitStack() as cleanup:
        if args.dir:
            folder = Path(args.dir).resolve()
            folder.mkdir(parents=True, exist_ok=True)
            if (folder / "server.db").exists():
                raise SystemExit(f"{folder} holds an earlier demo: give an empty folder")
        else:
            folder = Path(tempfile.mkdtemp(prefix="smart-bench-demo-"))
            cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        headless = args.headless or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if headless:
            _use_offscreen_window(folder)
        _stop_on_signals()
        children = Children()
        cleanup.callback(children.stop)
        try:
            db = folder / "server.db"
            token = prepare_server(db)
            server_url = start_server(children, db)
            link = start_simulator(children, folder / "controller")
            print_guide(folder, server_url, link)
            return run_kiosk_window(bench_environment(folder, server_url, token, link),
                                    fullscreen=args.fullscreen, exit_after=args.exit_after)
        except KeyboardInterrupt:
            return 0
        except (RuntimeError, subprocess.CalledProcessError) as error:
            print(f"the demo could not start: {error} {getattr(error, 'stderr', '') or ''}", file=sys.stderr)
            return 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--headless", action="store_true",
                        help="render offscreen (automatic when there is no display)")
    parser.add_argument("--fullscreen", action="store_true", help="full screen, as on a bench")
    parser.add_argument("--exit-after", type=float, metavar="S", help="stop everything after S seconds")
    parser.add_argument("--dir", help="keep the demo's files in this (empty) folder instead of a temporary one")
