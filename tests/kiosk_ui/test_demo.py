"""``python -m kiosk demo`` end to end, headless: the bench pulls the sample initiatives, sends
telemetry, and a suggestion saved on the bench reaches the server; stopped with SIGTERM (as
systemd or Ctrl-C would), it exits cleanly and no child process is left."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from kiosk.core.store import BenchStore
from tests.live_server import query

ROOT = Path(__file__).resolve().parents[2]
EXIT_AFTER_S = 90  # only if the test fails to stop it
TIMEOUT_S = 60  # the demo nudges its sync every 10 s; the first power sample is kept after 5 s


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        assert process.poll() is None, f"the demo ended before {what}:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} within {TIMEOUT_S} s:\n{log.read_text()[-3000:]}"
        time.sleep(0.5)


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        if text in args:
            found.append(args)
    return found


def test_demo_runs_the_whole_bench_and_leaves_no_process_behind(tmp_path):
    folder = tmp_path / "demo"
    log = tmp_path / "demo.log"
    bench_db, server_db = folder / "bench" / "bench.sqlite3", folder / "server.db"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "kiosk", "demo", "--headless", "--exit-after", str(EXIT_AFTER_S),
                                    "--dir", str(folder)], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: query(bench_db, "SELECT count(*) FROM initiatives") not in ([], [(0,)]),
                 "initiatives on the bench", process, log)
        with BenchStore(bench_db) as store:
            suggestion = store.add_suggestion("Više klupa u hladu kod Starog mosta", "bs")
        wait_for(lambda: query(server_db, "SELECT 1 FROM suggestions WHERE id = ?", suggestion.id) != []
                 and query(server_db, "SELECT 1 FROM telemetry") != [],
                 "suggestion and power sample on the server", process, log)
        process.send_signal(signal.SIGTERM)
        process.wait(TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = log.read_text()
    assert process.returncode == 0, text[-3000:]
    assert f"{folder}/controller" in text and "/fleet" in text and "admin /" in text

    visible = query(server_db, "SELECT id FROM initiatives WHERE municipality = 'mostar' OR municipality IS NULL")
    assert visible and sorted(query(bench_db, "SELECT id FROM initiatives")) == sorted(visible)
    samples = query(server_db, "SELECT battery_v, soc_pct FROM telemetry WHERE bench_id = 'demo-bench'")
    assert samples and samples[0][0] > 10, "no power sample from the simulated controller reached the server"
    assert query(server_db, "SELECT bench_id, text FROM suggestions WHERE id = ?", suggestion.id) == [
        ("demo-bench", "Više klupa u hladu kod Starog mosta")]
    assert processes_mentioning(str(folder)) == []
