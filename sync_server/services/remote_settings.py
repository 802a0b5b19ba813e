"""Remote settings of benches: layers for the network, a municipality and a bench, merged for
each bench (the bench's own layer over its municipality's over the network's).

Every saved layer takes the next number of one counter, so a bench's merged version (the highest
of its three layers) only grows and tells it whether anything changed. The server checks only the
kind of each value (a number, a list of languages, a text); whether a value is acceptable (a range,
thresholds that fit together) is for the bench to judge on the merged result: the bench runs the
code the value is for, refuses what it cannot use and reports that in its health."""
from __future__ import annotations

import json
import math
import re
from typing import Any

from ..clock import now_iso
from ..db import Database, municipality_slugs, transaction
from . import audit
from .errors import InvalidInput, NotFound

SCOPES = ("network", "municipality", "bench")
NUMBER, WORDS, TEXT = "number", "words", "text"
# The keys a bench accepts remotely (docs/api.md, "Remote settings"), with the kind of value.
KEYS: dict[str, str] = {
    "idle_timeout_s": NUMBER,
    "languages": WORDS,
    "diagnostics_pin_hash": TEXT,
    **{f"energy.{name}": NUMBER for name in (
        "hibernate_pct", "reserve_pct", "relax_margin_pct", "resume_margin_pct", "min_dwell_s", "stale_after_s",
        "wake_hour", "wake_sync_s", "hibernate_grace_s", "latitude")},
}
_WORD = re.compile(r"^[A-Za-z][A-Za-z-]{0,15}$")


def parse_value(key: str, text: str) -> Any:
    """The value of ``key`` typed into a form; InvalidInput naming the key when it is not of its kind."""
    text = text.strip()
    kind = KEYS.get(key)
    if kind is None:
        raise InvalidInput(f"{key}: not a remote setting")
    if kind == NUMBER:
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise InvalidInput(f"{key}: not a number: {text!r}") from None
        if not math.isfinite(number):
            raise InvalidInput(f"{key}: not a number: {text!r}")
        return number
    if kind == WORDS:
        words = [word.strip() for word in text.split(",") if word.strip()]
        if not words or not all(_WORD.match(word) for word in words):
            raise InvalidInput(f"{key}: a comma-separated list such as bs, hr, sr, en")
        return words
    if not text.isprintable() or len(text) > 512:
        raise InvalidInput(f"{key}: one line of at most 512 characters")
    return text


def parse_form(fields: dict[str, str]) -> dict[str, Any]:
    """A layer's values from a form: an empty field inherits (is left out)."""
    return {key: parse_value(key, text) for key, text in fields.items() if key in KEYS and text.strip()}


def _check_target(db: Database, scope: str, target: str) -> str:
    if scope not in SCOPES:
        raise InvalidInput(f"scope: one of {', '.join(SCOPES)}")
    if scope == "network":
        return ""
    if scope == "municipality" and target not in municipality_slugs(db):
        raise NotFound(f"no municipality {target!r}")
    if scope == "bench" and not db.execute("SELECT 1 FROM benches WHERE id = ?", [target]).fetchone():
        raise NotFound(f"no bench {target!r}")
    return target


def save_layer(db: Database, scope: str, target: str, values: dict[str, Any], actor: str) -> int:
    """Replace one layer's values (checked with parse_value's kinds); returns its new version."""
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise InvalidInput(f"{unknown[0]}: not a remote setting")
    body = json.dumps(values, sort_keys=True, ensure_ascii=False)
    with transaction(db):
        target = _check_target(db, scope, target)
        db.execute("UPDATE counters SET value = value + 1 WHERE name = 'settings_seq'")
        version = db.execute("SELECT value FROM counters WHERE name = 'settings_seq'").fetchone()[0]
        db.execute("INSERT INTO remote_settings (scope, target, body, version, updated_at, updated_by) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, target) DO UPDATE SET body = excluded.body, "
                   "version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                   [scope, target, body, version, now_iso(), actor])
        audit.record(db, actor, "settings", f"{scope}:{target}", "save", None, str(version), body)
    return version


def layer(db: Database, scope: str, target: str) -> dict[str, Any] | None:
    row = db.execute("SELECT body, version, updated_at, updated_by FROM remote_settings WHERE scope = ? AND target = ?",
                     [scope, "" if scope == "network" else target]).fetchone()
    if row is None:
        return None
    return {"values": json.loads(row[0]), "version": row[1], "updated_at": row[2], "updated_by": row[3]}


def layers(db: Database) -> list[dict[str, Any]]:
    """Every saved layer, network first, then municipalities and benches by name."""
    order = "CASE scope WHEN 'network' THEN 0 WHEN 'municipality' THEN 1 ELSE 2 END, target"
    cursor = db.execute(f"SELECT scope, target, body, version, updated_at, updated_by FROM remote_settings ORDER BY {order}")
    return [{"scope": scope, "target": target, "values": json.loads(body), "version": version,
             "updated_at": at, "updated_by": by} for scope, target, body, version, at, by in cursor]


def for_bench(db: Database, bench_id: str, municipality: str) -> dict[str, Any]:
    """The merged settings a bench should run and their version (0 and nothing: none saved)."""
    rows = db.execute(
        "SELECT body, version FROM remote_settings WHERE scope = 'network' "
        "OR (scope = 'municipality' AND target = ?) OR (scope = 'bench' AND target = ?) "
        "ORDER BY CASE scope WHEN 'network' THEN 0 WHEN 'municipality' THEN 1 ELSE 2 END",
        [municipality, bench_id]).fetchall()
    values: dict[str, Any] = {}
    for body, _ in rows:
        values.update(json.loads(body))
    return {"version": max((version for _, version in rows), default=0), "values": values}
