"""Validation of what benches send: per-item reasons, receipts, time stamps, text rules."""
from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sync_server.clock import iso, parse_rfc3339
from sync_server.municipalities import NETWORK, resolve, slugify
from sync_server.receipts import ALPHABET, normalise_receipt
from sync_server.settings import Settings
from sync_server.wire import Rejection, SuggestionIn, check_suggestion, check_support, clean_text

from .helpers import suggestion

SETTINGS = Settings()


@pytest.mark.parametrize(("fields", "reason"), [
    ({"id": "not-a-uuid"}, "invalid_id"),
    ({"id": None}, "invalid_id"),
    ({"created_at": "2026-11-23 10:15"}, "invalid_created_at"),
    ({"created_at": "2026-11-23T10:15:00"}, "invalid_created_at"),  # no offset
    ({"created_at": 1732350000}, "invalid_created_at"),
    ({"created_at": "0001-01-01T00:00:00+01:00"}, "invalid_created_at"),  # before year 1 in UTC
    ({"created_at": "9999-12-31T23:59:59-01:00"}, "invalid_created_at"),
    ({"created_at": "2026-02-30T10:00:00Z"}, "invalid_created_at"),
    ({"language": "de"}, "invalid_language"),
    ({"language": "SR-LATN"}, "invalid_language"),
    ({"text": "   \n "}, "empty_text"),
    ({"text": "a" * 2001}, "text_too_long"),
    ({"text": "nul\x00byte"}, "invalid_text"),
    ({"text": "bell\x07"}, "invalid_text"),
    ({"text": "lone \ud800 surrogate"}, "invalid_text"),
    ({"text": 42}, "invalid_text"),
    ({"initiative_id": "abc"}, "unknown_initiative"),
    ({"receipt": "K7M2-Q9XU"}, "invalid_receipt"),  # U is not in Crockford's alphabet
    ({"category": "x" * 201}, "invalid_category"),
    ({"contact": "\x00", "contact_consent": True}, "invalid_contact"),
])
def test_invalid_items_are_rejected_with_a_reason(fields, reason):
    result = check_suggestion(suggestion(**fields), SETTINGS)
    assert isinstance(result, Rejection) and result.reason == reason


def test_a_valid_item_is_normalised():
    item = suggestion(id="0193F1C2-7D4E-7A00-8B1C-2F3E4D5A6B7C", text="  Z\u030cepc\u030ce\r\nzove\t ",
                      created_at="2026-11-23T10:15:00.123456789+01:00", receipt="k7m2 q9xd",
                      contact="ana@example.org", contact_consent=True, draft_token="ignored")
    result = check_suggestion(item, SETTINGS)
    assert isinstance(result, SuggestionIn)
    assert result.sent_id == item["id"] and result.id == item["id"].lower()
    assert result.text == "Žepče\nzove" and unicodedata.is_normalized("NFC", result.text)
    assert result.created_at == "2026-11-23T09:15:00.123456Z"
    assert result.receipt == "K7M2-Q9XD" and result.contact == "ana@example.org"


def test_blank_optional_fields_mean_none():
    result = check_suggestion(suggestion(category="  ", contact="", contact_consent=True), SETTINGS)
    assert isinstance(result, SuggestionIn) and result.category is None and result.contact is None


def test_supports_need_an_initiative():
    assert check_support({"id": "0193f1c2-7d4e-7a00-8b1c-2f3e4d5a6b7c", "created_at": "2026-11-23T10:00:00Z"}) \
        == Rejection("0193f1c2-7d4e-7a00-8b1c-2f3e4d5a6b7c", "unknown_initiative")


@given(st.text(alphabet=ALPHABET, min_size=8, max_size=8), st.booleans(), st.booleans())
def test_receipts_are_read_in_any_case_with_or_without_dash(code, lower, dash):
    typed = code.lower() if lower else code
    typed = f"{typed[:4]}-{typed[4:]}" if dash else typed
    assert normalise_receipt(typed) == f"{code[:4]}-{code[4:]}"


def test_receipt_aliases_for_confusable_letters():
    assert normalise_receipt("O1LI-oooo") == "0111-0000"
    assert normalise_receipt("K7M2-Q9X") is None and normalise_receipt(None) is None


@given(st.datetimes(), st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59), st.booleans())
def test_rfc3339_round_trips_to_one_canonical_form(naive, offset_minutes, zulu):
    moment = naive.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    assume(datetime.min.replace(tzinfo=timezone.utc) + timedelta(days=1) < moment
           < datetime.max.replace(tzinfo=timezone.utc) - timedelta(days=1))
    text = moment.isoformat()
    if zulu and offset_minutes == 0:
        text = text.replace("+00:00", "Z")
    parsed = parse_rfc3339(text)
    assert parsed == moment and iso(parsed) == iso(moment)


@given(st.text(max_size=3000))
def test_clean_text_never_lets_control_characters_or_overlong_text_through(text):
    result = clean_text(text, 2000)
    if isinstance(result, str):
        assert 0 < len(result) <= 2000 and result == result.strip()
        assert all(c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs") for c in result)
        result.encode("utf-8")


@pytest.mark.parametrize("name", NETWORK)
def test_every_municipality_resolves_by_name_slug_and_sloppy_typing(name):
    slugs = {slugify(n): n for n in NETWORK}
    slug = slugify(name)
    assert slug.isascii() and " " not in slug
    assert resolve(slugs, name) == resolve(slugs, slug) == resolve(slugs, name.upper()) == slug
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    assert resolve(slugs, folded.lower()) == slug


def test_known_slugs():
    assert slugify("Žepče") == "zepce" and slugify("Novi Grad") == "novi-grad"
    assert slugify("Zavidovići") == "zavidovici" and slugify("Berkovići") == "berkovici"
    with pytest.raises(ValueError):
        resolve({"zepce": "Žepče"}, "Sarajevo")
