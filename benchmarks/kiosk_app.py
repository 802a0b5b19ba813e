"""What the kiosk costs a solar bench: start-up, whole-process idle CPU, scrolling, memory, next
to a stock Kivy window and a Chromium kiosk, in one run.

    .venv/bin/python benchmarks/kiosk_app.py [--seconds 60] [--initiatives 10000] [--idle-fps N]

The kiosk runs in a child process as the bench runs it (``kiosk.composition.run_kiosk``): its real
main loop and frame governor, offscreen through SDL + Mesa llvmpipe (no display needed), over a
store of N generated initiatives, with its sync thread talking to a real sync server on loopback
and a serial link to a simulated controller on a pseudo-terminal, fed at the real line rate (the
MPPT's and the port board's blocks once a second, 19200 baud, in the 16 ms packets of a USB
serial adapter). Figures printed:
- start to first frame: from starting ``python -m kiosk --window`` (through bench_start.py,
  configured by its environment as a bench is, with the same link, server and store) to its log
  line "kiosk up: first frame drawn", written as the first frame is drawn; the median of five
  starts, each stopped then; the project's bytecode compiled, as pip compiles a wheel it installs;
- whole-process CPU, in % of one core, on the attract screen, on the initiatives list, and on the
  list with the search field focused (a visitor walked off mid-typing), each over ``--seconds``
  once the governor has settled: all the child's threads (window, serial reader, sync), from
  /proc/<pid>/task/*/schedstat, so other work on the machine does not count;
- opening the list of N initiatives, and the frame times while scrolling through it (a brisk
  fling, frames unthrottled so a frame's time is its work): p50, p95, max (wall-clock);
- memory: PSS of the child (/proc/<pid>/smaps_rollup) on the attract screen, idle on the list,
  and after scrolling;
- anchors measured the same way in the same run: a stock Kivy window (one label, Kivy's defaults;
  also its start to first frame, the floor of any Kivy app here) and headless Chromium showing a
  static page like the attract screen (all its processes).
- all Kivy children import only what a bench has installed (deploy/constraints-bench.txt): this
  environment's server and test packages would otherwise be picked up (sqlite-utils imports pandas
  and numpy when it finds them).
The last line is the contract line:
``kiosk: whole-process idle <x> % (serial 19200 baud), scroll p95 <ms> ms, PSS <MiB> MiB, first frame <s> s``
(PSS: the largest of the three).
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tty
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterator

from bench_start import FIRST_FRAME, LACKS_VARIABLE, as_on_a_bench

ROOT = Path(__file__).resolve().parents[1]
BENCH_START = Path(__file__).resolve().with_name("bench_start.py")
SAMPLE = ROOT / "assets" / "sample" / "initiatives.json"
BENCH_CONSTRAINTS = ROOT / "deploy" / "constraints-bench.txt"
BENCH_PACKAGES = ("hardware", "kiosk")  # what the wheel's kiosk runs of this project
VENV_BASICS = {"pip", "setuptools", "wheel", "smart-bench"}  # in every venv, or the project itself
SCROLL_FRAMES = 300
SCROLL_MAX_S = 20.0  # on a machine too busy for 300 frames in this time, fewer frames are measured
QUIET_S = 10.0  # after a screen change: the governor settles and the last textures are drawn
IDLE_TIMEOUT_S = 90.0  # the kiosk's default: back to the start screen after this long untouched
SCROLL_ROWS_PER_FRAME = 2.0  # about two screens a second at 30 fps: a brisk fling
LINE_BYTES_PER_S = 19200 // 10  # 8N1: ten bit times per byte
USB_PACKET_S = 0.016  # a USB serial adapter hands bytes over in bursts (FTDI's latency timer)
ANCHOR_SETTLE_S = 5.0  # the anchors start up and go quiet
FIRST_FRAME_RUNS = 5  # one start in a few takes 0.2 s longer here (the disk): the median of five holds
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
STATIC_PAGE = """<!doctype html><html lang="bs"><meta charset="utf-8"><title>Smart Bench</title>
<body style="margin:0;background:#F4F1EA;font-family:sans-serif">
<header style="background:#17324D;color:#fff;padding:24px;font-size:40px">Smart Bench</header>
<main style="padding:40px;font-size:32px"><h1>Dobro došli · Добро дошли · Welcome</h1>
<p>Recite nam šta treba vašem naselju.</p><button style="font-size:32px;padding:20px">Bosanski</button>
<button style="font-size:32px;padding:20px">Hrvatski</button> <button style="font-size:32px;padding:20px">Српски</button>
<button style="font-size:32px;padding:20px">English</button></main></body></html>"""
WORDS = ("park", "klupe", "rasvjeta", "djeca", "igralište", "škola", "biblioteka", "most", "rijeka",
         "šetalište", "česma", "drveće", "smeće", "autobus", "stanica", "pješački", "prelaz", "mladi")


# --- the child: the kiosk with a scripted visitor --------------------------------------------

def generated_feed(count: int) -> dict[str, Any]:
    rng = random.Random(5)
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))["items"]
    items = []
    for index in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
        items.append({**sample[index % len(sample)], "id": str(uuid.UUID(int=rng.getrandbits(128))),
                      "support_count": rng.randrange(500),
                      "texts": {"bs": {"title": f"{title} {index}", "summary": " ".join(rng.choices(WORDS, k=12)),
                                       "body": ""}}})
    return {"items": items, "full": True}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache  # the same for every child of a run: the scan of installed packages is done once
def modules_a_bench_lacks() -> frozenset[str]:
    """Top-level modules installed here by distributions a bench does not have: this development
    environment has the server's and the tests' packages too, and some are imported when present
    (sqlite-utils imports pandas and numpy, Kivy Pillow; 40 MiB and 0.3 s at start). A bench has
    exactly deploy/constraints-bench.txt."""
    pinned = {canonical(line.split("==")[0]) for line in BENCH_CONSTRAINTS.read_text(encoding="utf-8").splitlines()
              if "==" in line and not line.startswith("#")}
    lacking: set[str] = set()
    for dist in importlib.metadata.distributions():
        if canonical(dist.metadata["Name"]) in pinned | VENV_BASICS:
            continue
        for file in dist.files or ():
            top = file.parts[0]
            if len(file.parts) > 1 and not top.endswith((".dist-info", ".data", ".libs")) and top != "..":
                lacking.add(top)
            elif len(file.parts) == 1 and file.suffix in (".py", ".so"):
                lacking.add(top.split(".")[0])
    return frozenset(lacking - {"__pycache__"})


def child(args: argparse.Namespace) -> None:
    """The kiosk as the bench runs it, with a serial link and a sync client, and a visitor."""
    as_on_a_bench()
    from kiosk.composition import run_kiosk
    from kiosk.core.config import Config, SerialPort

    config = Config(data_dir=Path(args.data_dir), serial_ports=(SerialPort(args.serial_port, True),),
                    server_url=args.server_url, token=os.environ["BENCH_TOKEN"])
    run_kiosk(config, fullscreen=False, on_start=lambda app: visit(app, args))


def visit(app: Any, args: argparse.Namespace) -> None:
    """Script the visitor's steps on the App's clock, once it starts."""
    from kivy.clock import Clock

    from kiosk.ui.frames import after_first_frame

    def say(event: str, **values: Any) -> None:
        print(json.dumps({"event": event, **values}), flush=True)

    def later(seconds: float):  # decorator: run the function that many seconds from now
        return lambda function: Clock.schedule_once(lambda _dt: function(), seconds)

    def script() -> Iterator[float]:
        """The visitor, as a generator: each yield is how long to wait before the next step."""
        yield QUIET_S
        say("attract-begin", threads={thread.native_id: thread.name for thread in threading.enumerate()})
        yield args.seconds
        say("attract-end")
        started = time.perf_counter()
        app.go("initiatives")
        say("list-opened", ms=(time.perf_counter() - started) * 1000)
        yield QUIET_S
        say("list-begin")
        yield args.seconds
        say("list-end")
        screen = app.screen("initiatives")
        screen.ids.search.focus = True  # a visitor tapped the search field, then walked off
        app.idle.touched()  # as the tap would: each phase ends before the idle reset
        app.frames.woken()
        yield QUIET_S
        say("typing-begin")
        yield args.seconds
        say("typing-end")
        screen.on_reset()
        yield 1.0  # the parent reads the memory now
        frame_times = yield from scroll()
        say("scrolled", frame_ms=frame_times)
        yield 1.0
        app.stop()

    def scroll() -> Iterator[float]:
        view = app.screen("initiatives").ids.list
        rows = max(1, len(view.keys))
        step = SCROLL_ROWS_PER_FRAME / rows
        app.frames.set_active_fps(0)
        app.frames.woken()
        times: list[float] = []
        last = [time.perf_counter()]

        ends_at = time.perf_counter() + SCROLL_MAX_S

        def done() -> bool:
            return len(times) > SCROLL_FRAMES or time.perf_counter() > ends_at

        def frame(_dt: float) -> bool:
            now = time.perf_counter()
            times.append((now - last[0]) * 1000)
            last[0] = now
            view.scroll_y = max(0.0, view.scroll_y - step)
            return not done()

        Clock.schedule_interval(frame, 0)
        while not done():
            yield 0.5
        app.frames.set_active_fps(args.active_fps)
        return times[1:]  # the first interval began before scrolling

    steps = script()

    def advance() -> None:
        try:
            delay = next(steps)
        except StopIteration:
            return
        later(delay)(advance)

    def on_start(_app: Any) -> None:
        app.frames.idle_fps = args.idle_fps or app.frames.idle_fps
        after_first_frame(advance)

    app.bind(on_start=on_start)


# --- the parent: starts the child and measures it --------------------------------------------

def cpu_ns_by_thread(pid: int) -> dict[str, int]:
    """CPU time of each of a process's threads so far, by thread id."""
    found: dict[str, int] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found[task.name] = int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):  # a thread that just ended
            pass
    return found


def cpu_ns(pid: int) -> int:
    return sum(cpu_ns_by_thread(pid).values())


def pss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no Pss line")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def descendants(pid: int) -> list[int]:
    """``pid`` and every process under it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_cpu_ns(pid: int) -> int:
    return sum(cpu_ns(each) for each in descendants(pid) if Path(f"/proc/{each}").exists())


def tree_pss_mib(pid: int) -> float:
    total = 0.0
    for each in descendants(pid):
        try:
            total += pss_mib(each)
        except (OSError, RuntimeError):  # gone, or a kernel thread
            pass
    return total


@contextmanager
def controller_on_pty() -> Iterator[str]:
    """A simulated controller on a pseudo-terminal at the real line rate: every second the MPPT's
    and the port board's blocks, written in USB packets at 1920 bytes/s. Yields the port's path;
    commands the kiosk sends are read and dropped."""
    from hardware.protocol import encode_block
    from hardware.simulator import BenchModel

    master, slave = os.openpty()
    tty.setraw(slave)
    stop = threading.Event()

    def run() -> None:
        model, packet = BenchModel(seed=7, start_hour=12), int(LINE_BYTES_PER_S * USB_PACKET_S)
        next_tick = time.monotonic()
        while not stop.is_set():
            data = b"".join(encode_block(fields) for fields in model.step(1.0))
            for start in range(0, len(data), packet):
                os.write(master, data[start:start + packet])
                stop.wait(USB_PACKET_S)
            while select.select([master], [], [], 0)[0]:
                os.read(master, 1024)
            next_tick += 1.0
            stop.wait(max(0.0, next_tick - time.monotonic()))

    writer = threading.Thread(target=run, name="controller", daemon=True)
    writer.start()
    try:
        yield os.ttyname(slave)
    finally:
        stop.set()
        writer.join()
        os.close(master)
        os.close(slave)


def sync_server(cleanup: ExitStack, folder: Path) -> tuple[str, str]:
    """A real sync server on loopback with the sample initiatives; returns its URL and a bench token."""
    from kiosk.demo import Children, prepare_server, start_server

    children = Children()
    cleanup.callback(children.stop)
    token = prepare_server(folder / "server.db")
    return start_server(children, folder / "server.db"), token


def server_cursor(server_url: str, token: str) -> str:
    request = urllib.request.Request(f"{server_url}/api/v1/initiatives", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["cursor"]


def quiet_environment(tmp: str) -> dict[str, str]:
    return dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_HOME=str(Path(tmp, "kivy")),
                KIVY_NO_CONFIG="1", KIVY_NO_FILELOG="1", KIVY_NO_CONSOLELOG="1", KIVY_CLIPBOARD="sdl2",
                **{LACKS_VARIABLE: ",".join(sorted(modules_a_bench_lacks()))})


def run_child(command: list[str], env: dict[str, str], on_event: Callable[[str, dict[str, Any], int], None],
              stderr: Path) -> int:
    """Run a child that prints JSON events on stdout; ``on_event(event, values, pid)`` for each."""
    with stderr.open("w") as sink:
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=sink, text=True, cwd=ROOT)
    try:
        for line in process.stdout:
            if line.startswith("{"):
                message = json.loads(line)
                on_event(message.pop("event"), message, process.pid)
        return process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def measure_kiosk(args: argparse.Namespace, tmp: str, cleanup: ExitStack) -> dict[str, Any]:
    from kiosk.core.store import BenchStore

    server_url, token = sync_server(cleanup, Path(tmp))
    data_dir = Path(tmp, "data")
    data_dir.mkdir()
    with BenchStore(data_dir / "bench.sqlite3") as store:
        # With the server's cursor, the kiosk's sync rounds bring only changes (none) and keep the
        # generated initiatives, instead of replacing them with the server's sample.
        store.apply_initiatives({**generated_feed(args.initiatives), "cursor": server_cursor(server_url, token)})
    serial_port = cleanup.enter_context(controller_on_pty())
    command = [sys.executable, __file__, "--child", "--data-dir", str(data_dir), "--seconds", str(args.seconds),
               "--idle-fps", str(args.idle_fps or 0), "--active-fps", str(args.active_fps),
               "--serial-port", serial_port, "--server-url", server_url]
    marks: dict[str, tuple[float, int]] = {}
    results: dict[str, Any] = {}

    def on_event(event: str, values: dict[str, Any], pid: int) -> None:
        marks[event] = (time.monotonic(), cpu_ns(pid))
        if event in ("attract-begin", "attract-end"):
            results[f"threads_{event}"] = cpu_ns_by_thread(pid)
        if event in ("attract-end", "list-end", "scrolled"):
            results[f"pss_{event}"] = pss_mib(pid)
        results[event] = values

    environment = {**quiet_environment(tmp), "BENCH_TOKEN": token}
    # The start is timed through the kiosk's own entry point, configured as a bench is: by its
    # environment (kiosk.core.config), with the same link, server and store as the child.
    bench = {**quiet_environment(tmp), "SMART_BENCH_DATA_DIR": str(data_dir), "SMART_BENCH_SERVER_URL": server_url,
             "SMART_BENCH_TOKEN": token, "SMART_BENCH_SERIAL_PORTS": serial_port,
             "SMART_BENCH_COMMAND_PORTS": serial_port}
    starts = first_frames_s([sys.executable, str(BENCH_START), "kiosk", "--window"], bench,
                            Path(tmp, "kiosk-start.stderr"))
    status = run_child(command, environment, on_event, Path(tmp, "kiosk.stderr"))
    if status != 0 or "scrolled" not in results:
        raise RuntimeError(f"the kiosk child failed (exit status {status}):\n"
                           + Path(tmp, "kiosk.stderr").read_text()[-3000:])

    def share(phase: str) -> float:
        (t0, c0), (t1, c1) = marks[f"{phase}-begin"], marks[f"{phase}-end"]
        return (c1 - c0) / 1e9 / (t1 - t0) * 100

    begin, end = results["threads_attract-begin"], results["threads_attract-end"]
    seconds = marks["attract-end"][0] - marks["attract-begin"][0]
    names = {str(tid): name for tid, name in results["attract-begin"]["threads"].items()}
    by_name: dict[str, float] = {}
    for tid, spent in end.items():  # threads Python did not start are the renderer's (llvmpipe)
        name = names.get(tid, "renderer")
        by_name[name] = by_name.get(name, 0.0) + (spent - begin.get(tid, 0)) / 1e9 / seconds * 100
    results["attract_threads"] = by_name
    return {**results, "first_frames_s": starts,
            **{f"cpu_{phase}": share(phase) for phase in ("attract", "list", "typing")}}


def first_frames_s(command: list[str], environment: dict[str, str], stderr: Path) -> list[float]:
    """Start to first frame of a child (``bench_start.py``): until it says FIRST_FRAME on stderr,
    FIRST_FRAME_RUNS times (see there why), each child stopped then."""
    times = []
    for _run in range(FIRST_FRAME_RUNS):
        started = time.monotonic()
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True, cwd=ROOT)
        lines = []
        try:
            for line in process.stderr:
                lines.append(line)
                if FIRST_FRAME in line:
                    times.append(time.monotonic() - started)
                    break
            else:
                stderr.write_text("".join(lines))
                raise RuntimeError(f"{command} ended before its first frame (exit status {process.wait()}):\n"
                                   + "".join(lines)[-3000:])
        finally:
            process.kill()
            process.wait()
    return times


def measure_idle_processes(commands: list[tuple[list[str], dict[str, str]]], seconds: float) -> list[tuple[float, float]]:
    """CPU share and PSS of each process with all its children, run side by side, idle for
    ``seconds`` once they have started and settled."""
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  cwd=ROOT, start_new_session=True) for command, env in commands]
    try:
        time.sleep(ANCHOR_SETTLE_S)
        t0, c0 = time.monotonic(), [tree_cpu_ns(process.pid) for process in processes]
        time.sleep(seconds)
        t1, c1 = time.monotonic(), [tree_cpu_ns(process.pid) for process in processes]
        return [((after - before) / 1e9 / (t1 - t0) * 100, tree_pss_mib(process.pid))
                for process, before, after in zip(processes, c0, c1)]
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def compiled_as_on_a_bench() -> None:
    """The project's bytecode, compiled as pip compiles a wheel it installs: in this editable
    checkout (and with PYTHONDONTWRITEBYTECODE) each start would compile its modules again, which
    cost 70 ms a start that no bench pays."""
    import compileall

    for package in BENCH_PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def parent(args: argparse.Namespace) -> int:
    load = os.getloadavg()
    compiled_as_on_a_bench()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp, ExitStack() as cleanup:
        kiosk = measure_kiosk(args, tmp, cleanup)
        cleanup.close()  # the server and the controller are not part of the anchors' runs
        stock = [sys.executable, str(BENCH_START), "stock"]
        stock_starts = first_frames_s(stock, quiet_environment(tmp), Path(tmp, "stock.stderr"))
        page = Path(tmp, "attract.html")
        page.write_text(STATIC_PAGE, encoding="utf-8")
        (stock_cpu, stock_pss), (chromium_cpu, chromium_pss) = measure_idle_processes([
            (stock, quiet_environment(tmp)),
            ([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp}/chromium",
              "--window-size=1280,800", page.as_uri()], dict(os.environ))], args.seconds)

    frames = kiosk["scrolled"]["frame_ms"]
    p95 = percentile(frames, 0.95)
    pss = max(kiosk["pss_attract-end"], kiosk["pss_list-end"], kiosk["pss_scrolled"])
    mode = f"frame governor, idle {args.idle_fps or 'default'} fps"
    print(f"Kiosk, offscreen SDL + Mesa llvmpipe, {args.initiatives} initiatives, {mode}, serial link at "
          "19200 baud (blocks once a second), sync thread with a server on loopback")
    print(f"  machine load average {load[0]:.1f} at start, {os.getloadavg()[0]:.1f} at the end "
          f"({os.cpu_count()} cores): frame times are wall-clock, CPU shares are the process's own")
    first_frame = percentile(kiosk["first_frames_s"], 0.5)
    print(f"  start to first frame                {first_frame:7.2f} s (median of {FIRST_FRAME_RUNS} starts: "
          + ", ".join(f"{value:.2f}" for value in kiosk["first_frames_s"]) + ")")
    print(f"  CPU, attract screen idle            {kiosk['cpu_attract']:7.3f} % of a core over {args.seconds:g} s "
          "(whole process: window, serial reader, sync)")
    threads = sorted(kiosk["attract_threads"].items(), key=lambda item: -item[1])
    print("    by thread: " + ", ".join(f"{name} {share:.3f} %" for name, share in threads if share >= 0.001))
    print(f"  CPU, initiatives list idle          {kiosk['cpu_list']:7.3f} % of a core over {args.seconds:g} s")
    print(f"  CPU, list with the search focused   {kiosk['cpu_typing']:7.3f} % of a core over {args.seconds:g} s "
          "(a visitor walked off mid-typing)")
    print(f"  opening the list                    {kiosk['list-opened']['ms']:7.0f} ms")
    print(f"  scrolling, frame time ({len(frames)} frames)  p50 {percentile(frames, 0.5):.1f} ms  "
          f"p95 {p95:.1f} ms  max {max(frames):.1f} ms")
    print(f"  memory (PSS)                        {kiosk['pss_attract-end']:7.0f} MiB on the attract screen, "
          f"{kiosk['pss_list-end']:.0f} MiB idle on the list, {kiosk['pss_scrolled']:.0f} MiB after scrolling")
    print(f"Stock Kivy window (one label, 60 fps)  CPU {stock_cpu:.3f} % of a core, PSS {stock_pss:.0f} MiB, "
          f"first frame {percentile(stock_starts, 0.5):.2f} s (median of {FIRST_FRAME_RUNS})")
    print(f"Chromium kiosk, headless, static page  CPU {chromium_cpu:.3f} % of a core, PSS {chromium_pss:.0f} MiB "
          "(all its processes)")
    print(f"kiosk: whole-process idle {kiosk['cpu_attract']:.2f} % (serial 19200 baud), scroll p95 {p95:.1f} ms, "
          f"PSS {pss:.0f} MiB, first frame {first_frame:.2f} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each idle measurement")
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--idle-fps", type=float, default=0, help="the governor's idle rate (default: its own)")
    parser.add_argument("--active-fps", type=float, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--serial-port", help=argparse.SUPPRESS)
    parser.add_argument("--server-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seconds + QUIET_S >= IDLE_TIMEOUT_S:
        parser.error(f"--seconds must be below {IDLE_TIMEOUT_S - QUIET_S:g}: a phase must end before the idle reset")
    if args.child:
        child(args)
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
