"""The contact field takes an e-mail address or a phone number, nothing else."""
from __future__ import annotations

import pytest

from kiosk.core.privacy import is_contact


@pytest.mark.parametrize("text", ["ana@example.org", " ana.b+klupe@mail.example.ba ", "061 123 456",
                                  "+387 61 123 456", "061/123-456", "00387 33 123456"])
def test_an_address_or_a_phone_number_is_a_contact(text):
    assert is_contact(text)


@pytest.mark.parametrize("text", ["ana", "ana@", "@example.org", "061", "12345", "ana 061 123 456",
                                  "ana@example.org 061 123 456", ""])
def test_anything_else_is_refused(text):
    assert not is_contact(text)
