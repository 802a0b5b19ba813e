"""The rooms of the house and what each may import (docs/architecture.md), checked on the source.

Each rule is a function of a module's source, so the same check that walks the tree is shown to
catch a violation on a made-up module: a rule that cannot fail would prove nothing.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What SQL looks like in a string: a statement keyword followed by its clause keyword.
_SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                  r"CREATE\s+(UNIQUE\s+)?(TABLE|INDEX|VIEW|TRIGGER))\b", re.IGNORECASE | re.DOTALL)
_SQL_CALLS = {"execute", "executemany", "executescript", "query"}
_SQL_MODULES = {"sqlite3", "sqlite_utils"}


@dataclass(frozen=True)
class Rule:
    room: str                 # a package path, dotted ("kiosk.core")
    forbidden: frozenset[str]  # top-level or dotted module names it may not import
    no_sql: bool = False
    why: str = ""


RULES = (
    Rule("hardware", frozenset({"kiosk", "sync_server", "kivy"}),
         why="hardware is the bottom layer: no Kivy, no kiosk, no server"),
    Rule("sync_server", frozenset({"kiosk", "hardware", "kivy"}),
         why="the wire format in docs/api.md is all the server shares with the bench"),
    Rule("kiosk.core", frozenset({"kivy", "kiosk.ui"}),
         why="the bench's core logic runs and is tested without a window"),
    Rule("sync_server.web", frozenset(_SQL_MODULES), no_sql=True,
         why="pages call services; SQL lives in sync_server.services"),
    Rule("sync_server.fleet", frozenset(_SQL_MODULES | {"fastapi", "starlette", "jinja2"}), no_sql=True,
         why="the fleet logic is pure: data in, alerts, charts and metrics out"),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool) -> set[str]:
    """Every module a source imports, relative imports resolved against `module`."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def sql_in(source: str) -> list[str]:
    """SQL statements in string literals and calls of database methods, as short descriptions."""
    hits: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL.search(node.value):
            hits.append(f"line {node.lineno}: SQL text {node.value.strip()[:40]!r}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in _SQL_CALLS):
            hits.append(f"line {node.lineno}: .{node.func.attr}(...)")
    return hits


def violations(rule: Rule, module: str, source: str, is_package: bool = False) -> list[str]:
    if module != rule.room and not module.startswith(rule.room + "."):
        return []
    found = []
    for name in sorted(imported_modules(source, module, is_package)):
        if any(name == bad or name.startswith(bad + ".") for bad in rule.forbidden):
            found.append(f"{module} imports {name} ({rule.why})")
    if rule.no_sql:
        found.extend(f"{module}: {hit} ({rule.why})" for hit in sql_in(source))
    return found


def project_modules() -> list[tuple[str, Path]]:
    return [(module_name(path), path)
            for package in ("hardware", "kiosk", "sync_server")
            for path in sorted((ROOT / package).rglob("*.py"))]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.room)
def test_each_room_imports_only_what_it_may(rule: Rule) -> None:
    rooms = {module for module, _ in project_modules()}
    assert rule.room in rooms, f"{rule.room} is gone: update docs/architecture.md and this rule"
    problems = []
    for module, path in project_modules():
        problems += violations(rule, module, path.read_text(encoding="utf-8"), path.name == "__init__.py")
    assert problems == []


@pytest.mark.parametrize(("module", "source", "expected"), [
    ("hardware.link", "from kiosk.core import store\n", "hardware.link imports kiosk.core"),
    ("sync_server.wire", "import hardware.protocol\n", "sync_server.wire imports hardware.protocol"),
    ("kiosk.core.sync", "from kivy.clock import Clock\n", "kiosk.core.sync imports kivy.clock"),
    ("kiosk.core.sync", "from ..ui import app\n", "kiosk.core.sync imports kiosk.ui"),
    ("sync_server.web.phone", "def page(db):\n    return db.execute('SELECT 1 FROM x')\n", "SQL text"),
    ("sync_server.web.phone", "from ..db import x\nQ = '''\n  update benches set a = 1'''\n", "SQL text"),
    ("sync_server.fleet.alerts", "import sqlite3\n", "imports sqlite3"),
    ("sync_server.fleet.alerts", "from fastapi import Request\n", "imports fastapi"),
])
def test_the_rules_catch_a_violation(module: str, source: str, expected: str) -> None:
    found = [problem for rule in RULES for problem in violations(rule, module, source)]
    assert any(expected in problem for problem in found), found


def test_allowed_imports_are_not_flagged() -> None:
    """The other side of the proof: kiosk may import hardware, web may call a service."""
    assert [p for rule in RULES for p in violations(rule, "kiosk.core.energy", "from hardware import status\n")] == []
    assert [p for rule in RULES for p in violations(
        rule, "sync_server.web.phone", "from ..services import public\nx = public.page(db, 'select your town')\n")] == []


def test_test_modules_have_unique_names() -> None:
    """Test folders without __init__.py share one module namespace: two test_x.py there stop
    pytest's collection of the whole suite."""
    tests = ROOT / "tests"
    seen: dict[str, Path] = {}
    clashes = []
    for path in sorted(tests.rglob("test_*.py")):
        if (path.parent / "__init__.py").exists():
            continue
        if path.name in seen:
            clashes.append(f"{seen[path.name].relative_to(ROOT)} and {path.relative_to(ROOT)}")
        seen[path.name] = path
    assert clashes == []


STENCIL_VIEWS = re.compile(r"^\s*(ScrollView|RecycleView|StencilView):", re.MULTILINE)


def stencil_views_in(kv: str) -> list[str]:
    """Kivy's own scroll views in a kv source: they clip with a stencil, which on the bench's
    software renderer makes every scrolling frame ~10 % slower (docs/architecture.md); the kiosk
    uses its scissor-clipped ones."""
    return STENCIL_VIEWS.findall(kv)


def test_kiosk_screens_scroll_without_a_stencil() -> None:
    found = {path.name: stencil_views_in(path.read_text(encoding="utf-8"))
             for path in (ROOT / "kiosk" / "ui").rglob("*.kv")}
    assert {name: views for name, views in found.items() if views} == {}
    assert stencil_views_in("<A>:\n    ScrollView:\n        Label:\n") == ["ScrollView"], "the check can fail"
    assert stencil_views_in("<A>:\n    ClipScrollView:\n") == []
