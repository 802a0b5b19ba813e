"""Reports for NGOs and the public: the queue as a table (no contact details), and the monthly
figures per municipality (ideas received and what became of them, the median time to a first
decision, supports, actions). The open-data page shows the same figures: counts only, nothing
about a person."""
from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..db import Database
from .moderation import QueueFilter, queue

EXPORT_COLUMNS = ("receipt", "municipality", "created_at", "received_at", "language", "state", "decline_reason",
                  "merged_into", "text")
SUMMARY_COLUMNS = ("month", "municipality", "received", "confirmed", "declined", "merged", "hidden", "open",
                   "median_hours_to_decision", "supports", "actions")


def export_rows(db: Database, f: QueueFilter, hidden_text: str, limit: int = 100_000) -> list[list[Any]]:
    """The queue as rows of EXPORT_COLUMNS: no contact details, hidden texts replaced."""
    return [[hidden_text if c == "text" and row["hidden_at"] else row[c] for c in EXPORT_COLUMNS]
            for row in queue(db, f, limit=limit)]


@dataclass
class MonthFigures:
    month: str          # YYYY-MM in Europe/Sarajevo
    municipality: str   # slug
    received: int = 0
    confirmed: int = 0
    declined: int = 0
    merged: int = 0
    hidden: int = 0
    open: int = 0
    hours_to_decision: list[float] = field(default_factory=list, repr=False)
    supports: int = 0
    actions: int = 0    # progress updates published on the municipality's initiatives

    @property
    def median_hours_to_decision(self) -> float | None:
        return round(statistics.median(self.hours_to_decision), 1) if self.hours_to_decision else None

    def row(self) -> list[Any]:
        return [self.month, self.municipality, self.received, self.confirmed, self.declined, self.merged, self.hidden,
                self.open, self.median_hours_to_decision, self.supports, self.actions]


def monthly_summary(db: Database, municipalities: Sequence[str], month_of: Callable[[str], str]) -> list[MonthFigures]:
    """Figures per (month, municipality), newest month first. An idea counts in the month it
    arrived, with the state it has now; `month_of` turns a stored UTC time into a local "YYYY-MM"."""
    marks = ", ".join("?" for _ in municipalities) or "NULL"
    figures: dict[tuple[str, str], MonthFigures] = {}

    def of(at: str, municipality: str) -> MonthFigures:
        key = (month_of(at), municipality)
        if key not in figures:
            figures[key] = MonthFigures(*key)
        return figures[key]

    for municipality, received_at, state, hidden_at, decided_at in db.execute(
            f"SELECT s.municipality, s.received_at, s.state, s.hidden_at, (SELECT min(a.at) FROM audit a "
            f"WHERE a.entity = 'suggestion' AND a.entity_id = s.id AND a.action IN ('status', 'hide')) "
            f"FROM suggestions s WHERE s.municipality IN ({marks})", list(municipalities)):
        month = of(received_at, municipality)
        month.received += 1
        if hidden_at:
            month.hidden += 1
        elif state == "received":
            month.open += 1
        else:
            setattr(month, state, getattr(month, state) + 1)
        if decided_at and (hidden_at or state != "received"):
            month.hours_to_decision.append((_parse(decided_at) - _parse(received_at)).total_seconds() / 3600)
    for municipality, at in db.execute(
            f"SELECT b.municipality, s.received_at FROM supports s JOIN benches b ON b.id = s.bench_id "
            f"WHERE b.municipality IN ({marks})", list(municipalities)):
        of(at, municipality).supports += 1
    for municipality, at in db.execute(
            f"SELECT i.municipality, u.at FROM initiative_updates u JOIN initiatives i ON i.id = u.initiative_id "
            f"WHERE i.municipality IN ({marks})", list(municipalities)):
        of(at, municipality).actions += 1
    by_place = sorted(figures.values(), key=lambda m: m.municipality)
    return sorted(by_place, key=lambda m: m.month, reverse=True)


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
