"""Idempotent intake of a batch: the id made on the bench (or by the server, for the web form)
is the key."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from ..db import Database, transaction
from ..wire import Rejection


class Keyed(Protocol):
    id: str       # canonical, the storage key
    sent_id: Any  # as the bench wrote it, echoed back


class Sender(Protocol):
    @property
    def id(self) -> str | None: ...  # the bench's id; None for the web form


Item = TypeVar("Item", bound=Keyed)


def intake(db: Database, bench: Sender, table: str, items: Sequence[Item | Rejection],
           store: Callable[[Item], str | None]) -> dict[str, list[Any]]:
    """Run `store` (which inserts one new item, or returns a rejection reason) for every valid item
    not seen before, all in one transaction. An id this bench sent before answers accepted and
    keeps the first version stored; an id that belongs to another bench is rejected."""
    accepted: list[Any] = []
    rejected = [item.as_dict() for item in items if isinstance(item, Rejection)]
    with transaction(db):
        for item in items:
            if isinstance(item, Rejection):
                continue
            owner = db.execute(f"SELECT bench_id FROM {table} WHERE id = ?", [item.id]).fetchone()
            if owner is not None:
                reason = None if owner[0] == bench.id else "id_conflict"
            else:
                reason = store(item)
            if reason is None:
                accepted.append(item.sent_id)
            else:
                rejected.append({"id": item.sent_id, "reason": reason})
    return {"accepted": accepted, "rejected": rejected}
