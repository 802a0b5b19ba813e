"""The load benchmark still runs (a tiny fleet for a second), so its figures can be trusted to come."""
from __future__ import annotations

import ast
import re
import subprocess
import sys

from .conftest import ROOT


def test_server_load_benchmark_runs_and_reports_its_figures():
    result = subprocess.run(
        [sys.executable, "benchmarks/server_load.py", "--benches", "60", "--connections", "4",
         "--saturate-s", "1", "--steady-s", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "req/s" in result.stdout and "p99" in result.stdout
    assert "capacity:" in result.stdout
    statuses = [ast.literal_eval(found) for found in re.findall(r"statuses (\{[^}]*\})", result.stdout)]
    assert len(statuses) == 2 and all(set(phase) == {200} for phase in statuses)  # every request answered 200


def test_moderation_benchmark_runs_and_reports_its_figures():
    result = subprocess.run([sys.executable, "benchmarks/moderation.py", "--ideas", "300", "--decide", "3",
                             "--repeat", "2"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "before: 3.0 page loads, 4.0 requests per decided idea" in result.stdout
    assert "after:  1.0 page loads, 2.0 requests per decided idea" in result.stdout
    assert "queue: 300 suggestions waiting" in result.stdout
    assert re.search(r"^/moderation: median [\d.]+ ms, p95 [\d.]+ ms \(300 ideas\)$", result.stdout, re.M)
