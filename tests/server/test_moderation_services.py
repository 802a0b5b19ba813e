"""The moderation services of issue #12 on a real SQLite file: the paged queue and its totals,
undo, bulk decisions, decline templates, duplicates, the monthly summary and the spreadsheets."""
from __future__ import annotations

import io
import uuid

import openpyxl
import pytest

from sync_server.auth import Bench
from sync_server.db import Database
from sync_server.services.benches import add_bench
from sync_server.services.decisions import decide_many, hide_suggestion, last_decision, undo_last, unhide_suggestion
from sync_server.services.decline_templates import add_template, template_text, templates_for
from sync_server.services.duplicates import duplicate_groups, similar_to
from sync_server.services.errors import Forbidden, InvalidInput, InvalidTransition
from sync_server.services.moderation import QueueFilter, get_suggestion, queue_page, totals
from sync_server.services.people import add_user
from sync_server.services.reports import monthly_summary
from sync_server.services.suggestions import confirm_suggestion, decline_suggestion, ingest_suggestions, status_by_receipt
from sync_server.similarity import fold, group
from sync_server.spreadsheet import to_csv, to_xlsx
from sync_server.web.local_time import local_month, local_time
from sync_server.wire import SuggestionIn
from tests.server.helpers import ZEPCE_INITIATIVE


@pytest.fixture
def zepce(db: Database) -> Bench:
    add_bench(db, "b-1", "zepce")
    add_user(db, "ana", "moderator", "long enough password", ("zepce",))
    add_user(db, "eve", "moderator", "long enough password", ("mostar",))
    return Bench("b-1", "zepce", None)


def store(db: Database, bench: Bench, texts: list[str], day: int = 1) -> list[str]:
    items = [SuggestionIn(str(n), str(uuid.uuid4()), f"2026-07-{day:02d}T{10 + n // 60:02d}:{n % 60:02d}:00.000000Z",
                          text, "bs", None, None, None, None) for n, text in enumerate(texts)]
    ingest_suggestions(db, bench, items)
    return [i.id for i in items]


def test_pages_cover_the_queue_once_with_totals(db: Database, zepce: Bench) -> None:
    ids = store(db, zepce, [f"ideja {n}" for n in range(120)])
    f = QueueFilter(["zepce"], sort="written", oldest_first=True)
    pages = [queue_page(db, f, n, size=50) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [120] * 3 and pages[0].pages == 3
    assert [r["id"] for p in pages for r in p.rows] == ids
    assert queue_page(db, f, 99, size=50).number == 3  # past the end: the last page
    hide_suggestion(db, "ana", ids[0])
    confirm_suggestion(db, "ana", ids[1])
    assert totals(db, ["zepce"])["zepce"] == {"received": 118, "confirmed": 1, "declined": 0, "merged": 0, "hidden": 1}
    assert queue_page(db, QueueFilter(["zepce"], view="hidden"), 1).total == 1


def test_undo_takes_back_the_last_decision_only(db: Database, zepce: Bench) -> None:
    first, second = store(db, zepce, ["Prvi prijedlog", "Drugi prijedlog"])
    decline_suggestion(db, "ana", first, "Nije u nadležnosti općine.")
    assert last_decision(db, "ana").to_state == "declined"
    assert undo_last(db, "ana") == first
    row = get_suggestion(db, first)
    assert (row["state"], row["decline_reason"]) == ("received", None)
    assert last_decision(db, "ana") is None  # an undo is not undone
    with pytest.raises(InvalidTransition):
        undo_last(db, "ana")
    hide_suggestion(db, "ana", second)
    undo_last(db, "ana")
    assert get_suggestion(db, second)["hidden_at"] is None


def test_undo_refused_when_someone_changed_it_since(db: Database, zepce: Bench) -> None:
    (sid,) = store(db, zepce, ["Jedan prijedlog"])
    confirm_suggestion(db, "ana", sid)
    add_user(db, "bob", "moderator", "long enough password", ("zepce",))
    decline_suggestion(db, "bob", sid, "Već urađeno.")
    assert last_decision(db, "ana") is None


def test_citizen_history_forgets_an_undone_decision(db: Database, zepce: Bench) -> None:
    items = [SuggestionIn("1", str(uuid.uuid4()), "2026-07-01T10:00:00.000000Z", "Tekst", "bs", None, "ABCD-2345",
                          None, None)]
    ingest_suggestions(db, zepce, items)
    decline_suggestion(db, "ana", items[0].id, "Greška")
    undo_last(db, "ana")
    assert [h["state"] for h in status_by_receipt(db, "ABCD-2345")["history"]] == ["received"]


def test_bulk_is_all_or_nothing_and_audited_per_item(db: Database, zepce: Bench) -> None:
    ids = store(db, zepce, ["a", "b", "c"])
    assert decide_many(db, "ana", ids, "hide") == 3
    assert db.execute("SELECT count(*) FROM audit WHERE action = 'hide'").fetchone()[0] == 3
    for sid in ids:
        unhide_suggestion(db, "ana", sid)
    decline_suggestion(db, "ana", ids[2], "Ne")
    with pytest.raises(InvalidTransition):  # a declined one cannot be confirmed: nothing changes
        decide_many(db, "ana", ids, "confirm")
    assert [get_suggestion(db, i)["state"] for i in ids] == ["received", "received", "declined"]
    with pytest.raises(Forbidden):
        decide_many(db, "eve", ids[:2], "confirm")
    assert decide_many(db, "ana", ids[:2], "merge", initiative_id=ZEPCE_INITIATIVE) == 2
    with pytest.raises(InvalidInput):
        decide_many(db, "ana", ids[:2], "decline", reason="  ")


def test_decline_templates_per_municipality(db: Database, zepce: Bench) -> None:
    tid = add_template(db, "ana", "zepce", "  Nije u nadležnosti općine.  ")
    assert templates_for(db, "zepce") == [{"id": tid, "text": "Nije u nadležnosti općine."}]
    assert template_text(db, "mostar", tid) is None  # another municipality's template is not offered
    with pytest.raises(Forbidden):
        add_template(db, "eve", "zepce", "x")
    with pytest.raises(InvalidInput):
        add_template(db, "ana", "zepce", "Nije u nadležnosti općine.")


def test_fold_and_groups() -> None:
    assert fold("Ђачки ПАРК, Љубиње!") == fold("djacki park, ljubinje") == "djacki park ljubinje"
    assert fold("Česma kod ŠKOLE") == "cesma kod skole"
    texts = {"a": "Treba nam česma kod škole", "b": "ТРЕБА НАМ ЧЕСМА КОД ШКОЛЕ", "c": "Česmu kod škole, molim",
             "d": "Popraviti rasvjetu na mostu"}
    assert group(texts) == [["a", "b", "c"]]


def test_duplicates_and_similar_from_the_database(db: Database, zepce: Bench) -> None:
    ids = store(db, zepce, ["Treba nam česma kod škole", "ТРЕБА НАМ ЧЕСМА КОД ШКОЛЕ", "Nešto sasvim drugo ovdje"])
    groups = duplicate_groups(db, QueueFilter(["zepce"]))
    assert [sorted(s["id"] for s in g) for g in groups] == [sorted(ids[:2])]
    hide_suggestion(db, "ana", ids[1])
    assert similar_to(db, get_suggestion(db, ids[0])) == []  # hidden texts are not offered


def test_monthly_summary(db: Database, zepce: Bench) -> None:
    july = store(db, zepce, ["a", "b", "c"], day=1)
    store(db, zepce, ["d"], day=31)
    confirm_suggestion(db, "ana", july[0])
    decline_suggestion(db, "ana", july[1], "Ne")
    # received_at is the server's clock (today); the month is that of arrival
    (month,) = monthly_summary(db, ["zepce"], local_month)
    assert (month.received, month.confirmed, month.declined, month.open) == (4, 1, 1, 2)
    assert month.median_hours_to_decision is not None and month.median_hours_to_decision < 1


def test_spreadsheets_open_right_in_the_region() -> None:
    body = to_csv(["a", "b"], [["=cmd()", "Žepče; dva"], [1, None]])
    assert body.startswith(b"\xef\xbb\xbfa;b\r\n'=cmd();\"\xc5\xbdep\xc4\x8de; dva\"\r\n1;\r\n")
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx("t", ["a"], [["=1+1"], [2]]))).active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s" and sheet["A3"].value == 2


def test_local_time_is_sarajevo() -> None:
    assert local_time("2026-07-01T22:30:00.000000Z") == "2026-07-02 00:30"  # summer: UTC+2
    assert local_time("2026-12-01T10:00:00.000000Z") == "2026-12-01 11:00"  # winter: UTC+1
    assert local_month("2026-07-31T22:30:00.000000Z") == "2026-08"
