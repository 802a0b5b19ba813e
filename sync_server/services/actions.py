"""Actions people join: dated events of an initiative in progress (when, where, what is needed, how
many people), and the joins from benches and browsers. A join changes the initiative's count, so
it bumps the initiative's change number and benches pull the new count."""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from ..auth import Bench
from ..clock import LOCAL_TIME, ago_iso, iso, now_iso, utcnow
from ..db import Database, next_seq, transaction
from ..wire import JoinIn, Rejection, check_join
from . import audit
from .errors import InvalidInput, NotFound
from .intake import intake
from .notices import MailLinks, initiative_title, queue_mail
from .people import require_moderator

ACTION_STATUS = "in_progress"  # an initiative "turned into an action"
MAX_PLACE, MAX_NEEDED, MAX_EMAIL = 200, 1000, 254
REMIND_BEFORE = timedelta(hours=24)  # "the action you joined is near"
FORGET_AFTER_S = 24 * 3600  # reminder addresses are erased a day after the event started
EVENT_COLUMNS = ("id", "initiative_id", "starts_at", "place", "needed", "people_wanted", "join_count")


def local_to_utc(value: str) -> str:
    """'2026-12-12T10:00' (Sarajevo wall time, as a datetime-local field sends it) as canonical UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise InvalidInput("the time must be YYYY-MM-DD HH:MM") from None
    # moderators type Sarajevo wall time; the database keeps UTC
    return iso(moment.replace(tzinfo=LOCAL_TIME) if moment.tzinfo is None else moment)


def _bump(db: Database, initiative_id: str) -> None:
    db.execute("UPDATE initiatives SET seq = ? WHERE id = ?", [next_seq(db), initiative_id])


def add_event(db: Database, actor: str, initiative_id: str, *, starts_at_local: str, place: str,
              needed: str = "", people_wanted: int | None = None) -> str:
    """A new event of an action; the initiative must be in progress. Returns the event's id."""
    starts_at = local_to_utc(starts_at_local)
    place, needed = place.strip(), needed.replace("\r\n", "\n").strip()
    if not place or len(place) > MAX_PLACE or len(needed) > MAX_NEEDED:
        raise InvalidInput(f"an event needs a place (at most {MAX_PLACE} characters); what is needed: "
                           f"at most {MAX_NEEDED}")
    if people_wanted is not None and not 1 <= people_wanted <= 100000:
        raise InvalidInput("the number of people wanted must be between 1 and 100000")
    if starts_at <= now_iso():
        raise InvalidInput("an event must start in the future")
    event_id = str(uuid.uuid4())
    with transaction(db):
        row = db.execute("SELECT municipality, status FROM initiatives WHERE id = ?", [initiative_id]).fetchone()
        if row is None or row[1] == "deleted":
            raise NotFound(f"no initiative {initiative_id}")
        require_moderator(db, actor, row[0])
        if row[1] != ACTION_STATUS:
            raise InvalidInput("only an initiative in progress (an action) has events")
        db.execute("INSERT INTO action_events (id, initiative_id, starts_at, place, needed, people_wanted, "
                   "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [event_id, initiative_id, starts_at, place, needed, people_wanted, actor, now_iso()])
        _bump(db, initiative_id)
        audit.record(db, actor, "initiative", initiative_id, "event-add", None, event_id, f"{starts_at} {place}")
    return event_id


def cancel_event(db: Database, actor: str, event_id: str) -> None:
    with transaction(db):
        event = _event_row(db, event_id)
        require_moderator(db, actor, event["municipality"])
        db.execute("UPDATE action_events SET cancelled_at = ? WHERE id = ?", [now_iso(), event_id])
        _bump(db, event["initiative_id"])
        audit.record(db, actor, "initiative", event["initiative_id"], "event-cancel", event_id, None)


def _event_row(db: Database, event_id: str) -> dict[str, Any]:
    row = db.execute(
        "SELECT e.initiative_id, i.municipality, i.status, e.starts_at FROM action_events e "
        "JOIN initiatives i ON i.id = e.initiative_id WHERE e.id = ? AND e.cancelled_at IS NULL",
        [event_id]).fetchone()
    if row is None:
        raise NotFound(f"no event {event_id}")
    return dict(zip(("initiative_id", "municipality", "status", "starts_at"), row))


_SELECT_EVENTS = ("SELECT e.id, e.initiative_id, e.starts_at, e.place, e.needed, e.people_wanted, "
                  "(SELECT count(*) FROM event_joins j WHERE j.event_id = e.id) FROM action_events e ")


def events_of(db: Database, initiative_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The upcoming events of these initiatives, soonest first, with their join counts."""
    if not initiative_ids:
        return {}
    marks = ", ".join("?" for _ in initiative_ids)
    out: dict[str, list[dict[str, Any]]] = {}
    for row in db.execute(_SELECT_EVENTS + f"WHERE e.initiative_id IN ({marks}) AND e.cancelled_at IS NULL "
                          "AND e.starts_at > ? ORDER BY e.starts_at", [*initiative_ids, now_iso()]):
        event = dict(zip(EVENT_COLUMNS, row))
        out.setdefault(event.pop("initiative_id"), []).append(event)
    return out


def upcoming_actions(db: Database, municipality: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Upcoming events of visible actions, soonest first; `municipality` keeps the network-wide ones too."""
    where, params = ["e.cancelled_at IS NULL", "e.starts_at > ?", "i.status = ?"], [now_iso(), ACTION_STATUS]
    if municipality:
        where.append("(i.municipality = ? OR i.municipality IS NULL)")
        params.append(municipality)
    rows = db.execute(_SELECT_EVENTS + "JOIN initiatives i ON i.id = e.initiative_id WHERE "
                      + " AND ".join(where) + " ORDER BY e.starts_at LIMIT ?", [*params, limit])
    return [dict(zip(EVENT_COLUMNS, row)) for row in rows]


def _joinable(db: Database, event_id: str, municipality: str | None) -> str | None:
    """Why this event cannot be joined (None: it can). `municipality` None: from any browser."""
    try:
        event = _event_row(db, event_id)
    except NotFound:
        return "unknown_event"
    if event["status"] != ACTION_STATUS or event["starts_at"] <= now_iso():
        return "event_over"
    if municipality is not None and event["municipality"] not in (None, municipality):
        return "unknown_event"
    return None


def join_from_web(db: Database, event_id: str, browser: str, email: str | None, language: str = "bs") -> bool:
    """One join per browser and event: True if counted now, False if this browser had joined.
    An e-mail (kept only with the citizen's consent, checked by the caller) is for a reminder in
    `language`, and is erased once the event is over (`remind_and_forget`)."""
    if email is not None and (len(email) > MAX_EMAIL or "@" not in email):
        raise InvalidInput("the e-mail address is not valid")
    with transaction(db):
        reason = _joinable(db, event_id, None)
        if reason:
            raise NotFound(reason)
        if db.execute("SELECT 1 FROM event_joins WHERE event_id = ? AND browser = ?", [event_id, browser]).fetchone():
            return False
        now = now_iso()
        db.execute("INSERT INTO event_joins (id, event_id, browser, email, language, created_at, received_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", [str(uuid.uuid4()), event_id, browser, email, language, now, now])
        _bump(db, _event_row(db, event_id)["initiative_id"])
    return True


def receive_joins(db: Database, bench: Bench, items: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """The one way in for a bench's "I'll join" taps; idempotent by item id, like supports."""
    checked: list[JoinIn | Rejection] = [check_join(item) for item in items]
    now = now_iso()

    def store(item: JoinIn) -> str | None:
        reason = _joinable(db, item.event_id, bench.municipality)
        if reason:
            return reason
        db.execute("INSERT INTO event_joins (id, event_id, bench_id, created_at, received_at) VALUES (?, ?, ?, ?, ?)",
                   [item.id, item.event_id, bench.id, item.created_at, now])
        _bump(db, _event_row(db, item.event_id)["initiative_id"])
        return None

    return intake(db, bench, "event_joins", checked, store)


def joins_export(db: Database, actor: str, initiative_id: str) -> list[dict[str, str]]:
    """Those who left an address to be reminded, per event, for the action's NGO; audited."""
    with transaction(db):
        row = db.execute("SELECT municipality FROM initiatives WHERE id = ? AND status != 'deleted'",
                         [initiative_id]).fetchone()
        if row is None:
            raise NotFound(f"no initiative {initiative_id}")
        require_moderator(db, actor, row[0])
        rows = db.execute("SELECT e.starts_at, e.place, j.email, j.created_at FROM event_joins j "
                          "JOIN action_events e ON e.id = j.event_id WHERE e.initiative_id = ? "
                          "AND j.email IS NOT NULL ORDER BY e.starts_at, j.created_at", [initiative_id]).fetchall()
        audit.record(db, actor, "initiative", initiative_id, "joins-export", note=f"{len(rows)} addresses")
    return [dict(zip(("starts_at", "place", "email", "joined_at"), r)) for r in rows]


def remind_and_forget(db: Database, mail: MailLinks | None) -> tuple[int, int]:
    """The periodic job: queue "the action you joined is near" for joins with an e-mail whose
    event starts within REMIND_BEFORE (once each), and erase the addresses of events that are
    over. Returns (reminders queued, addresses erased)."""
    soon = iso(utcnow() + REMIND_BEFORE)
    queued = 0
    with transaction(db):
        due = db.execute(
            "SELECT j.id, j.email, coalesce(j.language, i.original_language), e.initiative_id, e.starts_at, e.place "
            "FROM event_joins j JOIN action_events e ON e.id = j.event_id JOIN initiatives i ON i.id = e.initiative_id "
            "WHERE j.email IS NOT NULL AND j.reminded_at IS NULL AND e.cancelled_at IS NULL "
            "AND e.starts_at > ? AND e.starts_at <= ?", [now_iso(), soon]).fetchall()
        for join_id, email, language, initiative_id, starts_at, place in due:
            when = datetime.fromisoformat(starts_at.replace("Z", "+00:00")).astimezone(LOCAL_TIME)
            queued += queue_mail(db, mail, recipient=email, language=language, event="action_soon",
                                 values={"title": initiative_title(db, initiative_id, language),
                                         "when": when.strftime("%d.%m.%Y. %H:%M"), "place": place},
                                 status_path=f"/i/{initiative_id}")
            db.execute("UPDATE event_joins SET reminded_at = ? WHERE id = ?", [now_iso(), join_id])
        erased = db.execute(
            "UPDATE event_joins SET email = NULL WHERE email IS NOT NULL AND event_id IN "
            "(SELECT id FROM action_events WHERE starts_at < ? OR cancelled_at IS NOT NULL)",
            [ago_iso(FORGET_AFTER_S)]).rowcount
    return queued, erased
