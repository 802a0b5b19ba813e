"""The composition root is the one way in: the command line and the demo import no Kivy (so the
Window cannot exist before Kivy is configured), nothing imports the command line (the demo once
did, a cycle), and the demo's kiosk window configures Kivy exactly once. The runtime checks run in
a fresh interpreter, whose modules and Kivy configuration are its own."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("SMART_BENCH_")}
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_HOME=str(tmp_path / "kivy"),
               KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update({node.module, *(f"{node.module}.{alias.name}" for alias in node.names)})
    return found


def test_nothing_imports_the_command_line() -> None:
    importers = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "kiosk").rglob("*.py"))
                 if path.name != "__main__.py" and "kiosk.__main__" in imported_modules(path)]
    assert importers == []


def test_the_command_line_and_the_demo_import_no_kivy(tmp_path: Path) -> None:
    done = python("import sys\n"
                  "import kiosk.__main__, kiosk.demo\n"
                  "print(sorted(name for name in sys.modules if name.split('.')[0] == 'kivy'))\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_demo_window_configures_kivy_once(tmp_path: Path) -> None:
    done = python("import kiosk.ui.kivy_setup as setup\n"
                  "calls = []\n"
                  "configure = setup.configure_kivy\n"
                  "setup.configure_kivy = lambda **kw: (calls.append(kw), configure(**kw))\n"
                  "from kiosk import demo\n"
                  f"status = demo.run_kiosk_window({{'SMART_BENCH_DATA_DIR': {str(tmp_path / 'bench')!r}}},\n"
                  "                                fullscreen=False, exit_after=0.5)\n"
                  "print(status, calls)\n", tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "0 [{'fullscreen': False}]"
