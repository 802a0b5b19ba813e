"""What became of the ideas from this bench, counted by state. A public screen: no texts (an
unmoderated one could be anything) and no receipt codes (they are each visitor's own; a visitor
follows theirs with the QR code of the thank-you screen)."""
from __future__ import annotations

from typing import Any

from kiosk.ui.names import SUGGESTION_STATES, translated
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.tr import _, ngettext

load_kv(__file__)

# The order of a suggestion's life: waiting, under moderation, then its outcome.
STATE_ORDER = ("pending", "sent", "received", "confirmed", "merged", "declined", "rejected")


def state_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    """One row per state that has ideas, in the order of a suggestion's life."""
    known = [state for state in STATE_ORDER if counts.get(state)]
    unknown = sorted(state for state in counts if state not in STATE_ORDER and counts[state])
    return [{"state": translated(SUGGESTION_STATES, state),
             "count": ngettext("{count} idea", "{count} ideas", counts[state]).format(count=counts[state]),
             "outcome": state in ("confirmed", "merged")}
            for state in known + unknown]


class ResultsScreen(KioskScreen):
    def on_kv_post(self, *args: Any) -> None:
        self.app.bind(language=lambda *_: self._show(), store_version=lambda *_: self._show())

    def prepare(self, **kwargs: Any) -> None:
        self._show()

    def _show(self) -> None:
        rows = state_rows(self.app.store.suggestion_counts())
        self.ids.list.data = rows
        self.ids.empty.text = "" if rows else _("No ideas have been sent from this bench yet. Be the first!")
