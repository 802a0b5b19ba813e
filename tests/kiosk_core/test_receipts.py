"""Ids made on the bench sort by time; receipt codes are short, random and forgiving to type."""
from __future__ import annotations

import re
import time
import uuid

from hypothesis import given, strategies as st

from kiosk.core.receipts import RECEIPT_ALPHABET, new_receipt, normalise_receipt, uuid7, uuid7_time_ms


def test_uuid7_is_a_version_7_rfc_uuid_carrying_the_current_time() -> None:
    before = time.time_ns() // 1_000_000
    made = uuid7()
    after = time.time_ns() // 1_000_000
    assert made.version == 7 and made.variant == uuid.RFC_4122
    assert before <= uuid7_time_ms(made) <= after + 1


def test_uuid7s_made_in_a_burst_are_unique_and_strictly_increasing() -> None:
    ids = [uuid7() for _ in range(20_000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert [str(i) for i in ids] == sorted(str(i) for i in ids)  # text order too, as SQLite sees it


def test_receipt_codes_look_like_the_printed_example_and_avoid_confusable_letters() -> None:
    codes = {new_receipt() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code) for code in codes)
    assert not set("ILOU") & set("".join(codes))


def test_a_code_typed_sloppily_is_recognised() -> None:
    assert normalise_receipt("k7m2q9xd") == "K7M2-Q9XD"
    assert normalise_receipt(" K7M2 - Q9XD ") == "K7M2-Q9XD"
    assert normalise_receipt("oo1l-I0AB") == "0011-10AB"


def test_what_cannot_be_a_code_is_refused() -> None:
    for typed in ("", "K7M2-Q9X", "K7M2-Q9XDZ", "K7M2-Q9XU", "K7M2_Q9XD", "Ж7M2-Q9XD", "x" * 100):
        assert normalise_receipt(typed) is None, typed


@given(st.text(alphabet=RECEIPT_ALPHABET, min_size=8, max_size=8), st.booleans())
def test_every_code_survives_lower_case_and_a_missing_dash(compact: str, dash: bool) -> None:
    canonical = f"{compact[:4]}-{compact[4:]}"
    typed = (canonical if dash else compact).lower()
    assert normalise_receipt(typed) == canonical
