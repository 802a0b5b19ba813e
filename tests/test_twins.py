"""Contract tests for the deliberate twins: code the kiosk and the server each keep (the design
forbids them to share a module) that must give the same answers on the same inputs.

Each twin is fed the same generated inputs on both sides; a change to one side alone fails here.
The last test of each kind shows the comparison can fail (a twin with one rule changed is caught).
"""
from __future__ import annotations

import io
import logging
import secrets
import uuid

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kiosk.core import handoff as bench_handoff
from kiosk.core import logs as bench_logs
from kiosk.core import receipts as bench_receipts
from kiosk.core import store as bench_store
from kiosk.core import text as bench_text
from sync_server import handoff as server_handoff
from sync_server import logs as server_logs
from sync_server import receipts as server_receipts
from sync_server import wire as server_wire
from sync_server.db import open_database
from sync_server.i18n import script as server_script
from sync_server.services.benches import add_bench

SERBIAN_CYRILLIC = "абвгдђежзијклљмнњопрстћуфхцчџш"
cyrillic_text = st.text(alphabet=SERBIAN_CYRILLIC + SERBIAN_CYRILLIC.upper() + " .,-!?0123456789abcšđ\n",
                        max_size=60)
# What people type: a code's characters in any case, with spaces, tabs or dashes anywhere.
receipt_like = st.lists(st.one_of(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
                                  st.sampled_from([" ", "-", "\t", "  ", "\n"])), max_size=24).map("".join)
any_text = st.text(max_size=80)


# --- receipt codes ---------------------------------------------------------------------------

def test_both_sides_use_one_receipt_alphabet() -> None:
    assert bench_receipts.RECEIPT_ALPHABET == server_receipts.ALPHABET


@given(receipt_like)
@settings(max_examples=400)
@example("ABCD\tEFGH")
@example("K7M2-Q9XD" + " " * 11)
def test_a_receipt_typed_anywhere_normalises_the_same(typed: str) -> None:
    assert bench_receipts.normalise_receipt(typed) == server_receipts.normalise_receipt(typed)


def test_a_receipt_the_bench_draws_is_one_the_server_keeps_as_it_is() -> None:
    for _ in range(200):
        code = bench_receipts.new_receipt()
        assert server_receipts.normalise_receipt(code) == code


# --- Serbian Cyrillic to Latin ---------------------------------------------------------------

@given(cyrillic_text)
@settings(max_examples=400)
def test_serbian_latin_is_derived_the_same_on_both_sides(text: str) -> None:
    assert bench_text.cyrillic_to_latin(text) == server_script.to_latin(text)


@pytest.mark.parametrize("cyrillic", ["Жепче", "Љубиње", "ЏЕП", "њива", "Ђорђе Ћоровић", "ЉУБИЊЕ", "ПУЉ", "Џ.", "аЉ"])
def test_known_towns_and_names_agree(cyrillic: str) -> None:
    assert bench_text.cyrillic_to_latin(cyrillic) == server_script.to_latin(cyrillic)


# --- text cleaning ---------------------------------------------------------------------------

@given(any_text)
@settings(max_examples=600)
def test_a_text_the_bench_accepts_reaches_the_server_unchanged(typed: str) -> None:
    """The bench cleans what was typed before it queues it; the server must then store exactly
    that text (not reject it, not change it), or a thanked-for suggestion would be lost."""
    limit = 2000
    try:
        cleaned = bench_store.clean_text(typed, limit, what="text")
    except bench_store.InvalidItem:
        return
    assert server_wire.clean_text(cleaned, limit) == cleaned


def test_the_text_comparison_can_fail() -> None:
    """A bench that kept a control character would be caught by the test above."""
    assert isinstance(server_wire.clean_text("Klupa\x07 u parku", 2000), server_wire.Rejection)


# --- log lines -------------------------------------------------------------------------------

def log_line(module, **extra: object) -> str:
    stream = io.StringIO()
    module.setup_logging("json", stream=stream)
    try:
        logging.getLogger("smart_bench.contract").info("round %s done", 3, extra=extra)
    finally:
        logging.basicConfig(handlers=[logging.NullHandler()], force=True)
    return stream.getvalue()


def test_log_lines_have_one_shape_on_both_sides() -> None:
    import json

    bench = json.loads(log_line(bench_logs, sent=4, token="secret", contact="ana@example.ba"))
    server = json.loads(log_line(server_logs, sent=4, token="secret", contact="ana@example.ba"))
    assert bench.keys() == server.keys() == {"time", "level", "logger", "message", "sent", "token", "contact"}
    for line in (bench, server):
        assert line["message"] == "round 3 done" and line["level"] == "INFO" and line["sent"] == 4
        assert line["token"] == line["contact"] == "[redacted]"
        assert line["time"].endswith("Z")
    assert bench_logs.REDACTED == server_logs.REDACTED
    assert bench_logs.TEXT_FORMAT == server_logs.TEXT_FORMAT


# --- the continue-on-your-phone link -----------------------------------------------------------

@pytest.fixture(scope="module")
def server_db(tmp_path_factory):
    from sync_server.sample import load_sample

    db = open_database(tmp_path_factory.mktemp("twins") / "server.db")
    load_sample(db)
    server_key = secrets.token_bytes(32)  # as the key file holds it
    token = add_bench(db, "zepce-01", "zepce", server_key=server_key)
    yield db, token, server_key
    db.close()


@given(text=st.text(min_size=1, max_size=400), language=st.sampled_from(["bs", "hr", "sr", "sr-Latn", "en"]))
@settings(max_examples=60, deadline=None)
def test_a_link_the_bench_signs_is_read_back_by_the_server(server_db, text: str, language: str) -> None:
    db, token, server_key = server_db
    draft_id = str(uuid.uuid4())
    url = bench_handoff.continue_url("https://klupe.example.ba", "zepce-01", token, draft_id, text, language)
    link = url.split("/c/", 1)[1]
    draft = server_handoff.read_draft(db, link, server_key)
    assert (draft.bench_id, draft.draft_id, draft.language) == ("zepce-01", draft_id, language)
    assert draft.text == text[:bench_handoff.MAX_TEXT] and draft.cut == (len(text) > bench_handoff.MAX_TEXT)
    assert draft.municipality == "zepce"


def test_a_link_signed_with_another_token_is_refused(server_db) -> None:
    db, _, server_key = server_db
    url = bench_handoff.continue_url("https://k.ba", "zepce-01", "not-the-token", str(uuid.uuid4()), "Ideja", "bs")
    with pytest.raises(server_handoff.HandoffError):
        server_handoff.read_draft(db, url.split("/c/", 1)[1], server_key)
