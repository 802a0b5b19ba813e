"""One citizen's visit: what they typed, supported and sent, wiped when the kiosk resets.

No Kivy here. Limits keep the bench a place for people, not scripts: a handful of suggestions per
session, never the same text twice in a row, one support per initiative."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

MAX_SUGGESTIONS_PER_SESSION = 5


@dataclass
class Draft:
    text: str = ""
    category: str | None = None
    initiative_id: str | None = None
    contact: str = ""
    contact_consent: bool = False


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).casefold().split())
    return norm(a) == norm(b)


@dataclass
class Session:
    draft: Draft = field(default_factory=Draft)
    supported: set[str] = field(default_factory=set)
    sent: int = 0
    last_sent_text: str | None = None
    receipts: list[str] = field(default_factory=list)

    def refusal(self, text: str) -> str | None:
        """Why this text may not be sent now ("limit", "duplicate"), or None."""
        if self.sent >= MAX_SUGGESTIONS_PER_SESSION:
            return "limit"
        if self.last_sent_text is not None and _same_text(text, self.last_sent_text):
            return "duplicate"
        return None

    def record_sent(self, text: str, receipt: str) -> None:
        self.sent += 1
        self.last_sent_text = text
        self.receipts.append(receipt)
        self.draft = Draft()

    @property
    def has_unsaved_input(self) -> bool:
        return bool(self.draft.text.strip() or self.draft.contact.strip())
