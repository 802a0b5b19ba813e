"""Contact details typed into a public text: pointed out before sending, so the citizen chooses."""
from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers as people here write them: +387 61 123 456, 061/123-456, 00387 33 123456.
_PHONE = re.compile(r"(?<!\w)(?:\+|00)?\d[\d /.-]{6,}\d(?!\w)")


def contact_details(text: str) -> list[str]:
    """E-mail addresses and phone numbers (at least 8 digits) found in ``text``, in order."""
    found = [(m.start(), m.group()) for m in _EMAIL.finditer(text)]
    found += [(m.start(), m.group()) for m in _PHONE.finditer(text)
              if sum(c.isdigit() for c in m.group()) >= 8]
    return [value for _, value in sorted(found)]


def without_contact_details(text: str) -> str:
    """``text`` with every detail ``contact_details`` finds removed."""
    for value in contact_details(text):
        text = text.replace(value, "")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def is_contact(text: str) -> bool:
    """Whether ``text`` is one e-mail address or one phone number and nothing else: what the
    contact field of the form may hold (so "ana" is refused, not kept as a way to reach someone)."""
    text = text.strip()
    return text in contact_details(text) and bool(_EMAIL.fullmatch(text) or _PHONE.fullmatch(text))
