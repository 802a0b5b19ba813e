"""One citizen's visit: how many suggestions they sent and what they supported, wiped when the
kiosk resets (supports, joins, suggestions sent). The suggestion form's widgets hold what is being typed; this holds what was done.

Limits keep the bench a place for people, not scripts: a handful of suggestions per session,
never the same text twice in a row, one support per initiative."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

MAX_SUGGESTIONS_PER_SESSION = 5


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).casefold().split())
    return norm(a) == norm(b)


@dataclass
class Session:
    supported: set[str] = field(default_factory=set)
    joined: set[str] = field(default_factory=set)  # events this visitor tapped "I'll join" on
    sent: int = 0
    last_sent_text: str | None = None

    def refusal(self, text: str) -> str | None:
        """Why this text may not be sent now ("limit", "duplicate"), or None."""
        if self.sent >= MAX_SUGGESTIONS_PER_SESSION:
            return "limit"
        if self.last_sent_text is not None and _same_text(text, self.last_sent_text):
            return "duplicate"
        return None

    def record_sent(self, text: str) -> None:
        self.sent += 1
        self.last_sent_text = text
