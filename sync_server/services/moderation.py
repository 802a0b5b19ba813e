"""The moderation queue: finding suggestions within a moderator's scope, a page at a time, with
the totals per state and municipality. State changes go through services.suggestions and
services.decisions; exports are in services.reports."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..db import Database

FIELDS = ("id", "receipt", "municipality", "created_at", "received_at", "language", "text", "category",
          "initiative_id", "contact", "state", "decline_reason", "merged_into", "hidden_at", "source")
STATES = ("received", "confirmed", "declined", "merged")
# What the state filter offers: the four states (hidden texts left out), hidden texts alone, or all.
VIEWS = (*STATES, "hidden", "all")
# The order a moderator reads the queue in: by the date written on the bench, or by arrival.
SORTS = {"written": "created_at", "arrived": "received_at"}
PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    municipalities: Sequence[str]  # already limited to the moderator's scope
    view: str = "received"         # one of VIEWS
    date_from: str | None = None   # YYYY-MM-DD, inclusive, of the date written
    date_to: str | None = None
    search: str | None = None
    sort: str = "written"          # a key of SORTS
    oldest_first: bool = False
    exclude: tuple[str, ...] = field(default=())  # ids left out (the idea on screen in triage)


@dataclass(frozen=True)
class QueuePage:
    rows: list[dict[str, Any]]
    total: int      # suggestions matching the filter, all pages
    number: int     # 1-based, within 1..pages
    pages: int
    size: int

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def _where(f: QueueFilter) -> tuple[str, list[Any]]:
    clauses = [f"municipality IN ({', '.join('?' for _ in f.municipalities) or 'NULL'})"]
    params: list[Any] = list(f.municipalities)
    if f.view in STATES:
        clauses += ["state = ?", "hidden_at IS NULL"]
        params.append(f.view)
    elif f.view == "hidden":
        clauses.append("hidden_at IS NOT NULL")
    if f.date_from:
        clauses.append("created_at >= ?")
        params.append(f.date_from)
    if f.date_to:
        clauses.append("created_at < date(?, '+1 day')")
        params.append(f.date_to)
    if f.search:
        # hidden texts are not searched: their words must not leak through the results count
        clauses.append("(receipt = upper(?) OR (hidden_at IS NULL AND instr(lower(text), lower(?)) > 0))")
        params += [f.search.strip(), f.search.strip()]
    if f.exclude:
        clauses.append(f"id NOT IN ({', '.join('?' for _ in f.exclude)})")
        params += list(f.exclude)
    return " AND ".join(clauses), params


def _order(f: QueueFilter) -> str:
    direction = "ASC" if f.oldest_first else "DESC"
    return f"{SORTS.get(f.sort, 'created_at')} {direction}, id {direction}"


def queue(db: Database, f: QueueFilter, limit: int = PAGE_SIZE, offset: int = 0) -> list[dict[str, Any]]:
    where, params = _where(f)
    rows = db.execute(f"SELECT {', '.join(FIELDS)} FROM suggestions WHERE {where} ORDER BY {_order(f)} "
                      f"LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return [dict(zip(FIELDS, row)) for row in rows]


def count(db: Database, f: QueueFilter) -> int:
    where, params = _where(f)
    return db.execute(f"SELECT count(*) FROM suggestions WHERE {where}", params).fetchone()[0]


def queue_page(db: Database, f: QueueFilter, number: int, size: int = PAGE_SIZE) -> QueuePage:
    """One page of the queue; a page number past the end shows the last page."""
    total = count(db, f)
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    return QueuePage(queue(db, f, size, (number - 1) * size), total, number, pages, size)


def totals(db: Database, municipalities: Sequence[str]) -> dict[str, dict[str, int]]:
    """{municipality: {view: count}} for every view but "all", read from two indexes only."""
    marks = ", ".join("?" for _ in municipalities) or "NULL"
    out = {m: {v: 0 for v in VIEWS if v != "all"} for m in municipalities}
    for municipality, state, n in db.execute(
            f"SELECT municipality, state, count(*) FROM suggestions WHERE municipality IN ({marks}) "
            f"GROUP BY municipality, state", list(municipalities)):
        out[municipality][state] = out[municipality].get(state, 0) + n
    for municipality, state, n in db.execute(
            f"SELECT municipality, state, count(*) FROM suggestions "
            f"WHERE municipality IN ({marks}) AND hidden_at IS NOT NULL GROUP BY municipality, state",
            list(municipalities)):
        out[municipality][state] -= n
        out[municipality]["hidden"] += n
    return out


def new_count(db: Database, municipalities: Sequence[str]) -> int:
    """Suggestions waiting for a first decision (hidden ones are decided)."""
    return sum(t["received"] for t in totals(db, municipalities).values())


def get_suggestion(db: Database, suggestion_id: str) -> dict[str, Any] | None:
    row = db.execute(f"SELECT {', '.join(FIELDS)} FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    return dict(zip(FIELDS, row)) if row else None
