"""The service layer the moderators will drive: lifecycles, permissions, audit trail, privacy."""
from __future__ import annotations

from datetime import timedelta

import pytest

from sync_server.auth import Bench
from sync_server.clock import iso, utcnow
from sync_server.i18n.script import to_latin
from sync_server.services import privacy
from sync_server.services.benches import add_bench
from sync_server.services.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from sync_server.services.initiatives import (complete_initiative, create_initiative, get_initiative,
                                              publish_initiative, set_texts, start_initiative)
from sync_server.services.people import SYSTEM, add_user
from sync_server.services.suggestions import (confirm_suggestion, decline_suggestion, ingest_suggestions,
                                              merge_suggestion)
from sync_server.settings import Settings
from sync_server.wire import check_suggestion

from .helpers import NETWORK_INITIATIVE, TREBINJE_INITIATIVE, ZEPCE_INITIATIVE, suggestion


def _submit(db, bench_id="b1", municipality="zepce", **fields):
    if not db.execute("SELECT 1 FROM benches WHERE id = ?", [bench_id]).fetchone():
        add_bench(db, bench_id, municipality)
    item = suggestion(**fields)
    result = ingest_suggestions(db, Bench(bench_id, municipality, None), [check_suggestion(item, Settings())])
    assert result["accepted"] == [item["id"]]
    return item["id"]


def _audit(db, entity_id):
    return db.execute("SELECT actor, from_state, to_state FROM audit WHERE entity_id = ? AND action = 'status' "
                      "ORDER BY id", [entity_id]).fetchall()


def test_initiative_lifecycle_is_audited_with_who_and_when(db):
    add_user(db, "mira", "moderator", "correct horse battery", ["Žepče"])
    initiative = create_initiative(db, "mira", municipality="zepce", original_language="bs",
                                   texts={"bs": {"title": "Česma"}}, category="water")
    publish_initiative(db, "mira", initiative)
    start_initiative(db, "mira", initiative)
    complete_initiative(db, "mira", initiative)
    assert _audit(db, initiative) == [("mira", "draft", "published"), ("mira", "published", "in_progress"),
                                      ("mira", "in_progress", "done")]
    assert db.execute("SELECT count(*) FROM audit WHERE entity_id = ? AND at IS NOT NULL",
                      [initiative]).fetchone()[0] == 4  # create + three moves
    with pytest.raises(InvalidTransition):
        publish_initiative(db, "mira", initiative)


def test_initiative_needs_a_title_and_a_known_language(db):
    with pytest.raises(InvalidInput):
        create_initiative(db, SYSTEM, municipality=None, original_language="bs", texts={"bs": {"title": " "}})
    with pytest.raises(InvalidInput):
        create_initiative(db, SYSTEM, municipality=None, original_language="de", texts={"de": {"title": "X"}})
    with pytest.raises(InvalidInput):
        create_initiative(db, SYSTEM, municipality="Sarajevo", original_language="bs", texts={"bs": {"title": "X"}})


def test_editing_texts_makes_the_initiative_change_for_benches(db):
    seq = db.execute("SELECT seq FROM initiatives WHERE id = ?", [ZEPCE_INITIATIVE]).fetchone()[0]
    set_texts(db, SYSTEM, ZEPCE_INITIATIVE, {"hr": {"title": "Više kanti uz Bosnu"}})
    new_seq, = db.execute("SELECT seq FROM initiatives WHERE id = ?", [ZEPCE_INITIATIVE]).fetchone()
    assert new_seq > seq
    assert db.execute("SELECT title FROM initiative_texts WHERE initiative_id = ? AND language = 'hr'",
                      [ZEPCE_INITIATIVE]).fetchone() == ("Više kanti uz Bosnu",)


def test_moderators_act_only_in_their_municipalities(db):
    add_user(db, "mira", "moderator", "correct horse battery", ["zepce", "Maglaj"])
    add_user(db, "tom", "maintainer", "correct horse battery")
    add_user(db, "ada", "admin", "correct horse battery")
    trebinje = _submit(db, "b-trebinje", "trebinje")
    zepce = _submit(db)
    with pytest.raises(Forbidden):
        confirm_suggestion(db, "mira", trebinje)
    with pytest.raises(Forbidden):
        confirm_suggestion(db, "tom", zepce)
    with pytest.raises(Forbidden):
        create_initiative(db, "mira", municipality=None, original_language="bs", texts={"bs": {"title": "Svi"}})
    with pytest.raises(Forbidden):
        confirm_suggestion(db, "nobody", zepce)
    confirm_suggestion(db, "mira", zepce)
    confirm_suggestion(db, "ada", trebinje)
    assert _audit(db, zepce) == [("mira", "received", "confirmed")]
    assert _audit(db, trebinje) == [("ada", "received", "confirmed")]


def test_suggestion_lifecycle(db):
    first, second, third = _submit(db), _submit(db), _submit(db)
    confirm_suggestion(db, SYSTEM, first)
    merge_suggestion(db, SYSTEM, first, NETWORK_INITIATIVE)
    with pytest.raises(InvalidInput):
        decline_suggestion(db, SYSTEM, second, "  ")
    decline_suggestion(db, SYSTEM, second, "Out of scope")
    with pytest.raises(InvalidTransition):
        confirm_suggestion(db, SYSTEM, second)
    with pytest.raises(NotFound):
        merge_suggestion(db, SYSTEM, third, "00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFound):
        confirm_suggestion(db, SYSTEM, "00000000-0000-4000-8000-000000000000")
    rows = dict((r[0], r[1:]) for r in db.execute(
        "SELECT id, state, merged_into, decline_reason, closed_at IS NOT NULL FROM suggestions"))
    assert rows[first] == ("merged", NETWORK_INITIATIVE, None, 1)
    assert rows[second] == ("declined", None, "Out of scope", 1)
    assert rows[third] == ("received", None, None, 0)


def test_contact_is_stored_only_with_consent(db):
    kept = _submit(db, contact="ana@example.org", contact_consent=True)
    dropped = _submit(db, contact="ben@example.org")
    not_consent = _submit(db, contact="cid@example.org", contact_consent="yes")
    contacts = dict(db.execute("SELECT id, contact FROM suggestions").fetchall())
    assert (contacts[kept], contacts[dropped], contacts[not_consent]) == ("ana@example.org", None, None)


def test_contacts_of_closed_suggestions_are_erased_after_retention(db):
    old_closed = _submit(db, contact="a@example.org", contact_consent=True)
    fresh_closed = _submit(db, contact="b@example.org", contact_consent=True)
    still_open = _submit(db, contact="c@example.org", contact_consent=True)
    decline_suggestion(db, SYSTEM, old_closed, "duplicate")
    decline_suggestion(db, SYSTEM, fresh_closed, "duplicate")
    db.execute("UPDATE suggestions SET closed_at = ? WHERE id = ?", [iso(utcnow() - timedelta(days=91)), old_closed])
    db.execute("UPDATE suggestions SET received_at = ? WHERE id = ?", [iso(utcnow() - timedelta(days=400)), still_open])
    assert privacy.purge_expired_contacts(db, retention_days=90) == 1
    contacts = dict(db.execute("SELECT id, contact FROM suggestions").fetchall())
    assert contacts == {old_closed: None, fresh_closed: "b@example.org", still_open: "c@example.org"}
    assert privacy.purge_expired_contacts(db, retention_days=90) == 0


def test_export_and_erase_by_receipt(db):
    suggestion_id = _submit(db, receipt="K7M2-Q9XD", contact="ana@example.org", contact_consent=True,
                            text="Moja ideja")
    decline_suggestion(db, SYSTEM, suggestion_id, "Ana asked us to")
    exported = privacy.export_receipt(db, "k7m2q9xd")
    assert exported["suggestion"]["text"] == "Moja ideja"
    assert exported["suggestion"]["contact"] == "ana@example.org"
    assert [h["to_state"] for h in exported["history"]] == ["declined"]
    privacy.erase_receipt(db, "K7M2Q9XD")
    assert db.execute("SELECT count(*) FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()[0] == 0
    notes = db.execute("SELECT action, note FROM audit WHERE entity_id = ? ORDER BY id", [suggestion_id]).fetchall()
    assert notes == [("status", None), ("export", None), ("erase", None)]
    with pytest.raises(NotFound):
        privacy.export_receipt(db, "K7M2-Q9XD")


def test_a_duplicate_receipt_rejects_the_second_suggestion(db):
    _submit(db, receipt="K7M2-Q9XD")
    add_bench(db, "b2", "zepce")
    item = suggestion(receipt="k7m2q9xd")
    result = ingest_suggestions(db, Bench("b2", "zepce", None), [check_suggestion(item, Settings())])
    assert result == {"accepted": [], "rejected": [{"id": item["id"], "reason": "duplicate_receipt"}]}


def test_a_failing_batch_stores_nothing(db, monkeypatch):
    """All or nothing: if storing one item fails, the items before it are rolled back too."""
    add_bench(db, "b1", "zepce")
    items = [check_suggestion(suggestion(), Settings()) for _ in range(3)]
    broken = check_suggestion(suggestion(initiative_id=ZEPCE_INITIATIVE), Settings())
    import sync_server.services.suggestions as module

    def explode(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "visible_to", explode)
    with pytest.raises(RuntimeError):
        ingest_suggestions(db, Bench("b1", "zepce", None), [*items, broken])
    assert db.execute("SELECT count(*) FROM suggestions").fetchone()[0] == 0


def test_sample_serbian_is_written_in_cyrillic_and_derived_in_latin(db):
    texts = get_initiative(db, TREBINJE_INITIATIVE)["texts"]
    assert texts["sr"]["title"] == "[ПРИМЈЕР] Бициклистичка стаза до Арсенала"
    assert texts["sr-Latn"]["title"] == "[PRIMJER] Biciklistička staza do Arsenala"
    assert to_latin("Џеп, Љиљана, њива, Ђурђевак") == "Džep, Ljiljana, njiva, Đurđevak"
    assert to_latin("ЉУБИЊЕ, ЏЕП, ПУЉ") == "LJUBINJE, DŽEP, PULJ"
