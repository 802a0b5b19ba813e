"""Docs that are tested: every route, command-line subcommand and setting is written in docs/.

The lists come from the running code (the app's routes, the argparse parsers, the settings
classes), not from a list kept by hand, so a new route or option that nobody documented fails
here. Each checker is also shown to fail on the real docs with one mention taken out.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CLI_PACKAGES = ("hardware", "kiosk", "sync_server")


def docs_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md")))


# --- what the code has -----------------------------------------------------------------------

def server_routes(tmp_path: Path) -> set[str]:
    from sync_server.app import create_app

    return route_paths(create_app(tmp_path / "docs-check.db").routes)


def route_paths(routes: Iterable[object]) -> set[str]:
    paths = set()
    for route in routes:
        if hasattr(route, "effective_candidates"):  # FastAPI resolves included routers lazily
            paths |= route_paths(route.effective_candidates())
        elif getattr(route, "path", ""):
            paths.add(route.path)
    return paths


def subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    """Every subcommand of a parser, nested ones as "outer inner"."""
    found: set[str] = set()
    for action in parser._actions:  # argparse keeps its subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.add(prefix + name)
                found |= subcommands(sub, prefix + name + " ")
    return found


def cli_parser(package: str) -> argparse.ArgumentParser:
    if package == "sync_server":
        from sync_server.cli import build_parser
        from sync_server.settings import Settings

        return build_parser(Settings())
    if package == "kiosk":
        return importlib.import_module("kiosk.__main__").parser()
    return importlib.import_module("hardware.__main__").build_parser()


def cli_subcommands(package: str) -> set[str]:
    return subcommands(cli_parser(package))


def setting_names(settings_class: type) -> set[str]:
    if hasattr(settings_class, "model_fields"):  # pydantic
        return set(settings_class.model_fields)
    return {field.name for field in dataclasses.fields(settings_class)}


def kiosk_setting_names() -> set[str]:
    """The keys of a bench's config file: top-level ones and those of its tables."""
    from kiosk.core.config import Config

    keys = set()
    for field in dataclasses.fields(Config):
        if field.name in {"config_file", "env_overrides"}:  # where values came from, not settings
            continue
        if dataclasses.is_dataclass(field.default):
            keys |= {f"{field.name}.{sub.name}" for sub in dataclasses.fields(field.default)}
        else:
            keys.add(field.name)
    return keys


# --- how the docs must mention them ----------------------------------------------------------

def route_pattern(path: str) -> re.Pattern[str]:
    """`/i/{initiative_id}` is documented as `/i/<id>`, `/i/{id}` or `/i/<initiative id>`."""
    parts = re.split(r"\{[^}]+\}", path)
    placeholder = r"(?:<[^>\n]+>|\{[^}\n]+\}|:\w+)"
    return re.compile(placeholder.join(re.escape(part) for part in parts) + r"(?![\w/-])")


def missing_routes(text: str, routes: Iterable[str]) -> list[str]:
    return sorted(path for path in routes if not route_pattern(path).search(text))


def missing_subcommands(text: str, package: str, names: Iterable[str]) -> list[str]:
    """A subcommand is documented by a line that runs it: `python -m PKG ... NAME`."""
    lines = [line for line in text.splitlines() if re.search(rf"-m {package}\b|smart-bench-", line)]
    return sorted(name for name in names
                  if not any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", line) for line in lines))


def missing_settings(text: str, names: Iterable[str], env_prefix: str = "SMART_BENCH_") -> list[str]:
    """A setting is documented by its name in backticks or by its environment variable."""
    missing = []
    for name in names:
        leaf = name.rsplit(".", 1)[-1]
        env = env_prefix + name.replace(".", "_").upper()
        if f"`{name}`" not in text and f"`{leaf}`" not in text and env not in text and f"{leaf} =" not in text:
            missing.append(name)
    return sorted(missing)


# --- the checks ------------------------------------------------------------------------------

def test_every_route_is_documented(tmp_path: Path) -> None:
    assert missing_routes(docs_text(), server_routes(tmp_path)) == []


@pytest.mark.parametrize("package", CLI_PACKAGES)
def test_every_subcommand_is_documented(package: str) -> None:
    assert missing_subcommands(docs_text(), package, cli_subcommands(package)) == []


def test_every_server_setting_is_documented() -> None:
    from sync_server.settings import Settings

    assert missing_settings(docs_text(), setting_names(Settings)) == []


def test_every_bench_setting_is_documented() -> None:
    assert missing_settings(docs_text(), kiosk_setting_names()) == []


# --- the checks can fail ---------------------------------------------------------------------

def without(text: str, word: str) -> str:
    return text.replace(word, "")


def test_an_undocumented_route_is_caught(tmp_path: Path) -> None:
    routes = server_routes(tmp_path)
    assert "/api/v1/suggestions" in routes
    assert missing_routes(without(docs_text(), "/api/v1/suggestions"), routes) == ["/api/v1/suggestions"]
    assert missing_routes("see `/i/<id>`", ["/i/{initiative_id}"]) == []
    assert missing_routes("see `/i/<id>/join`", ["/i/{initiative_id}"]) == ["/i/{initiative_id}"]


def test_an_undocumented_subcommand_is_caught() -> None:
    names = cli_subcommands("sync_server")
    assert "add-bench" in names
    assert missing_subcommands(without(docs_text(), "add-bench"), "sync_server", names) == ["add-bench"]
    # A word in prose is not a command line.
    assert missing_subcommands("Serve the pages.", "sync_server", ["serve"]) == ["serve"]


def test_an_undocumented_setting_is_caught() -> None:
    from sync_server.settings import Settings

    names = setting_names(Settings)
    assert "max_batch_items" in names
    text = without(without(docs_text(), "max_batch_items"), "SMART_BENCH_MAX_BATCH_ITEMS")
    assert missing_settings(text, names) == ["max_batch_items"]
