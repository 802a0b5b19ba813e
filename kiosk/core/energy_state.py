"""The energy policy's state on disk, so a hibernation (or a restart) does not forget the plan:
written atomically before the kiosk powers down, read when it starts again.

A state older than ``MAX_AGE`` is ignored: the bench was off for longer than any hibernation, and
counting across such a gap would be a guess (the charge count starts afresh from the voltage).
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FILE_NAME = "energy_state.json"
MAX_AGE = timedelta(days=8)  # a hibernation wakes within a week


def save_state(folder: Path, state: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{FILE_NAME}.{os.getpid()}"
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, folder / FILE_NAME)


def load_state(folder: Path, now: datetime) -> dict[str, Any] | None:
    """The saved state if there is a readable, recent one, else None (and why, in the log)."""
    path = folder / FILE_NAME
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        saved_at = datetime.fromisoformat(state["saved_at"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring the energy state in %s: %s", path, error)
        return None
    if not timedelta(0) <= now - saved_at <= MAX_AGE:
        log.warning("ignoring the energy state in %s: saved at %s", path, state["saved_at"])
        return None
    return state
