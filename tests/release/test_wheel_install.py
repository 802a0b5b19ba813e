"""A release as a bench and a server get it: the sdist and the wheel built from this tree, the wheel
installed into fresh virtual environments (the bench's by ``deploy/install-bench.sh``, kiosk only),
and all three console scripts run from there in a temporary folder with no access to the source
tree: the server answers /healthz and a page, the installed link reads a simulated controller,
and the kiosk's offscreen window runs on it, syncs and reports the release's version. Then the unit files in
``deploy/systemd`` are checked by ``systemd-analyze`` against those installs.

Packages come from pip's usual index and cache (about a minute here, most of it pip)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import wave
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from live_server import free_port, query, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
PACKAGES = ("hardware", "kiosk", "sync_server")
TIMEOUT_S = 60
pytestmark = pytest.mark.timeout(600)


@dataclass(frozen=True)
class Release:
    wheel: Path
    sdist: Path
    server_bin: Path  # the server's virtual environment, bin/
    bench_prefix: Path  # what install-bench.sh made: releases/<version>, current
    home: Path  # a temporary folder, the working directory of everything run from the installs

    @property
    def bench_bin(self) -> Path:
        return self.bench_prefix / "current" / "bin"

    def run(self, *args: str | Path, check: bool = True,
            timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(a) for a in args], cwd=self.home, env=clean_environment(self.home),
                                capture_output=True, text=True, timeout=timeout)
        if check:
            assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
        return result


def clean_environment(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment without anything pointing at the source tree or the dev venv."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not key.startswith("SMART_BENCH_")}
    env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep)
                                  if not part.startswith(str(Path(sys.prefix))))
    env["HOME"] = str(home)
    return {**env, **extra}


def tracked_package_data() -> set[str]:
    """Every file of the three packages in git that is not Python: what the wheel must carry."""
    listed = subprocess.run(["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    return {name for name in listed if not name.endswith(".py")}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Release]:
    base = tmp_path_factory.mktemp("release")
    dist, home = base / "dist", base / "home"
    home.mkdir()
    # python -m build makes the sdist, then the wheel from the unpacked sdist: a file the sdist
    # forgets is missing from the wheel too.
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], check=True,
                   capture_output=True, timeout=300)
    wheel, = dist.glob("smart_bench-*.whl")
    sdist, = dist.glob("smart_bench-*.tar.gz")
    release = Release(wheel, sdist, base / "server-venv" / "bin", base / "bench", home)
    release.run(sys.executable, "-m", "venv", base / "server-venv")
    release.run(release.server_bin / "pip", "install", "-q", f"{wheel}[server]", timeout=300)
    release.run(ROOT / "deploy" / "install-bench.sh", "--no-system", "--prefix", release.bench_prefix, wheel,
                timeout=300)
    yield release


def test_the_wheel_and_sdist_carry_every_file_the_packages_read(release: Release) -> None:
    wheel_names = set(zipfile.ZipFile(release.wheel).namelist())
    missing = tracked_package_data() - wheel_names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    assert {"kiosk/ui/keyboards/cyrillic.json", "sync_server/web/static/style.css",
            "kiosk/ui/screens/suggest.kv", "sync_server/i18n/sr.po"} <= wheel_names
    info = zipfile.ZipFile(release.wheel).read(f"smart_bench-{VERSION}.dist-info/entry_points.txt").decode()
    for script in ("smart-bench-kiosk = kiosk.__main__:main", "smart-bench-server = sync_server.cli:main",
                   "smart-bench-hardware = hardware.__main__:main"):
        assert script in info
    with tarfile.open(release.sdist) as sdist:
        sdist_names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for needed in ("LICENSE", "pyproject.toml", "deploy/install-bench.sh", "deploy/constraints-bench.txt",
                   "deploy/systemd/smart-bench-server.service", "docs/operations.md"):
        assert needed in sdist_names, f"{needed} not in the sdist"
    assert tracked_package_data() <= sdist_names


def test_the_bench_install_is_the_kiosk_only_at_the_pinned_versions(release: Release) -> None:
    python = release.bench_bin / "python"
    where = release.run(python, "-c", "import kiosk, hardware; print(kiosk.__file__)").stdout.strip()
    assert where.startswith(str(release.bench_prefix)), where
    # One distribution holds all three packages; the server cannot run without its extra.
    for absent in ("fastapi", "uvicorn", "pytest", "playwright", "hypothesis"):
        result = release.run(python, "-c", f"import {absent}", check=False)
        assert result.returncode != 0, f"{absent} is installed on the bench"
    assert release.run(release.bench_bin / "smart-bench-kiosk", "--version").stdout.strip() == VERSION
    frozen = set(release.run(release.bench_bin / "pip", "freeze", "--exclude", "smart-bench").stdout.split())
    pinned = {line for line in (ROOT / "deploy" / "constraints-bench.txt").read_text().splitlines()
              if line and not line.startswith("#")}
    assert frozen == pinned, f"installed but not pinned: {sorted(frozen - pinned)}; pinned, not installed: " \
                             f"{sorted(pinned - frozen)} (regenerate deploy/constraints-bench.txt)"
    assert (release.bench_prefix / "current").resolve() == release.bench_prefix / "releases" / VERSION


def test_the_install_script_refuses_clearly_and_changes_nothing(release: Release) -> None:
    script = ROOT / "deploy" / "install-bench.sh"
    current = os.readlink(release.bench_prefix / "current")
    bogus = release.home / "notes.whl"
    bogus.write_text("not a wheel")
    for args, message in [((release.wheel,), f"{VERSION} is installed already"),
                          ((bogus,), "notes.whl is not a Smart Bench wheel"),
                          ((release.home / "missing.whl",), "no such file"),
                          ((), "usage: install-bench.sh")]:
        result = release.run(script, "--no-system", "--prefix", release.bench_prefix, *args, check=False)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
    assert os.readlink(release.bench_prefix / "current") == current
    assert sorted(p.name for p in (release.bench_prefix / "releases").iterdir()) == [VERSION]


def test_the_installed_kiosk_reads_its_catalogues_and_keyboards(release: Release) -> None:
    probe = ("from kiosk.i18n.translator import Translator\n"
             "from kiosk.ui.widgets.keyboard import load_layout\n"
             "t = Translator()\n"
             "print(t.gettext('sr', 'Are you still there?'))\n"
             "print(t.gettext('sr-Latn', 'Are you still there?'))\n"
             "print(load_layout('cyrillic')['normal_2'][1][1])\n")
    lines = release.run(release.bench_bin / "python", "-c", probe).stdout.splitlines()
    assert lines[:2] == ["Јесте ли још ту?", "Jeste li još tu?"]
    assert re.fullmatch(r"[\u0400-\u04ff]", lines[2]), lines[2]


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_the_installed_kiosk_speaks_through_its_own_code_path(release: Release) -> None:
    wav = release.home / "say.wav"
    release.run(release.bench_bin / "smart-bench-kiosk", "say", "--language", "sr", "Добар дан, ово је клупа.",
                "--out", wav)
    with wave.open(str(wav)) as sound:
        assert sound.getnframes() / sound.getframerate() > 1.0  # seconds of speech, not an empty file


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        assert process.poll() is None, f"ended before {what}:\n{log.read_text(errors='replace')[-3000:]}"
        assert time.monotonic() < deadline, \
            f"no {what} within {TIMEOUT_S} s:\n{log.read_text(errors='replace')[-3000:]}"
        time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_server_simulator_and_offscreen_kiosk_run_from_the_installs(release: Release) -> None:
    home, server = release.home, release.server_bin / "smart-bench-server"
    db = home / "server.db"
    release.run(server, "load-sample", "--db", db)
    token = release.run(server, "add-bench", "mostar-01", "--municipality", "Mostar", "--db", db).stdout.strip()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    logs = {name: home / f"{name}.log" for name in ("server", "simulator", "monitor", "kiosk")}
    processes: list[subprocess.Popen] = []

    def start(name: str, *args: str | Path, **env: str) -> subprocess.Popen:
        output = logs[name].open("w")
        process = subprocess.Popen([str(a) for a in args], cwd=home, env=clean_environment(home, **env),
                                   stdout=subprocess.PIPE if name in ("simulator", "monitor") else output,
                                   stderr=output, text=True)
        processes.append(process)
        return process

    try:
        serving = start("server", server, "serve", "--db", db, "--port", str(port), "--log-level", "warning")
        wait_healthy(url, process=serving)
        health = requests.get(f"{url}/healthz", timeout=5).json()
        assert health["version"] == VERSION and health["status"] == "ok"
        portal = requests.get(f"{url}/?lang=bs", timeout=5)
        assert portal.status_code == 200 and "<h1>Inicijative građana</h1>" in portal.text
        assert "[PRIMJER]" in portal.text  # the sample initiatives, from the installed server
        css = requests.get(f"{url}/static/style.css", timeout=5)
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]

        # The controller is hardware, not part of the install: its simulator (which needs the
        # `simulation` extra, pvlib) runs from the source tree. The installed link reads it.
        simulator = start("simulator", sys.executable, "-m", "hardware", "simulate", PYTHONPATH=str(ROOT))
        link = simulator.stdout.readline().strip()
        assert link.startswith("/dev/pts/"), link
        monitor = start("monitor", release.bench_bin / "smart-bench-hardware", "monitor", link, "--json")
        first = json.loads(monitor.stdout.readline())
        stop(monitor)  # the port is opened exclusively: the kiosk opens it next
        assert first["battery_v"] > 10 and first["frames_ok"] >= 1, first
        data = home / "bench"
        config = home / "kiosk.toml"
        config.write_text(f'bench_id = "mostar-01"\nmunicipality = "mostar"\nserver_url = "{url}"\n'
                          f'token = "{token}"\nserial_ports = ["{link}"]\ndata_dir = "{data}"\n')
        kiosk = start("kiosk", release.bench_bin / "smart-bench-kiosk", "--config", config, "--window",
                      SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_HOME=str(home / "kivy"))
        store = data / "bench.sqlite3"
        # The sync thread reports health and pulls initiatives; a telemetry row is written by the
        # window's own clock from the controller's values, so the UI is up and running.
        wait_for(lambda: query(db, "SELECT app_version FROM benches WHERE id = 'mostar-01'") == [(VERSION,)],
                 "health with the release's version on the server", kiosk, logs["kiosk"])
        wait_for(lambda: query(store, "SELECT count(*) FROM initiatives") not in ([], [(0,)]),
                 "initiatives on the bench", kiosk, logs["kiosk"])
        wait_for(lambda: query(store, "SELECT count(*) FROM telemetry") not in ([], [(0,)]),
                 "a power sample kept by the kiosk window", kiosk, logs["kiosk"])
        assert kiosk.poll() is None
        health_json, = query(db, "SELECT health FROM benches WHERE id = 'mostar-01'")[0]
        assert json.loads(health_json)["app_version"] == VERSION
    finally:
        for process in reversed(processes):
            stop(process)
    # Kivy logs its optional input providers' tracebacks (mtdev here); none may come from ours.
    kiosk_log = logs["kiosk"].read_text(errors="replace")
    ours = [line for line in kiosk_log.splitlines()
            if re.search(r'File ".*/site-packages/(kiosk|hardware)/', line)
            or re.match(r"(ERROR|CRITICAL) (kiosk|hardware)", line)]
    assert not ours, kiosk_log[-3000:]


def systemd_analyze(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["systemd-analyze", *map(str, args)], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_unit_files_verify_and_the_server_is_sandboxed(release: Release, tmp_path: Path) -> None:
    """The units name /opt/smart-bench/current; here that is the installs above (verify checks that
    ExecStart's program exists)."""
    units = tmp_path / "units"
    units.mkdir()
    server_venv = release.server_bin.parent
    for source in (ROOT / "deploy" / "systemd").glob("*.service"):
        venv = release.bench_prefix / "current" if "kiosk" in source.name else server_venv
        (units / source.name).write_text(source.read_text().replace("/opt/smart-bench/current", str(venv)))
    shutil.copy(ROOT / "deploy" / "systemd" / "smart-bench-backup.timer", units)
    names = sorted(path.name for path in units.iterdir())
    assert names == ["smart-bench-backup.service", "smart-bench-backup.timer", "smart-bench-kiosk.service",
                     "smart-bench-server.service"]
    verified = systemd_analyze("verify", *(units / name for name in names))
    assert verified.returncode == 0 and verified.stderr.strip() == "", verified.stderr
    security = systemd_analyze("security", "--offline=yes", units / "smart-bench-server.service")
    score = float(re.search(r"Overall exposure level for \S+: ([\d.]+)", security.stdout).group(1))
    assert score <= 3.0, security.stdout[-4000:]
    # And the check can fail: the units as they were in docs/operations.md score "UNSAFE".
    bare = units / "bare.service"
    bare.write_text(f"[Service]\nExecStart={server_venv}/bin/smart-bench-server serve\n")
    unsafe = systemd_analyze("security", "--offline=yes", bare)
    assert float(re.search(r"Overall exposure level for \S+: ([\d.]+)", unsafe.stdout).group(1)) > 9


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_the_install_script_passes_shellcheck() -> None:
    result = subprocess.run(["shellcheck", str(ROOT / "deploy" / "install-bench.sh")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout
