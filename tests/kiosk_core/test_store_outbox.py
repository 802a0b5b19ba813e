"""The outbox: what a citizen leaves on the bench is kept safely until the server has it."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.core.store import MAX_TEXT_CHARS, BenchStore, InvalidItem, StoreError

INITIATIVE = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"
REPO = Path(__file__).resolve().parents[2]


def test_a_suggestion_goes_out_in_the_wire_shape(store: BenchStore) -> None:
    made = store.add_suggestion("  Vise kanti za smece u parku.\r\n", "bs", initiative_id=INITIATIVE.upper(),
                                category="čistoća")
    [item] = store.pending_batch("suggestions", 10)
    assert item == {"id": made.id, "created_at": made.created_at, "text": "Vise kanti za smece u parku.",
                    "language": "bs", "initiative_id": INITIATIVE, "receipt": made.receipt, "category": "čistoća"}
    assert uuid.UUID(item["id"]).version == 7
    assert datetime.fromisoformat(item["created_at"].replace("Z", "+00:00")).utcoffset().total_seconds() == 0


def test_text_is_stored_nfc_so_the_server_and_the_screen_agree(store: BenchStore) -> None:
    decomposed = "Z\u030cepc\u030ce"  # Žepče typed with combining carons
    assert store.add_suggestion(decomposed, "bs").text == "Žepče"


def test_contact_details_are_kept_only_with_consent(store: BenchStore) -> None:
    store.add_suggestion("Bez pristanka", "hr", contact="ana@example.ba", contact_consent=False)
    store.add_suggestion("Uz pristanak", "hr", contact="061 123 456", contact_consent=True)
    without, with_consent = store.pending_batch("suggestions", 10)
    assert "contact" not in without and "contact_consent" not in without
    assert with_consent["contact"] == "061 123 456" and with_consent["contact_consent"] is True
    on_disk = b"".join(p.read_bytes() for p in store.path.parent.iterdir() if p.name.startswith(store.path.name))
    assert b"061 123 456" in on_disk and b"ana@example.ba" not in on_disk
    assert store.recent_suggestions(2)[1].contact is None


@pytest.mark.parametrize("text, reason", [("", "empty_text"), ("  \n\t ", "empty_text"),
                                          ("x" * (MAX_TEXT_CHARS + 1), "text_too_long")])
def test_empty_or_overlong_text_is_refused_clearly(store: BenchStore, text: str, reason: str) -> None:
    with pytest.raises(InvalidItem) as caught:
        store.add_suggestion(text, "bs")
    assert isinstance(caught.value, ValueError) and caught.value.reason == reason
    assert store.backlog()["suggestions"] == 0


def test_the_longest_allowed_text_is_accepted(store: BenchStore) -> None:
    assert len(store.add_suggestion("ž" * MAX_TEXT_CHARS, "bs").text) == MAX_TEXT_CHARS


@pytest.mark.parametrize("kwargs, reason", [({"language": "de"}, "invalid_language"),
                                            ({"initiative_id": "park-1"}, "invalid_initiative"),
                                            ({"contact": "x" * 300, "contact_consent": True}, "invalid_contact")])
def test_other_bad_input_is_refused(store: BenchStore, kwargs: dict, reason: str) -> None:
    with pytest.raises(InvalidItem) as caught:
        store.add_suggestion("Ideja", **{"language": "bs", **kwargs})
    assert caught.value.reason == reason


def test_batches_come_oldest_first_and_sent_items_leave_the_queue(store: BenchStore) -> None:
    made = [store.add_suggestion(f"Ideja {n}", "bs") for n in range(5)]
    first = store.pending_batch("suggestions", 3)
    assert [item["id"] for item in first] == [s.id for s in made[:3]]
    assert store.mark_sent("suggestions", [item["id"] for item in first]) == 3
    assert store.mark_sent("suggestions", [first[0]["id"]]) == 0  # a repeated answer changes nothing
    assert [item["id"] for item in store.pending_batch("suggestions", 10)] == [s.id for s in made[3:]]
    assert store.backlog()["suggestions"] == 2
    assert store.suggestion_by_receipt(made[0].receipt).sync_state == "sent"


def test_failures_are_counted_and_rejections_leave_the_queue(store: BenchStore) -> None:
    kept, refused = store.add_suggestion("Prva", "bs"), store.add_suggestion("Druga", "bs")
    store.mark_failed("suggestions", [kept.id, refused.id], "ConnectionError: no route to host")
    store.mark_rejected("suggestions", {refused.id: "invalid_text"})
    assert [item["id"] for item in store.pending_batch("suggestions", 10)] == [kept.id]
    kept_now, refused_now = (store.suggestion_by_receipt(s.receipt) for s in (kept, refused))
    assert (kept_now.attempts, kept_now.last_error) == (1, "ConnectionError: no route to host")
    assert (refused_now.sync_state, refused_now.last_error) == ("rejected", "invalid_text")


def test_supports_roundtrip(store: BenchStore) -> None:
    support = store.add_support(INITIATIVE)
    assert store.pending_batch("supports", 10) == [{"id": support.id, "created_at": support.created_at,
                                                     "initiative_id": INITIATIVE}]
    assert store.backlog()["supports"] == 1
    store.mark_sent("supports", [support.id])
    assert store.pending_batch("supports", 10) == [] and store.backlog()["supports"] == 0
    with pytest.raises(InvalidItem):
        store.add_support("not-an-id")
    with pytest.raises(ValueError):
        store.pending_batch("telemetry", 10)


def test_the_backlog_reports_the_oldest_waiting_item(store: BenchStore) -> None:
    assert store.backlog() == {"suggestions": 0, "supports": 0, "joins": 0, "telemetry": 0, "oldest_pending_at": None}
    first = store.add_suggestion("Prva", "en")
    store.add_support(INITIATIVE)
    assert store.backlog()["oldest_pending_at"] == first.created_at


def test_a_receipt_finds_its_suggestion_however_it_is_typed(store: BenchStore) -> None:
    made = store.add_suggestion("Česma kod džamije", "bs")
    typed = made.receipt.replace("-", "").lower().replace("0", "o").replace("1", "l")
    assert store.suggestion_by_receipt(typed).id == made.id
    assert store.suggestion_by_receipt("ZZZZ-ZZZZ") is None and store.suggestion_by_receipt("?") is None


def test_the_fate_of_recent_suggestions_is_shown_newest_first(store: BenchStore) -> None:
    made = [store.add_suggestion(f"Ideja {n}", "sr-Latn") for n in range(4)]
    assert store.update_status(made[1].receipt.lower(), "confirmed", "Uvršteno u plan za 2027.")
    assert not store.update_status("ZZZZ-ZZZZ", "declined")
    recent = store.recent_suggestions(3)
    assert [s.id for s in recent] == [s.id for s in reversed(made[1:])]
    assert (recent[-1].server_state, recent[-1].server_note) == ("confirmed", "Uvršteno u plan za 2027.")


def test_cursors_persist(tmp_path: Path) -> None:
    with BenchStore(tmp_path / "b.sqlite3") as store:
        assert store.get_cursor("initiatives") is None
        store.set_cursor("initiatives", "c1")
        store.set_cursor("initiatives", "c2")
    with BenchStore(tmp_path / "b.sqlite3") as store:
        assert store.get_cursor("initiatives") == "c2"


def test_a_store_from_newer_software_is_refused_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite3"
    BenchStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer"):
        BenchStore(path)


def test_a_store_belongs_to_one_thread_and_another_thread_opens_its_own(store: BenchStore) -> None:
    errors: list[BaseException] = []
    sent: list[int] = []
    made = store.add_suggestion("Iz UI niti", "bs")

    def sync_thread() -> None:
        try:
            store.backlog()
        except sqlite3.ProgrammingError as error:
            errors.append(error)
        with BenchStore(store.path) as own:
            sent.append(own.mark_sent("suggestions", [made.id]))

    worker = threading.Thread(target=sync_thread)
    worker.start()
    worker.join()
    assert len(errors) == 1 and sent == [1]
    assert store.backlog()["suggestions"] == 0


CHILD = """
import os, signal, sys
from kiosk.core.store import BenchStore
store = BenchStore(sys.argv[1])
made = store.add_suggestion("Popravite rasvjetu u parku", "bs")
sys.stdout.write(made.receipt + "\\n"); sys.stdout.flush()
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_suggestion_survives_the_process_being_killed_right_after_it_is_added(tmp_path: Path) -> None:
    path = tmp_path / "bench.sqlite3"
    BenchStore(path).close()
    receipts = []
    for _ in range(3):
        child = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                               cwd=REPO, timeout=30, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert child.returncode == -signal.SIGKILL, child.stderr
        receipts.append(child.stdout.strip())
    with BenchStore(path) as reopened:
        # What makes it hold after a power cut too: the WAL is synced on every commit.
        assert reopened.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert reopened.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        for receipt in receipts:
            kept = reopened.suggestion_by_receipt(receipt)
            assert kept is not None and kept.text == "Popravite rasvjetu u parku"
        assert reopened.backlog()["suggestions"] == 3


def test_a_support_counts_on_the_bench_until_it_is_sent(store: BenchStore) -> None:
    """The screen adds the supports the server has not heard of to its count, so a tap shows at once."""
    assert store.pending_supports() == {}
    first = store.add_support(INITIATIVE)
    store.add_support(INITIATIVE)
    assert store.pending_supports() == {INITIATIVE: 2}
    store.mark_sent("supports", [first.id])
    assert store.pending_supports() == {INITIATIVE: 1}


def test_joins_wait_in_the_outbox_like_supports(store: BenchStore) -> None:
    event = "9c2e4a10-5b7d-4e21-8f3a-1d2c3b4a5e6f"
    first, second = store.add_join(event), store.add_join(event)
    assert store.pending_joins() == {event: 2} and store.backlog()["joins"] == 2
    assert [item["event_id"] for item in store.pending_batch("joins", 10)] == [event, event]
    store.mark_sent("joins", [first])
    assert store.pending_joins() == {event: 1} and [i["id"] for i in store.pending_batch("joins", 10)] == [second]
    with pytest.raises(InvalidItem):
        store.add_join("not-an-event")


def test_a_handed_off_draft_keeps_its_id(store: BenchStore) -> None:
    """The bench's copy of a draft whose QR was shown has the draft's id: the server keeps one."""
    from kiosk.core.receipts import uuid7

    draft = str(uuid7())
    assert store.add_suggestion("Ideja s klupe", "bs", draft_id=draft).id == draft


def test_suggestions_are_counted_by_state(store: BenchStore) -> None:
    first = store.add_suggestion("Više klupa", "bs")
    store.add_suggestion("Sjena", "bs")
    store.add_suggestion("Voda", "bs")
    store.update_status(first.receipt, "confirmed")
    assert store.suggestion_counts() == {"pending": 2, "confirmed": 1}
